"""Collect student submissions and check each notebook.

Accepted: nbgrader's submitted/<student>/<assignment>/ tree, nbgrader's exchange inbound folder
(see exchange.py), a Canvas or Moodle bulk download (see lms.py), a .zip of any of these, or a
single notebook.
"""

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .exchange import find_hand_ins, stage_latest_hand_ins
from .lms import find_lms_files, stage_lms_download, student_id


@dataclass
class Submission:
    """One student's hand-in: the folder holding their notebooks, and what is wrong with it."""

    student: str
    folder: Path
    problems: list = field(default_factory=list)


def find_submitted_root(path):
    """The folder whose sub-folders are student ids: `path/submitted` when there is one, else path."""
    path = Path(path)
    candidates = [path / "submitted", *[p / "submitted" for p in path.iterdir() if p.is_dir()]]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return path


def notebook_problem(path):
    """Why the file at path is not a gradable notebook, or None when it is."""
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises JSON, schema and encoding errors alike
        summary = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"{path.name} is not a valid notebook ({summary}); ask the student to re-download and resubmit it"
    return None


def check_submission(student, folder, assignment, expected_notebooks):
    """A Submission for the student, listing each missing, misnamed or unreadable notebook."""
    submission = Submission(student, folder / assignment)
    if not submission.folder.is_dir():
        submission.problems.append(f"no folder {assignment}/ in the submission of {student}")
        return submission
    present = sorted(p.name for p in submission.folder.glob("*.ipynb"))
    for name in expected_notebooks:
        if name not in present:
            found = ", ".join(present) or "no notebook"
            submission.problems.append(f"missing {name} (found: {found}); the notebook must keep its name")
        else:
            problem = notebook_problem(submission.folder / name)
            if problem:
                submission.problems.append(problem)
    return submission


def is_nbgrader_layout(root, assignment):
    return any((p / assignment).is_dir() for p in Path(root).iterdir() if p.is_dir())


def stage_single_notebook(path, assignment, expected_notebooks, staging):
    """One notebook graded on its own: the student id is its file name, unless that is the notebook's."""
    student = "student" if path.name in expected_notebooks else student_id(path.stem)
    name = expected_notebooks[0] if len(expected_notebooks) == 1 else path.name
    target = Path(staging) / student / assignment / name
    target.parent.mkdir(parents=True)
    shutil.copy2(path, target)


def collect_submissions(source, assignment, expected_notebooks, workspace):
    """(submissions, notes) found in source; zips and LMS downloads are unpacked under workspace."""
    source, notes = Path(source), []
    if not source.exists():
        raise ValueError(f"submissions not found: {source} does not exist")
    if source.suffix == ".ipynb":
        staging = Path(tempfile.mkdtemp(prefix="single-", dir=workspace))
        stage_single_notebook(source, assignment, expected_notebooks, staging)
        source = staging
    elif source.suffix == ".zip":
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{source} is not a readable zip archive")
        unpacked = Path(tempfile.mkdtemp(prefix="unzipped-", dir=workspace))
        with zipfile.ZipFile(source) as archive:
            archive.extractall(unpacked)  # extractall drops absolute paths and '..' parts
        source = unpacked
    if not source.is_dir():
        raise ValueError(f"{source} is neither a folder, a .zip nor a notebook")
    root = find_submitted_root(source)
    if not is_nbgrader_layout(root, assignment) and find_hand_ins(root, assignment):
        staging = Path(tempfile.mkdtemp(prefix="inbound-", dir=workspace))
        notes = stage_latest_hand_ins(root, assignment, staging)
        root = staging
    elif not is_nbgrader_layout(root, assignment) and find_lms_files(root):
        staging = Path(tempfile.mkdtemp(prefix="lms-", dir=workspace))
        notes = stage_lms_download(root, assignment, staging)
        root = staging
    students = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [check_submission(p.name, p, assignment, expected_notebooks) for p in students], notes
