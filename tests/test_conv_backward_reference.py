"""The conv_backward exercise's reference solution agrees with PyTorch's autograd.

The exercise's hidden tests compare a student's gradients with the reference solution's values
(PyTorch cannot be imported in that exercise's kernel), so the reference itself is checked here:
against `torch.autograd` on random geometries (strides and paddings that do not divide, windows
that overlap, tied maxima), and against the definitions of its two checking tools.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.assignments import SOLUTIONS_DIR
from autograder.pipeline.notebook_cells import load_answers

REFERENCE = load_answers(SOLUTIONS_DIR / "conv_backward" / "conv_backward.ipynb")


def random_geometries(count, seed):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n, c, f = (int(v) for v in rng.integers(1, 4, 3))
        kh, kw = (int(v) for v in rng.integers(1, 6, 2))
        stride, pad = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        h, w = int(rng.integers(max(1, kh - 2 * pad), 12)), int(rng.integers(max(1, kw - 2 * pad), 12))
        yield rng, (n, c, h, w), (f, c, kh, kw), stride, pad


@pytest.mark.parametrize("case", range(40))
def test_conv2d_backward_matches_autograd(case):
    rng, x_shape, w_shape, stride, pad = next(random_geometries(1, seed=case))
    x = torch.from_numpy(rng.standard_normal(x_shape)).requires_grad_()
    w = torch.from_numpy(rng.standard_normal(w_shape)).requires_grad_()
    b = torch.from_numpy(rng.standard_normal(w_shape[0])).requires_grad_()
    out = F.conv2d(x, w, b, stride=stride, padding=pad)
    dout = torch.from_numpy(rng.standard_normal(tuple(out.shape)))
    out.backward(dout)
    assert np.allclose(
        REFERENCE["conv2d"](x.detach().numpy(), w.detach().numpy(), b.detach().numpy(), stride, pad),
        out.detach().numpy(),
    )
    dx, dw, db = REFERENCE["conv2d_backward"](
        dout.numpy(), x.detach().numpy(), w.detach().numpy(), b.detach().numpy(), stride, pad
    )
    for name, ours, theirs in (("dx", dx, x.grad), ("dw", dw, w.grad), ("db", db, b.grad)):
        assert ours.shape == tuple(theirs.shape), name
        assert np.allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-10), (name, x_shape, w_shape, stride, pad)


@pytest.mark.parametrize(
    "shape,size,stride,ties",
    [
        ((2, 3, 8, 8), 2, 2, False),
        ((1, 2, 7, 7), 3, 2, False),
        ((2, 1, 6, 9), 3, 3, False),
        ((3, 2, 5, 5), 2, 1, False),
        ((2, 3, 6, 6), 2, 2, True),
        ((2, 3, 6, 6), 3, 1, True),
        ((2, 3, 7, 6), 3, 2, True),
    ],
)
def test_max_pool2d_backward_matches_autograd_ties_included(shape, size, stride, ties):
    rng = np.random.default_rng(sum(shape) + size + stride)
    values = rng.integers(0, 3, shape).astype(np.float64) if ties else rng.standard_normal(shape)
    x = torch.from_numpy(values).requires_grad_()
    out = F.max_pool2d(x, size, stride)
    dout = torch.from_numpy(rng.standard_normal(tuple(out.shape)))
    out.backward(dout)
    assert np.array_equal(REFERENCE["max_pool2d"](values, size, stride), out.detach().numpy())
    ours = REFERENCE["max_pool2d_backward"](dout.numpy(), values, size, stride)
    assert np.allclose(ours, x.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_relative_error_is_cs231n_definition():
    a, b = np.array([1.0, -2.0, 0.0, 1e-9]), np.array([1.5, -2.0, 0.0, 0.0])
    expected = max(0.5 / 2.5, 0.0, 0.0, 1e-9 / 1e-8)
    assert REFERENCE["relative_error"](a, b) == pytest.approx(expected)
    assert type(REFERENCE["relative_error"](a, b)) is float


def test_numerical_gradient_is_centred_and_restores_its_input():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    kept = x.copy()
    gradient = REFERENCE["numerical_gradient"](lambda v: np.sum(v**3), x, h=1e-2)
    assert np.allclose(gradient, 3 * kept**2 + 1e-4)  # the centred difference of x^3 is 3x^2 + h^2
    assert np.array_equal(x, kept)
