"""A kernel that dies in one cell costs only that cell: the cells before it are run again in a
fresh kernel and the notebook goes on after it."""

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from autograder.pipeline.kernel_replies import get_msg_polling_in_slices
from autograder.pipeline.recovering_execute import KERNEL_DIED, RecoveringExecute


def run(cells, **settings):
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executed, _ = RecoveringExecute(timeout=60, kernel_name="python3", **settings).preprocess(
        notebook, {"metadata": {"path": "."}}
    )
    return [
        [output.get("ename") or output.get("text", "").strip() for output in cell.outputs] for cell in executed.cells
    ]


def test_the_notebook_goes_on_after_the_cell_that_killed_the_kernel():
    outputs = run(["x = 41", "import os; os._exit(3)", "print(x + 1)", "raise ValueError('own error')", "print('end')"])
    assert outputs == [[], [KERNEL_DIED], ["42"], ["ValueError"], ["end"]]
    assert AsyncZMQSocketChannel.get_msg is get_msg_polling_in_slices, "replies are read without missed wake-ups"


def test_a_kernel_that_keeps_dying_stops_the_notebook():
    with pytest.raises(DeadKernelError):
        run(["import os; os._exit(1)"] * 3, max_restarts=1)
