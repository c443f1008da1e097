"""Turn a learning-management system's bulk download into nbgrader's submitted/ layout.

Canvas names each file `<name>[_LATE]_<user id>_<submission id>_<original file>` and adds `-1`,
`-2`, … to the original name of a resubmission; Moodle names a folder (or, without folders, a
file prefix) `<Full Name>_<user id>_assignsubmission_file_`. Each student's notebook is staged as
`<staging>/<student id>/<assignment>/<notebook>`, with the notebook's own name restored.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_file_(?P<file>.*)$")
RESUBMISSION_SUFFIX = re.compile(r"-\d+(?=\.ipynb$)")


@dataclass
class LmsFile:
    name: str  # the student's name as the LMS wrote it
    user: str  # the LMS's user id
    order: int  # later submissions sort higher
    filename: str  # the file's original name
    path: Path


def find_lms_files(folder):
    """Every notebook in folder named the Canvas or the Moodle way (Moodle folders included)."""
    found = []
    for path in sorted(Path(folder).rglob("*.ipynb")):
        relative = path.relative_to(folder)
        moodle_folder = MOODLE.match(relative.parts[0]) if len(relative.parts) > 1 else None
        canvas, moodle_file = CANVAS.match(path.name), MOODLE.match(path.name)
        if moodle_folder:
            found.append(
                LmsFile(moodle_folder["name"], moodle_folder["user"], int(path.stat().st_mtime), path.name, path)
            )
        elif moodle_file:
            found.append(
                LmsFile(moodle_file["name"], moodle_file["user"], int(path.stat().st_mtime), moodle_file["file"], path)
            )
        elif canvas:
            found.append(LmsFile(canvas["name"], canvas["user"], int(canvas["submission"]), canvas["file"], path))
    return found


def student_id(name):
    """A folder-safe nbgrader student id from an LMS display name: 'Ada Lovelace' -> 'ada_lovelace'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "student"


def stage_lms_download(folder, assignment, staging):
    """Copy an LMS download into staging/<student>/<assignment>/; returns notes for the report.

    Two users with the same display name get their user ids appended; of several files for the
    same notebook, the latest submission is graded and the others are named in a note.
    """
    files = find_lms_files(folder)
    users_by_id = {}
    for entry in files:
        users_by_id.setdefault(student_id(entry.name), set()).add(entry.user)
    chosen, notes = {}, []
    for entry in files:
        student = student_id(entry.name)
        if len(users_by_id[student]) > 1:
            student = f"{student}_{entry.user}"
        notebook = RESUBMISSION_SUFFIX.sub("", entry.filename)  # a name that is still wrong is reported later
        key = (student, notebook)
        if key in chosen:
            older, newer = sorted([chosen[key], entry], key=lambda e: e.order)
            notes.append(f"{student}: graded the latest {notebook} ({newer.path.name}), not {older.path.name}")
            chosen[key] = newer
        else:
            chosen[key] = entry
    for (student, notebook), entry in chosen.items():
        target = Path(staging) / student / assignment / notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(entry.path, target)
    return notes
