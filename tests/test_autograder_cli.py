"""The instructor's `python -m autograder grade` and `feedback` on a class with bad submissions."""

import csv
import re
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import pytest
from helpers.hidden_tests import distinctive_hidden_lines
from helpers.submissions import patched_answers, solution_answers, write_raw, write_submission

from autograder.assignments import REPO_ROOT
from autograder.gradebook import cell_scores, submission_score

ASSIGNMENT = "conv_numpy"
pytestmark = pytest.mark.slow

HANGS = [
    (
        "    out = np.zeros((N, F, H_out, W_out))",
        "    while True:  # never returns, but can be interrupted\n        pass\n"
        "    out = np.zeros((N, F, H_out, W_out))",
    )
]
IGNORES_INTERRUPTS = [
    (
        "    out = np.zeros((N, F, H_out, W_out))",
        "    import time\n    while True:\n        try:\n            time.sleep(0.1)\n"
        "        except KeyboardInterrupt:\n            pass\n    out = np.zeros((N, F, H_out, W_out))",
    )
]
FORK_BOMB = [
    (
        "    if pad < 0:",
        """    import os, time
    root = os.getpid()
    try:
        while True:
            os.fork()  # parent and child both go on forking: doubling until the cap
    except OSError as error:
        if os.getpid() != root:
            time.sleep(600)
            os._exit(0)
        print("fork refused:", error)
    if pad < 0:""",
    )
]
PROBE = """import os, socket, sys
def attempt(label, action):
    try:
        action()
        print(label, "ALLOWED")
    except Exception as error:
        print(label, "denied", type(error).__name__)
attempt("network", lambda: socket.create_connection(("127.0.0.1", 22), timeout=3))
attempt("dns", lambda: socket.getaddrinfo("pypi.org", 443))
attempt("read source", lambda: open("../../../source/conv_numpy/conv_numpy.ipynb").read())
attempt("read gradebook", lambda: open("../../../gradebook.db", "rb").read())
solutions = os.path.join(os.path.dirname(sys.prefix), "solutions")
attempt("read solutions", lambda: open(os.path.join(solutions, "conv_numpy", "conv_numpy.ipynb")).read())
attempt("write outside", lambda: open("/tmp/escaped-from-sandbox.txt", "w").write("x"))
attempt("write beside", lambda: open("../written-by-student.txt", "w").write("x"))
attempt("write scratch", lambda: open("scratch.txt", "w").write("x"))
"""
WRONG_STRIDE = [("xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]", "xp[n, :, i:i + HH, j:j + WW]")]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
    )


