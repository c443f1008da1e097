"""Benchmark: grading one class with stock `nbgrader autograde` (one process, one student after
another) and with `python -m autograder grade` (batches of students per nbgrader process, several
batches at once, each kernel sandboxed, verdicts checked outside the kernel), on the same
submissions in the same run. Prints both times, the ratio, and whether the scores agree.

Stock nbgrader knows nothing of the grader's harness, so its kernels get `_observe` from a
PYTHONSTARTUP file (the observations are then ignored: stock verdicts are the kernel's alone).

    python benchmarks/bench_grading.py                                 # 50 submissions of conv_numpy
    python benchmarks/bench_grading.py --assignment resnet --count 20  # a PyTorch assignment
    python benchmarks/bench_grading.py --count 6                       # a quick run

Ours is timed cold (the reference solution's run included) and warm (regrading the same class:
the reference, computed once per assignment version, is cached). Stock and ours warm then run
in turn `--repeats` times and the best of each is compared, so that a slow spell of a noisy
machine does not decide the ratio. Where the time goes is
printed too: the grader's steps, and two probes — one `nbgrader autograde` start-up (paid once
per batch) and one sandboxed kernel start (paid once per notebook).

The class is a mix of the solution, the blank release and known-wrong answers. The hidden tests
assert nothing in the kernel (the grader judges their values outside it), so stock nbgrader
cannot tell the wrong answers' hidden parts from right ones: its scores are printed beside ours,
not expected to agree.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parent.parent / "tests")
)  # the tests' helpers: submissions, wrong answers

from helpers.libraries import wrong_answer, wrong_answers  # noqa: E402
from helpers.submissions import release_answers, solution_answers, write_submission  # noqa: E402

from autograder.assignments import forbidden_packages  # noqa: E402
from autograder.gradebook import submission_score  # noqa: E402
from autograder.grading import default_workers, grade_assignment  # noqa: E402
from autograder.grading_folder import GradingFolder  # noqa: E402
from autograder.limits import Limits  # noqa: E402
from autograder.nbgrader_cli import run_nbgrader  # noqa: E402
from autograder.pipeline.observations import HARNESS_SOURCE  # noqa: E402
from autograder.sandbox.kernelspec import KERNEL_NAME  # noqa: E402
from autograder.workspace import open_workspace  # noqa: E402


def class_answers(assignment):
    """{kind: answers}: the solution, the blank release and the first two known-wrong answers."""
    answers = {"solution": solution_answers(assignment), "blank": release_answers(assignment)}
    for name in list(wrong_answers(assignment))[:2]:
        answers[name] = wrong_answer(assignment, name)
    return answers


def make_class(folder, assignment, count):
    answers = class_answers(assignment)
    names = list(answers)
    for number in range(count):
        kind = names[number % len(names)]
        write_submission(folder, f"student{number:03d}_{kind}", assignment, answers[kind])


def stock_nbgrader(submitted, work, assignment):
    """Seconds for stock nbgrader: generate_assignment (its gradebook) and autograde, as ours does."""
    start = time.perf_counter()
    GradingFolder(work).prepare(assignment)
    shutil.copytree(submitted, work / "submitted")
    harness = work / "harness.py"
    # As in our sandbox, the packages the assignment forbids cannot be imported while the harness
    # is made (so conv_numpy's stock kernels, like ours, do not pay for importing PyTorch).
    blocked = list(forbidden_packages(assignment))
    harness.write_text(
        f"import sys\n_saved = {{name: sys.modules.get(name) for name in {blocked!r}}}\n"
        f"sys.modules.update(dict.fromkeys({blocked!r}))\n{HARNESS_SOURCE}\n"
        "for _name, _module in _saved.items():\n    sys.modules.pop(_name, None)\n"
        "    if _module is not None:\n        sys.modules[_name] = _module\n"
    )
    result = run_nbgrader(["autograde", assignment], work, extra_env={"PYTHONSTARTUP": str(harness)})
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"stock nbgrader autograde failed:\n{result.output[-2000:]}")
    return seconds


def startup_probes(grading_folder, assignment, repeats=3):
    """(seconds for one `nbgrader autograde` to start and find nothing to do, seconds for one
    sandboxed kernel to start and answer), each the best of `repeats`."""
    from jupyter_client import KernelManager

    main = GradingFolder(grading_folder)
    workspace = open_workspace(main, assignment, "probe", Limits(), main.reference_dir / "unused.json")
    saved = {name: os.environ.get(name) for name in workspace.env}
    os.environ.update(workspace.env)
    try:
        nbgrader_s, kernel_s = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            run_nbgrader(
                ["autograde", assignment, "--student", "nobody"], workspace.folder.root, extra_env=workspace.env
            )
            nbgrader_s.append(time.perf_counter() - start)
            runtime = workspace.runtime or Path(tempfile.mkdtemp())
            manager = KernelManager(
                kernel_name=KERNEL_NAME if workspace.runtime else "python3", transport="ipc", ip=str(runtime / "ipc")
            )
            with workspace.kernels(workspace.env):  # the kernel server, started once per batch
                time.sleep(3)  # as it is while nbgrader starts: the probe times the kernel alone
                start = time.perf_counter()
                folder = workspace.folder.autograded("probe", assignment)
                folder.mkdir(parents=True, exist_ok=True)
                manager.start_kernel(cwd=str(folder))
                client = manager.client()
                client.start_channels()
                client.wait_for_ready(timeout=60)
                kernel_s.append(time.perf_counter() - start)
                client.stop_channels()
                manager.shutdown_kernel(now=True)
        return min(nbgrader_s), min(kernel_s)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        workspace.remove()


def steps_line(timings):
    return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="conv_numpy")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--repeats", type=int, default=2, help="runs of stock and of ours (warm), best taken")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        assignment = args.assignment
        make_class(tmp / "submitted", assignment, args.count)

        def ours(regrade):
            """(seconds, results, timings) of one run of ours into the same grading folder."""
            timings, start = {}, time.perf_counter()
            results = grade_assignment(
                assignment,
                tmp / "submitted",
                tmp / "ours",
                Limits(),
                workers=args.workers,
                progress=lambda line: None,
                regrade=regrade,
                timings=timings,
            )
            return time.perf_counter() - start, results, timings

        cold_s, _, cold = ours(regrade=False)
        stock_runs, warm_runs = [], []
        for run in range(args.repeats):  # interleaved: a slow spell of a noisy machine slows both
            stock_runs.append(stock_nbgrader(tmp / "submitted", tmp / f"stock-{run}", assignment))
            warm_runs.append(ours(regrade=True))  # the reference run is cached by now
        stock_s = min(stock_runs)
        ours_s, results, warm = min(warm_runs, key=lambda run: run[0])
        nbgrader_start_s, kernel_start_s = startup_probes(tmp / "ours", assignment)
        scores = {
            kind: (
                submission_score(tmp / "stock-0", assignment, student),
                submission_score(tmp / "ours", assignment, student),
            )
            for student in sorted(p.name for p in (tmp / "submitted").iterdir())
            for kind in [student.split("_", 1)[1]]
        }
        failed = [r.student for r in results if r.status != "graded"]
    print(f"{args.count} submissions of {assignment} on {os.cpu_count()} cores")
    print(f"stock nbgrader autograde, sequential : {stock_s:7.1f} s ({stock_s / args.count:.2f} s per submission)")
    print(
        f"python -m autograder, {args.workers} workers, warm: {ours_s:7.1f} s ({ours_s / args.count:.2f} s per "
        f"submission; the reference cached)"
    )
    print(f"python -m autograder, {args.workers} workers, cold: {cold_s:7.1f} s (the reference run included)")
    print(
        f"runs (best taken): stock {', '.join(f'{s:.1f}' for s in stock_runs)} s; ours warm "
        f"{', '.join(f'{run[0]:.1f}' for run in warm_runs)} s"
    )
    print(f"speed-up: {stock_s / ours_s:.2f}x warm, {stock_s / cold_s:.2f}x cold; not graded: {failed or 'none'}")
    print(f"where the time goes, warm: {steps_line(warm)}")
    print(f"where the time goes, cold: {steps_line(cold)}")
    print(
        f"start-up probes: one nbgrader autograde {nbgrader_start_s:.2f} s (once per batch), one sandboxed "
        f"kernel {kernel_start_s:.2f} s (once per notebook)"
    )
    print(
        "scores (stock nbgrader, ours): "
        + "; ".join(f"{kind} {stock:g}, {ours:g}" for kind, (stock, ours) in scores.items())
    )


if __name__ == "__main__":
    main()
