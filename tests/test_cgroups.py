"""The process-count cgroups of the sandbox: what a kernel left is killed, and the next kernel
waits until it is reaped (a zombie still counts against the cap)."""

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest

from autograder.sandbox.cgroups import kill_cgroup, pids_cgroup, wait_until_reaped


@pytest.fixture
def cgroup():
    path = pids_cgroup(f"test-{uuid.uuid4().hex[:8]}")
    if path is None:
        pytest.skip("no writable pids cgroup here (needs root and the pids controller)")
    yield Path(path)
    kill_cgroup(path)


def charged(cgroup):
    return int((cgroup / "pids.current").read_text())


def test_the_wait_ends_once_a_killed_process_is_reaped_not_when_it_leaves_the_group(cgroup):
    child = os.fork()
    if child == 0:
        time.sleep(300)
        os._exit(0)
    (cgroup / "cgroup.procs").write_text(str(child))
    os.kill(child, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while (cgroup / "cgroup.procs").read_text().split() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert charged(cgroup) == 1, "the zombie no longer counts: this test proves nothing here"
    threading.Timer(0.3, os.waitpid, (child, 0)).start()  # its parent (this test) reaps it late
    wait_until_reaped(str(cgroup))
    assert charged(cgroup) == 0
