"""The kernel-side harness: what `_grader.check_model` observes, and what `_observe` refuses to hand over.

Equivalent models written differently must produce the same observations; models that compute
something else must not; values that are not plain tensors are rejected; and patching torch after
the harness is made changes nothing it hands over.
"""

import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.pipeline.harness import OBSERVATION_MIME, make_harness
from autograder.pipeline.observations import REJECTED_NAME, decode, disagreement


def observations(check, *args, **kwargs):
    published = []
    observe, grader = make_harness(publish=lambda data: published.append(data[OBSERVATION_MIME]))
    check(observe, grader, *args, **kwargs)
    return published


def model_observations(model, *inputs, train=False):
    return observations(lambda observe, grader: grader.check_model("m", model, *inputs, train=train))


class Sequential(nn.Module):
    def __init__(self, dropout=0.3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 5, 3, padding=1),
            nn.BatchNorm2d(5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(5, 7, 3, padding=1),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(7 * 4 * 4, 4))

    def forward(self, x):
        return self.head(self.features(x))


class Functional(nn.Module):
    """The same network: declared in another order, functional calls, padding="same", tuple kernel sizes."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7 * 4 * 4, 4)
        self.conv2 = nn.Conv2d(5, 7, (3, 3), padding="same")
        self.norm = nn.BatchNorm2d(5)
        self.conv1 = nn.Conv2d(3, 5, kernel_size=(3, 3), padding=(1, 1))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.norm(self.conv1(x)), inplace=True), 2)
        x = torch.flatten(F.relu(self.conv2(x)), 1)
        return self.fc(F.dropout(x, 0.3, self.training))


X = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(0))


def test_equivalent_models_written_differently_observe_the_same():
    assert (
        disagreement(model_observations(Sequential(), X, train=True), model_observations(Functional(), X, train=True))
        is None
    )


@pytest.mark.parametrize("change", ["missing relu", "average pooling", "dropout rate", "extra unused parameter"])
def test_models_that_compute_something_else_do_not(change):
    model = Sequential(dropout=0.5 if change == "dropout rate" else 0.3)
    if change == "missing relu":
        model.features[2] = nn.Identity()
    elif change == "average pooling":
        model.features[3] = nn.AvgPool2d(2)
    elif change == "extra unused parameter":
        model.spare = nn.Parameter(torch.zeros(3))
    assert disagreement(model_observations(Sequential(), X, train=True), model_observations(model, X, train=True))


def test_the_grader_s_parameters_do_not_depend_on_initialisation_or_names():
    torch.manual_seed(1)
    first = model_observations(Sequential(), X)
    torch.manual_seed(2)
    assert disagreement(first, model_observations(Sequential(), X)) is None
    shapes = {tuple(p.shape) for p in Sequential().parameters()}
    assert all(decode(p).size for p in first) and len(shapes) > 3


def test_unused_parameters_are_counted():
    model = Sequential()
    model.spare = nn.Parameter(torch.zeros(3))
    found = {p["name"]: decode(p) for p in model_observations(model, X)}
    assert found["m: parameters that get no gradient"] == 1


class Sneaky(torch.Tensor):
    def __eq__(self, other):
        return True


class AsArray:
    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)


class Three(int):
    pass


@pytest.mark.parametrize(
    "value",
    [torch.zeros(3).as_subclass(Sneaky), AsArray(), Three(3), [1, AsArray()], np.array([object()], dtype=object), "3"],
)
def test_values_that_are_not_plain_are_rejected(value):
    [found] = observations(lambda observe, grader: observe("v", value))
    assert "rejected" in found and "npy" not in found
    assert disagreement([{"name": "v", "npy": ""}], [found])[1] == REJECTED_NAME


def test_a_model_returning_a_tensor_subclass_is_rejected():
    class Wraps(Sequential):
        def forward(self, x):
            return super().forward(x).as_subclass(Sneaky)

    found = model_observations(Wraps(), X)
    assert [p["name"] for p in found] == ["m: the model's output"] and "rejected" in found[0]


def test_plain_values_pass_through():
    values = [torch.arange(3), np.arange(4.0), 3, 2.5, True, np.float64(1.5), torch.Size([2, 3]), [(1, 2), (3, 4)]]
    found = observations(lambda observe, grader: [observe(str(i), v) for i, v in enumerate(values)])
    assert [decode(p).tolist() for p in found] == [
        [0, 1, 2],
        [0.0, 1.0, 2.0, 3.0],
        3,
        2.5,
        True,
        1.5,
        [2, 3],
        [[1, 2], [3, 4]],
    ]


def test_patching_torch_after_the_harness_is_made_changes_nothing_it_hands_over(monkeypatch):
    published = []
    observe, grader = make_harness(publish=lambda data: published.append(data[OBSERVATION_MIME]))
    monkeypatch.setattr(torch.Tensor, "detach", lambda self: torch.ones(3))
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self: np.ones(3))
    monkeypatch.setattr(np, "save", lambda *args, **kwargs: None)
    observe("v", torch.zeros(3))
    assert decode(published[0]).tolist() == [0.0, 0.0, 0.0]


def test_the_checks_run_with_the_library_the_student_did_not_patch(monkeypatch):
    published = []
    observe, grader = make_harness(publish=lambda data: published.append(data[OBSERVATION_MIME]))
    unpatched = model_observations(Sequential(), X)
    original_call = nn.Module.__call__
    monkeypatch.setattr(nn.Module, "__call__", lambda self, *a, **k: torch.relu(original_call(self, *a, **k)))
    monkeypatch.setattr(F, "max_pool2d", lambda x, *a, **k: x)
    monkeypatch.setattr(torch.Tensor, "__eq__", lambda self, other: True, raising=False)
    grader.check_model("m", Sequential(), X)
    assert disagreement(unpatched, published) is None, "the patches changed what the check computed"
    assert nn.Module.__call__ is not original_call, "the student's patches are back after the check"


def looped_sum(values):
    total = 0
    for value in values:
        total += value
    return total


def test_python_lines_run_counts_the_function_s_own_lines_not_the_libraries():
    _, grader = make_harness(publish=lambda data: None)
    values = np.arange(1000.0)
    looped = grader.python_lines_run(looped_sum, values)
    assert 2000 <= looped <= 2010  # two lines per value: the loop header and its body
    assert grader.python_lines_run(np.sum, values) == 0  # NumPy's own Python lines are not counted
    assert sys.gettrace() is None  # the tracer is removed again


def test_python_lines_run_survives_a_patched_settrace(monkeypatch):
    _, grader = make_harness(publish=lambda data: None)
    monkeypatch.setattr(sys, "settrace", lambda tracer: None)  # what a student's cell could do
    assert grader.python_lines_run(looped_sum, np.arange(10.0)) >= 20
