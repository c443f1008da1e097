"""Autograde every submission of an assignment: in batches, one nbgrader process per batch and
private course folder, several batches at once, each student's code in a sandboxed kernel with
time and memory limits.

One nbgrader process per student would spend most of its time starting up (about 2.5 s of
imports and gradebook set-up per process): a batch pays that once. A watchdog stops a batch that
makes no progress; students a batch did not finish are then graded one by one, so one bad
submission costs only its own grade.
"""
import hashlib
import os
import queue
import shutil
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from .course import notebook_names
from .gradebook import max_score, remove_submission, submission_score
from .integrity import structure_flags
from .ledger import load_results, record_results
from .nbgrader_cli import last_error_line, run_nbgrader
from .observations import REJECTED_NAME, TAMPER_NAME, UNUSED_NAME
from .recovering_execute import KERNEL_DIED
from .reference import assignment_version, reference_observations
from .release import prepare_course
from .results import FAILED, GRADED, INVALID, GradeResult  # noqa: F401 (re-exported)
from .sandbox import unavailable_reason
from .submissions import collect_submissions, copy_into_course
from .suspicious import submission_code_flags
from .workspace import import_grading, remove_stale_workspaces, workspace_for

BATCH_SIZE = 25


@dataclass
class Limits:
    """What one submission may use: seconds per cell, seconds in all, memory (bytes, or None);
    and whether its code runs in the sandbox (no network, no file access outside its folder)."""
    cell_timeout: int = 60
    notebook_timeout: float = 900
    memory_bytes: int | None = 8 * 2**30
    sandbox: bool = True


INTERRUPTIONS = {"CellTimeoutError": "timed out", "MemoryError": "out of memory",
                 "BlockingIOError": "hit the process limit", KERNEL_DIED: "the kernel died"}
PROCESS_LIMIT_SIGN = "can't start new thread"  # what Python raises when the cap leaves no room for a thread


def autograded_notebooks(course_dir, assignment, student):
    folder = Path(course_dir) / "autograded" / student / assignment
    return [nbformat.read(str(path), as_version=4) for path in sorted(folder.glob("*.ipynb"))]


def error_name(output):
    if PROCESS_LIMIT_SIGN in output.get("evalue", ""):
        return "BlockingIOError"
    return output.get("ename")


def cells_with_errors(notebooks, names):
    """{error name: [grade_id, ...]} for the errors in `names` found in the notebooks' outputs."""
    found = {}
    for notebook in notebooks:
        for number, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and error_name(output) in names:
                    cell_name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {number}")
                    if cell_name not in found.setdefault(error_name(output), []):
                        found[error_name(output)].append(cell_name)
    return found


def interruption_reason(notebooks):
    """'timed out (scored 0): cell, ...; out of memory ...': cells stopped by a limit, not by a test."""
    stopped = cells_with_errors(notebooks, INTERRUPTIONS)
    return "; ".join(f"{INTERRUPTIONS[name]} (scored 0): {', '.join(cells)}" for name, cells in stopped.items())


def fingerprint(folder):
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def gaming_flags(release_dir, assignment, submission, notebooks):
    """What the instructor should look at: tampering with the notebook, suspicious code, and tests
    that raised nothing in the kernel yet failed the grader's check outside it."""
    flags = []
    for name in notebook_names(assignment):
        flags += structure_flags(submission.folder / name, Path(release_dir) / name)
        flags += submission_code_flags(submission.folder / name, assignment, Path(release_dir) / name)
    found = cells_with_errors(notebooks, {TAMPER_NAME, REJECTED_NAME, UNUSED_NAME})
    if found.get(TAMPER_NAME):
        flags.append("tests passed in the kernel but their values failed the check outside it "
                     "(comparisons or test code interfered with): " + ", ".join(found[TAMPER_NAME]))
    if found.get(REJECTED_NAME):
        flags.append("handed the tests values that are not plain tensors or numbers (a tensor subclass or "
                     "an object with its own conversions): " + ", ".join(found[REJECTED_NAME]))
    if found.get(UNUSED_NAME):
        flags.append("has parameters that never get a gradient (unused parameters padding a parameter count?): "
                     + ", ".join(found[UNUSED_NAME]))
    return list(dict.fromkeys(flags))


def finished_result(course_dir, assignment, submission, total, seconds, release_dir):
    """The GradeResult of a student whose grading completed in course_dir (score read from its gradebook)."""
    notebooks = autograded_notebooks(course_dir, assignment, submission.student)
    return GradeResult(submission.student, GRADED, submission_score(course_dir, assignment, submission.student),
                       total, interruption_reason(notebooks), seconds,
                       gaming_flags(release_dir, assignment, submission, notebooks))


