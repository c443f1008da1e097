"""Read scores back from a grading folder's nbgrader gradebook."""
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


@contextmanager
def open_gradebook(course_dir):
    with Gradebook("sqlite:///" + str(Path(course_dir) / "gradebook.db")) as gradebook:
        yield gradebook


def max_score(course_dir, assignment):
    with open_gradebook(course_dir) as gradebook:
        return gradebook.find_assignment(assignment).max_score


def submission_score(course_dir, assignment, student):
    """The student's autograded score, or None when the gradebook holds no submission."""
    with open_gradebook(course_dir) as gradebook:
        try:
            return gradebook.find_submission(assignment, student).score
        except MissingEntry:
            return None


def remove_submission(course_dir, assignment, student):
    """Drop the student's submission (and its grades) from the gradebook, if there is one."""
    with open_gradebook(course_dir) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def cell_scores(course_dir, assignment, student):
    """{grade_id: (score, max_score)} for every graded cell of the student's submission."""
    with open_gradebook(course_dir) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            grade.name: (grade.score, grade.max_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
