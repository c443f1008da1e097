"""Grading on a Dask distributed cluster: `python -m autograder grade ... --scheduler tcp://HOST:PORT`.

Each batch travels to a worker as bytes: the assignment's source and release, the gradebook,
the reference observations and the batch's submissions. The worker grades it exactly as a local
worker would (same Grader, same sandbox, same limits) in a temporary course, and sends back the
results with the autograded notebooks and its gradebook, which are imported into the main course
here. Workers need this project installed (`make setup`); they share no files with the client.
"""
import io
import shutil
import tempfile
import zipfile
from dataclasses import asdict, replace
from pathlib import Path

from .results import GradeResult
from .submissions import Submission


def pack(root, paths):
    """A zip (bytes) of the given files and folders, relative to root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            path = Path(path)
            for item in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
                archive.write(item, item.relative_to(root))
    return buffer.getvalue()


def unpack(data, destination):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(destination)


def batch_payload(course_dir, assignment, reference_file, batch):
    """Everything a worker needs to grade `batch`, as one zip."""
    course_dir = Path(course_dir)
    course_zip = pack(course_dir, [course_dir / "source" / assignment, course_dir / "release" / assignment,
                                   course_dir / "gradebook.db", reference_file])
    staging = course_dir / "workspaces" / f"payload-{batch[0].student}"
    for submission in batch:
        shutil.copytree(submission.folder, staging / "submitted" / submission.student / assignment)
    try:
        return course_zip, pack(staging, [staging / "submitted"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def grade_on_worker(assignment, course_zip, submissions_zip, students, reference_name, limits, total, env):
    """Runs on a Dask worker: grade a batch in a temporary course; return (results, zip of the outcome)."""
    from distributed import get_worker

    from .grading import Grader
    worker = get_worker().address
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        course = Path(tmp) / "course"
        unpack(course_zip, course)
        unpack(submissions_zip, Path(tmp) / "incoming")
        grader = Grader(course, assignment, limits, total, course / reference_name)
        batch = [Submission(student, Path(tmp) / "incoming" / "submitted" / student / assignment)
                 for student in students]
        finished, leftover = grader.grade_batch(batch, "batch", env)
        finished += [grader.grade_alone(submission, env) for submission in leftover]
        outcome = pack(course, [course / "autograded", course / "gradebook.db", course / "logs"])
    return [{**asdict(result), "graded_by": worker} for result in finished], outcome


class ClusterGrader:
    """Sends batches to a Dask scheduler and brings the gradings back into the main course."""

    def __init__(self, scheduler, grader):
        from distributed import Client
        try:
            self.client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise RuntimeError(f"cannot reach the Dask scheduler at {scheduler}: {error}. "
                               "Start one with `dask scheduler` and workers with `dask worker ADDRESS`.") from error
        self.grader = grader

    def submit(self, batch, env):
        grader = self.grader
        course_zip, submissions_zip = batch_payload(grader.course_dir, grader.assignment, grader.reference_file, batch)
        return self.client.submit(grade_on_worker, grader.assignment, course_zip, submissions_zip,
                                  [s.student for s in batch], Path(grader.reference_file).relative_to(grader.course_dir).as_posix(),
                                  grader.limits, grader.total, env, pure=False)

    def bring_back(self, future, batch):
        """Import a finished batch into the main course; yields its GradeResults."""
        from .workspace import import_grading
        grader = self.grader
        try:
            entries, outcome = future.result()
        except Exception as error:  # a lost worker or a broken environment there: the batch failed, not the students
            for submission in batch:
                yield grader.fail(submission, f"Dask worker error: {error!r}", 0.0)
            return
        received = grader.course_dir / "workspaces" / f"received-{batch[0].student}"
        unpack(outcome, received)
        try:
            by_student = {submission.student: submission for submission in batch}
            for entry in entries:
                result = GradeResult(**entry)
                submission = by_student[result.student]
                if result.status == "graded":
                    import_grading(received, grader.course_dir, grader.assignment, result.student)
                    log = received / "logs" / f"{result.student}.log"
                    if log.exists():
                        (grader.course_dir / "logs").mkdir(exist_ok=True)
                        shutil.copy2(log, grader.course_dir / "logs" / log.name)
                else:
                    result = replace(grader.fail(submission, result.reason, result.seconds), graded_by=result.graded_by)
                yield result
        finally:
            shutil.rmtree(received, ignore_errors=True)

    def close(self):
        self.client.close()
