"""The grader's pure logic, without a grading run: batching, interruption reasons, which earlier
results a rerun keeps, where grades.csv takes its scores from, how a submission is rebuilt,
suspicious code, and LMS file names."""

from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.export import grade_rows
from autograder.grading import batches, unchanged_results
from autograder.grading_folder import GradingFolder
from autograder.intake.lms import find_lms_files, stage_lms_download, student_id
from autograder.intake.submissions import Submission
from autograder.nbgrader_cli import failure_summary, nbgrader_failed, student_logs
from autograder.outcome import interruption_reason
from autograder.pipeline.integrity import MISSING_ANSWER, rebuild
from autograder.pipeline.observations import HARNESS_SOURCE
from autograder.results import FAILED, GRADED, GradeResult, record_results
from autograder.suspicious import code_flags


def test_batches_cover_everyone_once_at_least_one_per_worker():
    students = list(range(53))
    made = batches(students, workers=2, size=25)
    assert len(made) == 3 and sorted(s for batch in made for s in batch) == students
    assert max(len(batch) for batch in made) <= 25
    assert [len(batch) for batch in batches(list(range(3)), workers=4)] == [1, 1, 1]
    assert batches([], workers=2) == []


def errored(grade_id, ename, evalue=""):
    cell = new_code_cell("...", metadata={"nbgrader": {"grade_id": grade_id}})
    cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[])]
    return cell


def test_interruption_reasons_name_the_limit_and_the_cells():
    notebook = new_notebook(
        cells=[
            errored("slow", "CellTimeoutError"),
            errored("big", "MemoryError"),
            errored("wrong", "AssertionError"),
            errored("forky", "RuntimeError", "can't start new thread"),
            errored("dead", "KernelDied"),
        ]
    )
    assert interruption_reason([notebook]) == (
        "timed out (scored 0): slow; out of memory (scored 0): big; "
        "hit the process limit (scored 0): forky; the kernel died (scored 0): dead"
    )
    assert interruption_reason([new_notebook(cells=[errored("wrong", "AssertionError")])]) == ""


def test_a_rerun_keeps_only_unchanged_graded_results(tmp_path, monkeypatch):
    folder = GradingFolder(tmp_path)
    record_results(
        folder,
        "hw",
        [
            GradeResult("same", GRADED, 3, 5, fingerprint="v1-aaa"),
            GradeResult("resubmitted", GRADED, 3, 5, fingerprint="v1-bbb"),
            GradeResult("retested", GRADED, 3, 5, fingerprint="v0-ccc"),
            GradeResult("failed", FAILED, 0, 5, fingerprint="v1-ddd"),
        ],
    )
    monkeypatch.setattr("autograder.grading.submission_score", lambda *args: 3.0)
    students = [Submission(name, tmp_path) for name in ("same", "resubmitted", "retested", "failed", "new")]
    prints = {"same": "v1-aaa", "resubmitted": "v1-changed", "retested": "v1-ccc", "failed": "v1-ddd", "new": "v1-eee"}
    kept, retested = unchanged_results(folder, "hw", students, prints)
    assert set(kept) == {"same"} and retested == ["retested"]


def test_grades_csv_takes_scores_from_the_results_not_the_gradebook(tmp_path, monkeypatch):
    class Gradebook:  # what grade_rows reads from nbgrader's gradebook: names and timestamps, no scores
        def find_assignment(self, name):
            return type("Assignment", (), {"duedate": None})()

        def find_student(self, student):
            return type("Student", (), {"last_name": "Lovelace", "first_name": "Ada", "email": ""})()

        def find_submission(self, assignment, student):
            return type("Submission", (), {"timestamp": "2026-12-01", "score": 99.0})()

    from contextlib import contextmanager

    monkeypatch.setattr("autograder.export.open_gradebook", contextmanager(lambda folder: iter([Gradebook()])))
    rows = grade_rows(GradingFolder(tmp_path), "hw", [GradeResult("ada", GRADED, 4.0, 5.0, late_penalty=1.0)])
    assert (rows[0]["raw_score"], rows[0]["late_submission_penalty"], rows[0]["score"]) == (4.0, 1.0, 3.0)
    assert rows[0]["timestamp"] == "2026-12-01" and rows[0]["first_name"] == "Ada"


