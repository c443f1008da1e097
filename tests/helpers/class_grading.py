"""Grade an assignment's whole test library in one run of the real autograder: the solution, the
blank release, every wrong answer, every legitimate variant, every red-team cheat and a sample of
mutants, side by side in one class."""

from dataclasses import dataclass

from autograder.grading import grade_assignment
from autograder.limits import Limits
from autograder.mutants import assignment_mutants, sample, student_id, write_mutants
from autograder.pipeline.translation import release_languages

from .libraries import (
    applies_here,
    edited_answers,
    legitimate_answers,
    red_team,
    write_cheat,
    wrong_answer,
    wrong_answers,
)
from .submissions import release_answers, solution_answers, write_submission

MUTANT_SAMPLE = 3  # per assignment; `python -m autograder mutants` grades them all
# No submission of the libraries hangs, and the limits are tested elsewhere (test_autograder_cli):
# here a cell limit is only a way to fail a right answer on a slow day. During the test run each
# kernel gets about a sixth of a core (two workers grade three notebooks each on the core the book
# build leaves them), and the AlexNet solution's last cell then took more than the default 60 s.
CELL_LIMIT = 300


TRANSLATED = "ko"  # the class also hands in the solution and the first wrong answer on the Korean release


def is_translated(assignment):
    return TRANSLATED in release_languages(assignment)


def translated_student(name):
    return f"{name}-{TRANSLATED}"


def legitimate_student(name):
    return f"legitimate-{name}"


def cheat_student(name):
    return f"cheat-{name}"


@dataclass
class ClassGrades:
    grading_folder: object
    results: dict  # {student: GradeResult}
    mutants: list  # the sample graded

    def mutant_results(self):
        return {mutant.id: self.results[student_id(mutant)] for mutant in self.mutants}


def translated_wrong_answer(assignment):
    """The wrong answer also handed in on the translated release."""
    return next(name for name, entry in wrong_answers(assignment).items() if applies_here(entry))


def write_class(submitted, assignment):
    write_submission(submitted, "solution", assignment, solution_answers(assignment))
    write_submission(submitted, "blank", assignment, release_answers(assignment))
    for name, entry in wrong_answers(assignment).items():
        if applies_here(entry):
            write_submission(submitted, name, assignment, wrong_answer(assignment, name))
    if is_translated(assignment):
        write_submission(
            submitted, translated_student("solution"), assignment, solution_answers(assignment), language=TRANSLATED
        )
        first_wrong = translated_wrong_answer(assignment)
        wrong = wrong_answer(assignment, first_wrong)
        write_submission(submitted, translated_student(first_wrong), assignment, wrong, language=TRANSLATED)
    for name, entry in legitimate_answers(assignment).items():
        write_submission(submitted, legitimate_student(name), assignment, edited_answers(assignment, entry))
    for name, entry in red_team(assignment).items():
        write_cheat(submitted, cheat_student(name), assignment, entry)
    mutants = sample(assignment_mutants(assignment), MUTANT_SAMPLE, seed="ci")
    write_mutants(submitted, assignment, mutants)
    return mutants


def grade_class(assignment, staging, grading_folder):
    mutants = write_class(staging, assignment)
    results = grade_assignment(
        assignment, staging, grading_folder, Limits(cell_timeout=CELL_LIMIT), progress=lambda line: None
    )
    return ClassGrades(grading_folder, {result.student: result for result in results}, mutants)
