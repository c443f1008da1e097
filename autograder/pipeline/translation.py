"""Exercises in other languages, from the same release: what a student reads is translated, what
runs is not.

A translated release is the English release with its words replaced from the language's catalog
`locales/<language>/LC_MESSAGES/exercises/<assignment>.po`: each block of a Markdown cell (the
text between blank lines; a fenced code block stays whole) and, in code cells, each comment and
each string literal of two words or more (test messages, docstrings, what a cell prints). The
cells, their order, grade ids and nbgrader metadata, and every line of code stay as they are, so
a submission made on either release is graded from the same source notebook with the same
hidden tests.

The catalog's entries keep an f-string's `{expression}` parts, so a printed or raised message can
be recognised after the fact: `feedback_translation` turns what a test printed in English into
the student's language (for feedback), with `grader.po` for the grader's own verdicts.
"""

import copy
import functools
import io
import re
import tokenize
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .integrity import RELEASE_STAMP

LOCALES = Path(__file__).resolve().parents[2] / "locales"
SOURCE_LANGUAGE = "en"
TRANSLATIONS = ("ko",)
STRING = re.compile(r"^([rRbBuUfF]*)('''|\"\"\"|'|\")(.*)\2$", re.S)
TWO_WORDS = re.compile(r"[A-Za-z]{2,}\W+[A-Za-z]{2,}")
FENCE = re.compile(r"^\s*(```|~~~)")
KEPT_COMMENTS = ("YOUR CODE HERE", "BEGIN ", "END ")  # nbgrader's markers
FIELD = re.compile(r"\{[^{}]*\}")


def catalog_path(language, name):
    return LOCALES / language / "LC_MESSAGES" / f"{name}.po"


@functools.cache
def load_catalog(language, name):
    """{English: translation} of a catalog, untranslated and fuzzy entries left out."""
    path = catalog_path(language, name)
    if not path.is_file():
        return {}
    with path.open("rb") as file:
        return {m.id: m.string for m in read_po(file) if m.id and m.string and not m.fuzzy}


def exercise_catalog(assignment):
    return f"exercises/{assignment}"


def release_languages(assignment):
    """The languages the assignment is released in besides English: those with its catalog
    (`make catalogs` writes one for every assignment; a test fails until it is translated)."""
    return [language for language in TRANSLATIONS if catalog_path(language, exercise_catalog(assignment)).is_file()]


