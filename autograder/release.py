"""Generate the student release of an assignment from its nbgrader source in solutions/, stamped
with its version (releases.py)."""

import shutil
import tempfile
from pathlib import Path

from .assignments import EXERCISES_DIR
from .grading_folder import GradingFolder
from .releases import stamp


def generate_release(assignment, destination=EXERCISES_DIR, record=True):
    """Write the student version of assignment to destination/assignment (replacing what is there).

    With record, a release whose locked cells changed is recorded as a new version; without, it
    is stamped with the recorded version it matches ("unreleased" when none)."""
    destination = Path(destination) / assignment
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = GradingFolder(tmp).prepare(assignment)
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(released, destination)
    stamp(destination, assignment, record)
    return destination
