"""Generate the student release of an assignment from its nbgrader source in solutions/."""
import shutil
import tempfile
from pathlib import Path

from .course import EXERCISES_DIR, require_assignment, write_nbgrader_config
from .nbgrader_cli import last_error_line, run_nbgrader


class ReleaseError(RuntimeError):
    pass


def prepare_course(course_dir, assignment, cell_timeout=60):
    """Lay out an nbgrader course in course_dir with the assignment's source, and record it in the gradebook.

    Running generate_assignment is what stores the test cells and checksums in the gradebook,
    which autograding later restores into every submission.
    """
    course_dir = Path(course_dir)
    source = course_dir / "source" / assignment
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(require_assignment(assignment), source,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    write_nbgrader_config(course_dir, cell_timeout)
    result = run_nbgrader(["generate_assignment", assignment, "--force"], course_dir, timeout=600)
    if result.returncode != 0:
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed: {last_error_line(result.output)}")
    return course_dir / "release" / assignment


def generate_release(assignment, destination=EXERCISES_DIR):
    """Write the student version of assignment to destination/assignment (replacing what is there)."""
    destination = Path(destination) / assignment
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = prepare_course(tmp, assignment)
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(released, destination)
    return destination
