"""Generate the student release of an assignment from its nbgrader source in solutions/."""
import shutil
import tempfile
from pathlib import Path

from .assignments import EXERCISES_DIR
from .grading_folder import GradingFolder


def generate_release(assignment, destination=EXERCISES_DIR):
    """Write the student version of assignment to destination/assignment (replacing what is there)."""
    destination = Path(destination) / assignment
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = GradingFolder(tmp).prepare(assignment)
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(released, destination)
    return destination
