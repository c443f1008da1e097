"""The PyTorch exercises' locked `setup` cell (imports, DEVICE, the visible tests' helpers) has one
source, solutions/setup_cell.py: `python -m autograder release` writes it into every source
notebook that has a cell with grade_id `setup`, and a test fails when a notebook drifts from it."""

import nbformat

from .assignments import SOLUTIONS_DIR, assignment_names, require_assignment
from .pipeline.notebook_cells import grade_id

SETUP_CELL_FILE = SOLUTIONS_DIR / "setup_cell.py"
SETUP_CELL_ID = "setup"


def setup_cell_source():
    return SETUP_CELL_FILE.read_text().rstrip("\n")


def source_notebooks():
    return [
        path for assignment in assignment_names() for path in sorted(require_assignment(assignment).glob("*.ipynb"))
    ]


def setup_cells(notebook):
    return [cell for cell in notebook.cells if grade_id(cell) == SETUP_CELL_ID]


def stale_setup_cells(paths=None):
    """The notebooks whose setup cell differs from solutions/setup_cell.py."""
    expected = setup_cell_source()
    return [
        path
        for path in (paths or source_notebooks())
        if any(cell.source != expected for cell in setup_cells(nbformat.read(str(path), as_version=4)))
    ]


def write_setup_cells(paths=None):
    """Rewrite the stale setup cells from solutions/setup_cell.py; returns the notebooks changed."""
    expected, changed = setup_cell_source(), []
    for path in stale_setup_cells(paths):
        notebook = nbformat.read(str(path), as_version=4)
        for cell in setup_cells(notebook):
            cell.source = expected
        nbformat.write(notebook, str(path))
        changed.append(path)
    return changed
