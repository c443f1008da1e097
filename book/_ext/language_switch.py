"""Sphinx extension: every page links to the same page in the book's other language.

English is the site's root, Korean its /ko/ folder (scripts/build_book.py), and both are built
from the same sources, so a page and its sections have the same names in both: the link is the
page's own path under the other root, and book/_offline/site-js/language-switch.js carries the
reader's #section along when it is followed. The link sits above the content, put there by
templates/layout.html beside this file, which every page template extends (search and the
general index included, whose templates ignore the page body). The page also declares its
counterpart to search engines (rel="alternate" hreflang).
"""

import html
from pathlib import Path

SOURCE_LANGUAGE = "en"
TRANSLATION = "ko"
NAMES = {"en": "English", "ko": "한국어"}
LABELS = {"en": "Read this page in Korean", "ko": "이 페이지를 영어로 읽기"}


def counterpart(pagename, language):
    """(language, address relative to this page) of the page's counterpart in the other language."""
    up = "../" * pagename.count("/")
    if language == SOURCE_LANGUAGE:
        return TRANSLATION, f"{up}{TRANSLATION}/{pagename}.html"
    return SOURCE_LANGUAGE, f"{up}../{pagename}.html"


def switch_html(pagename, language):
    other, address = counterpart(pagename, language)
    return (
        f'<nav class="language-switch" aria-label="{html.escape(LABELS[language])}">'
        f'<a class="language-switch-link" href="{address}" hreflang="{other}" lang="{other}">'
        f"{NAMES[other]}</a></nav>"
    )


def add_switch(app, pagename, templatename, context, doctree):
    language = app.config.language or SOURCE_LANGUAGE
    other, address = counterpart(pagename, language)
    context["language_switch"] = switch_html(pagename, language)
    context["metatags"] = context.get("metatags", "") + f'<link rel="alternate" hreflang="{other}" href="{address}">\n'


def add_templates(app, config):
    config.templates_path = [*config.templates_path, str(Path(__file__).parent / "templates")]


def setup(app):
    app.connect("config-inited", add_templates)
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
