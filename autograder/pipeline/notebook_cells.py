"""Read nbgrader cells of a notebook by grade_id: answer code with the solution markers removed."""

import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def without_markers(source):
    """Answer-cell source as a student who solved it would have it: the marker lines dropped."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in SOLUTION_MARKERS)


def answer_sources(notebook_path):
    """{grade_id: code} of every answer (solution) cell, solution markers removed."""
    notebook = nbformat.read(str(notebook_path), as_version=4)
    return {
        grade_id(cell): without_markers(cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }


def load_answers(notebook_path, setup="import numpy as np"):
    """Run a notebook's locked setup and its answer cells in a fresh namespace and return it.

    Used by benchmarks to time the reference solution outside Jupyter.
    """
    namespace = {}
    exec(setup, namespace)
    for code in answer_sources(notebook_path).values():
        exec(compile(code, str(notebook_path), "exec"), namespace)
    return namespace
