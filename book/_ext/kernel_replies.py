"""The chapters' kernels answered without waiting for a missed wake-up (the book build runs them
in this process: autograder/pipeline/kernel_replies.py says why)."""

from autograder.pipeline.kernel_replies import install


def setup(app):
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
