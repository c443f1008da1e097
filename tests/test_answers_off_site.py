"""No exercise's answer is printed where students read: the chapters' sources and `convnets/`.

The built site (pages, downloads, sources) is checked by tests/test_book.py with the same
helpers; tests/test_release.py keeps solutions out of exercises/.
"""

from helpers.answers import MIN_CHARS, describe_leaks, exercise_answers, leaked_answers, normalise_code, readable_text

from autograder.assignments import REPO_ROOT

CHAPTER_SOURCES = [*sorted((REPO_ROOT / "book").glob("*.md")), *sorted((REPO_ROOT / "book").glob("*.ipynb"))]
CHAPTER_PACKAGE = sorted((REPO_ROOT / "convnets").rglob("*.py"))


def test_every_solution_cell_yields_answer_statements():
    answers = exercise_answers()
    assert answers and all(answers.values()), [cell for cell, statements in answers.items() if not statements]


def test_a_reformatted_copy_of_an_answer_is_found(tmp_path):
    # The AlexNet solution's forward pass, spread over lines and commented as a page might print it.
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nreturn self.classifier(  # the head\n    torch.flatten(self.pool(self.features(x)), 1)\n)\n```\n"
    )
    leaks = leaked_answers({"page": readable_text(page)})
    assert {(assignment, cell) for assignment, cell, *_ in leaks} == {("alexnet", "alexnet")}


def test_short_statements_are_not_answers():
    assert len(normalise_code("in_channels = out_channels")) < MIN_CHARS


def test_no_answer_in_the_chapters_or_the_chapter_package():
    texts = {str(path.relative_to(REPO_ROOT)): readable_text(path) for path in CHAPTER_SOURCES + CHAPTER_PACKAGE}
    leaks = leaked_answers(texts)
    assert not leaks, describe_leaks(leaks)
