"""The kernel server: a process that has imported what a grading kernel needs once (ipykernel,
NumPy and, where the assignment allows it, PyTorch) and forks a kernel for each notebook, so
that no notebook pays for starting Python and importing them (about 0.7 s for NumPy, several
seconds for PyTorch).

One runs for each `nbgrader autograde` run of a workspace, started by the grader as

    unshare --net python -m autograder.sandbox.kernel_server --policy POLICY.json --listen-fd N

with N a listening abstract Unix socket the grader bound in its own network namespace, where
kernel_proxy.py (the stand-in jupyter_client starts for each kernel) reaches it. The kernels
cannot: each moves to a network namespace of its own, keeps no socket of the server's and gives
up its capabilities (which setns would need), and from Landlock ABI 6 on, Landlock also keeps
it from abstract sockets outside its sandbox. A request is honoured only from the server's
user, for a folder under the workspace's autograded/.

The server keeps each stand-in's connection and a pidfd of its kernel: when the stand-in goes
away (jupyter_client killed it, nbgrader ended) the server kills the kernel's process group,
and when the kernel exits the server reaps it, kills what is left of its group and sends its
exit status to the stand-in. It is also the subreaper of what its kernels start, and reaps what
they leave behind as soon as it exits. It reads no student file; each child confines itself
(kernel.py) before it runs student code.
"""

import argparse
import ctypes
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

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
REQUEST_TIMEOUT = 10  # seconds a connected stand-in has to send its request
PR_SET_CHILD_SUBREAPER = 36


def log(message):
    print(f"kernel server: {message}", file=sys.stderr, flush=True)


def preload(modules, forbidden):
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the debugger's import-time notice, for every batch
    for name in (*KERNEL_MODULES, *modules):
        try:
            importlib.import_module(name)
        except Exception as error:  # the kernel will meet it again, and report it, if a notebook imports it
            log(f"could not preload {name}: {error!r}")
    loaded = sorted({name.split(".")[0] for name in sys.modules} & set(forbidden))
    if loaded:  # a module in memory imports without its files: Landlock could not keep it out
        raise SystemExit(f"kernel server: preloading brought in forbidden packages {loaded}; not serving")


def same_user(connection):
    """Whether the peer runs as this server's user (uids as seen from the server's namespace)."""
    _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return uid == os.getuid()


def read_request(connection, policy):
    """(request, the stand-in's three standard-stream fds); raises ValueError for a bad one."""
    if not same_user(connection):  # before waiting for anything from it
        raise ValueError("refused a request: the peer runs as another user")
    connection.settimeout(REQUEST_TIMEOUT)
    message, fds, flags, _ = socket.recv_fds(connection, REQUEST_BYTES, 3)
    connection.settimeout(None)
    try:
        if flags & socket.MSG_TRUNC or len(fds) != 3:
            raise ValueError("a malformed request")
        request = json.loads(message)
        cwd = Path(request["cwd"]).resolve()  # the folder the kernel may write
        if not cwd.is_relative_to(policy["kernel_folders"]):
            raise ValueError(f"a kernel folder outside {policy['kernel_folders']}: {cwd}")
        if not isinstance(request["connection_file"], str):
            raise ValueError("no connection file")
        return request, fds
    except Exception as error:  # whatever a malformed request raises, the server goes on
        for fd in fds:
            os.close(fd)
        raise ValueError(f"refused a request: {error!r}") from None


@dataclass
class Kernel:
    pid: int
    exited: int  # a pidfd, readable once the kernel has exited
    stand_in: socket.socket


def drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def kill_group(pid):
    """Every process of the kernel's group (it leads one once it has called setsid)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def kill_kernel(found):
    kill_group(found.pid)
    try:
        signal.pidfd_send_signal(found.exited, signal.SIGKILL)  # before its setsid, or on its own
    except ProcessLookupError:
        pass


def adopt_orphans():
    """Become the parent of every process a kernel leaves when it dies (a fork bomb's children),
    rather than the machine's init, which may reap them late or never (a container's): until it
    is reaped, a killed process counts against the workspace's process cap. Returns a pipe (read
    end, write end) that a byte arrives on whenever a child has exited."""
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    readable, writable = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler of Python's, so that the byte is written
    signal.set_wakeup_fd(writable)
    return readable, writable


class Server:
    def __init__(self, listener, policy):
        self.listener, self.policy, self.pid = listener, policy, os.getpid()
        self.by_fd = {}  # a kernel's pidfd and its stand-in's connection -> the Kernel
        self.watch = select.poll()
        self.watch.register(listener, select.POLLIN)
        self.child_exited = adopt_orphans()
        self.watch.register(self.child_exited[0], select.POLLIN)

    def running(self):
        return list({id(found): found for found in self.by_fd.values()}.values())

    def serve(self):
        while True:
            for fd, _ in self.watch.poll():
                if fd == self.listener.fileno():
                    self.accept()
                elif fd == self.child_exited[0]:
                    drain(fd)
                    self.reap_orphans()
                elif fd in self.by_fd:
                    found = self.by_fd[fd]
                    if fd == found.exited:
                        self.reap(found)
                    else:  # the stand-in is gone (it sends nothing after its request)
                        self.watch.unregister(fd)
                        kill_kernel(found)

    def accept(self):
        try:
            connection, _ = self.listener.accept()
        except OSError as error:
            log(f"could not accept a stand-in: {error}")
            return
        try:
            request, fds = read_request(connection, self.policy)
        except (OSError, ValueError) as error:
            log(str(error))
            connection.close()
            return
        pid = self.fork(connection, fds, request)
        for fd in fds:
            os.close(fd)
        try:
            found = Kernel(pid, os.pidfd_open(pid), connection) if pid else None
        except OSError as error:
            log(f"could not watch the kernel it forked: {error}")
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            found = None
        if found is None:
            connection.close()
            return
        self.by_fd[found.exited] = self.by_fd[connection.fileno()] = found
        self.watch.register(found.exited, select.POLLIN)
        self.watch.register(connection, select.POLLIN)
        try:
            connection.send(str(pid).encode())
        except OSError:  # the stand-in left already: the poll loop sees it and kills the kernel
            pass

    def fork(self, connection, fds, request):
        """The forked kernel's pid, or None; the child never comes back from here."""
        signals = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # none may send the child into the server's code
        try:
            pid = os.fork()
        except OSError as error:
            log(f"could not fork a kernel: {error}")
            return None
        finally:
            if os.getpid() == self.pid:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        if pid == 0:
            self.become_kernel(connection, fds, request)
        return pid

    def become_kernel(self, connection, fds, request):
        """In the forked child (SIGTERM and SIGINT blocked): drop everything of the server's,
        then become the kernel."""
        status = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
            for fd in self.child_exited:
                os.close(fd)
            for found in self.running():
                found.stand_in.close()
                os.close(found.exited)
            self.listener.close()
            connection.close()
            status = kernel.become(fds, request, self.policy, self.pid)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)

    def reap(self, found):
        kill_group(found.pid)  # what the kernel left running in its group (its zombie holds the pid)
        _, status = os.waitpid(found.pid, 0)
        for fd in (found.exited, found.stand_in.fileno()):
            self.by_fd.pop(fd, None)
            try:
                self.watch.unregister(fd)
            except KeyError:  # the stand-in's connection, unregistered when it went away
                pass
        try:
            found.stand_in.send(f"exit {os.waitstatus_to_exitcode(status)}".encode())
        except OSError:
            pass
        found.stand_in.close()
        os.close(found.exited)
        self.reap_orphans()  # those that exited while this kernel's zombie was first in line

    def reap_orphans(self):
        """Reap the children that have exited and are not kernels (a kernel is reaped when its pidfd
        says so), until none is left or an exited kernel is first in line."""
        kernels = {found.pid for found in self.running()}
        while True:
            try:
                exited = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if exited is None or exited.si_pid in kernels:
                return
            os.waitpid(exited.si_pid, 0)

    def stop(self):
        for found in self.running():
            kill_kernel(found)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--policy", required=True)
    parser.add_argument("--listen-fd", type=int, required=True)
    args = parser.parse_args(argv)
    with open(args.policy) as handle:
        policy = json.load(handle)
    listener = socket.socket(fileno=args.listen_fd)
    preload(policy.get("preload", ()), policy.get("forbidden", ()))
    server = Server(listener, policy)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