class Grader:
    """Grades submissions of one assignment into the main course at course_dir."""

    def __init__(self, course_dir, assignment, limits, total, reference_file):
        self.course_dir, self.assignment, self.limits = Path(course_dir), assignment, limits
        self.total, self.reference_file = total, reference_file

    def workspace(self, name):
        return workspace_for(self.course_dir, self.assignment, name, self.limits.cell_timeout,
                             self.reference_file, sandboxed=self.limits.sandbox)

    def keep_log(self, student, output):
        (self.course_dir / "logs").mkdir(exist_ok=True)
        (self.course_dir / "logs" / f"{student}.log").write_text(output)

    def finish(self, workspace, submission, seconds):
        """Import a completed grading into the main course; None when the workspace holds none."""
        student = submission.student
        if submission_score(workspace.path, self.assignment, student) is None or \
                not autograded_notebooks(workspace.path, self.assignment, student):
            return None
        result = finished_result(workspace.path, self.assignment, submission, self.total, seconds,
                                 self.course_dir / "release" / self.assignment)
        import_grading(workspace.path, self.course_dir, self.assignment, student)
        return result

    def fail(self, submission, reason, seconds):
        """Record a grading that did not complete: no stale score or autograded notebook stays behind."""
        remove_submission(self.course_dir, self.assignment, submission.student)
        shutil.rmtree(self.course_dir / "autograded" / submission.student / self.assignment, ignore_errors=True)
        flags = gaming_flags(self.course_dir / "release" / self.assignment, self.assignment, submission, [])
        return GradeResult(submission.student, FAILED, 0.0, self.total, reason, seconds, flags)

    def grade_batch(self, batch, name, env):
        """Grade several students in one nbgrader process. Returns (results, students left over)."""
        workspace = self.workspace(name)
        try:
            for submission in batch:
                copy_into_course(submission, self.course_dir, self.assignment, keep_previous=True)
                copy_into_course(submission, workspace.path, self.assignment)
            autograded = workspace.path / "autograded"
            started = time.monotonic()
            output = run_nbgrader(["autograde", self.assignment, "--force"], workspace.path,
                                  timeout=self.limits.notebook_timeout, memory_limit_bytes=self.limits.memory_bytes,
                                  extra_env={**env, **workspace.env},
                                  progress=lambda: sum(1 for _ in autograded.glob("*/*/*.ipynb"))).output
            seconds = (time.monotonic() - started) / len(batch)
            results, leftover = [], []
            for submission in batch:
                result = self.finish(workspace, submission, seconds)
                if result is None:
                    leftover.append(submission)
                else:
                    self.keep_log(submission.student, output)
                    results.append(result)
            return results, leftover
        finally:
            workspace.remove()

    def grade_alone(self, submission, env, attempts=2):
        """Grade one student in its own nbgrader process, with the whole-notebook time limit."""
        for _ in range(attempts):
            workspace = self.workspace(submission.student)
            try:
                copy_into_course(submission, self.course_dir, self.assignment, keep_previous=True)
                copy_into_course(submission, workspace.path, self.assignment)
                started = time.monotonic()
                run = run_nbgrader(["autograde", self.assignment, "--student", submission.student, "--force"],
                                   workspace.path, timeout=self.limits.notebook_timeout,
                                   memory_limit_bytes=self.limits.memory_bytes, extra_env={**env, **workspace.env})
                seconds = time.monotonic() - started
                self.keep_log(submission.student, run.output)
                result = None if run.timed_out else self.finish(workspace, submission, seconds)
            finally:
                workspace.remove()
            if result is not None:
                return result
            reason = (f"grading took longer than {self.limits.notebook_timeout:g} s and was stopped" if run.timed_out
                      else f"nbgrader could not grade it: {last_error_line(run.output)}")
            if not any(sign in reason for sign in KERNEL_START_FAILURES):
                break
        return self.fail(submission, reason, seconds)


# A kernel that never came up is the machine's fault, not the student's: such a grading is tried again.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Address already in use", "kernel_info")


def visible_gpus():
    """Indices of the CUDA devices this machine has (empty without CUDA)."""
    try:
        import torch
    except ImportError:
        return []
    return list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []


def device_name():
    try:
        import torch
        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


