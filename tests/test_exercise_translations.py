"""The Korean exercises: the Korean release is the English one with its words translated and
nothing else, a Korean submission is checked against the Korean release, and what a test or the
grader prints is translated for the feedback (fast: nothing is graded; the grading itself is in
test_exercise_grading.py)."""

import ast
import base64
import io
import re

import nbformat
import numpy as np
import pytest

from autograder.assignments import EXERCISES_DIR, assignment_names
from autograder.pipeline import observations, translation
from autograder.pipeline.integrity import locked_cells, structure_flags
from autograder.releases import candidate_releases


def code_without_words(source):
    """The code's syntax tree with every string emptied (comments are not in it)."""
    tree = ast.parse("\n".join(line for line in source.split("\n") if not line.lstrip().startswith(("%", "!"))))
    for node in ast.walk(tree):
        if isinstance(
            node, ast.JoinedStr
        ):  # an f-string: its {fields}, in any order (the words around them may move them)
            node.values = sorted((v for v in node.values if isinstance(v, ast.FormattedValue)), key=ast.dump)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


TRANSLATED = [assignment for assignment in assignment_names() if "ko" in translation.release_languages(assignment)]


def test_the_korean_releases_are_those_with_a_catalog():
    assert sorted(path.name for path in (EXERCISES_DIR / "ko").iterdir()) == TRANSLATED
    assert len(TRANSLATED) >= 3


@pytest.mark.parametrize("assignment", TRANSLATED)
def test_the_korean_release_differs_from_the_english_one_only_in_words(assignment):
    for english_path in sorted((EXERCISES_DIR / assignment).glob("*.ipynb")):
        english = nbformat.read(str(english_path), as_version=4)
        korean = nbformat.read(str(EXERCISES_DIR / "ko" / assignment / english_path.name), as_version=4)
        assert [c.cell_type for c in korean.cells] == [c.cell_type for c in english.cells]
        assert [c.metadata.get("nbgrader") for c in korean.cells] == [c.metadata.get("nbgrader") for c in english.cells]
        for mine, theirs in zip(korean.cells, english.cells):
            if mine.cell_type == "code":
                assert code_without_words(mine.source) == code_without_words(theirs.source), theirs.source[:200]
        hangul = sum(len(re.findall("[\uac00-\ud7a3]", cell.source)) for cell in korean.cells)
        assert hangul > 200, f"ko/{assignment} is hardly translated"
        assert korean.metadata["convnets_release"]["language"] == "ko"
        assert korean.metadata["convnets_release"]["version"] == english.metadata["convnets_release"]["version"]


@pytest.mark.parametrize("assignment", ["lenet", "vgg"])
def test_a_korean_submission_is_checked_against_the_korean_release(assignment, tmp_path):
    korean_path = EXERCISES_DIR / "ko" / assignment / f"{assignment}.ipynb"
    current = locked_cells(nbformat.read(str(EXERCISES_DIR / assignment / f"{assignment}.ipynb"), as_version=4))
    assert structure_flags(korean_path, candidate_releases(assignment, korean_path, current)) == []
    tampered = nbformat.read(str(korean_path), as_version=4)
    test_cell = next(c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test_cell.source = "pass"
    nbformat.write(tampered, str(tmp_path / korean_path.name))
    flags = structure_flags(
        tmp_path / korean_path.name, candidate_releases(assignment, tmp_path / korean_path.name, current)
    )
    assert flags == [f"edited the locked cell {test_cell.metadata['nbgrader']['grade_id']}"]


def test_code_messages_keep_quotes_fields_and_markers():
    catalog = {
        "expected {n} values, got {len(x)}": "{n}개여야 하는데 {len(x)}개다",
        "the window slides": "창이 미끄러진다",
        "two words": "두 단어",
    }
    source = (
        'assert len(x) == n, f"expected {n} values, got {len(x)}"  # the window slides\n'
        "# YOUR CODE HERE\n"
        "print('two words', \"x\")"
    )
    translated = translation.translate_code(source, catalog)
    assert translated == (
        'assert len(x) == n, f"{n}개여야 하는데 {len(x)}개다"  # 창이 미끄러진다\n'
        "# YOUR CODE HERE\n"
        "print('두 단어', \"x\")"
    )
    assert code_without_words(translated) == code_without_words(source)


def payload(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return {"npy": base64.b64encode(buffer.getvalue()).decode()}


def test_printed_messages_and_verdicts_are_translated_for_feedback():
    exact = translation.load_catalog("ko", "grader")
    for template in observations.MESSAGES.values():
        assert template in exact, f"grader.po lacks the verdict {template!r}"
    expected, other_shape = payload(np.zeros(3)), payload(np.zeros((2, 1)))
    reasons = [
        observations.value_mismatch(expected, other_shape),
        "no value reached the grader",
        "values differ from the reference solution's",
        "not a plain numeric value",
    ]
    for reason in reasons:
        verdict = observations.MESSAGES[observations.ERROR_NAME].format(f"out: {reason}")
        translated = translation.translate_output_text(verdict, "ko", "vgg")
        assert not re.search("[A-Za-z]{3,}", translated.replace("out:", "")), translated
