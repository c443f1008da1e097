"""Benchmark: the exercises' reference convolutions against PyTorch's on the CPU.

Exercise 1's vectorised conv2d against torch.nn.functional.conv2d, and Exercise 1b's
conv2d_backward against torch autograd's backward pass of the same layer (forward and backward
timed together, minus the forward alone). Prints, per layer shape, the best-of-N time of each
and their ratio, measured in the same run on the same float64 arrays (the exercises' contract),
beside the target ratio. Not a test: timings on shared machines are noisy, so nothing here
asserts a speed.

    python benchmarks/bench_conv.py            # the three layers of the README
    python benchmarks/bench_conv.py --quick    # tiny shapes, to check that it runs
"""

import argparse
import time
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from autograder.assignments import SOLUTIONS_DIR
from autograder.pipeline.notebook_cells import load_answers

# name: (N, C, H, W, F, kernel, stride, pad, target ratio)
LAYERS = {
    "CIFAR-sized 3x3": (64, 64, 32, 32, 64, 3, 1, 1, 2.0),
    "AlexNet conv1 11x11/4": (8, 3, 227, 227, 96, 11, 4, 0, 2.0),
    "1x1 256->64": (32, 256, 28, 28, 64, 1, 1, 0, 1.2),
}
BACKWARD_LAYERS = {"CIFAR-sized 3x3": LAYERS["CIFAR-sized 3x3"][:-1] + (2.5,)}
QUICK_LAYERS = {
    name: (
        2,
        min(c, 8),
        min(h, 16) if k == 1 else h // 8 + k,
        min(w, 16) if k == 1 else w // 8 + k,
        min(f, 8),
        k,
        1,
        p,
        target,
    )
    for name, (n, c, h, w, f, k, s, p, target) in LAYERS.items()
}


def best_time(function, repeats):
    function()  # warm-up: page faults, thread pools, caches
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def run(layers, repeats):
    conv2d = load_answers(SOLUTIONS_DIR / "conv_numpy" / "conv_numpy.ipynb")["conv2d"]
    rng = np.random.default_rng(0)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}; "
        f"float64; best of {repeats}"
    )
    print(
        f"{'layer':24s} {'numpy conv2d':>13s} {'torch conv2d':>13s} {'ratio':>7s} {'target':>7s}"
        f"      {'(torch float32)':>15s}"
    )
    for name, (n, c, h, w, f, k, stride, pad, target) in layers.items():
        x, weight, bias = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)), rng.standard_normal(f)
        tx, tw, tb = torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias)
        ours = conv2d(x, weight, bias, stride=stride, pad=pad)
        reference = F.conv2d(tx, tw, tb, stride=stride, padding=pad).numpy()
        if not np.allclose(ours, reference):
            raise SystemExit(f"{name}: the reference conv2d disagrees with torch; fix it before timing it")
        ours_s = best_time(partial(conv2d, x, weight, bias, stride=stride, pad=pad), repeats)
        with torch.no_grad():
            torch_s = best_time(partial(F.conv2d, tx, tw, tb, stride=stride, padding=pad), repeats)
            tx32, tw32, tb32 = tx.float(), tw.float(), tb.float()
            torch32_s = best_time(partial(F.conv2d, tx32, tw32, tb32, stride=stride, padding=pad), repeats)
        ratio = ours_s / torch_s
        verdict = "ok" if ratio <= target else "SLOWER"
        print(
            f"{name:24s} {ours_s * 1e3:10.1f} ms {torch_s * 1e3:10.1f} ms {ratio:6.2f}x {target:6.1f}x  {verdict:6s}"
            f" {torch32_s * 1e3:12.1f} ms"
        )


def forward_and_backward(forward, leaves, dout):
    return torch.autograd.grad(forward(), leaves, dout)


def run_backward(layers, repeats):
    conv2d_backward = load_answers(SOLUTIONS_DIR / "conv_backward" / "conv_backward.ipynb")["conv2d_backward"]
    rng = np.random.default_rng(1)
    print(f"{'backward of layer':24s} {'numpy':>13s} {'torch autograd':>15s} {'ratio':>7s} {'target':>7s}")
    for name, (n, c, h, w, f, k, stride, pad, target) in layers.items():
        x, weight, bias = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)), rng.standard_normal(f)
        leaves = [torch.from_numpy(array).requires_grad_() for array in (x, weight, bias)]
        forward = partial(F.conv2d, *leaves, stride=stride, padding=pad)
        dout = rng.standard_normal(tuple(forward().shape))
        ours = conv2d_backward(dout, x, weight, bias, stride=stride, pad=pad)
        theirs = torch.autograd.grad(forward(), leaves, torch.from_numpy(dout))
        if not all(np.allclose(a, b.numpy()) for a, b in zip(ours, theirs)):
            raise SystemExit(f"{name}: the reference conv2d_backward disagrees with torch; fix it before timing it")
        ours_s = best_time(partial(conv2d_backward, dout, x, weight, bias, stride=stride, pad=pad), repeats)
        both_s = best_time(partial(forward_and_backward, forward, leaves, torch.from_numpy(dout)), repeats)
        torch_s = both_s - best_time(forward, repeats)
        ratio = ours_s / torch_s
        verdict = "ok" if ratio <= target else "SLOWER"
        print(f"{name:24s} {ours_s * 1e3:10.1f} ms {torch_s * 1e3:12.1f} ms {ratio:6.2f}x {target:6.1f}x  {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny shapes and one repeat")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    run(QUICK_LAYERS if args.quick else LAYERS, repeats)
    quick_backward = {name: QUICK_LAYERS[name][:-1] + layer[-1:] for name, layer in BACKWARD_LAYERS.items()}
    run_backward(quick_backward if args.quick else BACKWARD_LAYERS, repeats)


if __name__ == "__main__":
    main()
