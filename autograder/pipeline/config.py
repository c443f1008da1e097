"""The nbgrader pipeline the grader runs: which preprocessors, in which order, with which settings.

These lines go into a grading folder's nbgrader_config.py; nbgrader then imports the classes
named here in its own process.
"""

from pathlib import Path

from .integrity import RestoreStructure
from .observations import CompareObservations
from .recovering_execute import RecoveringExecute
from .redaction import RedactHiddenTests
from .translation import TranslateFeedback


def qualified_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


# generate_feedback renders the autograded notebooks; RedactHiddenTests keeps hidden tests out;
# TranslateFeedback puts a translated release's feedback in its language.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    qualified_name(RedactHiddenTests),
    qualified_name(TranslateFeedback),
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Autograding rebuilds each submission from the source notebook before it runs, and judges the
# hidden tests' values outside the kernel after it ran (see integrity.py and observations.py).
SANITIZE_PREPROCESSORS = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    qualified_name(RestoreStructure),
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
AUTOGRADE_PREPROCESSORS = [
    qualified_name(RecoveringExecute),
    qualified_name(CompareObservations),
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def autograde_pipeline_lines(source_dir, reference_file, record=False):
    """Config lines for autograding: the preprocessors, the source notebooks to rebuild from, and
    the reference observations to compare with (or, with record, to write)."""
    return [
        f"c.Autograde.sanitize_preprocessors = {SANITIZE_PREPROCESSORS!r}",
        f"c.Autograde.autograde_preprocessors = {AUTOGRADE_PREPROCESSORS!r}",
        f"c.RestoreStructure.source_dir = {str(Path(source_dir))!r}",
        f"c.CompareObservations.reference_file = {str(reference_file)!r}",
        f"c.CompareObservations.record = {bool(record)!r}",
    ]


def feedback_pipeline_lines(submitted_dir):
    return [
        f"c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}",
        f"c.TranslateFeedback.submitted_dir = {str(Path(submitted_dir))!r}",
    ]
