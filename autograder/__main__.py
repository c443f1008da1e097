"""Instructor command line: `python -m autograder {release,grade,feedback,mutants} ...`."""

import argparse
import sys
from pathlib import Path

from .assignments import assignment_names
from .export import grade_rows, summary_table, write_grades_csv
from .feedback import generate_feedback
from .grading import grade_assignment
from .grading_folder import GradingFolder
from .limits import Limits
from .mutants import assignment_mutants, grade_mutants, sample, summary_line, survivors
from .release import generate_release
from .report import pass_rate_table, pass_rates, write_histogram, write_pass_rates
from .results import everyone
from .setup_cell import SETUP_CELL_FILE, write_setup_cells

DEFAULT_GRADING_FOLDER = "grading"


def release_command(args):
    for notebook in write_setup_cells():
        print(f"setup cell of {notebook} rewritten from {SETUP_CELL_FILE}")
    for assignment in args.assignments or assignment_names():
        print(f"released {assignment} -> {generate_release(assignment)}")


def grade_command(args):
    limits = Limits(
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.timeout,
        memory_bytes=int(args.memory_limit * 2**30) if args.memory_limit > 0 else None,
        sandbox=not args.no_sandbox,
    )
    results = grade_assignment(
        args.assignment,
        args.submissions,
        args.grading_folder,
        limits,
        workers=args.workers,
        regrade=args.regrade,
        batch_size=args.batch_size,
        scheduler=args.scheduler,
    )
    folder = GradingFolder(args.grading_folder)
    class_results = everyone(folder, args.assignment)
    rows = grade_rows(folder, args.assignment, class_results)
    write_grades_csv(folder.grades_csv, rows)
    rates = pass_rates(folder, args.assignment, class_results)
    write_pass_rates(folder.pass_rates_csv, rates)
    write_histogram(folder.histogram, args.assignment, rows)
    print()
    print(summary_table(rows))
    print()
    print(pass_rate_table(rates))
    problems = sum(result.status != "graded" for result in results)
    flagged = [result.student for result in class_results if result.flags]
    if flagged:
        print(f"\nFLAGGED for a look (signs of gaming the grader; see the flags column): {', '.join(flagged)}")
    print(
        f"\n{len(results)} submissions graded in this run, {problems} not graded by the tests; "
        f"{len(class_results)} students in {folder.grades_csv}; pass_rates.csv and histogram.png beside it"
    )


def feedback_command(args):
    pages, failed = generate_feedback(args.assignment, args.grading_folder, cell_timeout=args.cell_timeout)
    for page in pages:
        print(page)
    for student in failed:
        print(
            f"no feedback for {student}: nbgrader could not render it (see its output with "
            f"`nbgrader generate_feedback {args.assignment} --student {student}` in {args.grading_folder})"
        )
    print(f"{len(pages)} feedback pages written under {Path(args.grading_folder) / 'feedback'}")


def mutants_command(args):
    """Grade mutants of each assignment's solution; exit 1 when a non-equivalent one survives."""
    surviving_anywhere = False
    lines = []
    for assignment in args.assignments or assignment_names():
        mutants = assignment_mutants(assignment)
        if args.sample:
            mutants = sample(mutants, args.sample, args.seed)
        print(f"{assignment}: grading {len(mutants)} mutants ...", flush=True)
        results = grade_mutants(assignment, mutants, Path(args.grading_folder) / assignment, workers=args.workers)
        surviving, _ = survivors(assignment, results)
        described = {mutant.id: mutant.description for mutant in mutants}
        for identifier in surviving:
            print(f"  SURVIVED {identifier}: {described[identifier]}")
        surviving_anywhere |= bool(surviving)
        lines.append(summary_line(assignment, results))
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 1 if surviving_anywhere else 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release",
        help="regenerate exercises/ from solutions/ (after writing the setup cells from solutions/setup_cell.py)",
    )
    release.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    release.set_defaults(run=release_command)

    grade = commands.add_parser("grade", help="autograde every submission of an assignment")
    grade.add_argument("assignment")
    grade.add_argument("submissions", help="folder in submitted/<student>/<assignment>/ layout, or a .zip of it")
    grade.set_defaults(run=grade_command)

    feedback = commands.add_parser("feedback", help="write per-student feedback HTML without hidden tests")
    feedback.add_argument("assignment")
    feedback.set_defaults(run=feedback_command)

    mutants = commands.add_parser("mutants", help="mutation-test the hidden tests: grade mutants of the solution")
    mutants.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    mutants.add_argument(
        "--sample", type=int, default=0, help="grade a deterministic sample of this many per assignment"
    )
    mutants.add_argument("--seed", default="0", help="which sample (default: 0)")
    mutants.add_argument(
        "--workers", type=int, default=None, help="submissions graded at once (default: one more than the CPU cores)"
    )
    mutants.add_argument(
        "--grading-folder",
        "--out",
        default="grading/mutants",
        help="where the grading folders go, one per assignment (default: grading/mutants/)",
    )
    mutants.set_defaults(run=mutants_command)

    for command in (grade, feedback):
        command.add_argument(
            "--grading-folder",
            "--out",
            default=DEFAULT_GRADING_FOLDER,
            help="grading folder: gradebook, autograded notebooks, results.json, grades.csv "
            f"(default: {DEFAULT_GRADING_FOLDER}/; --out is the same option)",
        )
        command.add_argument(
            "--cell-timeout",
            type=int,
            default=60,
            help="seconds one cell may run before it is interrupted and scores zero (default: 60)",
        )
    grade.add_argument(
        "--timeout",
        type=float,
        default=900,
        help="seconds one submission may take in all before it is stopped (default: 900)",
    )
    grade.add_argument(
        "--workers", type=int, default=None, help="submissions graded at once (default: one more than the CPU cores)"
    )
    grade.add_argument(
        "--memory-limit",
        type=float,
        default=8,
        help="GiB of memory for one submission's grading, kernel included; 0: no cap (default: 8)",
    )
    grade.add_argument(
        "--batch-size",
        type=int,
        default=25,
        help="students graded by one nbgrader process, which starts once per batch (default: 25)",
    )
    grade.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="grade on a Dask distributed cluster (workers need this project installed)",
    )
    grade.add_argument(
        "--regrade", action="store_true", help="grade again submissions an earlier run graded and that have not changed"
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code without the sandbox (network, files): only for code you trust",
    )
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
