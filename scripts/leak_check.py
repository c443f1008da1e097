"""Find the instructors' material in a folder meant for the public: hidden tests, solutions and
the grader's reference values.

    python scripts/leak_check.py FOLDER      # lists what it finds; exits 1 when it finds anything

What counts, and how it is recognised:

* a file in an instructors' folder: `solutions/` (the nbgrader sources: solutions, hidden tests,
  accepted variants, the release history) or `tests/` (libraries of right and wrong answers);
* the opening line of a hidden-test or solution block (`### BEGIN HIDDEN TESTS`,
  `### BEGIN SOLUTION`), in any text file or notebook cell;
* the content of any hidden-test or solution block of the source notebooks in `solutions/`,
  whitespace ignored, also with its markers gone. Blocks shorter than MIN_CHARS characters
  (`return self.layers(x)`) say nothing about an exercise and are left out;
* a reference value, what the grader stores of the solution's observations: a `.npy` payload
  (raw, or in base64 as observations travel), a notebook output of the observations' MIME
  type, an SQLite database (nbgrader's gradebook keeps every source cell).
"""

import base64
import re
import sys
from pathlib import Path

import nbformat

from autograder.assignments import SOLUTIONS_DIR
from autograder.pipeline.harness import OBSERVATION_MIME
from autograder.pipeline.notebook_cells import SOLUTION_MARKERS
from autograder.pipeline.redaction import BEGIN_HIDDEN, END_HIDDEN

INSTRUCTOR_FOLDERS = (SOLUTIONS_DIR.name, "tests")
BLOCK_MARKERS = {"hidden test": (BEGIN_HIDDEN, END_HIDDEN), "solution": SOLUTION_MARKERS}
MIN_CHARS = 40
NPY_MAGIC = b"\x93NUMPY"
NPY_BASE64 = base64.b64encode(NPY_MAGIC).decode()  # how every observation payload starts
SQLITE_MAGIC = b"SQLite format 3\x00"
WHITESPACE = re.compile(r"\s+")


def without_whitespace(text):
    return WHITESPACE.sub("", text)


def marked_blocks(source, begin, end):
    """The text between each `begin` line and the `end` line that closes it."""
    blocks, inside = [], None
    for line in source.split("\n"):
        if line.strip().startswith(begin):
            inside = []
        elif line.strip().startswith(end) and inside is not None:
            blocks.append("\n".join(inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return blocks


def instructor_blocks(solutions=SOLUTIONS_DIR):
    """{block without whitespace: "the hidden test of lenet/test_lenet5_learns"} for every block of
    every source notebook that is at least MIN_CHARS long."""
    found = {}
    for path in sorted(Path(solutions).glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            label = f"{path.parent.name}/{cell.metadata.get('nbgrader', {}).get('grade_id', '?')}"
            for kind, (begin, end) in BLOCK_MARKERS.items():
                for block in marked_blocks(cell.source, begin, end):
                    if len(without_whitespace(block)) >= MIN_CHARS:
                        found.setdefault(without_whitespace(block), f"the {kind} of {label}")
    return found


def notebook_texts(text):
    """(the cells' sources, the notebook's output MIME types), or None when text is no notebook."""
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception:
        return None
    sources = "\n".join(cell.source for cell in notebook.cells)
    mimes = {mime for cell in notebook.cells for output in cell.get("outputs", []) for mime in output.get("data", {})}
    return sources, mimes


def file_leaks(path, relative, blocks):
    """What of the instructors' material one file holds, as short sentences."""
    if relative.parts[0] in INSTRUCTOR_FOLDERS:
        return [f"a file of the instructors' {relative.parts[0]}/"]
    data = path.read_bytes()
    if data.startswith(NPY_MAGIC) or path.suffix in (".npy", ".npz"):
        return ["a NumPy array file (the grader stores observations as .npy)"]
    if data.startswith(SQLITE_MAGIC):
        return ["an SQLite database (nbgrader's gradebook keeps every source cell)"]
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return []
    leaks = []
    parsed = notebook_texts(text) if path.suffix == ".ipynb" else None
    if parsed:
        text, mimes = parsed
        if OBSERVATION_MIME in mimes:
            leaks.append("the grader's observations in its outputs")
    if NPY_BASE64 in text:
        leaks.append("an observation payload (a base64 .npy)")
    for kind, (begin, _) in BLOCK_MARKERS.items():
        if any(line.strip().startswith(begin) for line in text.split("\n")):
            leaks.append(f"a {kind} block ({begin})")
    flat = without_whitespace(text)
    leaks += sorted({label for block, label in blocks.items() if block in flat})
    return leaks


def find_leaks(folder, solutions=SOLUTIONS_DIR):
    """["path: what", ...] for every piece of the instructors' material under folder."""
    folder, blocks = Path(folder), instructor_blocks(solutions)
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not path.is_symlink() and ".git" not in relative.parts:
            found += [f"{relative}: {leak}" for leak in file_leaks(path, relative, blocks)]
    return found


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        sys.exit("usage: python scripts/leak_check.py FOLDER (a folder to check before it is published)")
    leaks = find_leaks(argv[0])
    print("\n".join(leaks) or f"{argv[0]}: no hidden test, solution or reference value found")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
