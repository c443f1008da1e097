"""The kernel's stand-in: the process jupyter_client starts for a grading kernel. It asks the
workspace's kernel server to fork a kernel (handing over its standard streams, working folder
and environment), forwards the signals jupyter_client sends (interrupt, terminate) to the
kernel's process group, and exits when the kernel does, or when nbgrader, which started it, is
gone. When the stand-in dies, even by SIGKILL, the kernel sees its connection close and dies too.

The kernelspec starts it as `python -I -S kernel_proxy.py SOCKET_NAME -f CONNECTION_FILE`:
standard library only and no site packages, so that it starts in a few milliseconds.
"""

import json
import os
import select
import signal
import socket
import sys

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def request_kernel(socket_name, connection_file):
    """Connect to the kernel server; returns (the connection, the forked kernel's pid)."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        server.connect("\0" + socket_name)
    except OSError as error:
        sys.exit(f"kernel stand-in: no kernel server answers at @{socket_name} ({error}); it failed to start")
    request = {"connection_file": os.path.abspath(connection_file), "cwd": os.getcwd(), "env": dict(os.environ)}
    try:
        socket.send_fds(server, [json.dumps(request).encode()], [0, 1, 2])
        reply = server.recv(64)
    except OSError:
        reply = b""
    if not reply:
        sys.exit("kernel stand-in: the kernel server could not start a kernel (its reason is in the log above)")
    return server, int(reply)


def forward_to(kernel):
    def forward(number, _frame):
        try:
            os.killpg(kernel, number)
        except ProcessLookupError:
            pass

    return forward


def main():
    socket_name, connection_file = sys.argv[1], sys.argv[-1]
    launcher = os.pidfd_open(os.getppid())
    server, kernel = request_kernel(socket_name, connection_file)
    for number in FORWARDED:
        signal.signal(number, forward_to(kernel))
    try:
        kernel_exit = os.pidfd_open(kernel)
    except ProcessLookupError:
        return
    watch = select.poll()
    for fd in (kernel_exit, launcher, server.fileno()):
        watch.register(fd, select.POLLIN)
    watch.poll()  # the kernel exited, nbgrader is gone, or the kernel's end of the connection closed


if __name__ == "__main__":
    main()
