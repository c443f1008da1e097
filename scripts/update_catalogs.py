"""Refresh the translation catalogs from the book's sources (`make catalogs`).

Sphinx's gettext builder reads every page (nothing is executed) and writes one template per page
into _build/gettext/; sphinx-intl merges each into locales/<language>/LC_MESSAGES/book/: a new
paragraph arrives untranslated, a changed one marked fuzzy with its old translation, and
tests/test_translations.py fails on either until a translator has been through it.

The exercises' words (autograder/pipeline/translation.py: the Markdown blocks, comments and messages of each
release in exercises/) go to LC_MESSAGES/exercises/<assignment>.po the same way.

The figures' words are known only by drawing them: the last `make book` listed those its
language's catalog lacked (convnets.i18n); they are added to LC_MESSAGES/figures.po, untranslated.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from book_config import LOCALES, REPO_ROOT, TRANSLATIONS, messages_config, write_config

from autograder.assignments import EXERCISES_DIR, assignment_names
from autograder.pipeline.translation import notebook_messages, template

BIN = Path(sys.executable).parent
TEMPLATES = REPO_ROOT / "_build" / "gettext"


def extract_messages(output=TEMPLATES.parent.parent):
    """The pages' message templates (.pot), one per page, under output/_build/gettext."""
    config = write_config(messages_config(), output / "_build" / "messages-config.yml")
    subprocess.run(
        [BIN / "jupyter-book", "build", REPO_ROOT, "--config", config, "--path-output", output]
        + ["--builder", "custom", "--custom-builder", "gettext", "--warningiserror", "--all"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return output / "_build" / "gettext"


def unescape(line):
    """A listed text as drawn: convnets.i18n writes a newline as \\n and a backslash as \\\\."""
    return re.sub(r"\\(\\|n)", lambda found: "\n" if found.group(1) == "n" else "\\", line)


def add_figure_words(language, listed):
    """Add the figure texts listed (one per line, newlines as \\n) to the language's figures.po."""
    path = LOCALES / language / "LC_MESSAGES" / "figures.po"
    if path.is_file():
        with path.open("rb") as file:
            catalog = read_po(file)
    else:
        catalog = Catalog(locale=language, project="ConvNets from Scratch")
    words = {unescape(line) for line in listed.read_text().splitlines() if line}
    new = sorted(word for word in words if word not in catalog)
    for word in new:
        catalog.add(word, "")
    with path.open("wb") as file:
        write_po(file, catalog, width=76, sort_output=True)
    print(f"{path.relative_to(REPO_ROOT)}: {len(new)} new figure texts to translate")


def merge(path, new_template, language):
    """Bring a catalog up to date with its template: new messages untranslated, changed ones fuzzy."""
    if path.is_file():
        with path.open("rb") as file:
            catalog = read_po(file)
    else:
        catalog = Catalog(locale=language, project="ConvNets from Scratch")
    catalog.update(new_template, no_fuzzy_matching=False)
    catalog.obsolete.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=76)


def update_exercise_catalogs(language):
    for assignment in assignment_names():
        messages = []
        for notebook in sorted((EXERCISES_DIR / assignment).glob("*.ipynb")):
            messages += notebook_messages(nbformat.read(str(notebook), as_version=4))
        merge(LOCALES / language / "LC_MESSAGES" / "exercises" / f"{assignment}.po", template(messages), language)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=REPO_ROOT, help="the --path-output of the last book build")
    arguments = parser.parse_args(argv)
    templates = extract_messages()
    for language in TRANSLATIONS:
        subprocess.run(
            [BIN / "sphinx-intl", "update", "-p", templates, "-l", language, "-d", LOCALES],
            check=True,
        )
        update_exercise_catalogs(language)
        listed = arguments.book / "_build" / f"untranslated-figure-words-{language}.txt"
        if listed.is_file():
            add_figure_words(language, listed)


if __name__ == "__main__":
    main()
