"""The red-team library: cheating submissions that must gain nothing and be flagged.

Each entry of red_team/<assignment>.yaml is graded by the real autograder (sandbox, rebuilt
notebook, verdicts outside the kernel) beside its baseline; it must score no more than the
baseline and carry a flag that names what it did.
"""
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from autograder.grading import grade_assignment
from autograder.limits import Limits
from submission_factory import release_answers, write_submission
from test_exercise_grading import wrong_answer_code, wrong_answers

RED_TEAM_DIR = Path(__file__).parent / "red_team"
ASSIGNMENTS = sorted(path.stem for path in RED_TEAM_DIR.glob("*.yaml"))

pytestmark = pytest.mark.slow


def cases(assignment):
    entries = yaml.safe_load((RED_TEAM_DIR / f"{assignment}.yaml").read_text())
    return {name: entry for name, entry in entries.items() if not name.startswith("_")}


def cheat_answers(assignment, entry):
    base = entry.get("answers_from")
    answers = wrong_answer_code(assignment, wrong_answers(assignment)[base]) if base else release_answers(assignment)
    answers = {**answers, **entry.get("answers", {})}
    if entry.get("prefix"):
        first = next(iter(release_answers(assignment)))
        answers[first] = entry["prefix"] + "\n" + answers[first]
    return answers


def is_test(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def edit_notebook(notebook, kind):
    """The notebook changes a cheater makes to the cells they must not touch."""
    tests = [cell for cell in notebook.cells if is_test(cell)]
    if kind == "replace_tests":
        for cell in tests:
            cell.source = "print('all good')"
    elif kind == "delete_tests":
        notebook.cells = [cell for cell in notebook.cells if not is_test(cell)]
    elif kind == "tests_first":
        notebook.cells = tests + [cell for cell in notebook.cells if not is_test(cell)]
    elif kind == "inflate_metadata":
        for cell in tests:
            cell.metadata["nbgrader"].update(points=100, grade=False, locked=False, checksum="0" * 32)
    else:
        raise ValueError(f"unknown edit {kind!r}")


def write_cheat(submitted, student, assignment, answers, edit=None):
    write_submission(submitted, student, assignment, answers,
                     edit=(lambda notebook: edit_notebook(notebook, edit)) if edit else None)


@pytest.fixture(scope="session")
def red_team_grades(tmp_path_factory, course_dir_for):
    @lru_cache(maxsize=None)
    def grade(assignment):
        root = tmp_path_factory.mktemp(f"red-team-{assignment}")
        submitted = root / "submitted"
        write_cheat(submitted, "blank", assignment, release_answers(assignment))
        baselines = {entry["baseline"] for entry in cases(assignment).values() if entry.get("baseline")}
        for name in baselines:
            write_cheat(submitted, name, assignment, wrong_answer_code(assignment, wrong_answers(assignment)[name]))
        for name, entry in cases(assignment).items():
            write_cheat(submitted, name, assignment, cheat_answers(assignment, entry), entry.get("edit"))
        results = grade_assignment(assignment, submitted, course_dir_for(assignment),
                                   Limits(cell_timeout=30, notebook_timeout=300))
        return {result.student: result for result in results}

    return grade


CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in cases(assignment)]


def test_the_library_covers_the_issue_list():
    names = set(cases("conv_numpy"))
    assert {"monkeypatch_numpy_comparisons", "monkeypatch_builtins", "input_transformer_skips_every_later_cell",
            "edits_test_cells", "deletes_test_cells", "reorders_cells", "inflates_test_metadata",
            "reads_hidden_tests_solutions_and_gradebook", "imports_reference_code_from_the_grader",
            "library_convolution", "fake_observations_and_output", "raises_system_exit",
            "raises_keyboard_interrupt"} <= names


@pytest.mark.parametrize("assignment,name", CASES)
def test_cheat_gains_nothing_and_is_flagged(red_team_grades, assignment, name):
    entry = cases(assignment)[name]
    results = red_team_grades(assignment)
    cheat, baseline = results[name], results[entry.get("baseline", "blank")]
    assert cheat.score <= baseline.score, f"{name} earned {cheat.score} against {baseline.score} without cheating"
    assert any(entry["flag"] in flag for flag in cheat.flags), f"{name} not flagged as expected: {cheat.flags}"


def test_every_pytorch_assignment_has_a_red_team():
    from autograder.assignments import assignment_names
    assert set(assignment_names()) <= set(ASSIGNMENTS)
    kinds = {entry["flag"] for assignment in ASSIGNMENTS for entry in cases(assignment).values()}
    for kind in ("assigns to torch.", "assigns to nn.Module.__call__", "not plain tensors", "rebinds _grader",
                 "rebinds _observe", "never get a gradient", "defines __call__", "_getframe", "_grader",
                 "refers to solutions"):
        assert any(kind in flag for flag in kinds), kind


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_submissions_are_not_flagged(red_team_grades, assignment):
    assert red_team_grades(assignment)["blank"].flags == []


def test_solutions_carry_no_flag():
    from autograder.assignments import SOLUTIONS_DIR
    from autograder.suspicious import code_flags
    from submission_factory import solution_answers
    for assignment in ASSIGNMENTS:
        for cell, code in solution_answers(assignment).items():
            assert code_flags(code, assignment) == [], (assignment, cell)
    assert SOLUTIONS_DIR.is_dir()
