"""Build student submissions for the tests: the release notebook with chosen answer cells filled in."""
from pathlib import Path

import nbformat

from autograder.assignments import EXERCISES_DIR
from autograder.pipeline.notebook_cells import answer_sources, grade_id
from autograder.variants import apply_edits, solution_answers  # noqa: F401 (re-exported for the tests)


def patched_answers(assignment, patches):
    """The solution's answers with each patch applied: {grade_id: [(old, new), ...]}.

    A patch whose `old` text is not in the solution is an error: the wrong answer would
    silently be the right one.
    """
    return apply_edits(solution_answers(assignment), {"patch": patches})


def write_submission(submitted_dir, student, assignment, answers, notebook=None, edit=None):
    """Write submitted_dir/<student>/<assignment>/<notebook>.ipynb from the release; return its path.

    edit(notebook), when given, changes the notebook further before it is written.
    """
    release = sorted((EXERCISES_DIR / assignment).glob("*.ipynb"))[0]
    nb = nbformat.read(str(release), as_version=4)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    if edit:
        edit(nb)
    target = Path(submitted_dir) / student / assignment / (notebook or release.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    return target


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


