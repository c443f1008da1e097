"""Private grading folders, so that submissions can be graded in parallel, and the one operation
that grades in them: `nbgrader autograde` with the limits.

Each batch grades in its own workspace, with its own copy of the gradebook: no two nbgrader
processes share a SQLite file, and a run that dies leaves the main gradebook untouched. Only a
finished grading is imported into the main grading folder (under a lock), with its autograded
notebook.
"""

import json
import shutil
import threading
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import MissingEntry
from sqlalchemy.exc import SAWarning

from .assignments import allowed_modules, forbidden_packages
from .gradebook import open_gradebook
from .grading_folder import GradingFolder
from .nbgrader_cli import child_environment, run_nbgrader
from .pipeline.config import autograde_pipeline_lines
from .sandbox.cgroups import kill_cgroup
from .sandbox.kernelspec import install_kernel, kernel_server

IMPORT_LOCK = threading.Lock()
SANDBOX_RECORD = "sandbox.json"  # where a workspace's sandbox lives outside it, for clean-up after a crash


@dataclass
class Workspace:
    """A private grading folder, the environment its nbgrader runs in, its process cgroup and the
    sandbox kernel's runtime folder."""

    folder: GradingFolder
    limits: object = None
    env: dict = field(default_factory=dict)
    cgroup: str | None = None
    runtime: Path | None = None

    def autograde(self, assignment, submissions, extra_env=None, student=None, timeout=None, watch_progress=False):
        """Copy the submissions in and run `nbgrader autograde` on them (on one `student` only, if
        given) under the memory cap. timeout: seconds in all (default: the notebook limit); with
        watch_progress, seconds without a newly autograded notebook."""
        for submission in submissions:
            self.folder.place(submission, assignment)
        autograded = self.folder.root / "autograded"
        env = {**(extra_env or {}), **self.env}
        with self.kernels(env):
            return run_nbgrader(
                ["autograde", assignment, "--force", *(["--student", student] if student else [])],
                self.folder.root,
                timeout=timeout or self.limits.notebook_timeout,
                memory_limit_bytes=self.limits.memory_bytes,
                extra_env=env,
                progress=(lambda: sum(1 for _ in autograded.glob("*/*/*.ipynb"))) if watch_progress else None,
            )

    def kernels(self, extra_env):
        """While the block runs, the sandbox kernels of this workspace can start (a no-op unsandboxed)."""
        if self.runtime is None:
            return nullcontext()
        return kernel_server(self.runtime, child_environment(extra_env), self.limits.memory_bytes)

    def remove(self):
        kill_cgroup(self.cgroup)
        shutil.rmtree(self.folder.root, ignore_errors=True)
        if self.runtime:
            shutil.rmtree(self.runtime, ignore_errors=True)


def remove_stale_workspaces(main):
    """Remove the workspaces of a run that was killed, with their sandboxes' processes and folders."""
    for path in sorted(main.workspaces.glob("*")):
        record = path / SANDBOX_RECORD
        sandbox = json.loads(record.read_text()) if record.is_file() else {}
        runtime = sandbox.get("runtime")
        Workspace(
            GradingFolder(path), cgroup=sandbox.get("cgroup"), runtime=Path(runtime) if runtime else None
        ).remove()
    shutil.rmtree(main.workspaces, ignore_errors=True)


def open_workspace(main, assignment, name, limits, reference_file, record=False):
    """A fresh private grading folder under main: the assignment's source, a gradebook copy, the
    grading config and, when sandboxed, the sandbox kernel that runs the students' code."""
    folder = GradingFolder(main.workspaces / name)
    if folder.root.exists():
        shutil.rmtree(folder.root)
    folder.source(assignment).parent.mkdir(parents=True)
    shutil.copytree(main.source(assignment), folder.source(assignment))
    shutil.copy2(main.gradebook, folder.gradebook)
    lines, env, cgroup, runtime = (
        autograde_pipeline_lines(folder.root / "source", reference_file, record),
        {},
        None,
        None,
    )
    if limits.sandbox:
        kernel_lines, env, cgroup, runtime = install_kernel(
            folder.root, forbidden_packages(assignment), allowed_modules(assignment)
        )
        (folder.root / SANDBOX_RECORD).write_text(json.dumps({"cgroup": cgroup, "runtime": str(runtime)}))
        lines += kernel_lines
    folder.write_config(limits.cell_timeout, lines)
    return Workspace(folder, limits, env, cgroup, runtime)


def import_grading(source, main, assignment, student):
    """Copy the student's autograded notebooks and grades from a grading folder (a workspace, or
    one a Dask worker sent back) into the main one."""
    with IMPORT_LOCK:
        target = main.autograded(student, assignment)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source.autograded(student, assignment), target)
        log = source.log(student)
        if log.exists():
            main.keep_log(student, log.read_text())
        with open_gradebook(source) as graded_book, open_gradebook(main) as destination:
            graded = graded_book.find_submission(assignment, student)
            destination.update_or_create_student(student)
            try:
                destination.remove_submission(assignment, student)
            except MissingEntry:
                pass
            with warnings.catch_warnings():  # nbgrader's add_submission always trips this autoflush notice
                warnings.simplefilter("ignore", SAWarning)
                destination.add_submission(assignment, student, timestamp=graded.timestamp)
            for notebook in graded.notebooks:
                copy = destination.find_submission_notebook(notebook.name, assignment, student)
                copy.flagged = notebook.flagged
                copy.late_submission_penalty = notebook.late_submission_penalty
                for grade in notebook.grades:
                    into = destination.find_grade(grade.name, notebook.name, assignment, student)
                    into.auto_score, into.manual_score = grade.auto_score, grade.manual_score
                    into.extra_credit, into.needs_manual_grade = grade.extra_credit, grade.needs_manual_grade
                for comment in notebook.comments:
                    into = destination.find_comment(comment.name, notebook.name, assignment, student)
                    into.auto_comment, into.manual_comment = comment.auto_comment, comment.manual_comment
            destination.db.commit()
