"""A grading kernel, in the process the kernel server forked for it: it confines itself before it
runs any student code, then runs ipykernel.

It takes the stand-in's standard streams, working folder and environment (what jupyter_client
gave the process it started), leaves the server's network namespace for one of its own (no
network at all; the grader talks to it over Unix sockets), joins its process-count cgroup (or
sets RLIMIT_NPROC), makes a private home and temp folder, then restricts itself with Landlock:
read-only access to the Python installation (minus the packages the assignment forbids),
read-write access to its working folder (the student's autograded folder) and its private home
only. Nothing of the grader, the course's source/, the gradebook or other students is readable
afterwards. When its stand-in dies (jupyter_client killed it, or nbgrader ended), so does the
kernel, with every process it started.
"""

import atexit
import ctypes
import os
import resource
import signal
import sys
import tempfile
import threading

from . import landlock
from .cgroups import enter_kernel_cgroup
from .lifetime import die_with_parent

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
    elif policy.get("max_processes"):  # binds root of the kernel's user namespace too (not the real root)
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
    """Become the process jupyter_client started: its standard streams, folder and environment."""
    for target, fd in enumerate(stand_in_fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.path[0] = cwd  # as `python -m ...` started in that folder would have it
    if "numpy" in sys.modules:  # a fresh process would seed NumPy's global generator afresh
        sys.modules["numpy"].random.seed()


def end_with(stand_in):
    """Kill this kernel and its process group once the stand-in's end of the connection closes."""

    def watch():
        while stand_in.recv(64):
            pass
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="stand-in-watch", daemon=True).start()


def confine(policy, connection_file):
    join_process_limit(policy)
    home = private_home(policy["runtime_dir"])
    landlock.restrict(
        policy["read_paths"] + [connection_file],
        [os.getcwd(), home, policy["runtime_dir"], *policy["write_paths"]],
        policy["list_paths"],
    )


def run(stand_in, stand_in_fds, request, policy):
    """The forked child's life: confine, run ipykernel; returns the exit status."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server lets the kernel reap its children
    die_with_parent()
    os.setsid()  # a process group of its own, which signals and the final kill reach
    take_over(stand_in_fds, request["cwd"], request["env"])
    end_with(stand_in)
    own_network_namespace()
    confine(policy, request["connection_file"])
    from ipykernel.kernelapp import IPKernelApp

    argv = ["-f", request["connection_file"]]
    if os.environ.get("JPY_PARENT_PID"):  # the class read it when the server imported it
        argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
    status = 0
    try:
        IPKernelApp.launch_instance(argv=argv)
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return status
