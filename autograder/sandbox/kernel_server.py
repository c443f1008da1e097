"""The kernel server: a process that has imported what a grading kernel needs once (ipykernel,
NumPy and, where the assignment allows it, PyTorch) and forks a kernel for each notebook, so
that no notebook pays for starting Python and importing them (about 0.7 s for NumPy, several
seconds for PyTorch).

One runs for each `nbgrader autograde` run of a workspace, started by the grader as

    unshare --net python -m autograder.sandbox.kernel_server --policy POLICY.json --listen-fd N

with N a listening abstract Unix socket the grader bound in its own network namespace, where
kernel_proxy.py (the process jupyter_client starts for each kernel) reaches it. The kernels
cannot: each lives in a network namespace of its own, and Landlock keeps a kernel away from
abstract sockets outside its sandbox. The server confines nothing itself and reads no student
file; each child confines itself (kernel.py) before it runs student code.
"""

import argparse
import importlib
import json
import os
import signal
import socket
import struct
import sys
import traceback

from . import kernel

# What ipykernel imports on its way to running a kernel (the debugger's pydevd most of it).
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.platform.asyncio",
)
REQUEST_BYTES = 1 << 20


def preload(modules):
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the debugger's import-time notice, for every batch
    for name in (*KERNEL_MODULES, *modules):
        try:
            importlib.import_module(name)
        except ImportError:  # the kernel will report it when the notebook imports it
            pass


def same_user(connection):
    """Whether the peer runs as this server's user (uids as seen from the server's namespace)."""
    _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return uid == os.getuid()


def serve(listener, policy):
    """Fork a kernel for each stand-in that connects; never returns in the server."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the forked kernels are reaped as they exit
    while True:
        stand_in, _ = listener.accept()
        fds = []
        try:
            if not same_user(stand_in):
                continue
            message, fds, _, _ = socket.recv_fds(stand_in, REQUEST_BYTES, 3)
            if not message or len(fds) != 3:
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                become_kernel(stand_in, fds, json.loads(message), policy)
            stand_in.send(str(pid).encode())
        except OSError as error:
            print(f"kernel server: could not start a kernel: {error}", file=sys.stderr, flush=True)
        finally:
            for fd in fds:
                os.close(fd)
            stand_in.close()


def become_kernel(stand_in, fds, request, policy):
    status = 1
    try:
        status = kernel.run(stand_in, fds, request, policy)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(status)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--policy", required=True)
    parser.add_argument("--listen-fd", type=int, required=True)
    args = parser.parse_args(argv)
    with open(args.policy) as handle:
        policy = json.load(handle)
    listener = socket.socket(fileno=args.listen_fd)
    preload(policy.get("preload", ()))
    serve(listener, policy)


if __name__ == "__main__":
    main()
