"""The red-team library: cheating submissions that must gain nothing and be flagged.

Each entry of red_team/<assignment>.yaml is graded by the real autograder (sandbox, rebuilt
notebook, verdicts outside the kernel) beside its baseline; it must score no more than the
baseline and carry a flag that names what it did.
"""

import nbformat
import pytest
from helpers.class_grading import cheat_student
from helpers.libraries import red_team, red_team_assignments
from helpers.submissions import solution_answers

from autograder.assignments import assignment_names
from autograder.grading_folder import GradingFolder
from autograder.suspicious import code_flags

ASSIGNMENTS = red_team_assignments()

pytestmark = pytest.mark.slow


CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in red_team(assignment)]
REFUSED_IMPORTS = [(assignment, name) for assignment, name in CASES if "refused" in red_team(assignment)[name]]


def test_the_library_covers_the_issue_list():
    names = set(red_team("conv_numpy"))
    assert {
        "monkeypatch_numpy_comparisons",
        "monkeypatch_builtins",
        "input_transformer_skips_every_later_cell",
        "edits_test_cells",
        "deletes_test_cells",
        "reorders_cells",
        "inflates_test_metadata",
        "reads_hidden_tests_solutions_and_gradebook",
        "imports_reference_code_from_the_grader",
        "library_convolution",
        "fake_observations_and_output",
        "raises_system_exit",
        "raises_keyboard_interrupt",
    } <= names


@pytest.mark.parametrize("assignment,name", CASES)
def test_cheat_gains_nothing_and_is_flagged(class_grades, assignment, name):
    entry = red_team(assignment)[name]
    results = class_grades(assignment).results
    cheat, baseline = results[cheat_student(name)], results[entry.get("baseline", "blank")]
    assert cheat.score <= baseline.score, f"{name} earned {cheat.score} against {baseline.score} without cheating"
    assert any(entry["flag"] in flag for flag in cheat.flags), f"{name} not flagged as expected: {cheat.flags}"


@pytest.mark.parametrize("assignment,name", REFUSED_IMPORTS)
def test_a_refused_import_tells_the_student_why(class_grades, assignment, name):
    folder = GradingFolder(class_grades(assignment).grading_folder).autograded(cheat_student(name), assignment)
    errors = [
        f"{output.ename}: {output.evalue}"
        for path in folder.glob("*.ipynb")
        for cell in nbformat.read(str(path), as_version=4).cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert any(red_team(assignment)[name]["refused"] in error for error in errors), errors


def test_every_pytorch_assignment_has_a_red_team():
    assert set(assignment_names()) <= set(ASSIGNMENTS)
    kinds = {entry["flag"] for assignment in ASSIGNMENTS for entry in red_team(assignment).values()}
    for kind in (
        "assigns to torch.",
        "assigns to nn.Module.__call__",
        "not plain tensors",
        "rebinds _grader",
        "rebinds _observe",
        "never get a gradient",
        "defines __call__",
        "_getframe",
        "_grader",
        "refers to solutions",
    ):
        assert any(kind in flag for flag in kinds), kind


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_submissions_are_not_flagged(class_grades, assignment):
    assert class_grades(assignment).results["blank"].flags == []


def test_solutions_carry_no_flag():
    for assignment in ASSIGNMENTS:
        for cell, code in solution_answers(assignment).items():
            assert code_flags(code, assignment) == [], (assignment, cell)
