"""What grading one student produced."""
from dataclasses import dataclass, field

GRADED, FAILED, INVALID = "graded", "failed", "invalid"


@dataclass
class GradeResult:
    """The outcome for one student. A FAILED or INVALID result is a zero that did not come from the tests.

    `flags` are signs of gaming the grader, for the instructor; `fingerprint` identifies the
    submitted files, so that a rerun can skip what it already graded; `graded_by` names the Dask
    worker that graded it (empty when graded on this machine).
    """
    student: str
    status: str
    score: float
    max_score: float
    reason: str = ""
    seconds: float = 0.0
    flags: list = field(default_factory=list)
    fingerprint: str = ""
    graded_by: str = ""
