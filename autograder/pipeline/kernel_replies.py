"""A kernel's replies read as soon as they arrive, even when pyzmq misses their wake-up.

jupyter_client's asyncio channels wait for a message with one `poll` as long as the caller's
timeout. pyzmq learns that a message has arrived from an edge-triggered file descriptor, and now
and then (more often on a busy machine) that edge is consumed before the event loop sees it: the
poll then sleeps for its whole timeout, finds the message at the end (the timeout's last check is
a real `zmq_poll`) and goes on as if nothing happened. For a notebook cell that timeout is the
cell time limit: in the test suite a book chapter that runs in 7 s took 907 s, its 15-minute limit
spent waiting for a reply that had come at once. Polling in slices of a second bounds the cost of
a missed wake-up to a second: each slice ends with that real check.

Installed in the processes that run notebooks: the book build (book/_ext/kernel_replies.py) and
nbgrader's (autograder.pipeline.recovering_execute).
"""

import time
from queue import Empty

from jupyter_client.channels import AsyncZMQSocketChannel

SLICE_S = 1.0


async def get_msg_polling_in_slices(self, timeout=None, slice_s=None):
    """AsyncZMQSocketChannel.get_msg (the next message, or Empty after `timeout` seconds; None
    waits for ever), polling at most `slice_s` seconds at a time."""
    slice_s = SLICE_S if slice_s is None else slice_s
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        wait = slice_s if remaining is None else min(slice_s, remaining)
        if await self.socket.poll(int(wait * 1000)):
            return await self._recv()
        if remaining is not None and remaining <= slice_s:
            raise Empty


def install():
    """From now on, every asyncio kernel client of this process polls in slices."""
    AsyncZMQSocketChannel.get_msg = get_msg_polling_in_slices
