"""The batchnorm exercise's reference solution agrees with PyTorch's `nn.BatchNorm2d` and autograd.

The exercise's hidden tests compare a student's values with the reference solution's (PyTorch
cannot be imported in that exercise's kernel), so the reference itself is checked here: its
forward pass against `nn.BatchNorm2d` in training and in evaluation mode (output and running
statistics, with the default and other momenta and eps), its backward pass against
`torch.autograd`, on random shapes including one image (N = 1) and one pixel (H = W = 1).
"""

import numpy as np
import pytest
import torch

from autograder.assignments import SOLUTIONS_DIR
from autograder.pipeline.notebook_cells import load_answers

REFERENCE = load_answers(SOLUTIONS_DIR / "batchnorm" / "batchnorm.ipynb")
TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}


def random_case(seed):
    """(rng, x, gamma, beta, running_mean, running_var, momentum, eps); every 4th case N = 1 with
    H * W > 1, every 5th one pixel per image; channels with a variance below eps now and then."""
    rng = np.random.default_rng(seed)
    n, c = int(rng.integers(2, 6)), int(rng.integers(1, 6))
    h, w = (int(v) for v in rng.integers(1, 9, 2))
    if seed % 4 == 0:
        n, h, w = 1, max(h, 2), w
    elif seed % 5 == 0:
        h = w = 1
    scale, shift = np.exp(rng.uniform(-6, 2, c)), rng.uniform(-3, 3, c)
    x = rng.standard_normal((n, c, h, w)) * scale[:, None, None] + shift[:, None, None]
    momentum, eps = [(0.1, 1e-5), (0.3, 1e-3), (0.01, 1e-5), (1.0, 0.1)][seed % 4]
    stats = rng.standard_normal(c), rng.standard_normal(c), rng.standard_normal(c), rng.uniform(0.1, 3, c)
    return rng, x, *stats, momentum, eps


def torch_layer(gamma, beta, running_mean, running_var, momentum, eps):
    layer = torch.nn.BatchNorm2d(len(gamma), eps=eps, momentum=momentum).double()
    with torch.no_grad():
        for tensor, value in ((layer.weight, gamma), (layer.bias, beta)):
            tensor.copy_(torch.from_numpy(value))
        layer.running_mean.copy_(torch.from_numpy(running_mean))
        layer.running_var.copy_(torch.from_numpy(running_var))
    return layer


@pytest.mark.parametrize("case", range(30))
def test_forward_matches_batchnorm2d_in_both_modes(case):
    _, x, gamma, beta, running_mean, running_var, momentum, eps = random_case(case)
    inputs = [a.copy() for a in (x, gamma, beta, running_mean, running_var)]
    for training in (True, False):
        layer = torch_layer(gamma, beta, running_mean, running_var, momentum, eps).train(training)
        with torch.no_grad():
            expected = layer(torch.from_numpy(x)).numpy()
        out, mean, var = REFERENCE["batchnorm2d_forward"](
            x, gamma, beta, running_mean, running_var, training, momentum=momentum, eps=eps
        )
        assert np.allclose(out, expected, **TOLERANCE), (case, training)
        assert np.allclose(mean, layer.running_mean.numpy(), **TOLERANCE), (case, training)
        assert np.allclose(var, layer.running_var.numpy(), **TOLERANCE), (case, training)
        if training:
            assert not np.shares_memory(mean, running_mean) and not np.shares_memory(var, running_var)
    for given, kept in zip((x, gamma, beta, running_mean, running_var), inputs):
        assert np.array_equal(given, kept)  # no argument modified


def test_forward_defaults_are_batchnorm2d_defaults():
    _, x, gamma, beta, running_mean, running_var, _, _ = random_case(7)
    layer = torch_layer(gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5)
    assert (layer.momentum, layer.eps) == (0.1, 1e-5)  # nn.BatchNorm2d's own defaults
    torch_layer_default = torch.nn.BatchNorm2d(len(gamma))
    assert (torch_layer_default.momentum, torch_layer_default.eps) == (0.1, 1e-5)
    with torch.no_grad():
        expected = layer(torch.from_numpy(x)).numpy()
    out, mean, var = REFERENCE["batchnorm2d_forward"](x, gamma, beta, running_mean, running_var, True)
    assert np.allclose(out, expected, **TOLERANCE)
    assert np.allclose(mean, layer.running_mean.numpy(), **TOLERANCE)
    assert np.allclose(var, layer.running_var.numpy(), **TOLERANCE)


@pytest.mark.parametrize("case", range(30))
def test_backward_matches_autograd(case):
    rng, x, gamma, beta, running_mean, running_var, momentum, eps = random_case(case)
    layer = torch_layer(gamma, beta, running_mean, running_var, momentum, eps).train()
    tx = torch.from_numpy(x).requires_grad_()
    out = layer(tx)
    dout = rng.standard_normal(x.shape)
    out.backward(torch.from_numpy(dout))
    kept = [a.copy() for a in (dout, x, gamma)]
    dx, dgamma, dbeta = REFERENCE["batchnorm2d_backward"](dout, x, gamma, eps=eps)
    # dx's terms grow like 1 / sqrt(var + eps): compare relative to the largest of them.
    scale = max(1.0, float(np.abs(tx.grad.numpy()).max()))
    assert np.allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-10 * scale), case
    assert np.allclose(dgamma, layer.weight.grad.numpy(), **TOLERANCE), case
    assert np.allclose(dbeta, layer.bias.grad.numpy(), **TOLERANCE), case
    for given, before in zip((dout, x, gamma), kept):
        assert np.array_equal(given, before)


def test_backward_default_eps():
    rng, x, gamma, beta, running_mean, running_var, _, _ = random_case(9)
    layer = torch_layer(gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5).train()
    tx = torch.from_numpy(x).requires_grad_()
    dout = rng.standard_normal(x.shape)
    layer(tx).backward(torch.from_numpy(dout))
    dx, dgamma, _ = REFERENCE["batchnorm2d_backward"](dout, x, gamma)
    assert np.allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-10 * max(1.0, float(np.abs(dx).max())))
    assert np.allclose(dgamma, layer.weight.grad.numpy(), **TOLERANCE)


def test_gradient_tools_follow_their_definitions():
    a, b = np.array([1.0, -2.0, 0.0, 1e-9]), np.array([1.5, -2.0, 0.0, 0.0])
    assert REFERENCE["relative_error"](a, b) == pytest.approx(max(0.5 / 2.5, 1e-9 / 1e-8))
    assert type(REFERENCE["relative_error"](a, b)) is float
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    kept = x.copy()
    gradient = REFERENCE["numerical_gradient"](lambda v: np.sum(v**3), x, h=1e-2)
    assert np.allclose(gradient, 3 * kept**2 + 1e-4)  # the centred difference of x^3 is 3x^2 + h^2
    assert np.array_equal(x, kept)
