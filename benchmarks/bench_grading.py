"""Benchmark: grading one class with stock `nbgrader autograde` (one process, one student after
another) and with `python -m autograder grade` (batches of students per nbgrader process, several
batches at once, each kernel sandboxed, verdicts checked outside the kernel), on the same
submissions in the same run. Prints both times, the ratio, and whether the scores agree.

Stock nbgrader knows nothing of the grader's harness, so its kernels get `_observe` from a
PYTHONSTARTUP file (the observations are then ignored: stock verdicts are the kernel's alone).

    python benchmarks/bench_grading.py               # 50 submissions of conv_numpy
    python benchmarks/bench_grading.py --count 6     # a quick run
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the tests' submission builder

from autograder.gradebook import submission_score  # noqa: E402
from autograder.grading import Limits, default_workers, grade_assignment  # noqa: E402
from autograder.nbgrader_cli import run_nbgrader  # noqa: E402
from autograder.observations import HARNESS_SOURCE  # noqa: E402
from autograder.release import prepare_course  # noqa: E402
from submission_factory import patched_answers, release_answers, solution_answers, write_submission  # noqa: E402

ASSIGNMENT = "conv_numpy"
VARIANTS = {
    "solution": lambda: solution_answers(ASSIGNMENT),
    "blank": lambda: release_answers(ASSIGNMENT),
    "no_bias": lambda: patched_answers(ASSIGNMENT, {"conv2d": [("out += b[:, None]", "out += 0.0")]}),
    "mean_pool": lambda: patched_answers(ASSIGNMENT, {"max_pool2d": [(".max(axis=(4, 5))", ".mean(axis=(4, 5))")]}),
}


def make_class(folder, count):
    answers = {name: build() for name, build in VARIANTS.items()}
    names = list(answers)
    for number in range(count):
        variant = names[number % len(names)]
        write_submission(folder, f"student{number:03d}_{variant}", ASSIGNMENT, answers[variant])


def stock_nbgrader(submitted, work):
    """Seconds for stock nbgrader: generate_assignment (its gradebook) and autograde, as ours does."""
    start = time.perf_counter()
    prepare_course(work, ASSIGNMENT)
    shutil.copytree(submitted, work / "submitted")
    harness = work / "harness.py"
    harness.write_text(HARNESS_SOURCE)
    result = run_nbgrader(["autograde", ASSIGNMENT], work, extra_env={"PYTHONSTARTUP": str(harness)})
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"stock nbgrader autograde failed:\n{result.output[-2000:]}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        make_class(tmp / "submitted", args.count)
        stock_s = stock_nbgrader(tmp / "submitted", tmp / "stock")
        start = time.perf_counter()
        results = grade_assignment(ASSIGNMENT, tmp / "submitted", tmp / "ours", Limits(), workers=args.workers,
                                   progress=lambda line: None)
        ours_s = time.perf_counter() - start
        students = sorted(p.name for p in (tmp / "submitted").iterdir())
        differ = [s for s in students
                  if submission_score(tmp / "stock", ASSIGNMENT, s) != submission_score(tmp / "ours", ASSIGNMENT, s)]
        failed = [r.student for r in results if r.status != "graded"]
    print(f"{args.count} submissions of {ASSIGNMENT} on {os.cpu_count()} cores")
    print(f"stock nbgrader autograde, sequential : {stock_s:7.1f} s ({stock_s / args.count:.2f} s per submission)")
    print(f"python -m autograder, {args.workers} workers    : {ours_s:7.1f} s ({ours_s / args.count:.2f} s per submission)")
    print(f"speed-up: {stock_s / ours_s:.2f}x; scores identical: {not differ}{'' if not differ else f' (differ: {differ})'}; "
          f"not graded: {failed or 'none'}")


if __name__ == "__main__":
    main()
