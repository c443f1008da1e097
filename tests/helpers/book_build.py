"""The book build that the site tests read, started in the background as soon as the test run
knows it includes them (conftest.py), so that it runs beside the grading tests instead of
after them.

It is the longest single job of the suite and cannot be split across the cores, so it runs at
normal priority while the pytest workers lower theirs (`os.nice`): it keeps a core of its own,
and the grading tests share what is left. Every pytest worker may ask for the build; the first
starts it (the others find its folder taken) and any of them waits for it.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder.assignments import REPO_ROOT
from autograder.grading import math_threads
from autograder.sandbox.lifetime import die_with_parent

BUILD_TIMEOUT_S = 2400
# The deployment's repository and hub (book/_ext/launch_links.py); the test build uses these.
LAUNCH_ENV = {
    "COURSE_REPOSITORY_URL": "https://github.com/convnets-course/convnets-from-scratch",
    "COURSE_JUPYTERHUB_URL": "https://hub.example.edu",
}
# The build shares the cores with the grading tests: PyTorch with a thread per core would then
# wait on busy cores at every parallel step (ten times slower, measured).
ONE_THREAD = math_threads(1)
WORKER_NICENESS = 10  # the grading tests yield to the build, which then keeps a core


def shared_folder(config):
    """A folder of this test run that every pytest worker sees (xdist gives each worker a
    sub-folder of the run's temporary folder)."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


class BookBuild:
    """scripts/build_book.py with warnings as errors and every cell executed, into folder/output."""

    def __init__(self, folder):
        self.folder = Path(folder) / "book-build"
        self.output = self.folder / "output"
        self.log = self.folder / "build.log"
        self.returncode = self.folder / "returncode"

    @property
    def site(self):
        return self.output / "_build" / "html"

    def start(self):
        """Start the build, unless another worker did."""
        try:
            self.folder.mkdir(parents=True)
        except FileExistsError:
            return
        command = [sys.executable, str(REPO_ROOT / "scripts" / "build_book.py"), "--path-output", str(self.output)]
        command += ["--", "--warningiserror", "--keep-going", "--all"]
        tester = os.getpid()
        with self.log.open("w") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **LAUNCH_ENV, **ONE_THREAD},
                preexec_fn=lambda: die_with_parent(tester),
            )
        threading.Thread(target=self._record_exit, args=(process,), daemon=True).start()

    def _record_exit(self, process):
        try:
            code = process.wait(timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            code = f"killed after {BUILD_TIMEOUT_S} s"
        self.returncode.write_text(str(code))

    def wait(self):
        """The built site; fails with the end of the build's messages if it did not succeed."""
        self.start()
        deadline = time.monotonic() + BUILD_TIMEOUT_S + 60
        while not self.returncode.is_file():
            assert time.monotonic() < deadline, f"the book build ({self.folder}) never finished"
            time.sleep(2)
        code = self.returncode.read_text()
        assert code == "0", f"the book build failed ({code}):\n" + self.log.read_text()[-8000:]
        return self.site


def start_in_background(session):
    """If the selected tests include the site's, start the build now and lower this worker's
    priority below it."""
    if session.config.option.collectonly or not any(item.path.name == "test_book.py" for item in session.items):
        return
    BookBuild(shared_folder(session.config)).start()
    os.nice(WORKER_NICENESS)
