"""Tests of the tests: every exercise graded by the real autograder.

For each assignment: the solution earns full marks, the untouched release earns zero, every
known-wrong answer in wrong_answers/<assignment>.yaml loses the points it must lose, and every right
answer written another way in legitimate/<assignment>.yaml earns full marks. Entries marked
`cpu_only` are wrong only on a grader without a GPU, `requires_cuda` ones only with a GPU.
"""
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
import torch
import yaml

from autograder.assignments import SOLUTIONS_DIR, assignment_names
from autograder.gradebook import cell_scores
from autograder.grading import grade_assignment
from autograder.limits import Limits
from autograder.results import GRADED
from autograder.variants import apply_edits
from submission_factory import release_answers, solution_answers, write_submission

WRONG_ANSWERS_DIR = Path(__file__).parent / "wrong_answers"
LEGITIMATE_DIR = Path(__file__).parent / "legitimate"
HAS_CUDA = torch.cuda.is_available()

pytestmark = pytest.mark.slow


def wrong_answers(assignment):
    return yaml.safe_load((WRONG_ANSWERS_DIR / f"{assignment}.yaml").read_text())


def legitimate_answers(assignment):
    path = LEGITIMATE_DIR / f"{assignment}.yaml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def applies_here(entry):
    return not (entry.get("cpu_only") and HAS_CUDA) and not (entry.get("requires_cuda") and not HAS_CUDA)


def wrong_answer_code(assignment, entry):
    return apply_edits(solution_answers(assignment), entry)


def full_marks(assignment):
    return sum(cell.metadata["nbgrader"]["points"]
               for path in (SOLUTIONS_DIR / assignment).glob("*.ipynb")
               for cell in nbformat.read(str(path), as_version=4).cells
               if cell.metadata.get("nbgrader", {}).get("grade"))


@pytest.fixture(scope="session")
def graded(tmp_path_factory, course_dir_for):
    """graded(assignment) -> (course folder, {student: GradeResult}), grading each assignment once."""

    @lru_cache(maxsize=None)
    def grade(assignment):
        root = tmp_path_factory.mktemp(f"grading-{assignment}")
        submitted = root / "submitted"
        write_submission(submitted, "solution", assignment, solution_answers(assignment))
        write_submission(submitted, "blank", assignment, release_answers(assignment))
        for name, entry in wrong_answers(assignment).items():
            if applies_here(entry):
                write_submission(submitted, name, assignment, wrong_answer_code(assignment, entry))
        for name, entry in legitimate_answers(assignment).items():
            write_submission(submitted, f"legitimate-{name}", assignment, wrong_answer_code(assignment, entry))
        course = course_dir_for(assignment)
        results = grade_assignment(assignment, submitted, course, Limits(cell_timeout=120))
        return course, {result.student: result for result in results}

    return grade


ASSIGNMENTS = assignment_names()
WRONG_CASES = [(assignment, name) for assignment in ASSIGNMENTS
               for name in wrong_answers(assignment)]


def test_every_assignment_has_a_wrong_answer_library():
    assert ASSIGNMENTS and all((WRONG_ANSWERS_DIR / f"{a}.yaml").is_file() for a in ASSIGNMENTS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks(graded, assignment):
    course, results = graded(assignment)
    result = results["solution"]
    assert result.status == GRADED, result.reason
    assert result.score == result.max_score == full_marks(assignment)
    lost = {cell: score for cell, score in cell_scores(course, assignment, "solution").items() if score[0] < score[1]}
    assert not lost, lost
    assert result.flags == [], result.flags


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_earns_zero(graded, assignment):
    _, results = graded(assignment)
    assert results["blank"].status == GRADED, results["blank"].reason
    assert results["blank"].score == 0


@pytest.mark.parametrize("assignment,name", WRONG_CASES)
def test_wrong_answer_loses_points(graded, assignment, name):
    entry = wrong_answers(assignment)[name]
    if not applies_here(entry):
        pytest.skip("wrong only on a grader " + ("without" if entry.get("cpu_only") else "with") + " a GPU")
    course, results = graded(assignment)
    result = results[name]
    assert result.status == GRADED, result.reason
    scores = cell_scores(course, assignment, name)
    still_full = [cell for cell in entry["must_lose"] if scores[cell][0] == scores[cell][1]]
    assert not still_full, f"{name} ({entry['why']}) still earns full points in {still_full}"
    assert result.max_score - result.score >= entry["min_points_lost"], (name, result.score)


LEGITIMATE_CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in legitimate_answers(assignment)]


@pytest.mark.parametrize("assignment,name", LEGITIMATE_CASES)
def test_legitimate_variant_earns_full_marks(graded, assignment, name):
    course, results = graded(assignment)
    result = results[f"legitimate-{name}"]
    assert result.status == GRADED, result.reason
    lost = {cell: score for cell, score in cell_scores(course, assignment, f"legitimate-{name}").items()
            if score[0] < score[1]}
    assert not lost, f"{name} ({legitimate_answers(assignment)[name]['why']}) loses points in {lost}"
    assert result.flags == [], result.flags


def test_every_pytorch_assignment_has_legitimate_variants():
    assert {a for a, _ in LEGITIMATE_CASES} >= set(ASSIGNMENTS) - {"conv_numpy"}


def test_conv_numpy_library_covers_the_issue_list():
    required = {"kernel_flipped", "stride_ignored_naive", "stride_ignored_vectorised", "bias_missing",
                "one_sided_padding", "size_off_by_one", "average_pooling", "channels_last_output"}
    assert required <= set(wrong_answers("conv_numpy"))
