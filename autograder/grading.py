"""Autograde every submission of an assignment, one nbgrader process per student, with time limits."""
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import notebook_names
from .gradebook import max_score, remove_submission, submission_score
from .nbgrader_cli import last_error_line, run_nbgrader
from .release import prepare_course
from .submissions import collect_submissions, copy_into_course

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


def autograde_one(course_dir, assignment, student, limits, total):
    """Autograde one student's submission already placed in course_dir/submitted/.

    A failed run leaves no score in the gradebook: nbgrader keeps the previous one otherwise.
    """
    started = time.monotonic()
    result = run_nbgrader(["autograde", assignment, "--student", student, "--force"], course_dir,
                          timeout=limits.notebook_timeout, memory_limit_bytes=limits.memory_bytes)
    seconds = time.monotonic() - started
    score = submission_score(course_dir, assignment, student)
    if result.timed_out or result.returncode != 0 or score is None:
        remove_submission(course_dir, assignment, student)
        reason = (f"grading took longer than {limits.notebook_timeout:g} s and was stopped" if result.timed_out
                  else f"nbgrader could not grade it: {last_error_line(result.output)}")
        return GradeResult(student, FAILED, 0.0, total, reason, seconds)
    stopped = interrupted_cells(course_dir, assignment, student)
    reason = "; ".join(f"{kind} (scored 0): {', '.join(cells)}" for kind, cells in stopped.items())
    return GradeResult(student, GRADED, score, total, reason, seconds)


def grade_assignment(assignment, submissions, course_dir, limits=None, progress=print):
    """Grade every submission found in `submissions` into the nbgrader course at course_dir.

    Returns one GradeResult per student; a problem with one submission never stops the others.
    """
    limits = limits or Limits()
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    expected = notebook_names(assignment)
    prepare_course(course_dir, assignment, limits.cell_timeout)
    total = max_score(course_dir, assignment)
    collected = collect_submissions(submissions, assignment, expected, course_dir)
    results = []
    for number, submission in enumerate(collected, start=1):
        label = f"[{number}/{len(collected)}] {submission.student}"
        if submission.problems:
            result = GradeResult(submission.student, INVALID, 0.0, total, "; ".join(submission.problems))
        else:
            copy_into_course(submission, course_dir, assignment)
            result = autograde_one(course_dir, assignment, submission.student, limits, total)
        progress(f"{label}: {result.status} {result.score:g}/{result.max_score:g}"
                 f" ({result.seconds:.1f} s){' - ' + result.reason if result.reason else ''}")
        results.append(result)
    return results
