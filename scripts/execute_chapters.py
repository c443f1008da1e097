"""Execute the book's chapters side by side into the build's execution cache.

`jupyter-book build` executes one chapter at a time, so a cold build of the book leaves all but
one core idle while the chapters train. This runs them in parallel first, each the way MyST-NB
runs it (the chapter's MyST read by MyST-NB's reader, executed in book/ with _config.yml's
timeout), and stores each executed notebook in the build's jupyter-cache; the build then finds
every chapter there (`execute_notebooks: cache`) and only renders. A chapter that fails is left
out of the cache, so the build runs it again and reports its error as usual.

    python scripts/execute_chapters.py [BUILD_DIR] [--jobs N]    # BUILD_DIR: _build (`make book`)
"""

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from chapter_notebooks import chapter_sources
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import read_myst_markdown_notebook

REPO_ROOT = Path(__file__).resolve().parent.parent
EXECUTE_CONFIG = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["execute"]


def chapters_in_reading_order():
    """The notebook pages of _toc.yml (the intro, then every part's chapters), in its order."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    names = [toc["root"]] + [entry["file"] for part in toc.get("parts", []) for entry in part["chapters"]]
    notebooks = set(chapter_sources())
    return [REPO_ROOT / f"{name}.md" for name in names if REPO_ROOT / f"{name}.md" in notebooks]


def read_chapter(path):
    return read_myst_markdown_notebook(path.read_text("utf8"), add_source_map=True, path=path)


def execute(path):
    """Run one chapter in a fresh kernel; returns (path, executed notebook, seconds, error text)."""
    notebook = read_chapter(path)
    result = single_nb_execution(
        notebook,
        cwd=str(path.parent),
        timeout=EXECUTE_CONFIG["timeout"],
        allow_errors=EXECUTE_CONFIG["allow_errors"],
    )
    return path, notebook, result.time, result.exc_string if result.err else None


def not_cached(cache, chapters):
    pending = []
    for path in chapters:
        try:
            cache.match_cache_notebook(read_chapter(path))
        except KeyError:
            pending.append(path)
    return pending


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", nargs="?", type=Path, default=REPO_ROOT / "_build")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args(argv)
    cache = get_cache(str((args.build_dir / ".jupyter_cache").resolve()))
    # The later chapters train the larger networks: start them first, so the jobs end together.
    pending = not_cached(cache, reversed(chapters_in_reading_order()))
    with ProcessPoolExecutor(max_workers=max(1, min(args.jobs, len(pending) or 1))) as pool:
        for path, notebook, seconds, error in pool.map(execute, pending):
            if error:
                print(f"{path.name}: failed after {seconds:.0f} s (the build will run it again)")
                continue
            bundle = CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            print(f"{path.name}: executed in {seconds:.0f} s")
    return 0  # the build is the judge: it runs a failed chapter again and reports why


if __name__ == "__main__":
    sys.exit(main())
