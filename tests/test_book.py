"""The book builds offline with warnings as errors, every cell executed, and renders in Chromium."""
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES_DIR, REPO_ROOT
from hidden_tests import distinctive_hidden_lines

CHAPTERS = ["book/convolution_basics", "book/stride_padding_pooling"]
EXTERNAL = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh build of the book (every cell executed), warnings treated as errors."""
    output = tmp_path_factory.mktemp("book")
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO_ROOT), "--path-output", str(output),
         "--warningiserror", "--keep-going", "--all"],
        capture_output=True, text=True, timeout=1800)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return output / "_build" / "html"


def test_every_chapter_is_built_and_executed(site):
    for chapter in CHAPTERS:
        page = (site / f"{chapter}.html").read_text()
        assert "cell_output" in page, f"{chapter} shows no executed output"
        assert "Traceback" not in page, f"{chapter} shows an error"


def test_numbers_on_the_pages_are_computed(site):
    basics = (site / "book/convolution_basics.html").read_text()
    assert "196,608 weights per neuron" in basics and "3,072 weights per neuron" in basics
    stride = (site / "book/stride_padding_pooling.html").read_text()
    assert "parameters per filter: 5*5*3 + 1 = 76; in all: 760" in stride
    assert "output shape: (1, 10, 32, 32)" in stride


def test_no_page_loads_anything_from_another_host(site):
    for page in site.rglob("*.html"):
        found = EXTERNAL.search(page.read_text())
        assert not found, f"{page.relative_to(site)} loads {found.group(0)}"
    assert (site / "vendor/mathjax/tex-chtml.js").is_file()
    assert (site / "vendor/html-manager/embed-amd.js").is_file()


def test_widgets_are_embedded_with_local_scripts(site):
    for chapter in CHAPTERS:
        page = (site / f"{chapter}.html").read_text()
        assert "application/vnd.jupyter.widget-state+json" in page, f"{chapter} has no widget state"
        assert "vendor/html-manager/embed-amd.js" in page and "vendor/requirejs/require.js" in page


def test_exercise_download_is_the_student_release(site):
    downloads = list(site.glob("_downloads/*/conv_numpy.ipynb"))
    assert downloads, "the chapter's exercise link did not produce a download"
    released = nbformat.read(str(EXERCISES_DIR / "conv_numpy/conv_numpy.ipynb"), as_version=4)
    assert json.loads(downloads[0].read_text()) == json.loads(nbformat.writes(released))
    page = (site / "book/stride_padding_pooling.html").read_text()
    assert re.search(r'href="[^"]*_downloads/[^"]*/conv_numpy\.ipynb"', page)


def test_no_hidden_test_on_the_site(site):
    hidden = distinctive_hidden_lines()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".js", ".txt", ".md", ".py"}:
            text = path.read_text(errors="ignore")
            leaked = [line for line in hidden if line in text]
            assert not leaked, f"{path.relative_to(site)} contains hidden tests: {leaked[:2]}"


@pytest.fixture(scope="module")
def served_site(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_renders_in_chromium(served_site, chapter):
    assert CHROMIUM, "Chromium is missing: `make setup` installs Debian's chromium package"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        problems, foreign = [], []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: foreign.append(request.url)
                if not request.url.startswith((served_site, "data:", "blob:")) else None)
        page.goto(f"{served_site}/{chapter}.html", wait_until="networkidle")
        page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=30000)
        page.wait_for_selector(".widget-dropdown, .widget-slider", timeout=30000)
        figures = page.evaluate("Array.from(document.querySelectorAll('.cell_output img'))"
                                ".filter(img => img.complete && img.naturalWidth > 0).length")
        shot = REPO_ROOT / "_build" / "screenshots"
        shot.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot / f"{Path(chapter).name}.png"), full_page=True)
        browser.close()
    assert figures >= 4, f"only {figures} figures rendered"
    assert not problems, f"console errors: {problems}"
    assert not foreign, f"requests to other hosts: {foreign}"
