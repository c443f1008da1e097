"""Sphinx extension: every chapter offers itself as a Jupyter notebook (.ipynb) in the page's
download menu. The chapters are MyST Markdown; MyST-NB writes each executed chapter as a notebook
to jupyter_execute/ beside the HTML. This copies it next to the page's sources and tells
sphinx-book-theme about it (its `ipynb_source`), which adds the .ipynb entry to the menu.
"""

import shutil
from pathlib import Path


def offer_notebook(app, pagename, templatename, context, doctree):
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # before sphinx-book-theme builds the header buttons (priority 501)
    app.connect("html-page-context", offer_notebook, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
