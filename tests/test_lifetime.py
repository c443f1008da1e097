"""What the grader gives every process it starts (autograder/sandbox/lifetime.py): its niceness
kept when the process starts a session of its own, which Linux otherwise schedules at full
weight beside the grader's (autogroups)."""

import os
import subprocess
import sys

import pytest

from autograder.assignments import REPO_ROOT
from autograder.sandbox import lifetime
from autograder.sandbox.lifetime import session_niceness

needs_autogroups = pytest.mark.skipif(
    session_niceness() is None, reason="autogroups do not apply here (no autogroups, or a cpu cgroup holds us)"
)

PROBE = (
    "import os; from autograder.sandbox.lifetime import session_niceness; "
    "print(os.getpriority(os.PRIO_PROCESS, 0), session_niceness())"
)


def run_from_niced_grader(new_session):
    """(the child's niceness, its session's niceness, the grader's session's niceness after the
    child ran), with the grader 3 nicer than this test and the child started as run_nbgrader does."""
    grader = f"""
import os, subprocess, sys
from autograder.sandbox.lifetime import child_setup, session_niceness
os.nice(3)
subprocess.run([sys.executable, "-c", {PROBE!r}], start_new_session={new_session},
               preexec_fn=child_setup(None), check=True)
print(session_niceness())
"""
    printed = subprocess.run(
        [sys.executable, "-c", grader], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [int(word) for word in printed.split()]


@needs_autogroups
def test_a_child_in_a_session_of_its_own_keeps_the_graders_niceness():
    child, child_session, _ = run_from_niced_grader(new_session=True)
    assert child == os.getpriority(os.PRIO_PROCESS, 0) + 3
    assert child_session == child


@needs_autogroups
def test_a_child_in_the_graders_session_leaves_that_sessions_niceness_alone():
    before = session_niceness()
    _, child_session, grader_session = run_from_niced_grader(new_session=False)
    assert child_session == grader_session == before


@pytest.fixture
def autogroup_file(tmp_path, monkeypatch):
    """This process's autogroup file, as a file of the test's (lifetime.AUTOGROUP points there)."""
    monkeypatch.setattr(lifetime, "AUTOGROUP", str(tmp_path / "{pid}"))
    return tmp_path / "self"


@pytest.mark.parametrize("content, niceness", [("/autogroup-12 nice 7\n", 7), ("", None)])
def test_a_sessions_niceness_is_read_from_its_autogroup_file_none_if_empty(autogroup_file, content, niceness):
    autogroup_file.write_text(content)
    assert session_niceness() == niceness


def test_without_an_autogroup_file_there_is_no_sessions_niceness(autogroup_file):
    assert session_niceness() is None


@pytest.mark.parametrize("content", ["/autogroup-3 nice 0\n", ""])
def test_a_session_leader_writes_its_niceness_only_where_autogroups_apply(autogroup_file, content):
    autogroup_file.write_text(content)
    leader = (
        "import os; from autograder.sandbox import lifetime; "
        f"lifetime.AUTOGROUP = {lifetime.AUTOGROUP!r}; os.nice(2); lifetime.keep_niceness_in_own_session()"
    )
    subprocess.run([sys.executable, "-c", leader], cwd=REPO_ROOT, start_new_session=True, check=True)
    expected = str(os.getpriority(os.PRIO_PROCESS, 0) + 2) if content else ""
    assert autogroup_file.read_text() == expected
