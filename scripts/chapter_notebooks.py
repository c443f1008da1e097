"""Write book/<chapter>.ipynb beside each chapter's MyST Markdown, for the launch buttons.

Colab opens only .ipynb files stored in the repository, so each chapter notebook (a MyST .md
with a kernelspec) is also committed as an unexecuted .ipynb. The book builds from the .md
(the .ipynb files are excluded in _config.yml); tests/test_book.py fails when they drift apart.

    python scripts/chapter_notebooks.py          # (re)write them: `make notebooks`
"""

import sys
from pathlib import Path

import jupytext
import nbformat

BOOK = Path(__file__).resolve().parent.parent / "book"


def chapter_sources():
    """The book's chapters that are notebooks (MyST Markdown with a kernelspec)."""
    return sorted(path for path in BOOK.glob("*.md") if "kernelspec:" in path.read_text().split("\n---", 1)[0])


def as_notebook(source):
    """The chapter as notebook JSON text: code and Markdown cells, no outputs."""
    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"{source.stem.replace('_', '-')}-{number}"  # stable ids: regenerating changes nothing
    return nbformat.writes(notebook) + "\n"


def main():
    for source in chapter_sources():
        source.with_suffix(".ipynb").write_text(as_notebook(source))
        print(f"wrote {source.with_suffix('.ipynb').relative_to(BOOK.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
