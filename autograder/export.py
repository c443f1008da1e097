"""Write grades.csv: nbgrader's CSV export columns, plus why a zero is not a real zero.

Scores come from results.json alone (see results.py); the gradebook adds only what it alone
knows: the students' names and e-mail addresses, the due date and the submission's timestamp.
"""

import csv

from nbgrader.api import MissingEntry

from .gradebook import open_gradebook

NBGRADER_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]
COLUMNS = NBGRADER_COLUMNS + ["status", "reason", "flags"]


def _text(value):
    return "" if value is None else str(value)


def grade_rows(folder, assignment, results):
    """One dict per GradeResult."""
    rows = []
    with open_gradebook(folder) as gradebook:
        record = gradebook.find_assignment(assignment)
        for result in results:
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                assignment=assignment,
                duedate=_text(record.duedate),
                student_id=result.student,
                raw_score=result.score,
                late_submission_penalty=result.late_penalty,
                score=result.final_score,
                max_score=result.max_score,
                status=result.status,
                reason=result.reason,
                flags="; ".join(result.flags),
            )
            try:
                student = gradebook.find_student(result.student)
                row.update(
                    last_name=_text(student.last_name), first_name=_text(student.first_name), email=_text(student.email)
                )
                if result.status == "graded":
                    row.update(timestamp=_text(gradebook.find_submission(assignment, result.student).timestamp))
            except MissingEntry:
                pass
            rows.append(row)
    return rows


def write_grades_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def summary_table(rows):
    """A plain-text table of the rows, one student a line, for the terminal."""
    width = max([len("student")] + [len(row["student_id"]) for row in rows])
    lines = [f"{'student':<{width}}  {'score':>11}  status   reason"]
    for row in rows:
        score = f"{float(row['score']):g}/{float(row['max_score']):g}"
        lines.append(f"{row['student_id']:<{width}}  {score:>11}  {row['status']:<7}  {row['reason']}")
    return "\n".join(lines)
