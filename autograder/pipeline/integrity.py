"""The notebook that is graded is the instructor's, with the student's answers put in.

RestoreStructure (an nbgrader sanitize preprocessor) rebuilds every submission from the
assignment's source notebook: cells in the instructor's order with the instructor's text and
metadata, the student's answer cells taken by grade_id, cells the student added kept after the
cell they followed. Edited, deleted, reordered or re-labelled test cells therefore change
nothing; `structure_flags` reports them to the instructor.
"""

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .notebook_cells import grade_id
from .observations import HARNESS_SOURCE

RELEASE_STAMP = "convnets_release"  # notebook metadata: which release (and language) a notebook is
MISSING_ANSWER = "# this answer cell was missing from the submission\nraise NotImplementedError()"


def is_answer_cell(cell):
    return cell.metadata.get("nbgrader", {}).get("solution", False)


def added_cells_by_anchor(cells, known_ids):
    """{grade_id of the instructor's cell before it (None at the top): [student-added cells]}."""
    anchors, anchor = {}, None
    for cell in cells:
        name = grade_id(cell)
        if name in known_ids:
            anchor = name
            continue
        added = copy.deepcopy(cell)
        added.metadata.pop("nbgrader", None)
        anchors.setdefault(anchor, []).append(added)
    return anchors


def rebuild(submitted, source):
    """The source notebook with the submission's answers and added cells; harness cell first."""
    known = {grade_id(cell) for cell in source.cells if grade_id(cell)}
    answers = {grade_id(cell): cell for cell in submitted.cells if grade_id(cell) in known}
    added = added_cells_by_anchor(submitted.cells, known)
    cells = [new_code_cell(HARNESS_SOURCE), *added.get(None, [])]
    for original in source.cells:
        cell = copy.deepcopy(original)
        name = grade_id(cell)
        if is_answer_cell(cell):
            answer = answers.get(name)
            cell.source = answer.source if answer is not None and answer.cell_type == cell.cell_type else MISSING_ANSWER
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        cells.extend(added.get(name, []))
    rebuilt = copy.deepcopy(source)
    rebuilt.cells = cells
    return rebuilt


class RestoreStructure(NbGraderPreprocessor):
    source_dir = Unicode("", help="the course's source/ folder").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        source_path = Path(self.source_dir) / info["assignment"] / f"{info['notebook']}.ipynb"
        return rebuild(nb, nbformat.read(str(source_path), as_version=4)), resources


LOCKED_METADATA = ("grade", "solution", "locked", "points", "checksum")


def locked_cells(notebook):
    """The cells a student must not change, in order: grade_id, source and nbgrader metadata."""
    return [
        {
            "grade_id": grade_id(cell),
            "source": cell.source,
            "nbgrader": {key: cell.metadata["nbgrader"].get(key) for key in LOCKED_METADATA},
        }
        for cell in notebook.cells
        if grade_id(cell) and not is_answer_cell(cell)
    ]


def flags_against(submitted, locked):
    """What the submission changed in the given locked cells, as short sentences."""
    theirs = {grade_id(cell): cell for cell in submitted.cells if grade_id(cell)}
    flags, order = [], []
    for cell in locked:
        name, mine = cell["grade_id"], theirs.get(cell["grade_id"])
        if mine is None:
            flags.append(f"deleted the locked cell {name}")
            continue
        order.append(name)
        if mine.source != cell["source"]:
            flags.append(f"edited the locked cell {name}")
        their_meta = mine.metadata.get("nbgrader", {})
        if any(their_meta.get(key) != value for key, value in cell["nbgrader"].items()):
            flags.append(f"changed the nbgrader metadata of {name}")
    present = [grade_id(cell) for cell in submitted.cells if grade_id(cell) in set(order)]
    if present != order:
        flags.append("reordered locked cells")
    return flags


def structure_flags(submitted_path, releases):
    """What the student changed in cells they must not change, as short sentences.

    releases: the locked cells (locked_cells) of each release the notebook may come from, the
    likeliest first. A notebook that matches any of them is not flagged; otherwise its changes
    from the first are reported."""
    try:
        submitted = nbformat.read(str(submitted_path), as_version=4)
    except Exception:  # unreadable notebooks are reported as invalid elsewhere
        return []
    found = [flags_against(submitted, locked) for locked in releases]
    return [] if any(not flags for flags in found) else found[0]
