"""A chapter as a notebook in another language: its Markdown cells translated from the page's
catalog (locales/<language>/LC_MESSAGES/book/<chapter>.po, the messages Sphinx extracts for the
translated site), its code cells untouched, so the notebook runs the very same code.

A message is what Sphinx extracts from one paragraph, heading, table cell or directive title:
its MyST source with the line breaks turned into spaces. Each is found here with MyST's own
parser (the same extensions as the book, from _config.yml) and replaced, on one line, where it
sat in the cell; a directive's body (an admonition, a dropdown answer) is MyST too and is
translated the same way. Used by scripts/chapter_notebooks.py (the notebooks the launch buttons
open) and by notebook_downloads.py (the executed notebook a translated page offers).
"""

import copy
import functools
import re
from pathlib import Path

import nbformat
import yaml
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from autograder.pipeline.translation import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE_FENCES = ("fence", "colon_fence")
OPTION = re.compile(r"^:[\w-]+:")  # a directive's option line, `:class: warning`

# The translated notebook's first cell: the figures' words in its language (convnets/i18n.py)
LANGUAGE_CELL = 'import os\n\nos.environ["CONVNETS_LANGUAGE"] = "{language}"  # {comment}'
LANGUAGE_COMMENTS = {"ko": "그림 속 글자도 한국어로: convnets를 가져오기 전에 정한다"}


@functools.cache
def myst_parser():
    extensions = yaml.safe_load((ROOT / "_config.yml").read_text())["parse"]["myst_enable_extensions"]
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def message_of(text):
    return text.replace("\n", " ").strip()


def replace_inline(lines, token, catalog):
    """Replace the token's text, wherever in its lines it starts and ends, by its translation."""
    translation = catalog.get(message_of(token.content))
    if translation is None:
        return
    first, last = token.map[0], token.map[1] - 1
    content = token.content.split("\n")
    start = lines[first].find(content[0])
    end = lines[last].rfind(content[-1]) if len(content) > 1 else start
    if start < 0 or end < 0:
        return  # escaped or split text: left in the original language rather than garbled
    end += len(content[-1])
    lines[first : last + 1] = [lines[first][:start] + translation + lines[last][end:]]


def replace_directive(lines, token, catalog):
    """A directive's title and its body (MyST itself), between its opening and closing fence."""
    name, _, title = token.info.partition(" ")
    if not name.startswith("{"):
        return  # a code block
    first, last = token.map[0], token.map[1] - 1
    start = first + 1
    while start < last and OPTION.match(lines[start]):
        start += 1
    if start < last:
        lines[start:last] = translate_markdown("\n".join(lines[start:last]), catalog).split("\n")
    if title.strip() and message_of(title) in catalog:
        lines[first] = lines[first].replace(title.strip(), catalog[message_of(title)], 1)


def translate_markdown(text, catalog):
    lines = text.split("\n")
    tokens = [token for token in myst_parser().parse(text) if token.map and token.type in ("inline", *DIRECTIVE_FENCES)]
    # from the end, so that a paragraph joined onto one line leaves the earlier lines where they were
    for token in sorted(tokens, key=lambda token: token.map[0], reverse=True):
        if token.type == "inline":
            replace_inline(lines, token, catalog)
        else:
            replace_directive(lines, token, catalog)
    return "\n".join(lines)


def translated_chapter(notebook, pagename, language):
    """A copy of the chapter notebook in the language, with the cell that sets the figures' language first."""
    catalog = load_catalog(language, pagename)
    translated = copy.deepcopy(notebook)
    for cell in translated.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, catalog)
    setting = nbformat.v4.new_code_cell(LANGUAGE_CELL.format(language=language, comment=LANGUAGE_COMMENTS[language]))
    setting.id = f"{Path(pagename).name.replace('_', '-')}-language"
    translated.cells.insert(0, setting)
    return translated
