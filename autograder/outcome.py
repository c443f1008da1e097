"""What a finished grading says beyond its score: cells stopped by a limit, and signs of gaming
the grader (read from the autograded notebooks and the submitted files)."""

import nbformat

from .assignments import notebook_names
from .pipeline.integrity import locked_cells, structure_flags
from .pipeline.observations import REJECTED_NAME, TAMPER_NAME, UNUSED_NAME
from .pipeline.recovering_execute import KERNEL_DIED
from .releases import candidate_releases
from .suspicious import submission_code_flags

INTERRUPTIONS = {
    "CellTimeoutError": "timed out",
    "MemoryError": "out of memory",
    "BlockingIOError": "hit the process limit",
    KERNEL_DIED: "the kernel died",
}
PROCESS_LIMIT_SIGN = "can't start new thread"  # what Python raises when the cap leaves no room for a thread


def autograded_notebooks(folder, assignment, student):
    return [
        nbformat.read(str(path), as_version=4)
        for path in sorted(folder.autograded(student, assignment).glob("*.ipynb"))
    ]


def error_name(output):
    if PROCESS_LIMIT_SIGN in output.get("evalue", ""):
        return "BlockingIOError"
    return output.get("ename")


def cells_with_errors(notebooks, names):
    """{error name: [grade_id, ...]} for the errors in `names` found in the notebooks' outputs."""
    found = {}
    for notebook in notebooks:
        for number, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and error_name(output) in names:
                    cell_name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {number}")
                    if cell_name not in found.setdefault(error_name(output), []):
                        found[error_name(output)].append(cell_name)
    return found


def interruption_reason(notebooks):
    """'timed out (scored 0): cell, ...; out of memory ...': cells stopped by a limit, not by a test."""
    stopped = cells_with_errors(notebooks, INTERRUPTIONS)
    return "; ".join(f"{INTERRUPTIONS[name]} (scored 0): {', '.join(cells)}" for name, cells in stopped.items())


def gaming_flags(release_dir, assignment, submission, notebooks):
    """What the instructor should look at: tampering with the notebook, suspicious code, and tests
    that raised nothing in the kernel yet failed the grader's check outside it."""
    flags = []
    for name in notebook_names(assignment):
        current = locked_cells(nbformat.read(str(release_dir / name), as_version=4))
        flags += structure_flags(
            submission.folder / name, candidate_releases(assignment, submission.folder / name, current)
        )
        flags += submission_code_flags(submission.folder / name, assignment, release_dir / name)
    found = cells_with_errors(notebooks, {TAMPER_NAME, REJECTED_NAME, UNUSED_NAME})
    if found.get(TAMPER_NAME):
        flags.append(
            "tests passed in the kernel but their values failed the check outside it "
            "(comparisons or test code interfered with): " + ", ".join(found[TAMPER_NAME])
        )
    if found.get(REJECTED_NAME):
        flags.append(
            "handed the tests values that are not plain tensors or numbers (a tensor subclass or "
            "an object with its own conversions): " + ", ".join(found[REJECTED_NAME])
        )
    if found.get(UNUSED_NAME):
        flags.append(
            "has parameters that never get a gradient (unused parameters padding a parameter count?): "
            + ", ".join(found[UNUSED_NAME])
        )
    return list(dict.fromkeys(flags))
