"""Sphinx extension: every chapter offers itself as a Jupyter notebook (.ipynb) in the page's
download menu. The chapters are MyST Markdown; MyST-NB writes each chapter as a notebook to
jupyter_execute/ beside the HTML. This puts the executed notebook next to the page's sources and
tells sphinx-book-theme about it (its `ipynb_source`), which adds the .ipynb entry to the menu.

When a chapter's outputs come from the execution cache, MyST-NB's copy in jupyter_execute/ has
none (it writes the notebook it read, not the one it merged with the cache), so the outputs are
taken from the cache here. On a translated build the notebook's Markdown is the page's
(page_translation.py): a Korean page downloads a Korean notebook, with its Korean figures.
"""

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from page_translation import translated_chapter


def executed_notebook(app, path):
    notebook = nbformat.read(path, as_version=4)
    config = app.env.mystnb_config
    if config.execution_mode == "cache":
        try:
            _, notebook = get_cache(config.execution_cache_path).merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: executed in this build, or not at all
            pass
    return notebook


def offer_notebook(app, pagename, templatename, context, doctree):
    written = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not written.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    notebook = executed_notebook(app, written)
    if app.config.language not in (None, "en"):
        notebook = translated_chapter(notebook, pagename, app.config.language)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # before sphinx-book-theme builds the header buttons (priority 501), and again after them:
    # its launch buttons copy MyST-NB's notebook over ours (without the cached outputs and the translation)
    app.connect("html-page-context", offer_notebook, priority=450)
    app.connect("html-page-context", offer_notebook, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
