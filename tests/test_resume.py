"""A grader killed with `kill -9` half-way loses nothing: the rerun grades only what is missing."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.submissions import patched_answers, solution_answers, write_submission

from autograder.assignments import REPO_ROOT
from autograder.gradebook import open_gradebook

ASSIGNMENT = "conv_numpy"
WRONG_STRIDE = [("xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]", "xp[n, :, i:i + HH, j:j + WW]")]
STUDENTS = {"s1": 14, "s2": 11, "s3": 14, "s4": 11, "s5": 14}

pytestmark = pytest.mark.slow


def grade_command(submitted, out):
    return [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        ASSIGNMENT,
        str(submitted),
        "--grading-folder",
        str(out),
        "--workers",
        "1",
        "--batch-size",
        "1",
    ]


def ledger_students(out):
    path = out / "results.json"
    return set(json.loads(path.read_text()).get(ASSIGNMENT, {})) if path.exists() else set()


def processes_working_in(folder):
    """Command lines of the processes whose working folder is inside `folder` (nbgrader, kernels)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def test_kill_minus_nine_then_rerun(tmp_path):
    submitted, out = tmp_path / "submitted", tmp_path / "grading"
    for student, points in STUDENTS.items():
        answers = (
            solution_answers(ASSIGNMENT)
            if points == 14
            else patched_answers(ASSIGNMENT, {"conv2d_naive": WRONG_STRIDE})
        )
        write_submission(submitted, student, ASSIGNMENT, answers)

    grader = subprocess.Popen(
        grade_command(submitted, out),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while len(ledger_students(out)) < 2 and time.monotonic() < deadline and grader.poll() is None:
        time.sleep(0.2)
    grader.kill()  # the grader alone: its nbgrader and kernel processes must die with it
    grader.wait()
    finished_before = ledger_students(out)
    assert 2 <= len(finished_before) < len(STUDENTS), "the kill must land half-way"
    deadline = time.monotonic() + 10
    while processes_working_in(out) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_working_in(out), "nothing keeps grading for a run that no longer exists"
    sandboxes = [json.loads(path.read_text())["runtime"] for path in (out / "workspaces").glob("*/sandbox.json")]

    rerun = subprocess.run(grade_command(submitted, out), cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    kept = {
        line.split("]")[1].split(":")[0].strip()
        for line in rerun.stdout.splitlines()
        if "unchanged since the last run, kept" in line
    }
    assert kept == finished_before, (kept, finished_before)

    assert not any(os.path.exists(runtime) for runtime in sandboxes), "the killed run's sandboxes are cleaned up"
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["student_id"] for row in rows) == sorted(STUDENTS), "one row per student, no duplicates"
    assert {row["student_id"]: float(row["score"]) for row in rows} == STUDENTS
    with open_gradebook(out) as gradebook:
        submissions = gradebook.find_assignment(ASSIGNMENT).submissions
        assert sorted(s.student.id for s in submissions) == sorted(STUDENTS)
        assert {s.student.id: s.score for s in submissions} == STUDENTS


def test_a_change_of_tests_regrades_unchanged_submissions(tmp_path, monkeypatch):
    """The fingerprint of a result includes the assignment's version: unchanged submissions are kept
    only while the hidden tests are unchanged too, and a rerun after a change says it regrades them."""
    from autograder import grading

    submitted, out = tmp_path / "submitted", tmp_path / "grading"
    for student in ("s1", "s2"):
        write_submission(submitted, student, ASSIGNMENT, solution_answers(ASSIGNMENT))

    def run():
        lines = []
        grading.grade_assignment(ASSIGNMENT, submitted, out, workers=1, progress=lines.append)
        return lines

    run()
    assert sum("unchanged since the last run, kept" in line for line in run()) == 2
    monkeypatch.setattr(grading, "assignment_version", lambda folder, assignment: "tests-changed")
    after_change = run()
    assert not any("kept" in line for line in after_change), after_change
    assert any(
        "tests changed since the last run: regrading 2 unchanged submission(s): s1, s2" in line for line in after_change
    ), after_change
    assert sum("unchanged since the last run, kept" in line for line in run()) == 2
