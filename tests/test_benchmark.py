"""The convolution benchmark runs and reports every layer, forward and backward (its figures go in
the README, not in asserts)."""

import subprocess
import sys

from autograder.assignments import REPO_ROOT


def test_benchmark_runs_and_prints_a_ratio_per_layer():
    completed = subprocess.run(
        [sys.executable, "benchmarks/bench_conv.py", "--quick"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    for layer in ("CIFAR-sized 3x3", "AlexNet conv1 11x11/4", "1x1 256->64"):
        line = next(line for line in completed.stdout.splitlines() if line.startswith(layer))
        assert line.count(" ms") == 3 and "x" in line, line
    backward = completed.stdout.split("backward of layer", 1)[1]
    line = next(line for line in backward.splitlines() if line.startswith("CIFAR-sized 3x3"))
    assert line.count(" ms") == 2 and "x" in line, line
