"""The grader's comparison of observed values with the reference's, on payloads a student may forge."""

import base64
import io

import numpy as np

from autograder.pipeline.observations import ERROR_NAME, REJECTED_NAME, TAMPER_NAME, disagreement, disagreement_with_all


def payload(name, value, **extra):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return {"name": name, "npy": base64.b64encode(buffer.getvalue()).decode(), **extra}


def test_matching_values_agree_within_the_reference_tolerance():
    reference = [payload("out", [1.0, 2.0], tolerance={"rtol": 0.0, "atol": 0.1}), payload("n", 3)]
    assert disagreement(reference, [payload("n", 3), payload("out", [1.05, 2.0])]) is None
    assert disagreement(reference, [payload("out", [1.2, 2.0]), payload("n", 3)]) == (
        "out: values differ from the reference solution's",
        ERROR_NAME,
    )


def test_the_tolerance_is_the_reference_s_not_the_student_s():
    reference = [payload("out", [1.0], tolerance={"rtol": 0.0, "atol": 1e-6})]
    assert disagreement(reference, [payload("out", [1.5], tolerance={"rtol": 10.0, "atol": 10.0})])[1] == ERROR_NAME


def test_forged_or_missing_values_are_verdicts_not_crashes():
    reference = [payload("out", [1.0, 2.0], asserted=True)]
    for forged in (
        {"name": "out", "npy": ""},
        {"name": "out", "npy": "not base64!"},
        {"name": "out"},
        payload("out", ["a", "b"]),
    ):
        problem, name = disagreement(reference, [forged])
        assert problem.startswith("out: ") and name == TAMPER_NAME
    assert disagreement(reference, []) == ("out: no value reached the grader", TAMPER_NAME)
    assert disagreement(reference, [payload("out", [1.0, 2.0, 3.0])])[0] == "out: shape (3,), expected (2,)"


def test_a_rejected_value_fails_with_its_own_name():
    reference = [payload("out", [1.0])]
    rejected = {"name": "out", "rejected": "a __main__.Sneaky is not a plain tensor, array or number"}
    assert disagreement(reference, [rejected, payload("out", [1.0])]) == (f"out: {rejected['rejected']}", REJECTED_NAME)


def test_any_accepted_alternative_matches():
    solution, variant = [payload("out", [1.0])], [payload("out", [2.0])]
    assert disagreement_with_all([solution, variant], [payload("out", [2.0])]) is None
    assert disagreement_with_all([solution, variant], [payload("out", [3.0])]) == (
        "out: values differ from the reference solution's",
        ERROR_NAME,
    )