def zip_folder(folder, destination):
    with zipfile.ZipFile(destination, "w") as archive:
        for path in sorted(Path(folder).rglob("*")):
            archive.write(path, Path("class-download") / path.relative_to(folder.parent))
    return destination


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """A class zip with good, failing, hanging and broken submissions, graded through the CLI."""
    root = tmp_path_factory.mktemp("class")
    submitted = root / "submitted"
    write_submission(submitted, "ada", ASSIGNMENT, solution_answers(ASSIGNMENT))
    write_submission(submitted, "bob", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": WRONG_STRIDE}))
    write_submission(submitted, "hangs", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": HANGS}))
    write_submission(
        submitted, "stubborn", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": IGNORES_INTERRUPTS})
    )
    write_submission(
        submitted, "crashes", ASSIGNMENT, {**solution_answers(ASSIGNMENT), "zero_pad": "import os\nos._exit(3)"}
    )
    write_submission(
        submitted,
        "memory_bomb",
        ASSIGNMENT,
        patched_answers(
            ASSIGNMENT,
            {
                "zero_pad": [
                    ("    return np.pad(", "    hoard = np.ones(int(5 * 2**30 / 8))  # 5 GiB\n    return np.pad(")
                ]
            },
        ),
    )
    write_submission(submitted, "fork_bomb", ASSIGNMENT, patched_answers(ASSIGNMENT, {"zero_pad": FORK_BOMB}))
    answers = solution_answers(ASSIGNMENT)
    write_submission(
        submitted, "snoop", ASSIGNMENT, {**answers, "conv_output_size": PROBE + answers["conv_output_size"]}
    )
    write_raw(submitted, "broken_json", ASSIGNMENT, f"{ASSIGNMENT}.ipynb", '{"cells": [')
    write_submission(submitted, "renamed", ASSIGNMENT, solution_answers(ASSIGNMENT), notebook="conv_numpy (1).ipynb")
    (submitted / "no_folder" / "some_other_assignment").mkdir(parents=True)
    archive = zip_folder(submitted, root / "class.zip")
    out = root / "grading"
    completed = run_cli(
        "grade",
        ASSIGNMENT,
        str(archive),
        "--grading-folder",
        str(out),
        "--cell-timeout",
        "20",  # a fork bomb forks 255 copies of its kernel: 10 s and more on two busy cores
        "--timeout",
        "90",
        "--memory-limit",
        "3",
    )
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return completed, out, rows


def test_every_student_has_a_row_and_the_run_finishes(class_run):
    completed, _, rows = class_run
    assert completed.returncode == 0, completed.stderr
    assert set(rows) == {
        "ada",
        "bob",
        "hangs",
        "stubborn",
        "crashes",
        "memory_bomb",
        "fork_bomb",
        "snoop",
        "broken_json",
        "renamed",
        "no_folder",
    }
    assert "Traceback" not in completed.stdout + completed.stderr


def test_csv_has_nbgrader_columns_and_tells_failures_from_zeros(class_run):
    _, _, rows = class_run
    first = next(iter(rows.values()))
    assert list(first)[:11] == [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
        "raw_score",
        "late_submission_penalty",
        "score",
        "max_score",
    ]
    assert rows["ada"]["status"] == "graded" and float(rows["ada"]["score"]) == 14
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["score"]) == 11


def test_a_hanging_answer_is_interrupted_and_scores_zero_there(class_run):
    _, _, rows = class_run
    hangs = rows["hangs"]
    assert hangs["status"] == "graded"
    assert "timed out" in hangs["reason"] and "test_conv2d_naive" in hangs["reason"]
    assert 0 < float(hangs["score"]) < 14  # the functions that do not hang still earn their points


def test_a_submission_that_ignores_interrupts_is_stopped(class_run):
    _, _, rows = class_run
    assert rows["stubborn"]["status"] == "failed"
    assert "timed out" in rows["stubborn"]["reason"]
    assert float(rows["stubborn"]["score"]) == 0


def test_a_memory_bomb_hits_the_cap_and_the_rest_is_graded(class_run):
    _, _, rows = class_run
    bomb = rows["memory_bomb"]
    assert bomb["status"] == "graded" and "out of memory" in bomb["reason"] and "test_zero_pad" in bomb["reason"]
    assert 0 < float(bomb["score"]) < 14


def test_without_the_sandbox_the_same_code_earns_the_same_cell_scores(class_run, tmp_path):
    """--no-sandbox (for machines without Landlock, e.g. a GPU host) grades with the same
    pipeline: a wrong answer scores cell by cell as in the sandboxed run, the right one in full."""
    _, sandboxed, _ = class_run
    submitted = tmp_path / "submitted"
    write_submission(submitted, "ada", ASSIGNMENT, solution_answers(ASSIGNMENT))
    write_submission(submitted, "bob", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": WRONG_STRIDE}))
    out = tmp_path / "grading"
    completed = run_cli("grade", ASSIGNMENT, str(submitted), "--grading-folder", str(out), "--no-sandbox")
    assert completed.returncode == 0, completed.stderr
    assert cell_scores(out, ASSIGNMENT, "bob") == cell_scores(sandboxed, ASSIGNMENT, "bob")
    assert submission_score(out, ASSIGNMENT, "bob") == 11
    assert all(score == most for score, most in cell_scores(out, ASSIGNMENT, "ada").values())


def test_a_failed_regrade_leaves_no_stale_score(class_run, tmp_path):
    _, out, _ = class_run
    assert submission_score(out, ASSIGNMENT, "ada") == 14
    resubmitted = tmp_path / "submitted"
    write_submission(resubmitted, "ada", ASSIGNMENT, patched_answers(ASSIGNMENT, {"conv2d_naive": IGNORES_INTERRUPTS}))
    completed = run_cli(
        "grade", ASSIGNMENT, str(resubmitted), "--grading-folder", str(out), "--cell-timeout", "3", "--timeout", "15"
    )
    assert completed.returncode == 0, completed.stderr
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["ada"]["status"] == "failed" and float(rows["ada"]["score"]) == 0
    assert submission_score(out, ASSIGNMENT, "ada") is None, "the old 14 points must not survive a failed regrade"
    assert not (out / "autograded" / "ada" / ASSIGNMENT).exists(), "nor the old autograded notebook"
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["score"]) == 11, "the others' grades stay"
    assert len(rows) == 11


def test_a_fork_bomb_is_capped_and_cleaned_up(class_run):
    _, out, rows = class_run
    bomb = rows["fork_bomb"]
    assert bomb["status"] == "graded" and "hit the process limit" in bomb["reason"], (bomb["status"], bomb["reason"])
    assert 0 < float(bomb["score"]) < 14  # zero_pad and what came before it still earn their points
    notebook = (out / "autograded" / "fork_bomb" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "fork refused" in notebook
    leftover = subprocess.run(["pgrep", "-f", f"{out}/workspaces"], capture_output=True, text=True).stdout
    assert not leftover.strip(), "the bomb's sleeping processes must be killed with their sandbox"


def test_student_code_has_no_network_and_no_files_outside_its_folder(class_run):
    _, out, rows = class_run
    snoop = rows["snoop"]
    assert float(snoop["score"]) == 14 and "refers to source" in snoop["flags"], snoop
    notebook = (out / "autograded" / "snoop" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for probe in ("network", "dns", "read source", "read gradebook", "read solutions", "write outside", "write beside"):
        assert f"{probe} denied" in notebook, probe
    assert "write scratch ALLOWED" in notebook
    assert not Path("/tmp/escaped-from-sandbox.txt").exists()


def test_a_kernel_that_dies_costs_only_what_it_touches(class_run):
    """zero_pad's answer kills the kernel: its test scores 0 with the reason; the kernel is restarted,
    the cells before are run again, and the answers before and after it are graded."""
    _, out, rows = class_run
    crashed = rows["crashes"]
    assert crashed["status"] == "graded", crashed
    assert "the kernel died (scored 0): zero_pad" in crashed["reason"], crashed["reason"]
    scores = cell_scores(out.resolve(), ASSIGNMENT, "crashes")
    assert scores["test_zero_pad"][0] == 0
    for cell in ("test_conv_output_size", "test_max_pool2d"):  # before and after the crash, not using zero_pad
        assert scores[cell][0] == scores[cell][1], (cell, scores)


def test_bad_submissions_get_a_clear_reason(class_run):
    _, _, rows = class_run
    assert rows["broken_json"]["status"] == "invalid"
    assert "not a valid notebook" in rows["broken_json"]["reason"]
    assert rows["renamed"]["status"] == "invalid"
    assert "missing conv_numpy.ipynb (found: conv_numpy (1).ipynb)" in rows["renamed"]["reason"]
    assert rows["no_folder"]["status"] == "invalid" and "no folder conv_numpy/" in rows["no_folder"]["reason"]


def test_pass_rates_and_histogram(class_run):
    completed, out, _ = class_run
    with open(out / "pass_rates.csv", newline="") as handle:
        rates = {row["test"]: row for row in csv.DictReader(handle)}
    assert set(rates) == {
        "test_conv_output_size",
        "test_zero_pad",
        "test_conv2d_naive",
        "test_conv2d_naive_errors",
        "test_conv2d",
        "test_conv2d_vectorised",
        "test_max_pool2d",
    }
    assert rates["test_conv_output_size"]["passed"] == rates["test_conv_output_size"]["graded"]
    assert int(rates["test_conv2d_naive"]["passed"]) < int(rates["test_conv2d_naive"]["graded"])
    assert "test_conv2d_naive" in completed.stdout and "passed" in completed.stdout
    assert (out / "histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_printed_per_student(class_run):
    completed, _, _ = class_run
    for student in ("ada", "bob", "hangs", "broken_json"):
        assert re.search(rf"^{student}\s+\S+/14", completed.stdout, re.M), completed.stdout


def test_feedback_shows_failures_but_never_hidden_tests(class_run):
    _, out, _ = class_run
    completed = run_cli("feedback", ASSIGNMENT, "--out", str(out))  # --out: the same option as --grading-folder
    assert completed.returncode == 0, completed.stderr
    page = out / "feedback" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    text = unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    assert "HiddenCheckFailed" in text and "hidden tests are not shown" in text
    assert "_observe" not in text, "the grader's harness cell is not part of the feedback"
    leaked = {
        line
        for line in distinctive_hidden_lines()
        for page in out.glob("feedback/*/*/*.html")
        if line in unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    }
    assert not leaked, f"hidden test source in feedback: {sorted(leaked)[:3]}"


def test_unknown_assignment_is_a_clear_error(tmp_path):
    completed = run_cli("grade", "no_such_assignment", str(tmp_path), "--grading-folder", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert "no assignment 'no_such_assignment'" in completed.stderr and "conv_numpy" in completed.stderr
    assert "Traceback" not in completed.stderr
