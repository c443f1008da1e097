"""Build the book in every language (`make book`): English at <output>/_build/html, each
translation at <output>/_build/html/<language>/.

Each language is its own Jupyter Book build of the same sources with its own execution cache:
the figures and explorers carry words, so a translated page runs the very same code cells with
CONVNETS_LANGUAGE set (convnets.i18n puts the figures' words into that language). The chapters'
training runs once: `convnets.training.fit` replays, from <output>/_build/.runs, a run whose
notebook code, inputs and random state are those of a run already done (convnets.run_cache).
So the translations build after English, unless English runs no cell (every chapter's code is in
its execution cache): then they build beside it, and a warm build of every language takes about
as long as English alone (benchmarks/bench_book_build.py).

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
from chapter_notebooks import chapter_sources
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook

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


def english_runs_no_cell(output):
    """Whether every chapter's code is in the English execution cache (so it records no new training run)."""
    folder = output / "_build" / ".jupyter_cache"
    if not folder.is_dir():
        return False
    cache = get_cache(folder)
    for source in chapter_sources():
        try:
            cache.match_cache_notebook(read_myst_markdown_notebook(source.read_text(), path=str(source)))
        except KeyError:
            return False
    return True


def start_build(language, output, options, execute=True, log=None):
    """The language's `jupyter-book build`, started; its messages go to the log file if one is given."""
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
    if log is None:
        return subprocess.Popen(command, env=environment)
    with log.open("w") as file:
        return subprocess.Popen(command, env=environment, stdout=file, stderr=subprocess.STDOUT)


def finish_build(process, language, output, log=None):
    returncode = process.wait()
    if log is not None:
        print(log.read_text(), end="", flush=True)
    if returncode != 0:
        sys.exit(f"The {language} build failed (exit status {returncode}); its messages are above.")
    if language != SOURCE_LANGUAGE:
        site = output / "_build" / "html" / language
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(build_folder(output, language) / "_build" / "html", site)


def build(languages, output, options, execute=True):
    """English first: the translations are copied into its site, and replay its training runs."""
    languages = sorted(languages, key=lambda name: name != SOURCE_LANGUAGE)
    if execute and SOURCE_LANGUAGE in languages and not english_runs_no_cell(output):
        for language in languages:
            finish_build(start_build(language, output, options), language, output)
        return
    logs = {language: output / "_build" / f"build-{language}.log" for language in languages[1:]}
    (output / "_build").mkdir(parents=True, exist_ok=True)
    started = [(start_build(name, output, options, execute, logs.get(name)), name) for name in languages]
    for process, language in started:
        finish_build(process, language, output, logs.get(language))


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
    build(arguments.languages, arguments.path_output.resolve(), arguments.options, execute=not arguments.no_execute)


if __name__ == "__main__":
    main()
