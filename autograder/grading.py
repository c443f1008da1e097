"""Autograde every submission of an assignment, one nbgrader process per student, with time limits."""
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import notebook_names
from .gradebook import max_score, submission_score
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


def timed_out_cells(course_dir, assignment, student):
    """grade_ids (or cell numbers) of the cells nbgrader interrupted after the per-cell timeout."""
    names = []
    for path in sorted((Path(course_dir) / "autograded" / student / assignment).glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        for number, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError":
                    names.append(cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {number}"))
    return names


def autograde_one(course_dir, assignment, student, notebook_timeout, total):
    """Autograde one student's submission already placed in course_dir/submitted/."""
    started = time.monotonic()
    result = run_nbgrader(["autograde", assignment, "--student", student, "--force"],
                          course_dir, timeout=notebook_timeout)
    seconds = time.monotonic() - started
    if result.timed_out:
        return GradeResult(student, FAILED, 0.0, total,
                           f"grading took longer than {notebook_timeout:g} s and was stopped", seconds)
    score = submission_score(course_dir, assignment, student)
    if result.returncode != 0 or score is None:
        return GradeResult(student, FAILED, 0.0, total,
                           f"nbgrader could not grade it: {last_error_line(result.output)}", seconds)
    hung = timed_out_cells(course_dir, assignment, student)
    reason = f"timed out (scored 0): {', '.join(hung)}" if hung else ""
    return GradeResult(student, GRADED, score, total, reason, seconds)


def grade_assignment(assignment, submissions, course_dir, cell_timeout=60, notebook_timeout=900, progress=print):
    """Grade every submission found in `submissions` into the nbgrader course at course_dir.

    Returns one GradeResult per student; a problem with one submission never stops the others.
    """
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    expected = notebook_names(assignment)
    prepare_course(course_dir, assignment, cell_timeout)
    total = max_score(course_dir, assignment)
    collected = collect_submissions(submissions, assignment, expected, course_dir)
    results = []
    for number, submission in enumerate(collected, start=1):
        label = f"[{number}/{len(collected)}] {submission.student}"
        if submission.problems:
            result = GradeResult(submission.student, INVALID, 0.0, total, "; ".join(submission.problems))
        else:
            copy_into_course(submission, course_dir, assignment)
            result = autograde_one(course_dir, assignment, submission.student, notebook_timeout, total)
        progress(f"{label}: {result.status} {result.score:g}/{result.max_score:g}"
                 f" ({result.seconds:.1f} s){' - ' + result.reason if result.reason else ''}")
        results.append(result)
    return results
