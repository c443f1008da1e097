"""Write the public course into DIR: what readers and students need, nothing of the instructors'.

    python scripts/publish.py DIR         (`make publish DIR=...`)

The instructor keeps this repository private (solutions/ holds every solution and hidden test)
and publishes DIR to the public repository that the site's COURSE_REPOSITORY_URL names: its
launch buttons and repository button open that repository's book/<chapter>.ipynb.

The public tree is the repository's tracked files (`git ls-files`, as they are in the working
tree) under PUBLIC_PATHS; README.md gets PUBLIC_NOTE on top. The tree is then checked: every
chapter of _toc.yml and every assignment's release must be in it, and leak_check.py must find
no hidden test, solution or reference value, or publishing fails.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from leak_check import find_leaks

from autograder.assignments import EXERCISES_DIR, REPO_ROOT, assignment_names

# What is published: a folder ends with "/". Not published: solutions/ (the nbgrader sources:
# solutions, hidden tests, accepted variants, equivalent mutants, the release history), tests/
# (right and wrong answers), benchmarks/ (they time the solutions), docs/writing-hidden-tests.md
# (the instructors' guide, with a worked hidden test), .ci/ (runs the test suite, not published).
PUBLIC_PATHS = (
    "book/",  # the chapters, their committed .ipynb (what the launch buttons open), the site's extensions
    "_config.yml",
    "_toc.yml",
    "locales/",  # the Korean edition's catalogs, glossary and settings
    f"{EXERCISES_DIR.name}/",  # the student releases
    "convnets/",  # the chapters' package
    "autograder/",  # the grader's code; no assignment's source is in it
    "scripts/",  # `make setup` and `make notebooks`
    "docs/architecture.md",
    "README.md",
    "LICENSE",
    "LICENSE-TEXT",
    "requirements.txt",
    "pyproject.toml",
    "Makefile",
    "nbgrader_config.py",  # nbgrader's tools in `make lab`
    "package.json",
    "package-lock.json",
    ".gitignore",
)
# The folder a publish may write into though it is not empty: an emptied clone.
KEPT_ENTRIES = {".git"}

PUBLIC_NOTE = """\
> **The public edition.** This repository is published from the course's private one with
> `make publish`: the book, the exercises as students get them (`exercises/`), the chapters'
> package (`convnets/`) and the grader's code. The instructors' sources (`solutions/`, with the
> hidden tests) and the test suite are not part of it: `make serve`, `make book` and `make lab`
> work here; `make check`, `make test`, `make release` and `make mutants` need the private one.

"""


class PublishError(Exception):
    """Publishing cannot go on; the message says what to do."""


def git_files(*options):
    """Repository-relative paths `git ls-files` lists with these options."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "ls-files", "-z", *options], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise PublishError(f"publish lists the files to copy with git, which failed in {REPO_ROOT}: {error}") from error
    return [path for path in listed.split("\0") if path]


def public_files():
    """Repository-relative paths of the tracked files that are published, present in the working tree."""
    # a tracked file deleted in the working tree stays out
    return [path for path in git_files() if is_public(path) and (REPO_ROOT / path).is_file()]


def untracked_public_files():
    """Files under PUBLIC_PATHS that git does not track (and does not ignore): left out."""
    return [path for path in git_files("--others", "--exclude-standard") if is_public(path)]


def is_public(path):
    return any(path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in PUBLIC_PATHS)


def check_destination(destination):
    """The resolved DIR, or a PublishError that says what to do instead."""
    destination = Path(destination).expanduser().resolve()
    if destination == REPO_ROOT or REPO_ROOT in destination.parents:
        raise PublishError(
            f"{destination} is inside the repository {REPO_ROOT}: publish to a folder outside it, "
            f"e.g. make publish DIR={REPO_ROOT.parent / (REPO_ROOT.name + '-public')}"
        )
    if destination.exists() and not destination.is_dir():
        raise PublishError(f"{destination} is a file: name a new or empty folder")
    if destination.is_dir():
        entries = sorted(entry.name for entry in destination.iterdir() if entry.name not in KEPT_ENTRIES)
        if entries:
            shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
            raise PublishError(
                f"{destination} is not empty ({shown}): publish into a new or empty folder. To update a "
                "clone of the public repository, remove its files but .git first (`git -C DIR rm -rq .`): "
                "publish writes the whole tree again, so what it no longer holds goes away."
            )
    return destination


def copy_tree(destination, files):
    for relative in files:
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / relative, target)
    (destination / "README.md").write_text(PUBLIC_NOTE + (REPO_ROOT / "README.md").read_text())


def toc_files(node):
    """Every chapter (`root:` and `file:` entries) of a Jupyter Book table of contents."""
    if isinstance(node, list):
        return [found for item in node for found in toc_files(item)]
    if not isinstance(node, dict):
        return []
    return [node[key] for key in ("root", "file") if key in node] + toc_files(list(node.values()))


def missing_pieces(destination):
    """What the public tree should hold and does not: chapters, releases."""
    missing = []
    for chapter in toc_files(yaml.safe_load((destination / "_toc.yml").read_text())):
        if not any((destination / f"{chapter}{suffix}").is_file() for suffix in (".md", ".ipynb")):
            missing.append(f"{chapter}, a chapter of _toc.yml, is not tracked by git: `git add` it")
    for assignment in assignment_names():
        release = Path(EXERCISES_DIR.name) / assignment / f"{assignment}.ipynb"
        if not (destination / release).is_file():
            missing.append(f"{release} is not tracked by git: `make release`, then `git add` it")
    return missing


def publish(destination):
    """Write the public tree into destination (checked first) and check it; returns its path."""
    destination = check_destination(destination)
    copy_tree(destination, public_files())
    missing = missing_pieces(destination)
    if missing:
        raise PublishError("the public tree is incomplete (publish copies tracked files only):\n" + "\n".join(missing))
    leaks = find_leaks(destination)
    if leaks:
        raise PublishError(f"{destination} holds the instructors' material; do not publish it:\n" + "\n".join(leaks))
    return destination


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", help="a new or empty folder outside this repository")
    args = parser.parse_args(argv)
    if not args.dir:
        sys.exit(
            "name the folder to write the public course to: make publish DIR=<a new or empty folder outside "
            "this repository>, e.g. a clone of the public repository"
        )
    try:
        check_destination(args.dir)
        left_out = untracked_public_files()
        if left_out:
            print("not published, git does not track them:", *left_out, sep="\n  ", file=sys.stderr)
        destination = publish(args.dir)
    except PublishError as error:
        sys.exit(f"make publish: {error}")
    print(f"published {destination}: push it to the public repository that COURSE_REPOSITORY_URL names")


if __name__ == "__main__":
    main()