def default_workers():
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def batches(submissions, workers, size=BATCH_SIZE):
    """Split submissions into batches: at least one per worker, at most `size` each."""
    count = max(workers, -(-len(submissions) // size)) if submissions else 0
    return [submissions[index::count] for index in range(count) if submissions[index::count]]


def unchanged_results(course_dir, assignment, collected, prints):
    """Results of an earlier run for submissions that have not changed since, under tests that have
    not changed since: not graded again. Also returns the students whose submission is unchanged
    but whose assignment (source notebook, hidden tests, accepted variants) changed.

    prints: {student: "<assignment version>-<digest of the submission>" now}."""
    earlier = load_results(course_dir, assignment)
    kept, retested = {}, []
    for submission in collected:
        result = earlier.get(submission.student)
        if not result or result.status != GRADED:
            continue
        if result.fingerprint == prints[submission.student]:
            if submission_score(course_dir, assignment, submission.student) is not None:
                kept[submission.student] = result
        elif result.fingerprint.split("-")[-1] == prints[submission.student].split("-")[-1]:
            retested.append(submission.student)
    return kept, retested


def grade_on_cluster(scheduler, grader, batch_list, env):
    """Grade the batches on a Dask cluster; yields GradeResults as batches come back."""
    from distributed import as_completed as completed

    from .cluster import ClusterGrader
    cluster = ClusterGrader(scheduler, grader)
    try:
        futures = {cluster.submit(batch, env): batch for batch in batch_list}
        for future in completed(list(futures)):
            yield from cluster.bring_back(future, futures[future])
    finally:
        cluster.close()


def grade_assignment(assignment, submissions, course_dir, limits=None, workers=None, progress=print,
                     regrade=False, batch_size=BATCH_SIZE, scheduler=None):
    """Grade every submission found in `submissions` into the nbgrader course at course_dir.

    `workers` batches of at most `batch_size` students are graded at once (default: one per
    core); with several GPUs each worker slot sees one of them. A submission graded by an earlier run and unchanged since is not
    graded again unless `regrade`. Every result is written to the results ledger as soon as it
    is known, so a run killed half-way loses nothing that was finished. With `scheduler` (a Dask
    scheduler's address) the batches are graded on that cluster's workers instead of here.
    Returns one GradeResult per student, in student order; a problem with one submission never stops the others.
    """
    limits = limits or Limits()
    if limits.sandbox and (reason := unavailable_reason()):
        raise RuntimeError(f"cannot sandbox student code on this machine: {reason}. "
                           "Use --no-sandbox only for submissions you trust.")
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_workspaces(course_dir)  # left by a run that was killed
    prepare_course(course_dir, assignment, limits.cell_timeout)
    total = max_score(course_dir, assignment)
    incoming = course_dir / "incoming"  # unpacked zips and staged LMS downloads, removed at the end
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    collected, notes = collect_submissions(submissions, assignment, notebook_names(assignment), incoming)
    for note in notes:
        progress(f"note: {note}")
    results, done = {}, 0

    def report(result, skipped=False):
        nonlocal done
        done += 1
        results[result.student] = result
        if not skipped:
            record_results(course_dir, assignment, [result])
        flags = f" - FLAGGED: {'; '.join(result.flags)}" if result.flags else ""
        progress(f"[{done}/{len(collected)}] {result.student}: "
                 f"{'unchanged since the last run, kept' if skipped else result.status} "
                 f"{result.score:g}/{result.max_score:g} ({result.seconds:.1f} s)"
                 f"{' - ' + result.reason if result.reason else ''}{flags}")

    for submission in collected:
        if submission.problems:
            report(GradeResult(submission.student, INVALID, 0.0, total, "; ".join(submission.problems)))
    gradable = [s for s in collected if not s.problems]
    version = assignment_version(course_dir, assignment)
    prints = {s.student: f"{version}-{fingerprint(s.folder)}" for s in gradable}
    kept, retested = ({}, []) if regrade else unchanged_results(course_dir, assignment, gradable, prints)
    if retested:
        progress(f"note: the assignment's tests changed since the last run: regrading {len(retested)} "
                 f"unchanged submission(s): {', '.join(sorted(retested))}")
    for student in sorted(kept):
        report(kept[student], skipped=True)
    gradable = [s for s in gradable if s.student not in kept]

    workers = max(1, min(workers or default_workers(), len(gradable) or 1))
    # Each kernel's math libraries would start a thread per core: with several kernels at once
    # the cores are oversubscribed and PyTorch slows down many times over. Share them out.
    threads = str(max(1, default_workers() // workers))
    thread_env = {name: threads for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    if gradable:
        reference = reference_observations(course_dir, assignment, limits, total, device_name(), thread_env)
    grader = Grader(course_dir, assignment, limits, total, reference if gradable else None)
    gpus, slots = visible_gpus(), queue.Queue()
    for slot in range(workers):
        slots.put(slot)

    def grade(index, batch):
        slot = slots.get()
        env = dict(thread_env)
        if len(gpus) > 1:
            env["CUDA_VISIBLE_DEVICES"] = str(gpus[slot % len(gpus)])
        try:
            finished, leftover = grader.grade_batch(batch, f"batch-{index}", env)
            return finished + [grader.grade_alone(submission, env) for submission in leftover]
        except Exception as error:  # the grader's own failure must not stop the class
            return [grader.fail(s, f"grader error: {error!r}", 0.0) for s in batch]
        finally:
            slots.put(slot)

    if scheduler:
        for result in grade_on_cluster(scheduler, grader, batches(gradable, workers, batch_size), thread_env):
            report(replace(result, fingerprint=prints[result.student]))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(grade, index, batch)
                       for index, batch in enumerate(batches(gradable, workers, batch_size))]
            for future in as_completed(futures):
                for result in future.result():
                    report(replace(result, fingerprint=prints[result.student]))
    shutil.rmtree(course_dir / "workspaces", ignore_errors=True)
    shutil.rmtree(incoming, ignore_errors=True)
    return [results[submission.student] for submission in collected]
