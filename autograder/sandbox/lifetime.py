"""What every process the grader starts is given: death with the process that started it, and a
cap on its writable memory that the processes it starts inherit."""

import ctypes
import os
import resource
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent):
    """Have Linux SIGKILL the calling process when `parent` (the pid that started it) dies, so
    that a grader killed with `kill -9` leaves no nbgrader or kernel grading for nobody. A
    parent already gone by now is dealt with at once."""
    if os.uname().sysname != "Linux":
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def child_setup(limit_bytes):
    """A preexec_fn: the child dies with the grader, and with limit_bytes its writable memory is
    capped (the kernels it starts inherit the cap).

    RLIMIT_DATA (heap and private writable mappings) rather than RLIMIT_AS: CUDA reserves tens of
    GiB of address space it never uses, which an address-space cap would refuse.
    """
    grader = os.getpid()

    def apply():
        die_with_parent(grader)
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))

    return apply
