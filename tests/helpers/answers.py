"""The exercises' answers as normalised statements, to look for them where students can read.

An answer is what a solution cell holds between its solution markers. Each Python statement
of it (compound ones whole, and every statement nested in them) and the value each assignment
or return computes are normalised by dropping
comments and all whitespace, so a copy survives reformatting; statements shorter than
MIN_CHARS (`in_channels = out_channels`, `model.train()`) say nothing about an exercise and
are left out.
"""

import ast
import html
import io
import re
import tokenize

import nbformat

from autograder.assignments import REPO_ROOT, assignment_names
from autograder.pipeline.notebook_cells import SOLUTION_MARKERS, grade_id

MIN_CHARS = 40
WHITESPACE = re.compile(r"\s+")
COMMENT = re.compile(r"#[^\n]*")
SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def normalise_code(code):
    """Code without comments and without any whitespace."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return WHITESPACE.sub("", "".join(token.string for token in tokens if token.type not in SKIPPED_TOKENS))


def normalise_text(text):
    """Any text (Markdown, Python, an HTML page's visible text) without what looks like a Python
    comment and without whitespace: a copied answer with a comment added is still found."""
    return WHITESPACE.sub("", COMMENT.sub("", text))


def page_text(page_html):
    """The characters an HTML page shows (code blocks included), tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def readable_text(path):
    """What a reader sees of a file, normalised: an HTML page's text, a notebook's cells, or the file."""
    if path.suffix == ".html":
        return normalise_text(page_text(path.read_text(errors="ignore")))
    if path.suffix == ".ipynb":
        return normalise_text("\n".join(cell.source for cell in nbformat.read(str(path), as_version=4).cells))
    return normalise_text(path.read_text(errors="ignore"))


def solution_lines(source):
    """Line numbers (1-based, as ast counts) strictly inside a cell's solution markers."""
    inside, lines = False, set()
    for number, line in enumerate(source.split("\n"), start=1):
        if line.strip() == SOLUTION_MARKERS[0]:
            inside = True
        elif line.strip() == SOLUTION_MARKERS[1]:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def answer_statements(source):
    """Normalised statements of one answer cell that lie wholly inside its solution blocks."""
    # The marker lines are comments, so the cell parses as it stands and keeps its line numbers.
    lines = solution_lines(source)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and set(range(node.lineno, node.end_lineno + 1)) <= lines:
            found.add(normalise_code(ast.get_source_segment(source, node, padded=True)))
            if isinstance(node, (ast.Assign, ast.Return)) and node.value is not None:
                # The value alone: `self.layers = nn.Sequential(...)` printed as `return nn.Sequential(...)`.
                found.add(normalise_code(ast.get_source_segment(source, node.value)))
    return {statement for statement in found if len(statement) >= MIN_CHARS}


def released_text():
    """Every student release, normalised: what a release already shows students is no answer
    (a visible test's expected value, a hint naming the NumPy function to use)."""
    return "".join(readable_text(path) for path in sorted((REPO_ROOT / "exercises").glob("*/*.ipynb")))


def exercise_answers():
    """{(assignment, grade_id): normalised answer statements} for every solution cell."""
    answers, released = {}, released_text()
    for assignment in assignment_names():
        notebook = nbformat.read(str(REPO_ROOT / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                statements = answer_statements(cell.source)
                answers[assignment, grade_id(cell)] = {s for s in statements if s not in released}
    return answers


def leaked_answers(texts):
    """[(assignment, grade_id, where, statement)] for every answer statement found in texts,
    a {where: normalised text} mapping."""
    return [
        (assignment, cell, where, statement)
        for (assignment, cell), statements in exercise_answers().items()
        for statement in sorted(statements)
        for where, text in texts.items()
        if statement in text
    ]


def describe_leaks(leaks):
    """One line per leaked statement, for an assertion message."""
    return "\n".join(f"{where}: {assignment}/{cell}: {statement}" for assignment, cell, where, statement in leaks)
