"""Submissions from nbgrader's layout, Canvas and Moodle downloads, zips and single notebooks."""

import os
import zipfile

from helpers.submissions import solution_answers, write_submission

from autograder.intake.submissions import collect_submissions

ASSIGNMENT, NOTEBOOK = "conv_numpy", "conv_numpy.ipynb"


def notebook_file(tmp_path, folder, name, mtime=None):
    """A valid student notebook saved as folder/name."""
    built = write_submission(tmp_path / "built", "x", ASSIGNMENT, solution_answers(ASSIGNMENT))
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(built.read_bytes())
    if mtime:
        os.utime(target, (mtime, mtime))
    return target


def collected(tmp_path, source):
    incoming = tmp_path / "incoming"
    incoming.mkdir(exist_ok=True)
    submissions, notes = collect_submissions(source, ASSIGNMENT, [NOTEBOOK], incoming)
    return {s.student: s for s in submissions}, notes


def test_canvas_zip_with_late_resubmitted_and_renamed_files(tmp_path):
    download = tmp_path / "canvas"
    notebook_file(tmp_path, download, "lovelaceada_1234_5678_conv_numpy.ipynb")
    notebook_file(tmp_path, download, "lovelaceada_1234_5999_conv_numpy-2.ipynb")
    notebook_file(tmp_path, download, "babbagecharles_LATE_2345_6789_conv_numpy-1.ipynb")
    notebook_file(tmp_path, download, "hoppergrace_3456_7000_my_work.ipynb")
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in download.iterdir():
            zipped.write(path, path.name)
    students, notes = collected(tmp_path, archive)
    assert set(students) == {"lovelaceada", "babbagecharles", "hoppergrace"}
    assert not students["lovelaceada"].problems and not students["babbagecharles"].problems
    assert (students["babbagecharles"].folder / NOTEBOOK).is_file(), "the -1 of a resubmission is dropped"
    assert students["hoppergrace"].problems == [
        "missing conv_numpy.ipynb (found: my_work.ipynb); the notebook must keep its name"
    ]
    assert notes == [
        "lovelaceada: graded the latest conv_numpy.ipynb (lovelaceada_1234_5999_conv_numpy-2.ipynb), "
        "not lovelaceada_1234_5678_conv_numpy.ipynb"
    ]


def test_moodle_folders_and_students_sharing_a_name(tmp_path):
    download = tmp_path / "moodle"
    notebook_file(tmp_path, download / "Ada Lovelace_1234_assignsubmission_file_", NOTEBOOK)
    notebook_file(tmp_path, download / "Alan Turing_11_assignsubmission_file_", NOTEBOOK)
    notebook_file(tmp_path, download / "Alan Turing_12_assignsubmission_file_", NOTEBOOK)
    notebook_file(tmp_path, download, "Grace Hopper_77_assignsubmission_file_conv_numpy.ipynb")
    students, notes = collected(tmp_path, download)
    assert set(students) == {"ada_lovelace", "alan_turing_11", "alan_turing_12", "grace_hopper"}
    assert all(not s.problems for s in students.values()) and notes == []


def test_a_single_notebook(tmp_path):
    students, _ = collected(tmp_path, notebook_file(tmp_path, tmp_path / "mail", "Ada Lovelace.ipynb"))
    assert list(students) == ["ada_lovelace"] and (students["ada_lovelace"].folder / NOTEBOOK).is_file()


def test_nbgrader_layout_is_taken_as_it_is(tmp_path):
    write_submission(tmp_path / "course" / "submitted", "ada", ASSIGNMENT, solution_answers(ASSIGNMENT))
    students, notes = collected(tmp_path, tmp_path / "course")
    assert list(students) == ["ada"] and not students["ada"].problems and notes == []


def test_exchange_inbound_grades_the_latest_hand_in_and_keeps_the_others(tmp_path):
    inbound = tmp_path / "inbound"
    early = notebook_file(tmp_path, inbound / f"ada+{ASSIGNMENT}+2026-11-20 09:00:00.000000 UTC+abc", NOTEBOOK)
    late = notebook_file(tmp_path, inbound / f"ada+{ASSIGNMENT}+2026-11-21 18:30:00.000000 UTC+def", NOTEBOOK)
    late.write_text(late.read_text().replace("conv_output_size", "conv_output_size", 1) + "\n")
    (late.parent / "timestamp.txt").write_text("2026-11-21 18:30:00.000000 UTC")
    notebook_file(tmp_path, inbound / f"bob+{ASSIGNMENT}+2026-11-20 10:00:00.000000 UTC", NOTEBOOK)
    notebook_file(tmp_path, inbound / "bob+other_assignment+2026-11-22 10:00:00.000000 UTC", NOTEBOOK)
    students, notes = collected(tmp_path, inbound)
    assert set(students) == {"ada", "bob"}
    assert (students["ada"].folder / NOTEBOOK).read_text() == late.read_text()
    assert (students["ada"].folder / "timestamp.txt").exists()
    assert len(notes) == 1 and "ada: 2 hand-ins, graded the latest (2026-11-21 18:30:00 UTC" in notes[0]
    assert early.exists() and late.exists(), "hand-ins are never deleted"


def test_a_new_submission_archives_the_graded_one(tmp_path):
    from autograder.grading_folder import GradingFolder
    from autograder.intake.submissions import Submission

    first = notebook_file(tmp_path, tmp_path / "first", NOTEBOOK)
    second = notebook_file(tmp_path, tmp_path / "second", NOTEBOOK)
    second.write_text(second.read_text() + "\n")
    course = tmp_path / "course"
    folder = GradingFolder(course)
    folder.place(Submission("ada", first.parent), ASSIGNMENT, keep_previous=True)
    folder.place(Submission("ada", first.parent), ASSIGNMENT, keep_previous=True)
    assert not (course / "archive").exists(), "the same files again are not a new hand-in"
    folder.place(Submission("ada", second.parent), ASSIGNMENT, keep_previous=True)
    assert (course / "submitted" / "ada" / ASSIGNMENT / NOTEBOOK).read_text() == second.read_text()
    assert (course / "archive" / "ada" / ASSIGNMENT / "1" / NOTEBOOK).read_text() == first.read_text()
