"""The grader's comparison of observed values with the reference's, on payloads a student may forge."""
import base64
import io

import numpy as np

from autograder.observations import disagreement


def payload(name, value, **extra):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return {"name": name, "npy": base64.b64encode(buffer.getvalue()).decode(), **extra}


def test_matching_values_agree_within_the_reference_tolerance():
    reference = [payload("out", [1.0, 2.0], tolerance={"rtol": 0.0, "atol": 0.1}), payload("n", 3)]
    assert disagreement(reference, [payload("n", 3), payload("out", [1.05, 2.0])]) is None
    assert disagreement(reference, [payload("out", [1.2, 2.0]), payload("n", 3)])[0].startswith("out: values differ")


def test_forged_or_missing_values_are_verdicts_not_crashes():
    reference = [payload("out", [1.0, 2.0], asserted=True)]
    for forged in ({"name": "out", "npy": ""}, {"name": "out", "npy": "not base64!"}, {"name": "out"},
                   payload("out", ["a", "b"])):
        problem, interfered = disagreement(reference, [forged])
        assert problem.startswith("out: ") and interfered
    assert disagreement(reference, []) == ("out: no value reached the grader", True)
    assert disagreement(reference, [payload("out", [1.0, 2.0, 3.0])])[0] == "out: shape (3,), expected (2,)"