def answer(grade_id, source):
    return new_code_cell(source, metadata={"nbgrader": {"grade_id": grade_id, "solution": True}})


def locked(grade_id, source, kind=new_code_cell):
    return kind(source, metadata={"nbgrader": {"grade_id": grade_id, "locked": True}})


def test_a_submission_is_rebuilt_from_the_source_with_its_answers():
    source = new_notebook(
        cells=[
            locked("intro", "Do it.", new_markdown_cell),
            answer("f", "raise NotImplementedError"),
            locked("test_f", "assert f() == 1"),
            answer("g", "raise NotImplementedError"),
        ]
    )
    submitted = new_notebook(
        cells=[
            locked("test_f", "pass"),
            new_code_cell("helper = 1"),
            answer("f", "def f(): return 1"),
            locked("intro", "Do nothing.", new_markdown_cell),
        ]
    )
    cells = rebuild(submitted, source).cells
    assert cells[0].source == HARNESS_SOURCE
    # the instructor's cells, order and text; the answer in place; the added cell after the cell it followed
    assert [c.source for c in cells[1:]] == [
        "Do it.",
        "def f(): return 1",
        "assert f() == 1",
        "helper = 1",
        MISSING_ANSWER,
    ]


@pytest.mark.parametrize(
    "code,flag",
    [
        ("import numpy\nnumpy.allclose = lambda *a, **k: True", "assigns to numpy.allclose"),
        ("setattr(torch, 'equal', lambda *a: True)", "calls setattr()"),
        ("import sys\nsys.exit(0)", "calls sys.exit()"),
        ("class Fake:\n    def __eq__(self, other):\n        return True", "defines __eq__ in class Fake"),
        ("raise SystemExit", "raises SystemExit"),
        ("print('All tests passed')", "prints text that imitates the tests' output"),
        ("open('../../source/hw/hw.ipynb')", "refers to source (grader internals)"),
        ("get_ipython().input_transformers_cleanup.append(str)", "reaches into the IPython shell"),
        ("import scipy.signal", "imports scipy.signal, which this exercise forbids"),
    ],
)
def test_suspicious_code_is_flagged(code, flag):
    assert any(flag in found for found in code_flags(code, "conv_numpy")), code_flags(code, "conv_numpy")


@pytest.mark.parametrize(
    "assignment,code,flag",
    [
        ("lenet", "from convnets.training import run_epoch", "imports convnets.training"),
        ("lenet", "from convnets import data, training", "imports convnets.training"),
        ("resnet", "import convnets.geometry as g", "imports convnets.geometry"),
        ("resnet", "from convnets.data import digits_loaders", "imports convnets.data"),
    ],
)
def test_the_course_package_is_flagged_but_where_the_exercise_allows_it(assignment, code, flag):
    assert any(flag in found for found in code_flags(code, assignment)), code_flags(code, assignment)
    assert code_flags("from convnets.data import digits_loaders\nimport convnets.data", "lenet") == []


def test_honest_code_is_not_flagged():
    code = (
        "def conv(x, w):\n    out = np.zeros((2, 2))\n    for i in range(2):\n"
        "        out[i] = (x[i] * w).sum()\n    return out"
    )
    assert code_flags(code, "conv_numpy") == [] and code_flags("import scipy", "lenet") == []