# What a student reads in a notebook: its messages, and where each sits
def markdown_blocks(text):
    """The cell's blocks: paragraphs, lists, tables, headings; a fenced code block whole."""
    blocks, current, fenced = [], [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def is_message(text):
    return bool(TWO_WORDS.search(text)) and not any(marker in text for marker in KEPT_COMMENTS)


def code_messages(source):
    """[(start, end, prefix, words, suffix)]: the comments and string literals a reader reads,
    as (line, column) spans of the source."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return found  # not Python (a cell magic, a half-written answer): nothing to translate
    for token in tokens:
        if token.type == tokenize.COMMENT:
            words = token.string.lstrip("#").strip()
            prefix = token.string[: len(token.string) - len(token.string.lstrip("#").lstrip())]
            if is_message(words):
                found.append((token.start, token.end, prefix, words, ""))
        elif token.type == tokenize.STRING:
            literal = STRING.match(token.string)
            if literal and "b" not in literal.group(1).lower() and is_message(literal.group(3)):
                prefix, quote, words = literal.groups()
                found.append((token.start, token.end, prefix + quote, words, quote))
    return found


def is_answer_cell(cell):
    return cell.metadata.get("nbgrader", {}).get("solution", False)


def notebook_messages(notebook):
    """Every message of the notebook, in order (the catalog's entries)."""
    messages = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            messages += markdown_blocks(cell.source)
        elif cell.cell_type == "code":
            messages += [words for _, _, _, words, _ in code_messages(cell.source)]
    return list(dict.fromkeys(messages))


def template(messages):
    catalog = Catalog(project="ConvNets from Scratch")
    for message in messages:
        catalog.add(message)
    return catalog


# Translating
def translate_markdown(text, catalog):
    blocks = markdown_blocks(text)
    translated = text
    for block in blocks:
        if block in catalog:
            translated = translated.replace(block, catalog[block], 1)
    return translated


def offset(source, position):
    line, column = position
    lines = source.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column


def translate_code(source, catalog):
    spans = code_messages(source)
    for start, end, prefix, words, suffix in reversed(spans):
        if words in catalog:
            source = source[: offset(source, start)] + prefix + catalog[words] + suffix + source[offset(source, end) :]
    return source


def translate_notebook(notebook, catalog, answers=True):
    """A copy of the notebook whose prose, comments and messages are in the catalog's language;
    with answers=False, the answer cells are left as they are (a student's code)."""
    translated = copy.deepcopy(notebook)
    for cell in translated.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, catalog)
        elif cell.cell_type == "code" and (answers or not is_answer_cell(cell)):
            cell.source = translate_code(cell.source, catalog)
    return translated


def translated_release(notebook, assignment, language):
    return translate_notebook(notebook, load_catalog(language, exercise_catalog(assignment)))


# Feedback: what the tests and the grader said, in the student's language
def message_pattern(message):
    """A regex that matches what an f-string message printed, its {fields} captured in order."""
    parts = FIELD.split(message)
    return re.compile("(.+?)".join(re.escape(part) for part in parts) + r"\Z", re.S), FIELD.findall(message)


@functools.cache
def output_patterns(language, assignment):
    """[(pattern, fields, translation)] for the messages a test or the grader may print."""
    patterns = []
    for name in (exercise_catalog(assignment), "grader"):
        for message, translation in load_catalog(language, name).items():
            pattern, fields = message_pattern(message)
            patterns.append((pattern, fields, translation))
    return patterns


def fill(translation, fields, values):
    """The translation with each {field} replaced by the value the English message had there;
    positional {} fields are filled in order."""
    positional = iter(value for field, value in zip(fields, values) if field == "{}")
    named = dict(zip(fields, values))

    def value(field):
        text = field.group(0)
        return next(positional, text) if text == "{}" else named.get(text, text)

    return FIELD.sub(value, translation)


def translate_output_text(text, language, assignment):
    """One printed line or error message in the language, when a catalog message printed it; the
    parts it was filled with are translated too (a grader verdict wraps the reason it found)."""
    for pattern, fields, translation in output_patterns(language, assignment):
        found = pattern.match(text)
        if found:
            values = [translate_output_text(value, language, assignment) for value in found.groups()]
            return fill(translation, fields, values)
    return text


def translate_outputs(cell, language, assignment):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            lines = output["text"].split("\n")
            output["text"] = "\n".join(translate_output_text(line, language, assignment) for line in lines)
        elif output.get("output_type") == "error":
            original = output["evalue"]
            output["evalue"] = translate_output_text(original, language, assignment)
            if output["evalue"] != original:
                output["traceback"] = [line.replace(original, output["evalue"]) for line in output.get("traceback", [])]


def feedback_translation(notebook, assignment, language):
    """The autograded notebook as a student of that language reads it: the instructions, test
    cells and what they printed translated, and the grader's verdicts; answers untouched."""
    catalog = {**load_catalog(language, exercise_catalog(assignment)), **load_catalog(language, "grader")}
    translated = translate_notebook(notebook, catalog, answers=False)
    for cell in translated.cells:
        if cell.cell_type == "code":
            translate_outputs(cell, language, assignment)
    return translated


class TranslateFeedback(NbGraderPreprocessor):
    """For generate_feedback: a student who worked on a translated release reads their feedback in
    its language (the stamp of the notebook they submitted says which)."""

    submitted_dir = Unicode("", help="the course's submitted/ folder").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        submitted = Path(self.submitted_dir) / info["student"] / info["assignment"] / f"{info['notebook']}.ipynb"
        try:
            language = nbformat.read(str(submitted), as_version=4).metadata.get(RELEASE_STAMP, {}).get("language")
        except Exception:  # no readable submission: feedback in the release's own language
            language = None
        if language in TRANSLATIONS:
            nb = feedback_translation(nb, info["assignment"], language)
        return nb, resources
