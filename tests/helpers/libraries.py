"""The answer libraries, looked up by assignment and name:

- wrong_answers/<assignment>.yaml: known-wrong answers and the points each must lose;
- legitimate/<assignment>.yaml: right answers written another way, which must earn full marks;
- red_team/<assignment>.yaml: cheats, which must gain nothing over their baseline and be flagged.

Entries are edits of the solution's answers (autograder.variants.apply_edits). Entries marked
`cpu_only` are wrong only on a grader without a GPU, `requires_cuda` ones only with a GPU.
"""

from functools import cache
from pathlib import Path

import torch
import yaml

from autograder.variants import apply_edits, solution_answers

from .submissions import release_answers, write_submission

TESTS_DIR = Path(__file__).resolve().parent.parent
HAS_CUDA = torch.cuda.is_available()


@cache
def library(kind, assignment):
    path = TESTS_DIR / kind / f"{assignment}.yaml"
    entries = yaml.safe_load(path.read_text()) if path.is_file() else {}
    return {name: entry for name, entry in (entries or {}).items() if not name.startswith("_")}


def wrong_answers(assignment):
    return library("wrong_answers", assignment)


def legitimate_answers(assignment):
    return library("legitimate", assignment)


def red_team(assignment):
    return library("red_team", assignment)


def red_team_assignments():
    return sorted(path.stem for path in (TESTS_DIR / "red_team").glob("*.yaml"))


def applies_here(entry):
    return not (entry.get("cpu_only") and HAS_CUDA) and not (entry.get("requires_cuda") and not HAS_CUDA)


def edited_answers(assignment, entry):
    """The solution's answers with an entry's edits applied."""
    return apply_edits(solution_answers(assignment), entry)


def wrong_answer(assignment, name):
    return edited_answers(assignment, wrong_answers(assignment)[name])


def cheat_answers(assignment, entry):
    """A red-team entry's answers: its baseline wrong answer (or the blank release) with its changes."""
    base = entry.get("answers_from")
    answers = wrong_answer(assignment, base) if base else release_answers(assignment)
    answers = {**answers, **entry.get("answers", {})}
    if entry.get("prefix"):
        first = next(iter(release_answers(assignment)))
        answers[first] = entry["prefix"] + "\n" + answers[first]
    return answers


def is_test(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def edit_notebook(notebook, kind):
    """The notebook changes a cheater makes to the cells they must not touch."""
    tests = [cell for cell in notebook.cells if is_test(cell)]
    if kind == "replace_tests":
        for cell in tests:
            cell.source = "print('all good')"
    elif kind == "delete_tests":
        notebook.cells = [cell for cell in notebook.cells if not is_test(cell)]
    elif kind == "tests_first":
        notebook.cells = tests + [cell for cell in notebook.cells if not is_test(cell)]
    elif kind == "inflate_metadata":
        for cell in tests:
            cell.metadata["nbgrader"].update(points=100, grade=False, locked=False, checksum="0" * 32)
    else:
        raise ValueError(f"unknown edit {kind!r}")


def write_cheat(submitted, student, assignment, entry):
    edit = entry.get("edit")
    write_submission(
        submitted,
        student,
        assignment,
        cheat_answers(assignment, entry),
        edit=(lambda notebook: edit_notebook(notebook, edit)) if edit else None,
    )
