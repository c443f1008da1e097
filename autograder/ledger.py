"""results.json in the grading folder: the latest outcome per student, kept across runs.

A run that grades only some students (a resubmission, a regrade) updates their entries and keeps
everyone else's, so grades.csv always lists the whole class.
"""
import json
from dataclasses import asdict
from pathlib import Path

from .results import GradeResult

LEDGER_NAME = "results.json"


def load_results(course_dir, assignment):
    path = Path(course_dir) / LEDGER_NAME
    entries = json.loads(path.read_text()).get(assignment, {}) if path.exists() else {}
    return {student: GradeResult(**entry) for student, entry in entries.items()}


def record_results(course_dir, assignment, results):
    """Merge this run's results into the ledger; return every student's latest result, sorted by id."""
    path = Path(course_dir) / LEDGER_NAME
    ledger = json.loads(path.read_text()) if path.exists() else {}
    entries = ledger.setdefault(assignment, {})
    entries.update({result.student: asdict(result) for result in results})
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(ledger, indent=1, sort_keys=True))
    temporary.replace(path)  # atomic: an interrupted run never leaves a half-written ledger
    return [GradeResult(**entries[student]) for student in sorted(entries)]
