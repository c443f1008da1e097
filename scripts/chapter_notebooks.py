"""Write book/<chapter>.ipynb beside each chapter's MyST Markdown, for the launch buttons, and
locales/<language>/book/<chapter>.ipynb, the same notebook in each translation.

Colab opens only .ipynb files stored in the repository, so each chapter notebook (a MyST .md
with a kernelspec) is also committed as an unexecuted .ipynb. The book builds from the .md
(the .ipynb files are excluded in _config.yml); tests/test_book.py fails when they drift apart.
A translated notebook has the page catalog's Markdown and the very same code
(book/_ext/page_translation.py), so it is stale when the chapter or its catalog changes.

    python scripts/chapter_notebooks.py          # (re)write them: `make notebooks`
"""

import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))

from page_translation import translated_chapter  # noqa: E402  (book/_ext is not a package)

from autograder.pipeline.translation import LOCALES, TRANSLATIONS  # noqa: E402


def chapter_sources():
    """The book's chapters that are notebooks (MyST Markdown with a kernelspec)."""
    return sorted(path for path in BOOK.glob("*.md") if "kernelspec:" in path.read_text().split("\n---", 1)[0])


def chapter_notebook(source):
    """The chapter as a notebook: code and Markdown cells, no outputs."""
    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"{source.stem.replace('_', '-')}-{number}"  # stable ids: regenerating changes nothing
    return notebook


def as_notebook(source, language=None):
    """The chapter's notebook as JSON text, in the language given (English by default)."""
    notebook = chapter_notebook(source)
    if language:
        notebook = translated_chapter(notebook, f"book/{source.stem}", language)
    return nbformat.writes(notebook) + "\n"


def translated_path(source, language):
    """Where the chapter's notebook in the language lives (the translated site's launch buttons open it)."""
    return LOCALES / language / "book" / f"{source.stem}.ipynb"


def targets():
    """(path, source, language) of every notebook to write."""
    for source in chapter_sources():
        yield source.with_suffix(".ipynb"), source, None
        for language in TRANSLATIONS:
            yield translated_path(source, language), source, language


def main():
    for path, source, language in targets():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(as_notebook(source, language))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