def test_lms_names_with_underscores_late_marks_resubmissions_and_shared_names(tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    names = [
        "lovelace_LATE_101_9001_hw.ipynb",
        "lovelace_101_9000_hw.ipynb",
        "turing_202_9002_hw-1.ipynb",
        "Ada Lovelace_303_assignsubmission_file_hw.ipynb",
        "Ada Lovelace_404_assignsubmission_file_hw.ipynb",
        "notes.txt",
    ]
    for name in names:
        (download / name).write_text("{}")
    found = {entry.path.name: entry for entry in find_lms_files(download)}
    assert set(found) == set(names) - {"notes.txt"}
    assert found["turing_202_9002_hw-1.ipynb"].filename == "hw-1.ipynb"
    assert student_id("Ada  Lovelace!") == "ada_lovelace" and student_id("???") == "student"
    notes = stage_lms_download(download, "hw", tmp_path / "staged")
    staged = sorted(str(path.relative_to(tmp_path / "staged")) for path in (tmp_path / "staged").rglob("*.ipynb"))
    assert staged == [
        "ada_lovelace_303/hw/hw.ipynb",
        "ada_lovelace_404/hw/hw.ipynb",
        "lovelace/hw/hw.ipynb",
        "turing/hw/hw.ipynb",
    ]
    assert notes == [
        "lovelace: graded the latest hw.ipynb (lovelace_LATE_101_9001_hw.ipynb), not lovelace_101_9000_hw.ipynb"
    ]
    assert Path(tmp_path / "staged" / "turing" / "hw" / "hw.ipynb").exists()


def test_a_grading_folder_is_prepared_again_only_when_the_source_changed(tmp_path, monkeypatch):
    import autograder.grading_folder as grading_folder

    source = tmp_path / "solutions" / "hw"
    source.mkdir(parents=True)
    (source / "hw.ipynb").write_text("{}")
    generated = []

    def generate(args, root, timeout):
        generated.append(args)
        (root / "release" / "hw").mkdir(parents=True, exist_ok=True)
        (root / "gradebook.db").write_text("")
        return type("Run", (), {"returncode": 0, "output": ""})()

    monkeypatch.setattr(grading_folder, "require_assignment", lambda name: source)
    monkeypatch.setattr(grading_folder, "run_nbgrader", generate)
    folder = GradingFolder(tmp_path / "grading")
    folder.prepare("hw")
    folder.prepare("hw")
    assert len(generated) == 1, "the same source is not generated twice"
    (source / "hw.ipynb").write_text('{"changed": true}')
    folder.prepare("hw")
    assert len(generated) == 2 and (folder.source("hw") / "hw.ipynb").read_text() == '{"changed": true}'


BATCH_LOG = """\
[AutogradeApp | INFO] Creating/updating student with ID 'ada': {}
[AutogradeApp | INFO] Autograding /g/autograded/ada/conv_numpy/conv_numpy.ipynb
[AutogradeApp | INFO] Setting destination file permissions to 444
[AutogradeApp | INFO] Creating/updating student with ID 'bob_2': {}
[AutogradeApp | ERROR] Timeout waiting for execute reply (60s).
[AutogradeApp | ERROR] Interrupting kernel
[AutogradeApp | ERROR] There was an error processing assignment: /g/submitted/bob_2/conv_numpy
nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 4 seconds.
[AutogradeApp | INFO] Creating/updating student with ID 'cy': {}
[AutogradeApp | ERROR] There was an error processing assignment: /g/submitted/cy/conv_numpy
RuntimeError: Kernel didn't respond in 60 seconds
"""


def test_a_batch_log_is_split_by_student_and_says_whom_nbgrader_could_not_grade():
    logs = student_logs(BATCH_LOG)
    assert list(logs) == ["ada", "bob_2", "cy"]
    assert "".join(logs.values()) == BATCH_LOG
    assert [nbgrader_failed(log) for log in logs.values()] == [False, True, True]
    assert failure_summary(logs["bob_2"]).startswith("timed out: a cell ran past the 60 s cell limit")
    assert failure_summary(logs["cy"]) == "RuntimeError: Kernel didn't respond in 60 seconds"
