"""What every process the grader starts is given: death with the process that started it, and a
cap on its writable memory that the processes it starts inherit."""

import ctypes
import ctypes.util
import os
import resource
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Have the kernel SIGKILL the calling process when the process that started it dies (Linux),
    so that a grader killed with `kill -9` leaves no nbgrader or kernel grading for nobody."""
    libc_name = ctypes.util.find_library("c")
    if libc_name and os.uname().sysname == "Linux":
        ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def child_setup(limit_bytes):
    """A preexec_fn: the child dies with the grader, and with limit_bytes its writable memory is
    capped (the kernels it starts inherit the cap).

    RLIMIT_DATA (heap and private writable mappings) rather than RLIMIT_AS: CUDA reserves tens of
    GiB of address space it never uses, which an address-space cap would refuse.
    """

    def apply():
        die_with_parent()
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))

    return apply
