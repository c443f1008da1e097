"""Autograde every submission of an assignment: each in its own nbgrader process and private
course folder, several at once, with time and memory limits."""
import os
import queue
import shutil
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import notebook_names
from .gradebook import max_score, remove_submission, submission_score
from .nbgrader_cli import last_error_line, run_nbgrader
from .release import prepare_course
from .submissions import collect_submissions, copy_into_course
from .workspace import import_grading, workspace_for

GRADED, FAILED, INVALID = "graded", "failed", "invalid"


@dataclass
class GradeResult:
    """The outcome for one student. A FAILED or INVALID result is a zero that did not come from the tests."""
    student: str
    status: str
    score: float
    max_score: float
    reason: str = ""
    seconds: float = 0.0


@dataclass
class Limits:
    """What one submission may use: seconds per cell, seconds in all, and memory (bytes, or None)."""
    cell_timeout: int = 60
    notebook_timeout: float = 900
    memory_bytes: int | None = 8 * 2**30


INTERRUPTIONS = {"CellTimeoutError": "timed out", "MemoryError": "out of memory"}


def interrupted_cells(course_dir, assignment, student):
    """{"timed out": [grade_id, ...], "out of memory": [...]}: cells stopped by a limit, not by a test."""
    found = {}
    for path in sorted((Path(course_dir) / "autograded" / student / assignment).glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        for number, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                kind = INTERRUPTIONS.get(output.get("ename")) if output.get("output_type") == "error" else None
                if kind:
                    name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {number}")
                    found.setdefault(kind, []).append(name)
    return found


def autograde_one(course_dir, assignment, student, limits, total, extra_env=None):
    """Run nbgrader autograde for one student already placed in course_dir/submitted/.

    Returns (GradeResult, nbgrader's output).
    """
    started = time.monotonic()
    result = run_nbgrader(["autograde", assignment, "--student", student, "--force"], course_dir,
                          timeout=limits.notebook_timeout, memory_limit_bytes=limits.memory_bytes,
                          extra_env=extra_env)
    seconds = time.monotonic() - started
    score = submission_score(course_dir, assignment, student)
    if result.timed_out or result.returncode != 0 or score is None:
        reason = (f"grading took longer than {limits.notebook_timeout:g} s and was stopped" if result.timed_out
                  else f"nbgrader could not grade it: {last_error_line(result.output)}")
        return GradeResult(student, FAILED, 0.0, total, reason, seconds), result.output
    stopped = interrupted_cells(course_dir, assignment, student)
    reason = "; ".join(f"{kind} (scored 0): {', '.join(cells)}" for kind, cells in stopped.items())
    return GradeResult(student, GRADED, score, total, reason, seconds), result.output


# A kernel that never came up is the machine's fault, not the student's (for instance two
# kernels started at once picking the same free TCP port): such a grading is tried again.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Address already in use", "kernel_info")


def grade_in_workspace(course_dir, assignment, submission, limits, total, extra_env=None, attempts=2):
    """Grade one submission in a private course and bring a finished grading into the main one.

    A failed grading removes the student's old score and autograded notebook from the main
    course: a stale grade would look like a result. nbgrader's log is kept in course_dir/logs/<student>.log.
    """
    copy_into_course(submission, course_dir, assignment)
    for attempt in range(attempts):
        workspace = workspace_for(course_dir, assignment, submission.student, limits.cell_timeout)
        copy_into_course(submission, workspace, assignment)
        result, log = autograde_one(workspace, assignment, submission.student, limits, total, extra_env)
        if result.status == GRADED or not any(sign in result.reason for sign in KERNEL_START_FAILURES):
            break
        shutil.rmtree(workspace, ignore_errors=True)
    (Path(course_dir) / "logs").mkdir(exist_ok=True)
    (Path(course_dir) / "logs" / f"{submission.student}.log").write_text(log)
    if result.status == GRADED:
        import_grading(workspace, course_dir, assignment, submission.student)
    else:
        remove_submission(course_dir, assignment, submission.student)
        shutil.rmtree(Path(course_dir) / "autograded" / submission.student / assignment, ignore_errors=True)
    shutil.rmtree(workspace, ignore_errors=True)
    return result


def visible_gpus():
    """Indices of the CUDA devices this machine has (empty without CUDA)."""
    try:
        import torch
    except ImportError:
        return []
    return list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []


def default_workers():
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def grade_assignment(assignment, submissions, course_dir, limits=None, workers=None, progress=print):
    """Grade every submission found in `submissions` into the nbgrader course at course_dir.

    `workers` submissions are graded at once (default: one per core); with several GPUs each
    worker slot sees one of them. Returns one GradeResult per student, in student order; a
    problem with one submission never stops the others.
    """
    limits = limits or Limits()
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    prepare_course(course_dir, assignment, limits.cell_timeout)
    total = max_score(course_dir, assignment)
    incoming = course_dir / "incoming"  # unpacked zips and staged LMS downloads, removed at the end
    incoming.mkdir(exist_ok=True)
    collected, notes = collect_submissions(submissions, assignment, notebook_names(assignment), incoming)
    for note in notes:
        progress(f"note: {note}")
    results, done = {}, 0

    def report(result):
        nonlocal done
        done += 1
        results[result.student] = result
        progress(f"[{done}/{len(collected)}] {result.student}: {result.status} {result.score:g}/{result.max_score:g}"
                 f" ({result.seconds:.1f} s){' - ' + result.reason if result.reason else ''}")

    for submission in collected:
        if submission.problems:
            report(GradeResult(submission.student, INVALID, 0.0, total, "; ".join(submission.problems)))
    gradable = [s for s in collected if not s.problems]
    workers = max(1, min(workers or default_workers(), len(gradable) or 1))
    gpus, slots = visible_gpus(), queue.Queue()
    for slot in range(workers):
        slots.put(slot)

    # Each kernel's math libraries would start a thread per core: with several kernels at once
    # the cores are oversubscribed and PyTorch slows down many times over. Share them out.
    threads = str(max(1, default_workers() // workers))
    thread_env = {name: threads for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}

    def grade(submission):
        slot = slots.get()
        try:
            env = dict(thread_env)
            if len(gpus) > 1:
                env["CUDA_VISIBLE_DEVICES"] = str(gpus[slot % len(gpus)])
            return grade_in_workspace(course_dir, assignment, submission, limits, total, env)
        except Exception as error:  # the grader's own failure for one student must not stop the class
            return GradeResult(submission.student, FAILED, 0.0, total, f"grader error: {error!r}")
        finally:
            slots.put(slot)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(grade, submission) for submission in gradable]):
            report(future.result())
    shutil.rmtree(course_dir / "workspaces", ignore_errors=True)
    shutil.rmtree(incoming, ignore_errors=True)
    return [results[submission.student] for submission in collected]
