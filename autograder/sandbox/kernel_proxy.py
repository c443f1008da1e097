"""The kernel's stand-in: the process jupyter_client starts for a grading kernel. It asks the
workspace's kernel server to fork a kernel (handing over its standard streams, working folder
and environment), forwards the signals jupyter_client sends (interrupt, terminate) to the
kernel's process group, and exits with the kernel's exit status, or as soon as nbgrader, which
started it, is gone. When the stand-in goes away, even by SIGKILL, the server kills the kernel.

The kernelspec starts it as `python -I -S kernel_proxy.py SOCKET_NAME SERVER_LOG -f CONNECTION_FILE`:
standard library only and no site packages, so that it starts in a few milliseconds.
"""

import json
import os
import select
import signal
import socket
import sys

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def server_failed(server_log, what):
    try:
        with open(server_log) as handle:
            tail = "".join(handle.readlines()[-5:]).strip()
    except OSError:
        tail = ""
    sys.exit(f"kernel stand-in: {what}" + (f"; the kernel server's log ends:\n{tail}" if tail else ""))


def request_kernel(socket_name, server_log, connection_file):
    """Connect to the kernel server; returns (the connection, the forked kernel's pid)."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    request = {"connection_file": os.path.abspath(connection_file), "cwd": os.getcwd(), "env": dict(os.environ)}
    try:
        server.connect("\0" + socket_name)
        socket.send_fds(server, [json.dumps(request).encode()], [0, 1, 2])
        reply = server.recv(64)
    except OSError as error:
        server_failed(server_log, f"no kernel server answers at @{socket_name} ({error})")
    if not reply:
        server_failed(server_log, "the kernel server did not start a kernel")
    return server, int(reply)


def forward_to(kernel):
    def forward(number, _frame):
        try:
            os.killpg(kernel, number)
        except ProcessLookupError:
            pass

    return forward


def main():
    socket_name, server_log, connection_file = sys.argv[1], sys.argv[2], sys.argv[-1]
    nbgrader = os.pidfd_open(os.getppid())
    server, kernel = request_kernel(socket_name, server_log, connection_file)
    for number in FORWARDED:
        signal.signal(number, forward_to(kernel))
    watch = select.poll()
    watch.register(nbgrader, select.POLLIN)
    watch.register(server, select.POLLIN)
    for fd, _ in watch.poll():
        if fd == server.fileno():
            news = server.recv(64).decode()
            if news.startswith("exit "):
                status = int(news.split()[1])
                sys.exit(status if status >= 0 else 128 - status)
            server_failed(server_log, "the kernel server stopped")
    sys.exit(1)  # nbgrader is gone; the server kills the kernel when this process exits


if __name__ == "__main__":
    main()
