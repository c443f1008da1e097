"""Sphinx extension: on a translated build, the table of contents' captions ("Chapters", ...)
come from the master page's catalog. They are written in _toc.yml, and sphinx-external-toc
inserts them after Sphinx has translated the page, so Sphinx's own i18n never sees them, though
its gettext builder extracts them into the master page's catalog (`make catalogs`)."""

from pathlib import Path

from sphinx.addnodes import toctree
from sphinx.locale import init as init_catalog
from sphinx.util.i18n import docname_to_domain


def translate_captions(app, doctree):
    language = app.config.language
    if language in (None, "en"):
        return
    captioned = [node for node in doctree.findall(toctree) if node.get("caption")]
    if not captioned:
        return
    folders = [str(Path(app.srcdir, folder)) for folder in app.config.locale_dirs]
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalog, _ = init_catalog(folders, language, domain)
    for node in captioned:
        node["caption"] = catalog.gettext(node["rawcaption"] or node["caption"])


def setup(app):
    # after sphinx-external-toc's transform inserts the toctrees, before Sphinx's collector (500) records them
    app.connect("doctree-read", translate_captions, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
