"""Benchmark: the warm build of the book in both languages against English alone.

A warm build is the one an author waits for after changing nothing or a sentence: every cell's
outputs come from the execution caches. This builds the book once in every language if the
output folder has no build yet (that cold build is timed and printed too), then times, in turns
so that a slow spell of a noisy machine hits both, `scripts/build_book.py --languages en` and
`scripts/build_book.py` (every language), and prints each one's median and their ratio. Not a
test: nothing here asserts a speed.

    python benchmarks/bench_book_build.py [--path-output DIR] [--rounds N]
    python benchmarks/bench_book_build.py --no-execute   # no cell run (quick: checks that it runs)
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, str(ROOT / "scripts" / "build_book.py")]


def timed_build(output, languages, no_execute):
    command = [*BUILD, "--path-output", str(output)]
    if languages:
        command += ["--languages", *languages]
    if no_execute:
        command.append("--no-execute")
    started = time.perf_counter()
    completed = subprocess.run(command + ["--", "--warningiserror", "--keep-going"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"the build failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path-output", type=Path, default=Path("/tmp/convnets-bench-book"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-execute", action="store_true", help="render without running cells")
    arguments = parser.parse_args(argv)
    output = arguments.path_output.resolve()
    if not (output / "_build" / "html" / "ko").is_dir():
        cold = timed_build(output, None, arguments.no_execute)
        print(f"cold build, every language: {cold:.1f} s")
    timed_build(output, None, arguments.no_execute)  # settles what the first build left to write
    english, every = [], []
    for _ in range(arguments.rounds):
        english.append(timed_build(output, ["en"], arguments.no_execute))
        every.append(timed_build(output, None, arguments.no_execute))
    for name, times in (("English alone", english), ("every language", every)):
        print(f"warm, {name}: median {statistics.median(times):.1f} s ({', '.join(f'{t:.1f}' for t in times)})")
    print(f"ratio (every language / English alone): {statistics.median(every) / statistics.median(english):.2f}x")


if __name__ == "__main__":
    main()
