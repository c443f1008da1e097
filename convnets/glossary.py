"""The Korean edition's glossary (locales/ko/glossary.yml) as a table: each Korean term, its
English, and the chapter where the Korean pages first use it — found in the chapters'
catalogs, in the reading order of _toc.yml, so the table stays true as the translations change."""

import html
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from .i18n import current_language, translate

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"


def glossary(language="ko"):
    return yaml.safe_load((LOCALES / language / "glossary.yml").read_text())


def chapters():
    """The chapters' document names in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [entry["file"] for part in toc["parts"] if part["caption"] == "Chapters" for entry in part["chapters"]]


def page_catalog(page, language):
    with (LOCALES / language / "LC_MESSAGES" / f"{page}.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def page_title(page):
    """The chapter's title, its first level-1 heading."""
    for line in (ROOT / f"{page}.md").read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{page}.md has no title (a line starting with '# ')")


def first_chapter(term, catalogs):
    """The first chapter whose translation uses `term`, or None."""
    return next((page for page, messages in catalogs.items() if any(term in text for text in messages.values())), None)


def glossary_table(language="ko", reader_language=None):
    """HTML: one row per term, linked to the chapter (titled in the reader's language) where it first appears."""
    reader_language = reader_language or current_language()
    catalogs = {page: page_catalog(page, language) for page in chapters()}
    headers = [translate(words, reader_language) for words in ("Korean", "English", "first used in")]
    rows = []
    for term in glossary(language):
        page = first_chapter(term["ko"], catalogs)
        if page is None:
            where = "—"
        else:
            title = page_title(page)
            shown = catalogs[page].get(title) or title if reader_language == language else title
            where = f'<a href="{Path(page).name}.html">{html.escape(shown)}</a>'
        korean, english = html.escape(term["ko"]), html.escape(term["en"])
        rows.append(f'<tr><td lang="ko">{korean}</td><td lang="en">{english}</td><td>{where}</td></tr>')
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    return f'<table class="glossary"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
