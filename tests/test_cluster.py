"""The same grading job on a Dask cluster: a local scheduler and two workers on loopback."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.submissions import patched_answers, release_answers, solution_answers, write_submission

import autograder.cluster as dask_grading
from autograder.gradebook import cell_scores
from autograder.grading import grade_assignment
from autograder.limits import Limits

ASSIGNMENT = "conv_numpy"
WRONG_STRIDE = [("xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]", "xp[n, :, i:i + HH, j:j + WW]")]

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """A Dask scheduler and two single-threaded workers, each its own process, on 127.0.0.1."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    time.sleep(3)
    processes += [
        subprocess.Popen(
            [
                dask,
                "worker",
                address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--host",
                "127.0.0.1",
                "--dashboard-address",
                ":0",
                "--no-nanny",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address
    for process in processes:
        process.kill()
        process.wait()


def class_folder(root):
    submitted = root / "submitted"
    write_submission(submitted, "ada", ASSIGNMENT, solution_answers(ASSIGNMENT))
    write_submission(submitted, "bob", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": WRONG_STRIDE}))
    write_submission(submitted, "cy", ASSIGNMENT, release_answers(ASSIGNMENT))
    return submitted


def test_cluster_grading_matches_local_grading(cluster, tmp_path):
    submitted = class_folder(tmp_path)
    local = grade_assignment(ASSIGNMENT, submitted, tmp_path / "local", Limits(), workers=2, batch_size=1)
    remote = grade_assignment(
        ASSIGNMENT, submitted, tmp_path / "remote", Limits(), workers=2, batch_size=1, scheduler=cluster
    )
    assert [(r.student, r.status, r.score) for r in remote] == [(r.student, r.status, r.score) for r in local]
    assert [r.score for r in remote] == [14, 11, 0]
    for student in ("ada", "bob", "cy"):
        assert cell_scores(tmp_path / "remote", ASSIGNMENT, student) == cell_scores(
            tmp_path / "local", ASSIGNMENT, student
        )
        assert (tmp_path / "remote" / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    workers = {r.graded_by for r in remote}
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers), workers
    assert all(r.graded_by == "" for r in local)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(dask_grading, "SCHEDULER_TIMEOUT_S", 2)  # no port answers: the wait is all the time it takes
    submitted = class_folder(tmp_path)
    with pytest.raises(RuntimeError, match="cannot reach the Dask scheduler"):
        grade_assignment(ASSIGNMENT, submitted, tmp_path / "out", Limits(), scheduler=f"tcp://127.0.0.1:{free_port()}")
