"""The reference observations: what the hidden tests see when the instructor's solution runs.

Computed once per assignment version (and device) in the grading folder, by autograding the
source notebook itself in the same sandbox the students get. Students' observations are
compared with these (observations.py). The file lives in the grading folder, which the
sandboxed kernel cannot read.
"""
import hashlib
import json
import shutil
from pathlib import Path

from .gradebook import submission_score
from .nbgrader_cli import last_error_line, run_nbgrader
from .workspace import workspace_for

REFERENCE_STUDENT = "reference-solution"


class ReferenceError(RuntimeError):
    pass


def source_digest(course_dir, assignment, device):
    digest = hashlib.sha256(device.encode())
    for path in sorted((Path(course_dir) / "source" / assignment).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


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
        submitted = workspace.path / "submitted" / REFERENCE_STUDENT / assignment
        shutil.copytree(course_dir / "source" / assignment, submitted)
        result = run_nbgrader(["autograde", assignment, "--student", REFERENCE_STUDENT, "--force"], workspace.path,
                              timeout=limits.notebook_timeout, memory_limit_bytes=limits.memory_bytes,
                              extra_env={**(extra_env or {}), **workspace.env})
        (course_dir / "logs").mkdir(exist_ok=True)
        log = course_dir / "logs" / f"{REFERENCE_STUDENT}.log"
        log.write_text(result.output)
        score = submission_score(workspace.path, assignment, REFERENCE_STUDENT)
        if score != total:
            raise ReferenceError(f"the instructor's solution of {assignment} scores {score}/{total} in the grader, "
                                 f"so it cannot serve as the reference: {last_error_line(result.output)} (log: {log})")
        unobserved = [f"{notebook}: {cell}" for notebook, cells in json.loads(recording.read_text()).items()
                      for cell, found in cells.items() if not found]
        if unobserved:
            raise ReferenceError(f"test cells without an _observe(...) call, whose verdict would rest on the "
                                 f"student's kernel alone: {', '.join(unobserved)}")
        recording.replace(path)
        return path
    finally:
        workspace.remove()
