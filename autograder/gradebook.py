"""Read scores back from a grading folder's nbgrader gradebook."""

from contextlib import contextmanager

from nbgrader.api import Gradebook, MissingEntry

from .grading_folder import GradingFolder


def as_folder(folder):
    return folder if isinstance(folder, GradingFolder) else GradingFolder(folder)


@contextmanager
def open_gradebook(folder):
    with Gradebook(as_folder(folder).gradebook_url) as gradebook:
        yield gradebook


def max_score(folder, assignment):
    with open_gradebook(folder) as gradebook:
        return gradebook.find_assignment(assignment).max_score


def submission_score(folder, assignment, student):
    """The student's autograded score (before any late penalty), or None when there is none."""
    with open_gradebook(folder) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return submission.score


def late_penalty(folder, assignment, student):
    with open_gradebook(folder) as gradebook:
        try:
            return gradebook.find_submission(assignment, student).late_submission_penalty or 0.0
        except MissingEntry:
            return 0.0


def remove_submission(folder, assignment, student):
    """Drop the student's submission (and its grades) from the gradebook, if there is one."""
    with open_gradebook(folder) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def cell_scores(folder, assignment, student):
    """{grade_id: (score, max_score)} for every graded cell of the student's submission."""
    with open_gradebook(folder) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            grade.name: (grade.score, grade.max_score) for notebook in submission.notebooks for grade in notebook.grades
        }
