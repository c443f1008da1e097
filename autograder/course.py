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


# Autograding rebuilds each submission from the source notebook before it runs, and judges the
# hidden tests' values outside the kernel after it ran (see integrity.py and observations.py).
SANITIZE_PREPROCESSORS = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograder.integrity.RestoreStructure",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
AUTOGRADE_PREPROCESSORS = [
    "autograder.recovering_execute.RecoveringExecute",
    "autograder.observations.CompareObservations",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def grading_pipeline_config(grading_dir, reference_file, record=False):
    """nbgrader config lines for the autograding pipeline of a grading folder."""
    return [
        f"c.Autograde.sanitize_preprocessors = {SANITIZE_PREPROCESSORS!r}",
        f"c.Autograde.autograde_preprocessors = {AUTOGRADE_PREPROCESSORS!r}",
        f"c.RestoreStructure.source_dir = {str(Path(grading_dir) / 'source')!r}",
        f"c.CompareObservations.reference_file = {str(reference_file)!r}",
        f"c.CompareObservations.record = {bool(record)!r}",
    ]


def write_nbgrader_config(grading_dir, cell_timeout, extra_lines=()):
    """Write the nbgrader_config.py that nbgrader picks up when run inside grading_dir."""
    config = f'''# Written by `python -m autograder`; rewritten on every run.
c = get_config()
c.CourseDirectory.root = {str(grading_dir)!r}
c.CourseDirectory.db_url = {"sqlite:///" + str(Path(grading_dir) / "gradebook.db")!r}
c.Execute.timeout = {int(cell_timeout)}
c.Execute.interrupt_on_timeout = True
c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}
''' + "".join(line + "\n" for line in extra_lines)
    (Path(grading_dir) / "nbgrader_config.py").write_text(config)
