"""Sphinx extension: the theme's words that bypass its message catalogs, translated with them.

The search box's placeholder is a theme option (Jupyter Book sets "Search this book..."), not a
catalog message; on a translated build it is looked up in the project's `sphinx` catalog
(locales/<language>/LC_MESSAGES/sphinx.po, which also holds the words pydata-sphinx-theme ships
no Korean for).
"""


def translate_theme_options(app, pagename, templatename, context, doctree):
    if app.config.language not in (None, "en"):
        placeholder = context.get("theme_search_bar_text")
        if placeholder:
            context["theme_search_bar_text"] = app.translator.gettext(placeholder)


def setup(app):
    app.connect("html-page-context", translate_theme_options)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
