"""The book's chapters, in reading order, as _toc.yml lists them, and the exercise each one links."""

import re

import yaml

from autograder.assignments import REPO_ROOT

TOC = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
PARTS = {part["caption"]: [entry["file"] for entry in part["chapters"]] for part in TOC["parts"]}
CHAPTERS = PARTS["Chapters"]
PAGES = [page for pages in PARTS.values() for page in pages]  # every page but the intro
EXERCISE_LINK = re.compile(r"exercises/([a-z0-9_]+)/\1\.ipynb")


def chapter_exercises():
    """{chapter: the exercise its page links to download}, for the chapters that have one."""
    found = {}
    for chapter in CHAPTERS:
        links = set(EXERCISE_LINK.findall((REPO_ROOT / f"{chapter}.md").read_text()))
        if links:
            (exercise,) = links
            found[chapter] = exercise
    return found
