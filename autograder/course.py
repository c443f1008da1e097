"""Where things live: the repository's folders and a grading folder's nbgrader layout."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
EXERCISES_DIR = REPO_ROOT / "exercises"


def assignment_names():
    """The assignments that have a source folder in solutions/."""
    return sorted(p.name for p in SOLUTIONS_DIR.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def require_assignment(name):
    """The source folder of an assignment, or a ValueError that lists the ones that exist."""
    folder = SOLUTIONS_DIR / name
    if not folder.is_dir():
        known = ", ".join(assignment_names()) or "none"
        raise ValueError(f"no assignment {name!r} in {SOLUTIONS_DIR} (known: {known})")
    return folder


def notebook_names(assignment):
    """File names of the notebooks an assignment consists of, e.g. ['conv_numpy.ipynb']."""
    return sorted(p.name for p in require_assignment(assignment).glob("*.ipynb"))


# generate_feedback renders the autograded notebooks; RedactHiddenTests keeps hidden tests out.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.redaction.RedactHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def write_nbgrader_config(grading_dir, cell_timeout):
    """Write the nbgrader_config.py that nbgrader picks up when run inside grading_dir."""
    config = f'''# Written by `python -m autograder`; rewritten on every run.
c = get_config()
c.CourseDirectory.root = {str(grading_dir)!r}
c.CourseDirectory.db_url = {"sqlite:///" + str(Path(grading_dir) / "gradebook.db")!r}
c.Execute.timeout = {int(cell_timeout)}
c.Execute.interrupt_on_timeout = True
c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}
'''
    (Path(grading_dir) / "nbgrader_config.py").write_text(config)
