"""Per-student feedback HTML from autograded notebooks, with hidden tests redacted."""

import re

from .grading_folder import GradingFolder
from .nbgrader_cli import last_error_line, run_nbgrader


def generate_feedback(assignment, grading_folder, cell_timeout=60):
    """Write feedback/<student>/<assignment>/*.html in the grading folder for every autograded student.

    Returns (the pages written, the students nbgrader could not write feedback for).
    """
    folder = GradingFolder(grading_folder)
    if not folder.has_autograded():
        raise ValueError(f"nothing autograded in {folder.root}: run `python -m autograder grade` first")
    folder.write_config(cell_timeout)
    result = run_nbgrader(["generate_feedback", assignment, "--force"], folder.root, timeout=1800)
    failed = sorted(
        set(re.findall(rf"error processing assignment '{re.escape(assignment)}' for student '([^']+)'", result.output))
    )
    if result.returncode != 0 and not failed:
        raise RuntimeError(f"nbgrader generate_feedback failed: {last_error_line(result.output)}")
    return folder.feedback_pages(assignment), failed
