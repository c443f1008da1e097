"""Tests of the tests: every exercise graded by the real autograder.

For each assignment: the solution earns full marks, the untouched release earns zero, every
known-wrong answer in wrong_answers/<assignment>.yaml loses the points it must lose, and every right
answer written another way in legitimate/<assignment>.yaml earns full marks. Entries marked
`cpu_only` are wrong only on a grader without a GPU, `requires_cuda` ones only with a GPU.
"""

import html
import re
from pathlib import Path

import nbformat
import pytest
from helpers.class_grading import is_translated, legitimate_student, translated_student, translated_wrong_answer
from helpers.libraries import applies_here, legitimate_answers, library, wrong_answers

from autograder.assignments import SOLUTIONS_DIR, assignment_names
from autograder.gradebook import cell_scores
from autograder.grading_folder import GradingFolder
from autograder.nbgrader_cli import run_nbgrader
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


@pytest.mark.parametrize("assignment", [assignment for assignment in ASSIGNMENTS if is_translated(assignment)])
def test_the_korean_release_is_graded_exactly_like_the_english_one(class_grades, assignment):
    """The same answers handed in on either release: the same score in every cell, and no flag
    for the translated instructions and test messages."""
    graded = class_grades(assignment)
    for student in ("solution", translated_wrong_answer(assignment)):
        english, korean = graded.results[student], graded.results[translated_student(student)]
        assert korean.status == GRADED, korean.reason
        assert cell_scores(graded.grading_folder, assignment, translated_student(student)) == cell_scores(
            graded.grading_folder, assignment, student
        ), student
        assert korean.score == english.score and korean.flags == english.flags, (korean, english)
    assert graded.results[translated_student("solution")].flags == []


def feedback_page(grading_folder, student, assignment):
    run_nbgrader(["generate_feedback", assignment, "--student", student, "--force"], grading_folder, timeout=600)
    (page,) = (Path(grading_folder) / "feedback" / student / assignment).glob("*.html")
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))


@pytest.mark.parametrize("assignment", ["vgg"])  # in that assignment's class grading
def test_feedback_is_in_the_language_of_the_release_the_student_used(class_grades, assignment):
    graded = class_grades(assignment)
    GradingFolder(graded.grading_folder).write_config(60)
    wrong = translated_wrong_answer(assignment)
    korean = feedback_page(graded.grading_folder, translated_student(wrong), assignment)
    english = feedback_page(graded.grading_folder, wrong, assignment)
    hangul = re.compile("[\uac00-\ud7a3]")
    assert not hangul.search(english)
    assert "checked by the grader outside your kernel" in english
    # the instructions, the tests' messages and the grader's verdicts, in Korean; no hidden test shown
    assert len(hangul.findall(korean)) > 500
    assert "checked by the grader outside your kernel" not in korean and "채점기가 커널 밖에서 확인한 결과" in korean
    assert "BEGIN HIDDEN TESTS" not in korean and "숨긴 테스트는 보여 주지 않는다" in korean


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
