"""Build student submissions for the tests: the release notebook with chosen answer cells filled in."""

from pathlib import Path

from autograder.assignments import EXERCISES_DIR
from autograder.pipeline.notebook_cells import answer_sources
from autograder.variants import apply_edits, solution_answers, write_submission

__all__ = ["patched_answers", "release_answers", "solution_answers", "write_raw", "write_submission"]


def patched_answers(assignment, patches):
    """The solution's answers with each patch applied: {grade_id: [(old, new), ...]}.

    A patch whose `old` text is not in the solution is an error: the wrong answer would
    silently be the right one.
    """
    return apply_edits(solution_answers(assignment), {"patch": patches})


def write_raw(submitted_dir, student, assignment, name, text):
    """A file that is not what nbgrader expects (broken JSON, a wrong name): returns its path."""
    target = Path(submitted_dir) / student / assignment / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def release_answers(assignment):
    """The untouched release's answer cells (what a student who did nothing submits)."""
    release = sorted((EXERCISES_DIR / assignment).glob("*.ipynb"))[0]
    return answer_sources(release)
