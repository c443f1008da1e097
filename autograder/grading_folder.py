"""The grading folder: the nbgrader course folder the instructor grades in (`--grading-folder`,
default `grading/`), and the one place that knows its layout.

    source/<assignment>/                  the assignment's nbgrader source (copied from solutions/)
    release/<assignment>/                 what nbgrader generated from it
    gradebook.db                          nbgrader's gradebook: per-cell grades, timestamps
    submitted/<student>/<assignment>/     the submissions being graded (earlier ones in archive/)
    autograded/<student>/<assignment>/    the graded notebooks
    feedback/<student>/<assignment>/      feedback pages (`python -m autograder feedback`)
    results.json                          the grader's record of each student's outcome
    grades.csv, pass_rates.csv, histogram.png   written from results.json after each run
    reference/                            the reference observations, per assignment version
    logs/<student>.log                    nbgrader's output for each grading
    workspaces/<name>/                    private grading folders of a run in progress
    incoming/                             unpacked zips and LMS downloads of a run in progress

The sandboxed kernel can read none of it but the student's own autograded folder.
"""

import shutil
from pathlib import Path

from .assignments import require_assignment
from .nbgrader_cli import last_error_line, run_nbgrader
from .pipeline.config import feedback_pipeline_lines

NOT_COPIED = (".ipynb_checkpoints", "__pycache__")


class GradingSetupError(RuntimeError):
    pass


class GradingFolder:
    def __init__(self, root):
        self.root = Path(root).resolve()

    def __repr__(self):
        return f"GradingFolder({str(self.root)!r})"

    def source(self, assignment):
        return self.root / "source" / assignment

    def release(self, assignment):
        return self.root / "release" / assignment

    def submitted(self, student, assignment):
        return self.root / "submitted" / student / assignment

    def autograded(self, student, assignment):
        return self.root / "autograded" / student / assignment

    def archive(self, student, assignment):
        return self.root / "archive" / student / assignment

    def feedback_pages(self, assignment):
        return sorted((self.root / "feedback").glob(f"*/{assignment}/*.html"))

    @property
    def gradebook(self):
        return self.root / "gradebook.db"

    @property
    def gradebook_url(self):
        return "sqlite:///" + str(self.gradebook)

    @property
    def results_file(self):
        return self.root / "results.json"

    @property
    def grades_csv(self):
        return self.root / "grades.csv"

    @property
    def pass_rates_csv(self):
        return self.root / "pass_rates.csv"

    @property
    def histogram(self):
        return self.root / "histogram.png"

    @property
    def reference_dir(self):
        return self.root / "reference"

    @property
    def workspaces(self):
        return self.root / "workspaces"

    @property
    def incoming(self):
        return self.root / "incoming"

    def has_autograded(self):
        return (self.root / "autograded").is_dir()

    def log(self, student):
        return self.root / "logs" / f"{student}.log"

    def keep_log(self, student, output):
        self.log(student).parent.mkdir(parents=True, exist_ok=True)
        self.log(student).write_text(output)

    def write_config(self, cell_timeout, extra_lines=()):
        """Write the nbgrader_config.py that nbgrader picks up when run inside this folder."""
        lines = [
            "# Written by `python -m autograder`; rewritten on every run.",
            "c = get_config()",
            f"c.CourseDirectory.root = {str(self.root)!r}",
            f"c.CourseDirectory.db_url = {self.gradebook_url!r}",
            f"c.Execute.timeout = {int(cell_timeout)}",
            "c.Execute.interrupt_on_timeout = True",
            *feedback_pipeline_lines(self.root / "submitted"),
            *extra_lines,
        ]
        (self.root / "nbgrader_config.py").write_text("".join(line + "\n" for line in lines))

    def prepare(self, assignment, cell_timeout=60):
        """Copy the assignment's source in and record it in the gradebook; returns its release folder.

        Running generate_assignment is what stores the test cells and checksums in the gradebook,
        which autograding later restores into every submission. A folder already prepared from
        the same source is left as it is.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        source, original = self.source(assignment), require_assignment(assignment)
        self.write_config(cell_timeout)
        prepared = self.root / f".prepared-{assignment}"  # written once generate_assignment succeeded
        if prepared.exists() and self.gradebook.exists() and same_files(original, source):
            return self.release(assignment)  # prepared by an earlier run from the same source
        prepared.unlink(missing_ok=True)
        if source.exists():
            shutil.rmtree(source)
        shutil.copytree(original, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
        result = run_nbgrader(["generate_assignment", assignment, "--force"], self.root, timeout=600)
        if result.returncode != 0:
            raise GradingSetupError(
                f"nbgrader generate_assignment {assignment} failed: {last_error_line(result.output)}"
            )
        prepared.touch()
        return self.release(assignment)

    def place(self, submission, assignment, keep_previous=False):
        """Put a submission where nbgrader looks for it. With keep_previous, a different submission
        already there (an earlier hand-in) is moved to archive/<student>/<assignment>/<n>/."""
        target = self.submitted(submission.student, assignment)
        if target.exists():
            if keep_previous and not same_files(target, submission.folder):
                archive = self.archive(submission.student, assignment)
                number = len(list(archive.iterdir())) + 1 if archive.exists() else 1
                archive.mkdir(parents=True, exist_ok=True)
                shutil.move(str(target), archive / str(number))
            else:
                shutil.rmtree(target)
        shutil.copytree(submission.folder, target)


def same_files(first, second):
    """Whether two folders hold the same files with the same bytes (editors' caches aside)."""

    def listing(folder):
        return sorted(
            p.relative_to(folder)
            for p in Path(folder).rglob("*")
            if p.is_file() and not set(p.relative_to(folder).parts) & set(NOT_COPIED)
        )

    if not Path(second).is_dir():
        return False
    files = listing(first)
    return files == listing(second) and all(
        (Path(first) / name).read_bytes() == (Path(second) / name).read_bytes() for name in files
    )
