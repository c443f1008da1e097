"""The chapters' shared helpers agree with PyTorch and fail clearly."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convnets.correlate import convolve2d, corr2d, correlation_matrix
from convnets.geometry import conv_parameters, dense_parameters, fits_exactly, output_size, same_padding
from convnets.images import sample_image
from convnets.kernels import KERNELS, kernel
from convnets.training import spread


def test_corr2d_is_what_torch_calls_convolution():
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((7, 9)), rng.standard_normal((3, 2))
    expected = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None])[0, 0].numpy()
    assert np.allclose(corr2d(x, k), expected)
    assert not np.allclose(convolve2d(x, k), expected)


def test_correlation_matrix_is_the_same_linear_map():
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((5, 6)), rng.standard_normal((3, 3))
    assert np.allclose(correlation_matrix(x.shape, k) @ x.ravel(), corr2d(x, k).ravel())


def test_output_size_is_the_floor_pytorch_computes():
    assert output_size(32, 5, 2, 1) == 32 and output_size(227, 11, 0, 4) == 55
    # Layers of the course's networks that rely on the floor: AlexNet's conv1, the ResNet and
    # GoogLeNet stem and stem pool, a ResNet stage transition.
    assert [output_size(*g) for g in [(224, 11, 2, 4), (224, 7, 3, 2), (112, 3, 1, 2), (56, 3, 1, 2)]] == [
        55,
        112,
        56,
        28,
    ]
    assert not fits_exactly(224, 11, 2, 4) and fits_exactly(227, 11, 0, 4)
    for n, f, pad, stride in itertools.product(range(1, 10), range(1, 5), range(0, 3), range(1, 4)):
        if f <= n + 2 * pad:
            conv = torch.nn.Conv2d(1, 1, f, stride=stride, padding=pad)
            assert conv(torch.zeros(1, 1, n, n)).shape[-1] == output_size(n, f, pad, stride), (n, f, pad, stride)
    for bad in [(3, 5, 0, 1), (7, 3, 0, 0), (7, 3, -1, 1)]:
        with pytest.raises(ValueError):
            output_size(*bad)
    assert same_padding(5) == 2
    with pytest.raises(ValueError, match="even"):
        same_padding(4)


def test_parameter_counts_match_pytorch():
    assert conv_parameters(3, 10, 5) == 760 == sum(p.numel() for p in torch.nn.Conv2d(3, 10, 5).parameters())
    assert dense_parameters(3072, 10) == sum(p.numel() for p in torch.nn.Linear(3072, 10).parameters())


def test_sample_image_ships_with_scikit_learn():
    gray = sample_image("china.jpg", size=64)
    assert gray.shape == (64, 64) and 0 <= gray.min() < gray.max() <= 1
    assert sample_image("flower.jpg", size=32, gray=False).shape == (32, 32, 3)
    with pytest.raises(ValueError, match="choose one of"):
        sample_image("cat.jpg")


def test_kernels_are_named_and_blurs_keep_brightness():
    assert np.isclose(KERNELS["gaussian blur"].sum(), 1) and np.isclose(KERNELS["box blur"].sum(), 1)
    with pytest.raises(ValueError, match="choose one of"):
        kernel("emboss")


def test_spread_prints_the_range_whatever_the_order():
    assert spread([0.3, 0.1, 0.25], ".2f") == "0.10 to 0.30"
    assert spread([0.981, 0.944], ".1%") == "94.4% to 98.1%"


def test_fit_trains_and_records_history():
    from convnets.data import digits_loaders
    from convnets.training import fit

    torch.manual_seed(0)
    train, test = digits_loaders(batch_size=64, size=8)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10))
    history = fit(
        model,
        train,
        test,
        epochs=3,
        optimizer=torch.optim.Adam(model.parameters(), lr=1e-2),
        device=torch.device("cpu"),
    )
    assert len(history["train_loss"]) == 3 and history["train_loss"][-1] < history["train_loss"][0]
    assert history["test_acc"][-1] > 0.8 and history["images"] == 3 * len(train.dataset)
