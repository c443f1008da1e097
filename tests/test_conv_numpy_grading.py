"""Tests of the tests: the NumPy convolution exercise graded by the real autograder.

The solution earns full marks, the untouched release earns zero, and every known-wrong answer
in wrong_answers/conv_numpy.yaml loses the points it must lose.
"""
from pathlib import Path

import pytest
import yaml

from autograder.gradebook import cell_scores
from autograder.grading import GRADED, grade_assignment
from submission_factory import patched_answers, release_answers, solution_answers, write_submission

ASSIGNMENT = "conv_numpy"
WRONG_ANSWERS = yaml.safe_load((Path(__file__).parent / "wrong_answers" / f"{ASSIGNMENT}.yaml").read_text())

pytestmark = pytest.mark.slow


def wrong_answer_code(entry):
    answers = patched_answers(ASSIGNMENT, {cell: [tuple(pair) for pair in pairs]
                                           for cell, pairs in entry.get("patch", {}).items()})
    answers.update(entry.get("code", {}))
    return answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the solution, the blank release and every wrong answer in one autograder run."""
    root = tmp_path_factory.mktemp("grading")
    submitted = root / "submitted"
    write_submission(submitted, "solution", ASSIGNMENT, solution_answers(ASSIGNMENT))
    write_submission(submitted, "blank", ASSIGNMENT, release_answers(ASSIGNMENT))
    for name, entry in WRONG_ANSWERS.items():
        write_submission(submitted, name, ASSIGNMENT, wrong_answer_code(entry))
    course = root / "course"
    results = grade_assignment(ASSIGNMENT, submitted, course, cell_timeout=60)
    return course, {result.student: result for result in results}


def test_solution_earns_full_marks(graded):
    course, results = graded
    result = results["solution"]
    assert result.status == GRADED, result.reason
    assert result.score == result.max_score == 14
    assert all(score == maximum for score, maximum in cell_scores(course, ASSIGNMENT, "solution").values())


def test_blank_release_earns_zero(graded):
    course, results = graded
    assert results["blank"].status == GRADED
    assert results["blank"].score == 0
    assert set(cell_scores(course, ASSIGNMENT, "blank").values()) == {(0.0, score) for score in (1.0, 2.0, 3.0)}


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_wrong_answer_loses_points(graded, name):
    course, results = graded
    entry = WRONG_ANSWERS[name]
    result = results[name]
    assert result.status == GRADED, result.reason
    scores = cell_scores(course, ASSIGNMENT, name)
    still_full = [cell for cell in entry["must_lose"] if scores[cell][0] == scores[cell][1]]
    assert not still_full, f"{name} ({entry['why']}) still earns full points in {still_full}"
    assert result.max_score - result.score >= entry["min_points_lost"], (name, result.score)


def test_wrong_answer_library_covers_the_issue_list():
    required = {"kernel_flipped", "stride_ignored_naive", "stride_ignored_vectorised", "bias_missing",
                "one_sided_padding", "size_off_by_one", "average_pooling", "channels_last_output"}
    assert required <= set(WRONG_ANSWERS)
