"""Build the book in every language (`make book`): English at <output>/_build/html, each
translation at <output>/_build/html/<language>/.

Each language is its own Jupyter Book build of the same sources with its own execution cache:
the figures and explorers carry words, so a translated page runs the very same code cells with
CONVNETS_LANGUAGE set (convnets.i18n puts the figures' words into that language). The chapters'
training runs once: `convnets.training.fit` replays, from <output>/_build/.runs, a run whose
notebook code, inputs and random state are those of a run already done (convnets.run_cache).

    python scripts/build_book.py [--path-output DIR] [--languages en ko] [--no-execute]
                                 [-- extra jupyter-book build options]
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from book_config import LOCALES, REPO_ROOT, SOURCE_LANGUAGE, TRANSLATIONS, language_config, write_config

BIN = Path(sys.executable).parent


def figure_words_digest(language):
    """Changes when the words the figures are drawn with change: the language's executed outputs
    (keyed on code alone by the execution cache) are then out of date."""
    catalog = LOCALES / language / "LC_MESSAGES" / "figures.po"
    return hashlib.sha256(catalog.read_bytes() if catalog.is_file() else b"").hexdigest()


def untranslated_figure_words(output, language):
    """Where convnets.i18n lists the figure texts the language's catalog lacked (`make catalogs` reads it)."""
    return output / "_build" / f"untranslated-figure-words-{language}.txt"


def build_folder(output, language):
    return output if language == SOURCE_LANGUAGE else output / "_build" / "languages" / language


def drop_stale_outputs(folder, language):
    """Empty a translation's execution cache when its figure words changed since it was filled
    (and Sphinx's saved pages, or it would not read the unchanged sources again)."""
    stamp = folder / "_build" / "figure-words.sha256"
    digest = figure_words_digest(language)
    if stamp.is_file() and stamp.read_text() != digest:
        for saved in (".jupyter_cache", ".doctrees"):
            shutil.rmtree(folder / "_build" / saved, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


def build(language, output, options, execute=True):
    folder = build_folder(output, language)
    config = language_config(language)
    if not execute:
        config["execute"]["execute_notebooks"] = "off"
    elif language != SOURCE_LANGUAGE:
        drop_stale_outputs(folder, language)
    config_path = write_config(config, output / "_build" / f"config-{language}.yml")
    environment = {
        **os.environ,
        "CONVNETS_LANGUAGE": language,
        "CONVNETS_RUN_CACHE": str(output / "_build" / ".runs"),
        "CONVNETS_UNTRANSLATED": str(untranslated_figure_words(output, language)),
    }
    command = [BIN / "jupyter-book", "build", REPO_ROOT, "--config", config_path, "--path-output", folder, *options]
    completed = subprocess.run(command, env=environment)
    if completed.returncode != 0:
        sys.exit(f"The {language} build failed (exit status {completed.returncode}); its messages are above.")
    if language != SOURCE_LANGUAGE:
        site = output / "_build" / "html" / language
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(folder / "_build" / "html", site)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path-output", type=Path, default=REPO_ROOT, help="folder whose _build/ receives the site")
    parser.add_argument("--languages", nargs="+", default=[SOURCE_LANGUAGE, *TRANSLATIONS])
    parser.add_argument(
        "--no-execute", action="store_true", help="render without running any cell (translators' check)"
    )
    parser.add_argument("options", nargs="*", help="passed to `jupyter-book build` (after --)")
    arguments = parser.parse_args(argv)
    unknown = set(arguments.languages) - {SOURCE_LANGUAGE, *TRANSLATIONS}
    if unknown:
        known = ", ".join([SOURCE_LANGUAGE, *TRANSLATIONS])
        parser.error(f"no catalogs for {', '.join(sorted(unknown))}: the languages are {known}")
    # English first: the translations are copied into its site, and replay its training runs
    for language in sorted(arguments.languages, key=lambda name: name != SOURCE_LANGUAGE):
        build(language, arguments.path_output.resolve(), arguments.options, execute=not arguments.no_execute)


if __name__ == "__main__":
    main()
