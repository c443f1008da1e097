"""Collect student submissions (nbgrader's submitted/ tree, or a zip of it) and check each notebook."""
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


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


def collect_submissions(source, assignment, expected_notebooks, workspace):
    """Submissions found in source (a folder or a .zip); a zip is unpacked under workspace."""
    source = Path(source)
    if not source.exists():
        raise ValueError(f"submissions not found: {source} does not exist")
    if source.suffix == ".zip":
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{source} is not a readable zip archive")
        unpacked = Path(tempfile.mkdtemp(prefix="unzipped-", dir=workspace))
        with zipfile.ZipFile(source) as archive:
            archive.extractall(unpacked)  # extractall drops absolute paths and '..' parts
        source = unpacked
    if not source.is_dir():
        raise ValueError(f"{source} is neither a folder nor a .zip of submissions")
    root = find_submitted_root(source)
    students = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [check_submission(p.name, p, assignment, expected_notebooks) for p in students]


def copy_into_course(submission, course_dir, assignment):
    """Place a submission where nbgrader looks for it: course_dir/submitted/<student>/<assignment>/."""
    target = Path(course_dir) / "submitted" / submission.student / assignment
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(submission.folder, target)
