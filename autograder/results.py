"""What grading one student produced, and results.json, the grader's record of it.

results.json in the grading folder holds the latest outcome of every student, kept across runs:
a run that grades only some students (a resubmission, a regrade) updates their entries and keeps
everyone else's. It is the one source of scores, statuses, reasons and flags: grades.csv, the
pass rates and the histogram are written from it. The gradebook is nbgrader's per-cell record
(for feedback and the formgrader); a result's score is read from it once, when the grading
finishes, and is never read back from it afterwards.
"""

import json
from dataclasses import asdict, dataclass, field

GRADED, FAILED, INVALID = "graded", "failed", "invalid"


@dataclass
class GradeResult:
    """The outcome for one student. A FAILED or INVALID result is a zero that did not come from the tests.

    `score` is what the tests gave, before `late_penalty`; `flags` are signs of gaming the grader,
    for the instructor; `fingerprint` identifies the assignment version and the submitted files,
    so that a rerun can skip what it already graded; `graded_by` names the Dask worker that graded
    it (empty when graded on this machine).
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
    late_penalty: float = 0.0

    @property
    def final_score(self):
        return max(0.0, self.score - self.late_penalty)


def load_results(folder, assignment):
    """{student: GradeResult} of the assignment, as results.json holds them."""
    path = folder.results_file
    entries = json.loads(path.read_text()).get(assignment, {}) if path.exists() else {}
    return {student: GradeResult(**entry) for student, entry in entries.items()}


def record_results(folder, assignment, results):
    """Merge results into results.json (atomically: an interrupted run never leaves it half-written)."""
    path = folder.results_file
    ledger = json.loads(path.read_text()) if path.exists() else {}
    ledger.setdefault(assignment, {}).update({result.student: asdict(result) for result in results})
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(ledger, indent=1, sort_keys=True))
    temporary.replace(path)


def everyone(folder, assignment):
    """Every student's latest result, sorted by student id."""
    results = load_results(folder, assignment)
    return [results[student] for student in sorted(results)]
