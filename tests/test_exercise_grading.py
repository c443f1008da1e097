"""Tests of the tests: every exercise graded by the real autograder.

For each assignment: the solution earns full marks, the untouched release earns zero, every
known-wrong answer in wrong_answers/<assignment>.yaml loses the points it must lose, and every right
answer written another way in legitimate/<assignment>.yaml earns full marks. Entries marked
`cpu_only` are wrong only on a grader without a GPU, `requires_cuda` ones only with a GPU.
"""

import nbformat
import pytest
from helpers.class_grading import legitimate_student
from helpers.libraries import applies_here, legitimate_answers, library, wrong_answers

from autograder.assignments import SOLUTIONS_DIR, assignment_names
from autograder.gradebook import cell_scores
from autograder.results import GRADED

pytestmark = pytest.mark.slow


def full_marks(assignment):
    return sum(
        cell.metadata["nbgrader"]["points"]
        for path in (SOLUTIONS_DIR / assignment).glob("*.ipynb")
        for cell in nbformat.read(str(path), as_version=4).cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    )


ASSIGNMENTS = assignment_names()
WRONG_CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in wrong_answers(assignment)]


def test_every_assignment_has_a_wrong_answer_library():
    assert ASSIGNMENTS and all(library("wrong_answers", a) for a in ASSIGNMENTS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks(class_grades, assignment):
    graded = class_grades(assignment)
    result = graded.results["solution"]
    assert result.status == GRADED, result.reason
    assert result.score == result.max_score == full_marks(assignment)
    lost = {
        cell: score
        for cell, score in cell_scores(graded.grading_folder, assignment, "solution").items()
        if score[0] < score[1]
    }
    assert not lost, lost
    assert result.flags == [], result.flags


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_earns_zero(class_grades, assignment):
    results = class_grades(assignment).results
    assert results["blank"].status == GRADED, results["blank"].reason
    assert results["blank"].score == 0


@pytest.mark.parametrize("assignment,name", WRONG_CASES)
def test_wrong_answer_loses_points(class_grades, assignment, name):
    entry = wrong_answers(assignment)[name]
    if not applies_here(entry):
        pytest.skip("wrong only on a grader " + ("without" if entry.get("cpu_only") else "with") + " a GPU")
    graded = class_grades(assignment)
    result = graded.results[name]
    assert result.status == GRADED, result.reason
    scores = cell_scores(graded.grading_folder, assignment, name)
    still_full = [cell for cell in entry["must_lose"] if scores[cell][0] == scores[cell][1]]
    assert not still_full, f"{name} ({entry['why']}) still earns full points in {still_full}"
    assert result.max_score - result.score >= entry["min_points_lost"], (name, result.score)


LEGITIMATE_CASES = [(assignment, name) for assignment in ASSIGNMENTS for name in legitimate_answers(assignment)]


@pytest.mark.parametrize("assignment,name", LEGITIMATE_CASES)
def test_legitimate_variant_earns_full_marks(class_grades, assignment, name):
    graded = class_grades(assignment)
    result = graded.results[legitimate_student(name)]
    assert result.status == GRADED, result.reason
    lost = {
        cell: score
        for cell, score in cell_scores(graded.grading_folder, assignment, legitimate_student(name)).items()
        if score[0] < score[1]
    }
    assert not lost, f"{name} ({legitimate_answers(assignment)[name]['why']}) loses points in {lost}"
    assert result.flags == [], result.flags


def test_every_assignment_but_conv_numpy_has_legitimate_variants():
    assert {a for a, _ in LEGITIMATE_CASES} >= set(ASSIGNMENTS) - {"conv_numpy"}


def test_conv_numpy_library_covers_the_issue_list():
    required = {
        "kernel_flipped",
        "stride_ignored_naive",
        "stride_ignored_vectorised",
        "bias_missing",
        "one_sided_padding",
        "size_off_by_one",
        "average_pooling",
        "channels_last_output",
    }
    assert required <= set(wrong_answers("conv_numpy"))


def test_conv_backward_library_covers_the_issue_list():
    required = {
        "kernel_not_flipped",
        "stride_ignored_in_dx",
        "padding_not_cropped",
        "db_summed_over_the_wrong_axes",
        "tie_to_every_maximum",
        "one_sided_differences",
    }
    assert required <= set(wrong_answers("conv_backward"))


def test_batchnorm_library_covers_the_issue_list():
    required = {
        "unbiased_variance_to_normalise",
        "biased_variance_in_the_running_update",
        "statistics_over_everything",
        "statistics_per_image",
        "momentum_the_wrong_way_round",
        "eps_outside_the_square_root",
        "running_statistics_updated_in_place",
        "eval_mode_uses_batch_statistics",
        "dgamma_dbeta_summed_over_the_batch_only",
        "backward_mean_and_variance_constant",
        "backward_missing_the_mean_term",
    }
    assert required <= set(wrong_answers("batchnorm"))
