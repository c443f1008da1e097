"""The reference observations: what the hidden tests see when the instructor's solution runs.

Computed once per assignment version (and device) in the grading folder, by autograding the
source notebook itself, and each accepted variant of it (variants.py), in the same sandbox the
students get, in one nbgrader process. Students' observations are compared with these
(observations.py). The file lives in the grading folder, which the sandboxed kernel cannot read.

Its layout: {notebook: {test cell: [observations of the solution, of variant 1, ...]}}.
"""
import hashlib
import json
import shutil
from pathlib import Path

import nbformat

from .gradebook import submission_score
from .nbgrader_cli import last_error_line, run_nbgrader
from .observations import HARNESS_SOURCE
from .variants import accepted_variants, variant_notebook, variants_file
from .workspace import workspace_for

REFERENCE_STUDENT = "reference-solution"
VARIANT_PREFIX = "reference-variant-"


class ReferenceSolutionError(RuntimeError):
    pass


def assignment_version(course_dir, assignment):
    """A digest of everything that decides an assignment's grades: its source, its accepted variants
    and the grader's kernel-side harness."""
    digest = hashlib.sha256(HARNESS_SOURCE.encode())
    paths = sorted((Path(course_dir) / "source" / assignment).rglob("*")) + [variants_file(assignment)]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def source_digest(course_dir, assignment, device):
    return hashlib.sha256(f"{device}\0{assignment_version(course_dir, assignment)}".encode()).hexdigest()[:16]


def write_reference_submissions(course_dir, assignment, submitted):
    """submitted/<reference student>/<assignment>/: the solution and each accepted variant."""
    source = Path(course_dir) / "source" / assignment
    shutil.copytree(source, submitted / REFERENCE_STUDENT / assignment)
    students = [REFERENCE_STUDENT]
    for name, entry in accepted_variants(assignment).items():
        student = VARIANT_PREFIX + name.replace("_", "-")
        folder = submitted / student / assignment
        shutil.copytree(source, folder)
        for path in folder.glob("*.ipynb"):
            nbformat.write(variant_notebook(path, entry), str(path))
        students.append(student)
    return students


def merged_alternatives(recording, students):
    """{notebook: {cell: [observations of each reference student, distinct, solution first]}}."""
    merged = {}
    for student in students:
        for notebook, cells in recording.get(student, {}).items():
            for cell, observed in cells.items():
                alternatives = merged.setdefault(notebook, {}).setdefault(cell, [])
                if observed not in alternatives:
                    alternatives.append(observed)
    return merged


def reference_observations(course_dir, assignment, limits, total, device="cpu", extra_env=None):
    """Path of the reference observations for the assignment, computing them when missing."""
    course_dir = Path(course_dir)
    path = course_dir / "reference" / f"{assignment}-{source_digest(course_dir, assignment, device)}.json"
    if path.exists():
        return path
    path.parent.mkdir(exist_ok=True)
    recording = path.with_suffix(".recording")
    recording.unlink(missing_ok=True)
    workspace = workspace_for(course_dir, assignment, REFERENCE_STUDENT, limits.cell_timeout, recording,
                              sandboxed=limits.sandbox, record=True)
    try:
        students = write_reference_submissions(course_dir, assignment, workspace.path / "submitted")
        result = run_nbgrader(["autograde", assignment, "--force"], workspace.path,
                              timeout=limits.notebook_timeout * len(students), memory_limit_bytes=limits.memory_bytes,
                              extra_env={**(extra_env or {}), **workspace.env})
        (course_dir / "logs").mkdir(exist_ok=True)
        log = course_dir / "logs" / f"{REFERENCE_STUDENT}.log"
        log.write_text(result.output)
        for student in students:
            score = submission_score(workspace.path, assignment, student)
            if score != total:
                what = "solution" if student == REFERENCE_STUDENT else f"accepted variant {student[len(VARIANT_PREFIX):]}"
                raise ReferenceSolutionError(
                    f"the instructor's {what} of {assignment} scores {score}/{total} in the grader, so it cannot "
                    f"serve as the reference: {last_error_line(result.output)} (log: {log})")
        recorded = json.loads(recording.read_text())
        unobserved = [f"{notebook}: {cell}" for notebook, cells in recorded[REFERENCE_STUDENT].items()
                      for cell, found in cells.items() if not found]
        if unobserved:
            raise ReferenceSolutionError(f"test cells without an _observe(...) call, whose verdict would rest on the "
                                         f"student's kernel alone: {', '.join(unobserved)}")
        path.write_text(json.dumps(merged_alternatives(recorded, students)))
        recording.unlink()
        return path
    finally:
        workspace.remove()
