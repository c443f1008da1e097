"""The student's flow in JupyterLab, in a real browser: JupyterLab started as `make lab` starts it
(with nbgrader's extensions), an exercise opened, every answer typed in, all cells run, the
visible tests passing, the notebook saved and checked with nbgrader's Validate button."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers.submissions import solution_answers
from test_book import BROWSER_ARGS, CHROMIUM, SCREENSHOTS

from autograder.assignments import EXERCISES_DIR
from autograder.pipeline.notebook_cells import answer_sources

ASSIGNMENT = "conv_numpy"
pytestmark = [pytest.mark.slow, pytest.mark.browser]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the exercises, as `make lab` runs it; yields (url, token, root)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(EXERCISES_DIR / ASSIGNMENT, root / ASSIGNMENT)
    port, token = free_port(), "convnets-test-token"
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        f"--ServerApp.root_dir={root}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    # Render every cell, not only those in view, so the test can find each answer cell.
    settings = root.parent / "lab-settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    log = open(root.parent / "jupyterlab.log", "w")
    server = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HOME": str(root.parent), "JUPYTERLAB_SETTINGS_DIR": str(settings)},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "JupyterLab did not start"
            time.sleep(0.5)
    yield url, token, root
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


def test_nbgrader_extensions_are_enabled(lab):
    url, token, _ = lab
    with urllib.request.urlopen(f"{url}/lab/api/extensions?token={token}", timeout=30) as response:
        listing = response.read().decode()
    assert "@jupyter/nbgrader" in listing or "nbgrader" in listing, listing[:500]


def test_student_solves_runs_and_validates_an_exercise(lab):
    url, token, root = lab
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    answers = list(solution_answers(ASSIGNMENT).values())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content", timeout=120000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120000)
        unanswered = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text="raise NotImplementedError()")
        expect(unanswered).to_have_count(len(answers), timeout=60000)
        for code in answers:
            editor = unanswered.first.locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.insert_text(code)
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        page.locator(".jp-OutputArea-output", has_text="max_pool2d: visible tests passed").wait_for(timeout=240000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=240000)
        outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
        page.keyboard.press("Control+s")
        try:  # JupyterLab asks when the file's time on disk is not the one it loaded
            page.locator(".jp-Dialog button", has_text="Overwrite").click(timeout=5000)
        except PlaywrightTimeout:
            pass
        page.wait_for_function("!document.title.startsWith('*')", timeout=30000)
        page.locator(".jp-Toolbar-item", has_text="Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=240000)
        page.wait_for_function("!document.querySelector('.jp-Dialog').innerText.includes('Validating')", timeout=240000)
        verdict = dialog.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-validate.png"))
        browser.close()

    passed = [text for text in outputs if "visible tests passed" in text]
    assert len(passed) >= 6, outputs
    assert not any("Traceback" in text or "Error" in text for text in outputs), outputs
    assert "Success" in verdict and "passes all the tests" in verdict, verdict
    saved = answer_sources(root / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert list(saved.values()) == answers, "the typed answers were saved"
    assert nbformat.read(str(root / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4).cells
