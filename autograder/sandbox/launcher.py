"""The grading kernel: an IPython kernel that confines itself before it runs any student code.

Started by the `convnets-sandbox` kernelspec that autograder.sandbox.kernelspec writes, already inside a
network namespace of its own (no network at all; the grader talks to it over Unix sockets):

    unshare --net python -m autograder.sandbox.launcher --policy POLICY.json -f CONNECTION_FILE

It joins its process-count cgroup (or sets RLIMIT_NPROC), makes a private home and temp folder,
then restricts itself with Landlock: read-only access to the Python installation (minus the
packages the assignment forbids), read-write access to its working folder (the student's
autograded folder) and its private home only. Nothing of the grader, the course's source/,
the gradebook or other students is readable afterwards.
"""

import argparse
import atexit
import json
import os
import resource
import signal
import sys
import tempfile

from . import landlock
from .cgroups import enter_kernel_cgroup


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
    elif os.geteuid() != 0 and policy.get("max_processes"):
        running = sum(1 for entry in os.listdir("/proc") if entry.isdigit())  # a bound on the user's own
        limit = running + policy["max_processes"]
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


def private_home(runtime_dir):
    home = tempfile.mkdtemp(prefix="home-", dir=runtime_dir)
    for name in ("HOME", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = home
    return home


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--policy", required=True)
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)
    with open(args.policy) as handle:
        policy = json.load(handle)
    join_process_limit(policy)
    home = private_home(policy["runtime_dir"])
    landlock.restrict(
        policy["read_paths"] + [args.connection_file],
        [os.getcwd(), home, policy["runtime_dir"], *policy["write_paths"]],
        policy["list_paths"],
    )
    sys.argv = [sys.argv[0], "-f", args.connection_file]
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
