"""What every grading process pays before it does any work: loading nbformat and nbgrader, which
each nbgrader process, the grader and the book build do once."""

import subprocess
import sys

from autograder.assignments import REPO_ROOT

GRAMMAR_PARSERS = ["rfc3987_syntax", "lark"]


def test_loading_notebooks_and_the_grader_compiles_no_grammar():
    """jsonschema 4.25 and later import rfc3987-syntax for their iri formats, and it compiles
    Earley grammars at import: 0.75 s of CPU in each process (requirements.txt pins 4.24)."""
    probe = (
        "import sys, nbformat, nbgrader.apps, autograder.grading; "
        f"print([name for name in {GRAMMAR_PARSERS!r} if name in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"loading nbformat and nbgrader imports {loaded}: see jsonschema's pin in requirements.txt"
