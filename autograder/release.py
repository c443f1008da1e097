"""Generate the student release of an assignment from its nbgrader source in solutions/, stamped
with its version (releases.py), and its translations (translation.py) at <language>/<assignment>."""

import shutil
import tempfile
from pathlib import Path

import nbformat

from .assignments import EXERCISES_DIR
from .grading_folder import GradingFolder
from .pipeline.translation import release_languages, translated_release
from .releases import stamp, stamp_translation


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
    english = stamp(destination, assignment, record)
    for language in release_languages(assignment):
        write_translation(destination, destination.parent / language / assignment, assignment, language)
        stamp_translation(destination.parent / language / assignment, assignment, language, english, record)
    return destination


def write_translation(release, folder, assignment, language):
    """The release's notebooks in `language`, under the same names (other files copied as they are)."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(release, folder)
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.write(translated_release(notebook, assignment, language), str(path))
