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
from .intake.submissions import Submission
from .nbgrader_cli import failure_summary
from .pipeline.observations import HARNESS_SOURCE
from .variants import accepted_variants, variant_notebook, variants_file
from .workspace import open_workspace

REFERENCE_STUDENT = "reference-solution"
VARIANT_PREFIX = "reference-variant-"


class ReferenceSolutionError(RuntimeError):
    pass


def assignment_version(main, assignment):
    """A digest of everything that decides an assignment's grades: its source, its accepted variants
    and the grader's kernel-side harness."""
    digest = hashlib.sha256(HARNESS_SOURCE.encode())
    paths = sorted(main.source(assignment).rglob("*")) + [variants_file(assignment)]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def source_digest(main, assignment, device):
    return hashlib.sha256(f"{device}\0{assignment_version(main, assignment)}".encode()).hexdigest()[:16]


def reference_submissions(main, assignment, staging):
    """The solution and each accepted variant of it, as submissions written under staging."""
    source = main.source(assignment)
    submissions = [Submission(REFERENCE_STUDENT, source)]
    for name, entry in accepted_variants(assignment).items():
        student = VARIANT_PREFIX + name.replace("_", "-")
        folder = Path(staging) / student
        shutil.copytree(source, folder)
        for path in folder.glob("*.ipynb"):
            nbformat.write(variant_notebook(path, entry), str(path))
        submissions.append(Submission(student, folder))
    return submissions


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


def reference_observations(main, assignment, limits, total, device="cpu", extra_env=None):
    """Path of the reference observations for the assignment, computing them when missing."""
    path = main.reference_dir / f"{assignment}-{source_digest(main, assignment, device)}.json"
    if path.exists():
        return path
    path.parent.mkdir(exist_ok=True)
    recording = path.with_suffix(".recording")
    recording.unlink(missing_ok=True)
    workspace = open_workspace(main, assignment, REFERENCE_STUDENT, limits, recording, record=True)
    try:
        submissions = reference_submissions(main, assignment, workspace.folder.root / "staging")
        run = workspace.autograde(
            assignment, submissions, extra_env, timeout=limits.notebook_timeout * len(submissions)
        )
        main.keep_log(REFERENCE_STUDENT, run.output)
        for submission in submissions:
            score = submission_score(workspace.folder, assignment, submission.student)
            if score != total:
                student = submission.student
                what = (
                    "solution" if student == REFERENCE_STUDENT else f"accepted variant {student[len(VARIANT_PREFIX) :]}"
                )
                raise ReferenceSolutionError(
                    f"the instructor's {what} of {assignment} scores {score}/{total} in the grader, so it cannot "
                    f"serve as the reference: {failure_summary(run.output)} (log: {main.log(REFERENCE_STUDENT)})"
                )
        recorded = json.loads(recording.read_text())
        unobserved = [
            f"{notebook}: {cell}"
            for notebook, cells in recorded[REFERENCE_STUDENT].items()
            for cell, found in cells.items()
            if not found
        ]
        if unobserved:
            raise ReferenceSolutionError(
                f"test cells without an _observe(...) call, whose verdict would rest on the "
                f"student's kernel alone: {', '.join(unobserved)}"
            )
        path.write_text(json.dumps(merged_alternatives(recorded, [s.student for s in submissions])))
        recording.unlink()
        return path
    finally:
        workspace.remove()
