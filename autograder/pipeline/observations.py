"""Verdicts outside the student's process.

Hidden tests hand the values they compute from the student's code to the grader with
`_observe(name, value)`; the value travels as an inert .npy payload in a display output. After
the notebook has run, the CompareObservations preprocessor (in nbgrader's process, which never
runs student code) compares each test cell's values with those the reference solution produced
from the same test code. A cell whose values are missing or differ scores zero, whatever the
kernel said: monkeypatched comparisons, swallowed assertions or test cells rewritten at run time
cannot make wrong code pass.
"""

import base64
import io
import json
from pathlib import Path

import numpy as np
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Unicode

from . import harness

ERROR_NAME = "HiddenCheckFailed"
TAMPER_NAME = "TestsInterferedWith"
REJECTED_NAME = "NotAPlainValue"
UNUSED_NAME = "UnusedParameters"
UNUSED_SUFFIX = ": parameters that get no gradient"  # harness.check_model's observation
FLOAT_TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}

# The kernel-side half: the first cell of every graded notebook (the grader adds it).
HARNESS_SOURCE = Path(harness.__file__).read_text()
MIME = harness.OBSERVATION_MIME


def decode(payload):
    """The array in an observation payload; never unpickles."""
    return np.load(io.BytesIO(base64.b64decode(payload["npy"])), allow_pickle=False)


def is_test_cell(cell):
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade", False)


def take_observations(cell):
    """Remove the observation outputs from a cell and return their payloads, in order."""
    kept, found = [], []
    for output in cell.get("outputs", []):
        data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
        if MIME in data:
            found.append(data[MIME])
        else:
            kept.append(output)
    cell.outputs = kept
    return found


def value_mismatch(expected, observed):
    """Why one observed payload differs from the reference one, or None when it matches."""
    want = decode(expected)
    try:
        got = decode(observed)
    except Exception:  # the payload came from the student's process: anything can be in it
        return "not a plain numeric value"
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if want.dtype.kind in "fc":
        same = got.dtype.kind in "biufc" and np.allclose(got, want, **expected.get("tolerance", FLOAT_TOLERANCE))
    else:
        same = got.dtype.kind in "biu" and np.array_equal(got, want)
    return None if same else "values differ from the reference solution's"


def refused(observed):
    """The first payload whose value the harness refused to hand over (not a plain value), or None."""
    return next((item for item in observed if "rejected" in item), None)


def disagreement(reference, observed):
    """(why the observed payloads do not match the reference ones, the error name to report), or
    None when they match. TAMPER_NAME: the test also asserted that value in the kernel, which let it
    pass; REJECTED_NAME: the student's code handed over something that is not a plain value."""
    found = refused(observed)
    if found is not None:
        return f"{found.get('name')}: {found['rejected']}", REJECTED_NAME
    remaining = list(observed)
    for expected in reference:
        match = next((item for item in remaining if item.get("name") == expected["name"]), None)
        if match is None:
            return f"{expected['name']}: no value reached the grader", TAMPER_NAME
        remaining.remove(match)
        problem = value_mismatch(expected, match)
        if problem:
            return f"{expected['name']}: {problem}", TAMPER_NAME if expected.get("asserted") else ERROR_NAME
    return None


def disagreement_with_all(alternatives, observed):
    """None when the observed payloads match one of the accepted reference alternatives (the
    solution's, or an accepted variant's); else the disagreement with the solution's."""
    found = [disagreement(reference, observed) for reference in alternatives]
    return None if not alternatives or None in found else found[0]


MESSAGES = {
    ERROR_NAME: "checked by the grader outside your kernel: {}",
    TAMPER_NAME: "the kernel reported this test as passed, but the grader found: {}",
    REJECTED_NAME: "checked by the grader outside your kernel: {}",
}


def unused_parameters(reference, observed):
    """The models whose parameters include some that get no gradient, where the reference's have none."""
    expected = {item["name"]: item for item in reference if item["name"].endswith(UNUSED_SUFFIX)}
    found = []
    for item in observed:
        if item.get("name") in expected and value_mismatch(expected[item["name"]], item):
            found.append(item["name"][: -len(UNUSED_SUFFIX)])
    return found


def raised_error(cell):
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def error_output(name, message):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


def verdicts(alternatives, observed, raised):
    """The error outputs the grader adds to a test cell: none when its values match an accepted
    alternative. A cell that raised already scores 0; a refused value in it is still reported."""
    if raised:
        found = refused(observed)
        return (
            [error_output(REJECTED_NAME, MESSAGES[REJECTED_NAME].format(f"{found.get('name')}: {found['rejected']}"))]
            if found
            else []
        )
    found = disagreement_with_all(alternatives, observed)
    if not found:
        return []
    problem, name = found
    outputs = [error_output(name, MESSAGES[name].format(problem))]
    unused = unused_parameters(alternatives[0], observed)
    if unused:
        outputs.append(
            error_output(
                UNUSED_NAME, "parameters that never get a gradient, so they do not count: " + ", ".join(unused)
            )
        )
    return outputs


class CompareObservations(NbGraderPreprocessor):
    """Record the reference solution's observations, or judge a student's against them."""

    reference_file = Unicode("", help="JSON file of the reference observations").tag(config=True)
    record = Bool(False, help="write this notebook's observations to reference_file").tag(config=True)

    def preprocess(self, nb, resources):
        notebook = resources.get("unique_key", "notebook")
        if self.record:
            self.record_reference(nb, notebook, resources.get("nbgrader", {}).get("student", "reference"))
            return nb, resources
        reference = json.loads(Path(self.reference_file).read_text()).get(notebook, {})
        for cell in nb.cells:
            if is_test_cell(cell):
                observed = take_observations(cell)
                alternatives = reference.get(cell.metadata["nbgrader"]["grade_id"], [])
                cell.outputs.extend(verdicts(alternatives, observed, raised_error(cell)))
        return nb, resources

    def record_reference(self, nb, notebook, student):
        recorded = {
            cell.metadata["nbgrader"]["grade_id"]: take_observations(cell) for cell in nb.cells if is_test_cell(cell)
        }
        path = Path(self.reference_file)
        everything = json.loads(path.read_text()) if path.exists() else {}
        everything.setdefault(student, {})[notebook] = recorded
        path.write_text(json.dumps(everything))
