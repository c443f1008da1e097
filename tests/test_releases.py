"""Releases that change mid-course: versions are recorded and stamped, and a submission is
checked against the release it was made from."""

import datetime

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import releases
from autograder.pipeline.integrity import locked_cells, structure_flags


def cell(kind, grade_id, source, answer=False):
    made = (new_code_cell if kind == "code" else new_markdown_cell)(source)
    made.metadata["nbgrader"] = {
        "grade_id": grade_id,
        "solution": answer,
        "locked": not answer,
        "grade": grade_id.startswith("test"),
        "points": 1 if grade_id.startswith("test") else None,
        "checksum": f"sum-{grade_id}",
    }
    return made


def release_notebook(intro="Build f.", test="assert f(1) == 2"):
    return new_notebook(
        cells=[
            cell("markdown", "intro", intro),
            cell("code", "answer", "def f(x): ...", answer=True),
            cell("code", "test_f", test),
        ]
    )


def write(folder, notebook, name="hw.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / name))
    return folder / name


@pytest.fixture
def history(tmp_path, monkeypatch):
    monkeypatch.setattr(releases, "HISTORY_DIR", tmp_path / "releases")
    monkeypatch.setattr(releases, "CHANGELOG", tmp_path / "releases" / "CHANGELOG.md")
    return tmp_path / "releases"


def test_structure_flags_name_what_changed(tmp_path):
    release = locked_cells(release_notebook())
    same = write(tmp_path / "same", release_notebook())
    assert structure_flags(same, [release]) == []
    edited = release_notebook(test="assert True")
    assert structure_flags(write(tmp_path / "edited", edited), [release]) == ["edited the locked cell test_f"]
    deleted = release_notebook()
    deleted.cells.pop()
    assert structure_flags(write(tmp_path / "deleted", deleted), [release]) == ["deleted the locked cell test_f"]
    reordered = release_notebook()
    reordered.cells = [reordered.cells[2], reordered.cells[1], reordered.cells[0]]
    assert structure_flags(write(tmp_path / "reordered", reordered), [release]) == ["reordered locked cells"]
    inflated = release_notebook()
    inflated.cells[2].metadata["nbgrader"]["points"] = 100
    assert structure_flags(write(tmp_path / "inflated", inflated), [release]) == [
        "changed the nbgrader metadata of test_f"
    ]


def test_a_new_version_is_recorded_only_when_locked_cells_change(tmp_path, history):
    folder = tmp_path / "release"
    write(folder, release_notebook())
    first = releases.stamp(folder, "hw", record=True, today=datetime.date(2026, 9, 1))
    again = releases.stamp(folder, "hw", record=True, today=datetime.date(2026, 9, 2))
    assert first["version"] == again["version"] == 1 and again["date"] == "2026-09-01"
    assert nbformat.read(str(folder / "hw.ipynb"), as_version=4).metadata[releases.STAMP_KEY] == {
        "assignment": "hw",
        "version": 1,
        "date": "2026-09-01",
    }
    write(folder, release_notebook(intro="Build f, vectorised."))
    assert releases.stamp(folder, "hw", record=False)["version"] == "unreleased", "a check records nothing"
    second = releases.stamp(folder, "hw", record=True, today=datetime.date(2026, 10, 1))
    assert second["version"] == 2 and len(releases.load_history("hw")) == 2
    changelog = releases.CHANGELOG.read_text()
    assert "| 1 | 2026-09-01 | first release |" in changelog and "| 2 | 2026-10-01 | intro |" in changelog


def test_a_submission_from_an_earlier_release_is_not_flagged(tmp_path, history):
    folder = tmp_path / "release"
    write(folder, release_notebook())
    releases.stamp(folder, "hw", record=True)
    old_copy = nbformat.read(str(folder / "hw.ipynb"), as_version=4)
    write(folder, release_notebook(test="assert f(1) == 2 and f(2) == 3"))
    releases.stamp(folder, "hw", record=True)
    current = locked_cells(nbformat.read(str(folder / "hw.ipynb"), as_version=4))

    stamped = write(tmp_path / "stamped", old_copy)
    assert structure_flags(stamped, releases.candidate_releases("hw", stamped, current)) == []
    old_copy.metadata.pop(releases.STAMP_KEY)
    unstamped = write(tmp_path / "unstamped", old_copy)
    assert structure_flags(unstamped, releases.candidate_releases("hw", unstamped, current)) == []

    old_copy.metadata[releases.STAMP_KEY] = {"assignment": "hw", "version": 1, "date": ""}
    old_copy.cells[0].source = "Build anything."
    tampered = write(tmp_path / "tampered", old_copy)
    assert structure_flags(tampered, releases.candidate_releases("hw", tampered, current)) == [
        "edited the locked cell intro"
    ], "changes are reported against the release it claims"
