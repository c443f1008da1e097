"""Run nbgrader's command-line apps in a child process, in a given grading folder."""

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from .sandbox.lifetime import child_setup


@dataclass
class CommandResult:
    returncode: int
    output: str
    timed_out: bool


def child_environment(extra_env=None):
    """The environment for nbgrader: this interpreter's bin/ first on PATH, since nbgrader runs
    `alembic` (gradebook migrations) and Jupyter finds kernels by PATH, and the venv may not be
    activated."""
    bin_dir = os.path.dirname(sys.executable)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }


def wait_with_watchdog(process, timeout, progress, poll=2.0):
    """Wait for process; raise TimeoutExpired once progress() has not changed for `timeout` seconds."""
    seen, since = progress(), time.monotonic()
    while True:
        try:
            return process.communicate(timeout=poll)[0]
        except subprocess.TimeoutExpired:
            now = progress()
            if now != seen:
                seen, since = now, time.monotonic()
            elif time.monotonic() - since > timeout:
                raise


def run_nbgrader(args, folder, timeout=None, memory_limit_bytes=None, extra_env=None, progress=None):
    """Run `nbgrader ARGS` with `folder` (a grading folder) as working folder; kill the whole process group on timeout.

    nbgrader starts a kernel as a grandchild process, so a plain kill of the child would leave
    a hanging kernel behind: the child gets its own session and the group is killed.
    memory_limit_bytes caps the memory of nbgrader and of each kernel it starts. With `progress`
    (a function whose value changes as work completes), `timeout` bounds the time without progress.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=child_setup(memory_limit_bytes),
        env=child_environment(extra_env),
    )
    try:
        if progress is None or timeout is None:
            output, _ = process.communicate(timeout=timeout)
        else:
            output = wait_with_watchdog(process, timeout, progress)
        return CommandResult(process.returncode, output, timed_out=False)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return CommandResult(process.returncode, output, timed_out=True)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # a kernel left running after nbgrader exited
        except ProcessLookupError:
            pass


STUDENT_START = re.compile(r"^\[AutogradeApp \| INFO\] Creating/updating student with ID '(?P<student>[^']+)'", re.M)
STUDENT_FAILED = "There was an error processing assignment"


def student_logs(output):
    """{student: the part of a batch's `nbgrader autograde` output about that student}."""
    starts = list(STUDENT_START.finditer(output))
    ends = [match.start() for match in starts[1:]] + [len(output)]
    return {match["student"]: output[match.start() : end] for match, end in zip(starts, ends)}


def nbgrader_failed(student_log):
    """Whether nbgrader reported that it could not grade the student (it goes on with the others)."""
    return STUDENT_FAILED in student_log


UNANSWERED_CELL = re.compile(r"Timeout waiting for execute reply \((?P<seconds>\d+)s\)")


def failure_summary(student_log):
    """Why nbgrader could not grade a student, in the words an instructor needs."""
    unanswered = UNANSWERED_CELL.search(student_log)
    if unanswered:
        return (
            f"timed out: a cell ran past the {unanswered['seconds']} s cell limit and the kernel did not "
            "answer the interrupt"
        )
    return last_error_line(student_log)


def last_error_line(output):
    """The most telling line of an nbgrader log: its last ERROR/exception line, else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        if "[ERROR]" in line or line.split(":")[0].endswith(("Error", "Exception")):
            return line
    return lines[-1] if lines else "no output"
