"""Grade submissions of one assignment into the main grading folder: a batch in one nbgrader
process, or one student alone, each in a workspace of its own.

One nbgrader process per student would spend most of its time starting up (about 2.5 s of
imports and gradebook set-up per process): a batch pays that once. A watchdog stops a batch that
makes no progress; students a batch did not reach are then graded one by one, so one bad
submission costs only its own grade. A student nbgrader reported it could not grade is not graded
again (that would cost a hanging notebook's time limit twice), unless the kernel never came up.
"""

import shutil
import time

from .gradebook import late_penalty, remove_submission, submission_score
from .nbgrader_cli import failure_summary, nbgrader_failed, student_logs
from .outcome import autograded_notebooks, gaming_flags, interruption_reason
from .results import FAILED, GRADED, GradeResult
from .workspace import import_grading, open_workspace

# A kernel that never came up is the machine's fault, not the student's: such a grading is tried again.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Address already in use", "kernel_info")


class Grader:
    def __init__(self, main, assignment, limits, total, reference_file):
        self.main, self.assignment, self.limits = main, assignment, limits
        self.total, self.reference_file = total, reference_file

    def workspace(self, name):
        return open_workspace(self.main, self.assignment, name, self.limits, self.reference_file)

    def finish(self, workspace, submission, seconds):
        """Import a completed grading into the main folder; None when the workspace holds none."""
        folder, student = workspace.folder, submission.student
        score = submission_score(folder, self.assignment, student)
        notebooks = autograded_notebooks(folder, self.assignment, student)
        if score is None or not notebooks:
            return None
        result = GradeResult(
            student,
            GRADED,
            score,
            self.total,
            interruption_reason(notebooks),
            seconds,
            gaming_flags(self.main.release(self.assignment), self.assignment, submission, notebooks),
            late_penalty=late_penalty(folder, self.assignment, student),
        )
        import_grading(folder, self.main, self.assignment, student)
        return result

    def fail(self, submission, reason, seconds):
        """A grading that did not complete: no stale score or autograded notebook stays behind."""
        remove_submission(self.main, self.assignment, submission.student)
        shutil.rmtree(self.main.autograded(submission.student, self.assignment), ignore_errors=True)
        flags = gaming_flags(self.main.release(self.assignment), self.assignment, submission, [])
        return GradeResult(submission.student, FAILED, 0.0, self.total, reason, seconds, flags)

    def grade_batch(self, batch, name, env):
        """Grade several students in one nbgrader process. Returns (results, students left over):
        those the batch did not reach, or could not grade for a fault of the machine's."""
        workspace = self.workspace(name)
        try:
            for submission in batch:
                self.main.place(submission, self.assignment, keep_previous=True)
            started = time.monotonic()
            run = workspace.autograde(self.assignment, batch, env, watch_progress=True)
            seconds = (time.monotonic() - started) / len(batch)
            logs = student_logs(run.output)
            results, leftover = [], []
            for submission in batch:
                log = logs.get(submission.student, run.output)
                workspace.folder.keep_log(submission.student, log)
                result = self.finish(workspace, submission, seconds)
                if result is None and not run.timed_out and nbgrader_failed(log):
                    result = self.failure(submission, run, log, seconds)
                if result is None:
                    leftover.append(submission)
                else:
                    results.append(result)
            return results, leftover
        finally:
            workspace.remove()

    def grade_alone(self, submission, env, attempts=2):
        """Grade one student in its own nbgrader process, with the whole-notebook time limit."""
        for _ in range(attempts):
            workspace = self.workspace(submission.student)
            try:
                self.main.place(submission, self.assignment, keep_previous=True)
                started = time.monotonic()
                run = workspace.autograde(self.assignment, [submission], env, student=submission.student)
                seconds = time.monotonic() - started
                workspace.folder.keep_log(submission.student, run.output)
                result = None if run.timed_out else self.finish(workspace, submission, seconds)
                if result is None:
                    result = self.failure(submission, run, run.output, seconds)
            finally:
                workspace.remove()
            if result is not None:
                return result
        return self.fail(submission, self.reason(run, run.output), seconds)

    def failure(self, submission, run, log, seconds):
        """The failed result of a grading nbgrader could not complete; None when the machine is to
        blame (the kernel never came up), so that it is tried again."""
        self.main.keep_log(submission.student, log)
        reason = self.reason(run, log)
        if any(sign in reason for sign in KERNEL_START_FAILURES):
            return None
        return self.fail(submission, reason, seconds)

    def reason(self, run, log):
        if run.timed_out:
            return f"grading took longer than {self.limits.notebook_timeout:g} s and was stopped"
        return f"nbgrader could not grade it: {failure_summary(log)}"

    def grade(self, batch, name, env):
        """Grade a batch, then whoever it left over one by one: a result for every student."""
        finished, leftover = self.grade_batch(batch, name, env)
        return finished + [self.grade_alone(submission, env) for submission in leftover]
