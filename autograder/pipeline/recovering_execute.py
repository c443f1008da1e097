"""nbgrader's Execute preprocessor, made to survive a kernel that dies in one cell.

A cell that kills its kernel (`os._exit`, a segfault, the kernel killed for its memory) would
otherwise stop the notebook, and the whole submission would score nothing, even the answers that
ran and passed before it. Here the cell gets a `KernelDied` error (so a test cell scores 0 and the
reason names it), a fresh kernel is started, the code cells that ran before are run again in it
(their recorded outputs kept), and the notebook goes on after the cell that crashed. Runs in
nbgrader's process, in place of `nbgrader.preprocessors.Execute` (whose configuration it takes).
"""

import copy

from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

from .kernel_replies import install as read_replies_without_missed_wake_ups

KERNEL_DIED = "KernelDied"


class RecoveringExecute(Execute):
    max_restarts = Integer(5, help="kernel restarts allowed in one notebook before it counts as failed").tag(
        config=True
    )

    def preprocess(self, nb, resources=None, km=None):
        read_replies_without_missed_wake_ups()
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        ran, next_cell, restarts = [], 0, 0
        while next_cell < len(self.nb.cells):
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                self.replay(ran)
                next_cell = self.run_until_the_kernel_dies(
                    next_cell, ran, resources, may_restart=restarts < self.max_restarts
                )
            restarts += 1
        self.set_widgets_metadata()
        return self.nb, self.resources

    def run_until_the_kernel_dies(self, first, ran, resources, may_restart):
        """Run the cells from `first` on; the index to go on from after a crash, or the end."""
        for index in range(first, len(self.nb.cells)):
            cell = self.nb.cells[index]
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                if not may_restart:
                    raise
                message = (
                    "the kernel died while running this cell (scored 0); the cells after it ran in a "
                    "fresh kernel, after the cells before it were run again"
                )
                cell.outputs.append(
                    new_output("error", ename=KERNEL_DIED, evalue=message, traceback=[f"{KERNEL_DIED}: {message}"])
                )
                return index + 1
            if cell.cell_type == "code":
                ran.append(index)
        return len(self.nb.cells)

    def replay(self, ran):
        """Run the cells that ran before the crash again, keeping the outputs they first gave."""
        for index in ran:
            self.execute_cell(copy.deepcopy(self.nb.cells[index]), index, store_history=False)
