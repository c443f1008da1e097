"""A grading kernel, in the process the kernel server forked for it: it confines itself before it
runs any student code, then runs ipykernel.

It closes everything of the server's (its sockets are in the grader's network namespace),
takes the stand-in's standard streams, working folder and environment (what jupyter_client gave
the process it started), leaves the server's network namespace for one of its own (no network
at all; the grader talks to it over Unix sockets), joins its process-count cgroup (or sets
RLIMIT_NPROC), makes a private home and temp folder, then restricts itself with Landlock:
read-only access to the Python installation (minus the packages the assignment forbids, whose
import then fails with a sentence that says so: imports.py),
read-write access to its working folder (the student's autograded folder), its private home and
the few devices a program needs, and the right to make its sockets in the runtime folder.
Nothing of the grader, the course's source/, the gradebook or other students is readable
afterwards, and it holds no capability. Its life is the server's to end: the server kills its
process group when its stand-in goes away, whatever the student's code does.
"""

import atexit
import ctypes
import os
import resource
import signal
import stat
import sys
import tempfile

from . import landlock
from .cgroups import enter_kernel_cgroup
from .imports import RefusedImports
from .lifetime import die_with_parent, keep_niceness_in_own_session

CLONE_NEWNET = 0x40000000


def kill_other_processes(cgroup):
    """At exit: whatever this kernel started and left running goes with it."""
    for pid in open(os.path.join(cgroup, "cgroup.procs")).read().split():
        if int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def join_process_limit(policy):
    if policy.get("pids_cgroup"):
        own = enter_kernel_cgroup(policy["pids_cgroup"], os.getpid())
        atexit.register(kill_other_processes, own)
    elif policy.get("max_processes"):  # binds root of the kernel's user namespace (not the real root)
        running = sum(1 for entry in os.listdir("/proc") if entry.isdigit())  # a bound on the user's own
        limit = running + policy["max_processes"]
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


def private_home(runtime_dir):
    home = tempfile.mkdtemp(prefix="home-", dir=runtime_dir)
    for name in ("HOME", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = home
    tempfile.tempdir = None  # the server may have looked the temp folder up already
    return home


def own_network_namespace():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"cannot leave the kernel server's network namespace: {os.strerror(error)}")


def take_over(stand_in_fds, cwd, env):
    """Become the process jupyter_client started: its standard streams (never a socket), folder
    and environment."""
    for target, fd in enumerate(stand_in_fds):
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            os.close(fd)
            fd = os.open(os.devnull, os.O_RDWR)
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.path[0] = cwd  # as `python -m ...` started in that folder would have it
    if "numpy" in sys.modules:  # a fresh process would seed NumPy's global generator afresh
        sys.modules["numpy"].random.seed()


class CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapabilitySet(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


CAPABILITY_VERSION_3 = 0x20080522
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4


def drop_capabilities():
    """Give up every capability, for good. A kernel of a grader running as root would otherwise
    keep root's: the Unix sockets it accepts from jupyter_client belong to the grader's network
    namespace, and with CAP_SYS_ADMIN a socket is a way back into it (SIOCGSKNS, then setns)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in range(64):  # the bounding set: nothing can be regained, even by exec
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, empty = CapabilityHeader(CAPABILITY_VERSION_3, 0), (CapabilitySet * 2)()
    if libc.capset(ctypes.byref(header), empty) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"cannot drop the kernel's capabilities: {os.strerror(error)}")


def confine(policy, connection_file):
    join_process_limit(policy)
    home = private_home(policy["runtime_dir"])
    landlock.restrict(
        policy["read_paths"] + [connection_file],
        [os.getcwd(), home, *policy["write_paths"]],
        policy["list_paths"],
        # its ipc sockets; not the other kernels' connection files (their keys) beside them
        socket_paths=[policy["runtime_dir"]],
    )
    drop_capabilities()
    sys.meta_path.insert(0, RefusedImports(policy.get("forbidden", ()), policy.get("allowed_modules", ())))


def run_ipykernel(connection_file):
    """Run ipykernel until it shuts down; returns its exit status."""
    from ipykernel.kernelapp import IPKernelApp

    sys.argv = [__file__, "-f", connection_file]
    argv = ["-f", connection_file]
    # ipykernel read JPY_PARENT_PID when the server imported it; without it, the kernel would
    # print the banner meant for a terminal.
    if os.environ.get("JPY_PARENT_PID"):
        argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
    status = 0
    try:
        IPKernelApp.launch_instance(argv=argv)
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def become(stand_in_fds, request, policy, server_pid):
    """The forked child's life once the server's sockets are closed: returns its exit status."""
    die_with_parent(server_pid)
    os.setsid()  # a process group of its own, which signals and the final kill reach
    keep_niceness_in_own_session()
    take_over(stand_in_fds, request["cwd"], request["env"])
    own_network_namespace()
    confine(policy, request["connection_file"])
    return run_ipykernel(request["connection_file"])
