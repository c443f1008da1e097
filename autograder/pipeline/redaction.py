"""Keep hidden tests out of what students see: their source, and tracebacks that quote it.

Stock `nbgrader generate_feedback` renders the autograded notebook, where the test cells hold
their hidden tests again, and IPython tracebacks quote the failing line with its neighbours.
"""

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from .observations import HARNESS_SOURCE

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
HIDDEN_PLACEHOLDER = "# (hidden tests are not shown)"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def split_hidden(source):
    """(source with each hidden region replaced by a placeholder, the hidden lines and their markers)."""
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
            hidden.append(line)
            visible.append(line[: line.index(BEGIN_HIDDEN)] + HIDDEN_PLACEHOLDER)
        elif END_HIDDEN in line:
            inside = False
            hidden.append(line)
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible), hidden


def redact_traceback(frames, hidden_lines):
    """Traceback frames with every line that quotes a hidden line removed."""
    quoted = [line.strip() for line in hidden_lines if line.strip()]
    redacted = []
    for frame in frames:
        kept = [line for line in frame.split("\n") if not any(text in ANSI_ESCAPE.sub("", line) for text in quoted)]
        if len(kept) < len(frame.split("\n")):
            kept.append("    (a line of a hidden test: not shown)")
        redacted.append("\n".join(kept))
    return redacted


class RedactHiddenTests(NbGraderPreprocessor):
    """nbgrader preprocessor for generate_feedback: hidden tests leave the source and the outputs,
    and the grader's harness cell leaves the notebook."""

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if cell.source != HARNESS_SOURCE]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            cell.source, hidden = split_hidden(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = redact_traceback(output.get("traceback", []), hidden)
        return cell, resources
