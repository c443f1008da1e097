"""Per-student feedback HTML from autograded notebooks, with hidden tests redacted."""
import re
from pathlib import Path

from .course import write_nbgrader_config
from .nbgrader_cli import last_error_line, run_nbgrader


def generate_feedback(assignment, course_dir, cell_timeout=60):
    """Write course_dir/feedback/<student>/<assignment>/*.html for every autograded student.

    Returns (the pages written, the students nbgrader could not write feedback for).
    """
    course_dir = Path(course_dir).resolve()
    if not (course_dir / "autograded").is_dir():
        raise ValueError(f"nothing autograded in {course_dir}: run `python -m autograder grade` first")
    write_nbgrader_config(course_dir, cell_timeout)
    result = run_nbgrader(["generate_feedback", assignment, "--force"], course_dir, timeout=1800)
    failed = sorted(set(re.findall(rf"error processing assignment '{re.escape(assignment)}' for student '([^']+)'",
                                   result.output)))
    if result.returncode != 0 and not failed:
        raise RuntimeError(f"nbgrader generate_feedback failed: {last_error_line(result.output)}")
    return sorted((course_dir / "feedback").glob(f"*/{assignment}/*.html")), failed
