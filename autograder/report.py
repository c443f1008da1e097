"""Class-level views of a grading run: how often each test passed, and the spread of scores."""

import csv

import matplotlib

matplotlib.use("Agg")  # files only: the grader may run without a display
import matplotlib.pyplot as plt  # noqa: E402

from .gradebook import cell_scores  # noqa: E402


def pass_rates(folder, assignment, results):
    """[(test cell, points, students with full points, students graded)] over the graded students."""
    graded = [r.student for r in results if r.status == "graded"]
    tally = {}
    for student in graded:
        for cell, (score, maximum) in cell_scores(folder, assignment, student).items():
            passed, points = tally.get(cell, (0, maximum))
            tally[cell] = (passed + (score >= maximum), maximum)
    return [(cell, points, passed, len(graded)) for cell, (passed, points) in tally.items()]


def write_pass_rates(path, rates):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["test", "points", "passed", "graded", "pass_rate"])
        for cell, points, passed, graded in rates:
            writer.writerow([cell, points, passed, graded, f"{passed / graded:.3f}" if graded else ""])


def pass_rate_table(rates):
    width = max([len("test")] + [len(cell) for cell, *_ in rates])
    lines = [f"{'test':<{width}}  points  passed"]
    lines += [f"{cell:<{width}}  {points:6g}  {passed}/{graded}" for cell, points, passed, graded in rates]
    return "\n".join(lines)


def write_histogram(path, assignment, rows):
    """A histogram of the scores in grades.csv rows; failed and invalid submissions drawn apart."""
    maximum = max((float(row["max_score"]) for row in rows), default=1.0)
    graded = [float(row["score"]) for row in rows if row["status"] == "graded"]
    not_graded = sum(row["status"] != "graded" for row in rows)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    # one bar per whole point when there are few points, centred on the score
    bins = [edge - 0.5 for edge in range(int(maximum) + 2)] if maximum <= 40 else 20
    ax.hist(graded, bins=bins, range=(0, maximum), color="tab:blue", edgecolor="white")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(f"score (of {maximum:g})")
    ax.set_ylabel("students")
    ax.set_title(
        f"{assignment}: {len(graded)} graded" + (f", {not_graded} failed or invalid (not shown)" if not_graded else "")
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
