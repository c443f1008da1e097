"""Sphinx extension: on a translated build, a page's download of an exercise release offers the
release in the page's language where the assignment has one (exercises/<language>/<assignment>/,
written by `make release`), so the catalogs keep the English link's target unchanged."""

import re
from pathlib import Path

from sphinx.addnodes import download_reference

RELEASE = re.compile(r"^(?P<folder>.*exercises/)(?P<release>[a-z0-9_]+/[a-z0-9_]+\.ipynb)$")


def use_translated_release(app, doctree):
    language = app.config.language
    if language in (None, "en"):
        return
    page_folder = Path(app.env.doc2path(app.env.docname)).parent
    for node in doctree.findall(download_reference):
        found = RELEASE.match(node.get("reftarget", ""))
        if found:
            translated = f"{found['folder']}{language}/{found['release']}"
            if (page_folder / translated).is_file():
                node["reftarget"] = translated


def setup(app):
    # before Sphinx's own collector (priority 500) records the file to copy
    app.connect("doctree-read", use_translated_release, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
