"""exercises/ is exactly what nbgrader generates from solutions/, and holds no hidden test."""

import json
from functools import cache

import nbformat
import pytest
from helpers.hidden_tests import distinctive_hidden_lines

from autograder.assignments import EXERCISES_DIR, SOLUTIONS_DIR, assignment_names
from autograder.pipeline.translation import release_languages
from autograder.release import generate_release
from autograder.setup_cell import setup_cells, source_notebooks, stale_setup_cells, write_setup_cells

PYTORCH_ASSIGNMENTS = ["alexnet", "conv1x1", "googlenet", "lenet", "resnet", "vgg"]


RELEASES = [(a, language) for a in assignment_names() for language in [None, *release_languages(a)]]


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """fresh_release(assignment) -> a folder holding the assignment's release and its
    translations, generated once for all of them."""

    @cache
    def generate(assignment):
        return generate_release(assignment, tmp_path_factory.mktemp(f"release-{assignment}"), record=False)

    return generate


@pytest.mark.slow
@pytest.mark.parametrize("assignment,language", RELEASES)
def test_committed_release_equals_a_fresh_generation(fresh_release, assignment, language):
    fresh = fresh_release(assignment)
    committed = EXERCISES_DIR / assignment
    if language:  # its translation: exercises/<language>/<assignment>
        fresh, committed = fresh.parent / language / assignment, EXERCISES_DIR / language / assignment
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files
    for relative in fresh_files:
        if relative.suffix == ".ipynb":
            same = json.loads((fresh / relative).read_text()) == json.loads((committed / relative).read_text())
        else:
            same = (fresh / relative).read_bytes() == (committed / relative).read_bytes()
        assert same, f"exercises/{assignment}/{relative} differs from a fresh release: run `make release`"


def test_no_hidden_test_or_solution_in_exercises():
    hidden = distinctive_hidden_lines()
    assert len(hidden) > 20, "the hidden-test scan found too few lines to mean anything"
    for path in EXERCISES_DIR.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="ignore")
            leaked = [line for line in hidden if line in text]
            assert not leaked, f"{path} contains hidden test lines: {leaked[:3]}"
            assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text, path


def test_setup_cells_are_written_from_one_file(tmp_path):
    notebooks = source_notebooks()
    with_setup = [path for path in notebooks if setup_cells(nbformat.read(str(path), as_version=4))]
    assert sorted(path.parent.name for path in with_setup) == sorted(PYTORCH_ASSIGNMENTS)
    assert not stale_setup_cells(), "a setup cell differs from solutions/setup_cell.py: run `make release`"
    copy = tmp_path / "lenet.ipynb"
    copy.write_text(
        SOLUTIONS_DIR.joinpath("lenet", "lenet.ipynb")
        .read_text()
        .replace("def count_parameters(model)", "def count_params(model)")
    )
    assert stale_setup_cells([copy]) == [copy], "an edited copy is seen"
    assert write_setup_cells([copy]) == [copy] and not stale_setup_cells([copy]), "and rewritten by the release"
