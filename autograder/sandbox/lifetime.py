"""What every process the grader starts is given: death with the process that started it, its
priority kept when it starts a session of its own, and a cap on its writable memory that the
processes it starts inherit."""

import ctypes
import errno
import os
import resource
import signal
import time

PR_SET_PDEATHSIG = 1
AUTOGROUP = "/proc/{pid}/autogroup"  # a process's session's weight against other sessions


def die_with_parent(parent):
    """Have Linux SIGKILL the calling process when `parent` (the pid that started it) dies, so
    that a grader killed with `kill -9` leaves no nbgrader or kernel grading for nobody. A
    parent already gone by now is dealt with at once."""
    if os.uname().sysname != "Linux":
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def session_niceness(pid="self"):
    """The niceness by which Linux weighs the session of process `pid` against other sessions,
    or None where autogroups do not apply: a kernel without them, or a container whose cpu
    cgroup holds the process (then /proc/PID/autogroup reads empty and `nice` works as usual)."""
    try:
        with open(AUTOGROUP.format(pid=pid)) as file:
            words = file.read().split()
    except OSError:
        return None
    return int(words[-1]) if words else None


def keep_niceness_in_own_session(tries=20):
    """Give the session that the calling process leads the niceness of the process itself.

    Linux (with autogroups, the default) shares the cores between sessions first and applies
    `nice` only within a session, so an nbgrader process or kernel that starts a session of its
    own would grade at full weight beside everything else on the machine, however niced the
    grader is. Linux accepts one such change every tenth of a second from unprivileged
    processes, hence the retries. Without autogroups there is nothing to do; a process that
    leads no session shares its starter's, whose niceness is not its to change."""
    if os.getsid(0) != os.getpid() or session_niceness() is None:
        return
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    for _ in range(tries):
        try:
            with open(AUTOGROUP.format(pid="self"), "w") as file:
                file.write(str(niceness))
            return
        except OSError as error:
            if error.errno != errno.EAGAIN:
                return
            time.sleep(0.02)


def child_setup(limit_bytes):
    """A preexec_fn: the child dies with the grader, keeps the grader's niceness in a session of its
    own (start_new_session), and with limit_bytes its writable memory is capped (the kernels it
    starts inherit the cap).

    RLIMIT_DATA (heap and private writable mappings) rather than RLIMIT_AS: CUDA reserves tens of
    GiB of address space it never uses, which an address-space cap would refuse.
    """
    grader = os.getpid()

    def apply():
        die_with_parent(grader)
        keep_niceness_in_own_session()
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))

    return apply
