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
    for _ in range(100):  # killed processes leave the group once reaped
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


def enter_kernel_cgroup(workspace_cgroup, pid):
    """Put process `pid` (a kernel) in a capped cgroup of its own under the workspace's, after
    killing what the previous kernel of this workspace left running: kernels of one workspace
    run one after another, so a student's leftover processes never meet the next student."""
    for entry in os.scandir(workspace_cgroup):
        if entry.is_dir():
            kill_cgroup(entry.path)
    own = os.path.join(workspace_cgroup, f"kernel-{pid}")
    os.mkdir(own)
    with open(os.path.join(own, "pids.max"), "w") as handle:
        handle.write(str(MAX_PROCESSES))
    with open(os.path.join(own, "cgroup.procs"), "w") as handle:
        handle.write(str(pid))
    return own
