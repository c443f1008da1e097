"""Process-count cgroups: a cap on how many processes and threads a kernel may start, and the
clean-up of whatever it left running (a fork bomb's children included)."""

import os
import signal
import time
from pathlib import Path

MAX_PROCESSES = 256  # threads count too: a PyTorch kernel runs a few dozen
PIDS_CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


def pids_cgroup(name):
    """A fresh pids cgroup capped at MAX_PROCESSES (root only); None where cgroups are not writable."""
    if os.geteuid() != 0:
        return None
    for root in PIDS_CGROUP_ROOTS:
        if os.path.exists(os.path.join(root, "pids.max")) or os.path.exists(os.path.join(root, "cgroup.procs")):
            path = os.path.join(root, "convnets-autograder", name)
            try:
                os.makedirs(path, exist_ok=True)
                with open(os.path.join(path, "pids.max"), "w") as handle:
                    handle.write(str(MAX_PROCESSES))
                return path
            except OSError:
                continue
    return None


def kill_cgroup(path):
    """Kill every process left in a pids cgroup and its sub-groups (a fork bomb's children
    included) and remove them."""
    if not path or not os.path.isdir(path):
        return
    for entry in os.scandir(path):
        if entry.is_dir():
            kill_cgroup(entry.path)
    for _ in range(100):  # a killed process leaves cgroup.procs once it has exited (see wait_until_reaped)
        pids = [int(pid) for pid in Path(path, "cgroup.procs").read_text().split()]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    try:
        os.rmdir(path)
    except OSError:
        pass


def wait_until_reaped(path, seconds=10):
    """Wait until no process of pids cgroup `path` is left, zombies included: a killed process
    leaves cgroup.procs at once but counts against pids.max until its parent reaps it."""
    charged = Path(path, "pids.current")  # absent where the pids controller is not enabled here
    deadline = time.monotonic() + seconds
    while charged.exists() and int(charged.read_text()) > 0 and time.monotonic() < deadline:
        time.sleep(0.01)


def enter_kernel_cgroup(workspace_cgroup, pid):
    """Put process `pid` (a kernel) in a capped cgroup of its own under the workspace's, after
    killing what the previous kernel of this workspace left running and waiting for it to be
    reaped: kernels of one workspace run one after another, so a student's leftover processes
    never meet the next student, nor take the room the next kernel's threads need."""
    for entry in os.scandir(workspace_cgroup):
        if entry.is_dir():
            kill_cgroup(entry.path)
    wait_until_reaped(workspace_cgroup)
    own = os.path.join(workspace_cgroup, f"kernel-{pid}")
    os.mkdir(own)
    with open(os.path.join(own, "pids.max"), "w") as handle:
        handle.write(str(MAX_PROCESSES))
    with open(os.path.join(own, "cgroup.procs"), "w") as handle:
        handle.write(str(pid))
    return own
