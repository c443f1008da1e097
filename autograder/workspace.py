"""One private nbgrader course per submission, so that submissions can be graded in parallel.

Each worker grades in its own folder, with its own copy of the gradebook: no two nbgrader
processes share a SQLite file, and a run that dies leaves the main gradebook untouched. Only a
finished grading is imported into the main course (under a lock), with its autograded notebook.
"""
import json
import shutil
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import MissingEntry
from sqlalchemy.exc import SAWarning

from .course import grading_pipeline_config, write_nbgrader_config
from .gradebook import open_gradebook
from .sandbox import install_kernel, kill_cgroup

IMPORT_LOCK = threading.Lock()


@dataclass
class Workspace:
    """A private course folder, the environment its nbgrader runs in, its process cgroup and the
    sandbox kernel's runtime folder."""
    path: Path
    env: dict = field(default_factory=dict)
    cgroup: str | None = None
    runtime: Path | None = None

    def remove(self):
        kill_cgroup(self.cgroup)
        shutil.rmtree(self.path, ignore_errors=True)
        if self.runtime:
            shutil.rmtree(self.runtime, ignore_errors=True)


SANDBOX_RECORD = "sandbox.json"  # where a workspace's sandbox lives outside it, for clean-up after a crash


def remove_stale_workspaces(course_dir):
    """Remove the workspaces of a run that was killed, with their sandboxes' processes and folders."""
    for folder in sorted((Path(course_dir) / "workspaces").glob("*")):
        record = folder / SANDBOX_RECORD
        sandbox = json.loads(record.read_text()) if record.is_file() else {}
        runtime = sandbox.get("runtime")
        Workspace(folder, cgroup=sandbox.get("cgroup"), runtime=Path(runtime) if runtime else None).remove()
    shutil.rmtree(Path(course_dir) / "workspaces", ignore_errors=True)


def workspace_for(course_dir, assignment, name, cell_timeout, reference_file, sandboxed=True, record=False):
    """A fresh private course: the assignment's source, a gradebook copy, the grading config and,
    when sandboxed, the sandbox kernel that runs the students' code."""
    course_dir = Path(course_dir)
    workspace = course_dir / "workspaces" / name
    if workspace.exists():
        shutil.rmtree(workspace)
    (workspace / "source").mkdir(parents=True)
    shutil.copytree(course_dir / "source" / assignment, workspace / "source" / assignment)
    shutil.copy2(course_dir / "gradebook.db", workspace / "gradebook.db")
    lines, env, cgroup, runtime = grading_pipeline_config(workspace, reference_file, record), {}, None, None
    if sandboxed:
        kernel_lines, env, cgroup, runtime = install_kernel(workspace, assignment)
        (workspace / SANDBOX_RECORD).write_text(json.dumps({"cgroup": cgroup, "runtime": str(runtime)}))
        lines += kernel_lines
    write_nbgrader_config(workspace, cell_timeout, lines)
    return Workspace(workspace, env, cgroup, runtime)


def import_grading(workspace, course_dir, assignment, student):
    """Copy the student's autograded notebooks and scores from the workspace into the main course."""
    with IMPORT_LOCK:
        target = Path(course_dir) / "autograded" / student / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(Path(workspace) / "autograded" / student / assignment, target)
        with open_gradebook(workspace) as source, open_gradebook(course_dir) as destination:
            graded = source.find_submission(assignment, student)
            destination.update_or_create_student(student)
            try:
                destination.remove_submission(assignment, student)
            except MissingEntry:
                pass
            with warnings.catch_warnings():  # nbgrader's add_submission always trips this autoflush notice
                warnings.simplefilter("ignore", SAWarning)
                destination.add_submission(assignment, student, timestamp=graded.timestamp)
            for notebook in graded.notebooks:
                copy = destination.find_submission_notebook(notebook.name, assignment, student)
                copy.flagged = notebook.flagged
                copy.late_submission_penalty = notebook.late_submission_penalty
                for grade in notebook.grades:
                    into = destination.find_grade(grade.name, notebook.name, assignment, student)
                    into.auto_score, into.manual_score = grade.auto_score, grade.manual_score
                    into.extra_credit, into.needs_manual_grade = grade.extra_credit, grade.needs_manual_grade
                for comment in notebook.comments:
                    into = destination.find_comment(comment.name, notebook.name, assignment, student)
                    into.auto_comment, into.manual_comment = comment.auto_comment, comment.manual_comment
            destination.db.commit()
