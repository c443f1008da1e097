"""Releases that change mid-course: every released version of an assignment is kept.

solutions/releases/<assignment>.json holds, for each version, its date and the locked cells of
each notebook as students received them (source and nbgrader metadata, in order). `python -m
autograder release` stamps the version and date into each released notebook's metadata, adds a
version when the locked cells changed, and rewrites solutions/releases/CHANGELOG.md. When
grading, a submission's locked cells are compared with the release it was made from (its stamp
says which; an unstamped one with whichever version it matches), so a student working from an
earlier release is not flagged for cells they never touched.

A translated release (pipeline/translation.py) carries its English release's version and its
language in the stamp; its locked cells are kept under that version's "translations" (every
wording released, since a catalog can be corrected without a new version), so a submission made
on it is checked against the release it was made from, in its language.
"""

import datetime
import json

import nbformat

from .assignments import SOLUTIONS_DIR
from .pipeline.integrity import RELEASE_STAMP, locked_cells

HISTORY_DIR = SOLUTIONS_DIR / "releases"
CHANGELOG = HISTORY_DIR / "CHANGELOG.md"
STAMP_KEY = RELEASE_STAMP


def history_file(assignment):
    return HISTORY_DIR / f"{assignment}.json"


def load_history(assignment):
    """[{"version": 1, "date": "2026-12-01", "notebooks": {name: [locked cell, ...]}}, ...], oldest first."""
    path = history_file(assignment)
    return json.loads(path.read_text()) if path.exists() else []


def released_locked_cells(folder):
    return {path.name: locked_cells(nbformat.read(str(path), as_version=4)) for path in sorted(folder.glob("*.ipynb"))}


def changed_cells(before, after):
    """grade_ids whose locked cell was added, removed or changed between two versions."""
    changed = []
    for name in sorted(set(before) | set(after)):
        old = {cell["grade_id"]: cell for cell in before.get(name, [])}
        new = {cell["grade_id"]: cell for cell in after.get(name, [])}
        changed += [cell for cell in dict.fromkeys([*old, *new]) if old.get(cell) != new.get(cell)]
        if [c for c in old if c in new] != [c for c in new if c in old]:
            changed.append("(order)")
    return changed


def stamp(folder, assignment, record, today=None):
    """Stamp the released notebooks in folder with their version; with record, a release whose
    locked cells match no recorded version becomes a new one. Returns the version's entry."""
    history, locked = load_history(assignment), released_locked_cells(folder)
    entry = next((e for e in reversed(history) if e["notebooks"] == locked), None)
    if entry is None and record:
        entry = {"version": len(history) + 1, "date": (today or datetime.date.today()).isoformat(), "notebooks": locked}
        history.append(entry)
        HISTORY_DIR.mkdir(exist_ok=True)
        history_file(assignment).write_text(json.dumps(history, indent=1) + "\n")
        write_changelog()
    label = entry or {"version": "unreleased", "date": ""}
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        notebook.metadata[STAMP_KEY] = {"assignment": assignment, "version": label["version"], "date": label["date"]}
        nbformat.write(notebook, str(path))
    return label


def stamp_translation(folder, assignment, language, english, record):
    """Stamp the translated notebooks in folder with the English release's version and their
    language; with record, keep their locked cells under that version when not seen before."""
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        notebook.metadata[STAMP_KEY] = {
            "assignment": assignment,
            "version": english["version"],
            "date": english["date"],
            "language": language,
        }
        nbformat.write(notebook, str(path))
    history = load_history(assignment)
    entry = next((e for e in history if e["version"] == english["version"]), None)
    if not record or entry is None:
        return
    wordings = entry.setdefault("translations", {}).setdefault(language, [])
    locked = released_locked_cells(folder)
    if locked not in wordings:
        wordings.append(locked)
        history_file(assignment).write_text(json.dumps(history, indent=1) + "\n")


def release_stamp(notebook_path):
    try:
        return nbformat.read(str(notebook_path), as_version=4).metadata.get(STAMP_KEY, {})
    except Exception:  # unreadable notebooks are reported as invalid elsewhere
        return {}


def candidate_releases(assignment, notebook_path, current):
    """The locked cells a submitted notebook may carry, best guess first: those of the version
    its stamp names (in its language), then the current release's, then every other recorded
    version's, in every language."""
    name = notebook_path.name
    stamp = release_stamp(notebook_path)
    claimed, language = stamp.get("version"), stamp.get("language")

    def wordings(entry):
        """The notebook's locked cells in that version, the claimed language first."""
        translated = entry.get("translations", {})
        languages = sorted(translated, key=lambda other: other != language)
        found = [wording.get(name, []) for other in languages for wording in translated[other]]
        return found if language else [entry["notebooks"].get(name, []), *found]

    history = {entry["version"]: entry for entry in load_history(assignment)}
    first = wordings(history[claimed]) if claimed in history else []
    if claimed in history and language:
        first.append(history[claimed]["notebooks"].get(name, []))
    rest = [
        cells
        for version, entry in sorted(history.items(), reverse=True)
        if version != claimed
        for cells in wordings(entry)
    ]
    return first + [current] + rest


def write_changelog():
    lines = [
        "# Releases of the exercises",
        "",
        "Written by `python -m autograder release` from `solutions/releases/<assignment>.json`; each",
        "version lists the locked cells (instructions, setup, visible tests) that changed from the one",
        "before. Submissions are checked against the release they were made from.",
        "",
    ]
    for path in sorted(HISTORY_DIR.glob("*.json")):
        lines += [f"## {path.stem}", "", "| version | date | locked cells changed |", "| --- | --- | --- |"]
        history, before = json.loads(path.read_text()), {}
        for entry in history:
            changed = "first release" if not before else ", ".join(changed_cells(before, entry["notebooks"])) or "none"
            lines.append(f"| {entry['version']} | {entry['date']} | {changed} |")
            before = entry["notebooks"]
        lines.append("")
    CHANGELOG.write_text("\n".join(lines))
