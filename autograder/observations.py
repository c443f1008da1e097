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

MIME = "application/vnd.convnets.observation+json"
ERROR_NAME = "HiddenCheckFailed"
TAMPER_NAME = "TestsInterferedWith"
FLOAT_TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}

# The kernel-side half: the first cell of every graded notebook (the grader adds it).
HARNESS_SOURCE = f'''\
def _observe(name, value, rtol=None, atol=None, asserted=False):
    """Hand a value computed from your code to the grader, which checks it outside this kernel.

    asserted: the test also asserts this value here, so a mismatch the kernel let pass means
    the test was interfered with."""
    import base64, io, numpy
    from IPython.display import publish_display_data
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu()
        value = (value.double() if value.is_floating_point() else value).numpy()
    array = numpy.asarray(value)
    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    payload = {{"name": str(name), "npy": base64.b64encode(buffer.getvalue()).decode("ascii")}}
    if asserted:
        payload["asserted"] = True
    if rtol is not None or atol is not None:
        payload["tolerance"] = {{"rtol": float(rtol or 0.0), "atol": float(atol or 0.0)}}
    publish_display_data({{{MIME!r}: payload}})
'''


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


def disagreement(reference, observed):
    """(why the observed payloads do not match the reference ones, whether the test also asserted
    that value in the kernel), or None when they match."""
    remaining = list(observed)
    for expected in reference:
        match = next((item for item in remaining if item.get("name") == expected["name"]), None)
        if match is None:
            return f"{expected['name']}: no value reached the grader", True
        remaining.remove(match)
        problem = value_mismatch(expected, match)
        if problem:
            return f"{expected['name']}: {problem}", expected.get("asserted", False)
    return None


def raised_error(cell):
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


class CompareObservations(NbGraderPreprocessor):
    """Record the reference solution's observations, or judge a student's against them."""

    reference_file = Unicode("", help="JSON file of the reference observations").tag(config=True)
    record = Bool(False, help="write this notebook's observations to reference_file").tag(config=True)

    def preprocess(self, nb, resources):
        notebook = resources.get("unique_key", "notebook")
        if self.record:
            recorded = {cell.metadata["nbgrader"]["grade_id"]: take_observations(cell)
                        for cell in nb.cells if is_test_cell(cell)}
            path = Path(self.reference_file)
            everything = json.loads(path.read_text()) if path.exists() else {}
            everything[notebook] = recorded
            path.write_text(json.dumps(everything))
            return nb, resources
        reference = json.loads(Path(self.reference_file).read_text()).get(notebook, {})
        for cell in nb.cells:
            if not is_test_cell(cell):
                continue
            observed = take_observations(cell)
            if raised_error(cell):
                continue
            found = disagreement(reference.get(cell.metadata["nbgrader"]["grade_id"], []), observed)
            if found:
                problem, interfered = found
                name = TAMPER_NAME if interfered else ERROR_NAME
                message = (f"the kernel reported this test as passed, but the grader found: {problem}" if interfered
                           else f"checked by the grader outside your kernel: {problem}")
                cell.outputs.append(new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"]))
        return nb, resources
