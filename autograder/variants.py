"""Accepted variants of an assignment's solution: other right answers the grader must accept.

Where an exercise's text leaves a choice open (LeNet-5: tanh or ReLU, average or max pooling),
one reference solution cannot stand for every right answer. `solutions/variants/<assignment>.yaml`
lists the other choices as edits of the solution's answer cells; the reference run grades each of
them beside the solution, and a student's values are accepted when they match any of them
(observations.disagreement_with_all). Each entry:

    relu_and_max_pooling:
      why: the text allows ReLU and max pooling
      patch: {lenet5: [["nn.Tanh()", "nn.ReLU()"], ...]}   # (old, new) replacements in a cell
      code: {cell: "whole new source"}                        # or whole answer cells
"""

import copy
from pathlib import Path

import nbformat
import yaml

from .assignments import EXERCISES_DIR, SOLUTIONS_DIR
from .pipeline.notebook_cells import answer_sources, grade_id

VARIANTS_DIR = SOLUTIONS_DIR / "variants"


def variants_file(assignment):
    return VARIANTS_DIR / f"{assignment}.yaml"


def accepted_variants(assignment):
    """{name: entry} of the assignment's accepted variants (empty when it has none)."""
    path = variants_file(assignment)
    return (yaml.safe_load(path.read_text()) or {}) if path.is_file() else {}


def solution_answers(assignment):
    """{grade_id: code} of the instructor's solution, as a student who solved it would write it."""
    return {
        name: code
        for path in sorted((SOLUTIONS_DIR / assignment).glob("*.ipynb"))
        for name, code in answer_sources(path).items()
    }


def apply_edits(answers, entry):
    """The answers {grade_id: code} with an entry's `patch` and `code` applied.

    A patch whose old text is missing is an error: the variant would silently be the solution."""
    answers = dict(answers)
    for cell, replacements in entry.get("patch", {}).items():
        for old, new in replacements:
            if old not in answers[cell]:
                raise ValueError(f"patch target not found in answer cell {cell!r}: {old!r}")
            answers[cell] = answers[cell].replace(old, new)
    answers.update(entry.get("code", {}))
    return answers


def variant_notebook(source_path, entry):
    """The source notebook with a variant's edits made to its answer cells."""
    notebook = nbformat.read(str(source_path), as_version=4)
    answers = {
        grade_id(cell): cell.source for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")
    }
    edited = apply_edits(answers, entry)
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if grade_id(cell) in edited:
            cell.source = edited[grade_id(cell)]
    return notebook


def write_submission(submitted_dir, student, assignment, answers, notebook=None, edit=None, language=None):
    """Write submitted_dir/<student>/<assignment>/<notebook>.ipynb: the student release (in
    `language`, when given: exercises/<language>/) with these answers (a mutant, a test's wrong
    answer); edit(notebook), when given, changes it further. Returns the path."""
    releases = EXERCISES_DIR / language if language else EXERCISES_DIR
    release = sorted((releases / assignment).glob("*.ipynb"))[0]
    made = nbformat.read(str(release), as_version=4)
    for cell in made.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    if edit:
        edit(made)
    target = Path(submitted_dir) / student / assignment / (notebook or release.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(made, str(target))
    return target
