"""Grading on a Dask distributed cluster: `python -m autograder grade ... --scheduler tcp://HOST:PORT`.

Each batch travels to a worker as bytes: the assignment's source and release, the gradebook,
the reference observations and the batch's submissions. The worker grades it exactly as a local
worker would (same Grader, same sandbox, same limits) in a temporary grading folder, and sends
back the results with the autograded notebooks, its gradebook and logs, which are imported into
the main grading folder here. Workers need this project installed (`make setup`); they share no
files with the client.
"""

import io
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path

from .grader import Grader
from .grading_folder import GradingFolder
from .intake.submissions import Submission
from .results import GRADED, GradeResult
from .workspace import import_grading

SCHEDULER_TIMEOUT_S = 20  # how long to try to reach the scheduler before saying it cannot be reached


def pack(root, paths):
    """A zip (bytes) of the given files and folders, relative to root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            path = Path(path)
            for item in [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()):
                archive.write(item, item.relative_to(root))
    return buffer.getvalue()


def unpack(data, destination):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(destination)


def batch_payload(main, assignment, reference_file, batch):
    """Everything a worker needs to grade `batch`: (the grading folder's zip, the submissions' zip)."""
    folder_zip = pack(main.root, [main.source(assignment), main.release(assignment), main.gradebook, reference_file])
    staging = GradingFolder(main.workspaces / f"payload-{batch[0].student}")
    for submission in batch:
        staging.place(submission, assignment)
    try:
        return folder_zip, pack(staging.root, [staging.root / "submitted"])
    finally:
        shutil.rmtree(staging.root, ignore_errors=True)


def grade_on_worker(assignment, folder_zip, submissions_zip, students, reference_name, limits, total, env):
    """Runs on a Dask worker: grade a batch in a temporary grading folder; return (results, zip of the outcome)."""
    from distributed import get_worker

    worker = get_worker().address
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        folder, received = GradingFolder(Path(tmp) / "grading"), GradingFolder(Path(tmp) / "incoming")
        unpack(folder_zip, folder.root)
        unpack(submissions_zip, received.root)
        grader = Grader(folder, assignment, limits, total, folder.root / reference_name)
        batch = [Submission(student, received.submitted(student, assignment)) for student in students]
        finished = grader.grade(batch, "batch", env)
        outcome = pack(folder.root, [folder.root / "autograded", folder.gradebook, folder.root / "logs"])
    return [{**asdict(result), "graded_by": worker} for result in finished], outcome


@contextmanager
def cluster_client(scheduler):
    """Within: a Dask client of the scheduler at `scheduler` (None without one); a clear error when
    it cannot be reached."""
    if not scheduler:
        yield None
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s")
    except OSError as error:
        raise RuntimeError(
            f"cannot reach the Dask scheduler at {scheduler}: {error}. "
            "Start one with `dask scheduler` and workers with `dask worker ADDRESS`."
        ) from error
    try:
        yield client
    finally:
        client.close()


class ClusterGrader:
    """Sends batches to a Dask scheduler and brings the gradings back into the main grading folder."""

    def __init__(self, client, grader):
        self.client, self.grader = client, grader

    def submit(self, batch, env):
        grader = self.grader
        folder_zip, submissions_zip = batch_payload(grader.main, grader.assignment, grader.reference_file, batch)
        reference_name = Path(grader.reference_file).relative_to(grader.main.root).as_posix()
        return self.client.submit(
            grade_on_worker,
            grader.assignment,
            folder_zip,
            submissions_zip,
            [s.student for s in batch],
            reference_name,
            grader.limits,
            grader.total,
            env,
            pure=False,
        )

    def bring_back(self, future, batch):
        """Import a finished batch into the main grading folder; yields its GradeResults."""
        grader = self.grader
        try:
            entries, outcome = future.result()
        except Exception as error:  # a lost worker or a broken environment there: the batch failed, not the students
            for submission in batch:
                yield grader.fail(submission, f"Dask worker error: {error!r}", 0.0)
            return
        received = GradingFolder(grader.main.workspaces / f"received-{batch[0].student}")
        unpack(outcome, received.root)
        try:
            by_student = {submission.student: submission for submission in batch}
            for entry in entries:
                result = GradeResult(**entry)
                if result.status == GRADED:
                    import_grading(received, grader.main, grader.assignment, result.student)
                else:
                    result = replace(
                        grader.fail(by_student[result.student], result.reason, result.seconds),
                        graded_by=result.graded_by,
                    )
                yield result
        finally:
            shutil.rmtree(received.root, ignore_errors=True)


def grade_on_cluster(client, grader, batch_list, env):
    """Grade the batches on a Dask cluster (a connected client); yields GradeResults as batches come back."""
    from distributed import as_completed

    cluster = ClusterGrader(client, grader)
    futures = {cluster.submit(batch, env): batch for batch in batch_list}
    for future in as_completed(list(futures)):
        yield from cluster.bring_back(future, futures[future])
