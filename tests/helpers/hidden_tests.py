"""The hidden-test lines of the instructor notebooks, for checks that they never leak."""

import nbformat

from autograder.assignments import SOLUTIONS_DIR
from autograder.pipeline.redaction import split_hidden


def distinctive_hidden_lines(min_length=25):
    """Hidden-test lines long enough to be unmistakable and not also written in visible cells."""
    hidden, visible = set(), []
    for path in sorted(SOLUTIONS_DIR.glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            shown, secret = split_hidden(cell.source)
            visible.append(shown)
            hidden.update(line.strip() for line in secret if len(line.strip()) >= min_length)
    visible_text = "\n".join(visible)
    return {line for line in hidden if line not in visible_text}
