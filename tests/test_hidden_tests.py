"""The hidden tests leave every verdict to the grader: they hand values over with `_observe` or
`_grader.check_model` and assert nothing a student's code could decide inside the kernel."""

import ast

import nbformat
import pytest

from autograder.assignments import SOLUTIONS_DIR, assignment_names, is_from_scratch
from autograder.pipeline.observations import is_test_cell
from autograder.pipeline.redaction import split_hidden


def hidden_blocks(assignment):
    for path in sorted((SOLUTIONS_DIR / assignment).glob("*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if is_test_cell(cell):
                _, hidden = split_hidden(cell.source)
                yield cell.metadata["nbgrader"]["grade_id"], "\n".join(hidden)


def kernel_verdicts(code):
    """The asserts and `raise AssertionError`s in the code: verdicts only the kernel would know."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assert):
            found.append(ast.unparse(node)[:60])
        elif isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
            found.append(ast.unparse(node)[:60])
    return found


@pytest.mark.parametrize("assignment", assignment_names())
def test_no_verdict_in_a_hidden_block_is_left_to_the_kernel(assignment):
    for cell, code in hidden_blocks(assignment):
        assert not kernel_verdicts(code), f"{assignment}/{cell}: {kernel_verdicts(code)}"
        assert "_observe(" in code or "_grader.check_model(" in code, f"{assignment}/{cell} observes nothing"


def test_the_check_finds_kernel_verdicts():
    assert kernel_verdicts("assert x == 1\nraise AssertionError('no')\n") == [
        "assert x == 1",
        "raise AssertionError('no')",
    ]
    assert kernel_verdicts("_observe('x', x)") == []


@pytest.mark.parametrize("assignment", [a for a in assignment_names() if not is_from_scratch(a)])
def test_model_exercises_are_judged_by_what_the_models_compute(assignment):
    checked = [cell for cell, code in hidden_blocks(assignment) if "_grader.check_model(" in code]
    assert checked, f"{assignment}: no hidden test compares what a model computes"
    for cell, code in hidden_blocks(assignment):
        assert ".modules()" not in code, f"{assignment}/{cell} still reads the module inventory"
