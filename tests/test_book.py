"""The book builds offline with warnings as errors, every cell executed, and renders in Chromium."""

import functools
import html
import html.parser
import http.server
import json
import re
import shutil
import threading
import urllib.parse
from pathlib import Path
from statistics import mean

import nbformat
import pytest
from helpers.answers import describe_leaks, leaked_answers, readable_text
from helpers.book_build import LAUNCH_ENV, BookBuild, shared_folder
from helpers.chapters import CHAPTERS, chapter_exercises
from helpers.hidden_tests import distinctive_hidden_lines

from autograder.assignments import EXERCISES_DIR, REPO_ROOT, assignment_names, is_from_scratch
from autograder.pipeline.translation import release_languages

EXERCISES = chapter_exercises()
LANGUAGES = {"en": "", "ko": "ko/"}  # where each language's pages are on the site
LAUNCHED = {"en": "", "ko": "locales/ko/"}  # where its chapter notebooks are in the repository
EXTERNAL = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request):
    """A fresh build of the book in both languages (every cell executed), warnings treated as
    errors: the one started in the background when the run began (helpers/book_build.py)."""
    return BookBuild(shared_folder(request.config)).wait()


def test_every_chapter_is_built_and_executed(site):
    for chapter in CHAPTERS:
        page = (site / f"{chapter}.html").read_text()
        assert "cell_output" in page, f"{chapter} shows no executed output"
        assert "Traceback" not in page, f"{chapter} shows an error"


def page_text(site, chapter):
    return html.unescape(re.sub(r"<[^>]+>", "", (site / f"{chapter}.html").read_text()))


def test_numbers_on_the_pages_are_computed(site):
    basics = page_text(site, "book/convolution_basics")
    assert "196,608 weights per neuron" in basics and "3,072 weights per neuron" in basics
    stride = page_text(site, "book/stride_padding_pooling")
    assert "parameters per filter: 5*5*3 + 1 = 76; in all: 760" in stride
    assert "output shape: (1, 10, 32, 32)" in stride
    assert "total: 61,750 parameters" in page_text(site, "book/lenet")
    assert "total 61,100,840 parameters" in page_text(site, "book/alexnet")
    assert "VGG-16: 13 conv + 3 fc = 16 weight layers, 138,357,544 parameters" in page_text(site, "book/vgg")
    assert "9 Inception modules; output (1, 1000); 6,624,904 parameters" in page_text(site, "book/googlenet")
    resnet = page_text(site, "book/resnet")
    assert "ResNet-18: 11,689,512 parameters" in resnet and "ResNet-50: 25,557,032 parameters" in resnet
    batchnorm = page_text(site, "book/batchnorm")
    assert "m = 200 values per channel; running variance over biased variance 1.00503, 1.00503, 1.00503" in batchnorm
    assert "m = 8192; measured factor per channel: [1.000122" in batchnorm
    # the running statistics are the batches' statistics weighted a(1 - a)^(k - i), a the momentum (unbiased variances)
    module = re.findall(r"running (mean|variance), read off the module:\s+tensor\(([^)]*)\)", batchnorm)
    weighted = re.findall(
        r"(batch means|unbiased batch variances|biased batch variances), weighted:\s+tensor\(([^)]*)\)", batchnorm
    )
    assert [name for name, _ in module] == ["mean", "variance"] and len(weighted) == 3, (module, weighted)
    assert module[0][1] == weighted[0][1] and module[1][1] == weighted[1][1] != weighted[2][1], (module, weighted)
    assert "image 0 alone and in its batch give the same output: True" in batchnorm
    assert "momentum 0.1: running variance below 0.01 after 44 steps" in batchnorm
    assert "momentum 0.01: running variance below 0.01 after 459 steps" in batchnorm
    assert "one folded convolution == convolution + batch norm (evaluation mode): True" in batchnorm


def test_lenet_reaches_97_percent_on_the_digits(site):
    found = re.search(r"test accuracy after 20 epochs: ([0-9.]+)%", page_text(site, "book/lenet"))
    assert found and float(found.group(1)) >= 97.0, found and found.group(0)


def test_deep_plain_network_trains_worse_than_shallow_and_residual(site):
    losses = {
        name: (float(low), float(high))
        for name, low, high in re.findall(
            r"(plain, 8 layers|plain, 32 layers|residual, 32 layers)\s+[0-9,]+ parameters; "
            r"3 seeds: final training loss ([0-9.]+) to ([0-9.]+)",
            page_text(site, "book/resnet"),
        )
    }
    assert len(losses) == 3, losses
    # for every seed: the ranges do not overlap, as the page says
    assert losses["plain, 32 layers"][0] > losses["plain, 8 layers"][1] > 0, losses
    assert losses["residual, 32 layers"][1] <= losses["plain, 8 layers"][0], losses
    assert losses["residual, 32 layers"][1] < losses["plain, 32 layers"][0], losses


def test_output_sizes_are_the_floor_and_the_pages_say_which_layers_need_it(site):
    stride = page_text(site, "book/stride_padding_pooling")
    row = r"\n(AlexNet conv1, as in [^\n]+?|ResNet[^\n]+?|VGG 3x3 convolution)"
    rows = dict(re.findall(row + r"\s+\d+\s+\d+\s+\d+\s+\d+\s+[0-9.]+\s+(\d+[^\n]*)", stride))
    assert rows["AlexNet conv1, as in torchvision (224 input)"].split() == ["55", "<-", "floor"], rows
    assert rows["AlexNet conv1, as in the paper (227 input)"].split() == ["55"], rows
    assert rows["ResNet and GoogLeNet stem, 7x7 stride-2 convolution"].split() == ["112", "<-", "floor"], rows
    assert rows["ResNet stage transition, 3x3 stride-2 convolution"].split() == ["28", "<-", "floor"], rows
    assert rows["VGG 3x3 convolution"].split() == ["224"], rows
    assert "floor((7 - 3 + 2*0)/3) + 1 = 2  (PyTorch: 2; 1 left over)" in stride
    assert "224 or 227?" in stride
    assert "bright pixel in column 1: input [0, 1, 0, 0, 0, 0, 0, 0] -> pooled [1, 0, 0, 0]" in stride
    assert "bright pixel in column 2: input [0, 0, 1, 0, 0, 0, 0, 0] -> pooled [0, 1, 0, 0]" in stride
    assert "after 2 unpadded 5x5 layer(s): 24x24" in stride


def test_corrections_are_computed_on_the_pages(site):
    alexnet = page_text(site, "book/alexnet")
    assert (
        "nn.LocalResponseNorm(alpha=n*alpha) agree: True; with alpha=1e-4 passed as is they would not: False" in alexnet
    )
    means = [float(m) for m in re.findall(r"(?:training mean|test) ([0-9.]+)", alexnet)]
    assert len(means) == 4, means  # inverted dropout, then the paper's: each keeps its expectation at test time
    assert abs(means[0] - means[1]) < 0.02 and abs(means[2] - means[3]) < 0.02, means
    vgg = page_text(site, "book/vgg")
    assert "AlexNet 61,100,840, VGG-16 138,357,544: VGG-16 has 2.3 times as many parameters" in vgg
    assert "VGG-13: 10 conv + 3 fc = 13 weight layers, 133,047,848 parameters" in vgg
    assert "same values: True" in page_text(site, "book/lenet")
    assert "centre tap: True" in page_text(site, "book/resnet")
    conv1x1 = page_text(site, "book/conv1x1")
    assert "depthwise 3x3 + pointwise 1x1: 576 + 4,096 = 4,672 weights" in conv1x1
    assert "1x1 convolution at a pixel == W @ (its channel vector) + b: True" in conv1x1


def test_comparisons_over_seeds_print_their_ranges(site):
    found = dict(
        (init, (float(low), float(high)))
        for init, low, high in re.findall(
            r"(default|He)\s+init, 3 seeds: training loss after 3 epochs ([0-9.]+) to ([0-9.]+)",
            page_text(site, "book/vgg"),
        )
    )
    assert set(found) == {"default", "He"}, found
    assert found["He"][1] < found["default"][1], found  # He initialisation starts sooner
    activations = {
        (activation, init): [float(figure) for figure in figures]
        for activation, init, *figures in re.findall(
            r"(ReLU|tanh)\s+(default|recommended)\s+init, 3 seeds: training loss after 1 epoch "
            r"([0-9.]+) to ([0-9.]+), after 3 epochs ([0-9.]+) to ([0-9.]+)",
            page_text(site, "book/alexnet"),
        )
    }
    assert len(activations) == 4, activations
    for activation in ("ReLU", "tanh"):  # neither learns from the default initialisation
        assert activations[activation, "default"][2] > 2.2, activations
    relu, tanh = activations["ReLU", "recommended"], activations["tanh", "recommended"]
    assert tanh[2] < relu[2] and tanh[3] < relu[3], activations  # tanh's range lies lower here
    deep = {
        activation: [float(figure) for figure in figures]
        for activation, *figures in re.findall(
            r"(ReLU|tanh)\s+16 layers, 3 seeds: training loss after 4 epochs ([0-9.]+) to ([0-9.]+); "
            r"gradient at the first convolution over the last, at initialisation: ([0-9.]+) to ([0-9.]+)",
            page_text(site, "book/alexnet"),
        )
    }
    assert set(deep) == {"ReLU", "tanh"}, deep
    assert deep["tanh"][1] < deep["ReLU"][0], deep  # "tanh still ends lower for every seed"
    assert deep["ReLU"][3] < min(1, deep["tanh"][2]), deep  # "the ReLU stack's gradient arrives weaker"
    nin = re.search(
        r"after epoch 3: ([0-9.]+)%; best: ([0-9.]+)%; first epoch at 85% or more: (\d+)",
        page_text(site, "book/conv1x1"),
    )
    assert nin, "NiN's page does not show it reaching 85%"
    assert float(nin[1]) < float(nin[2]) - 10, nin[0]  # slow at first, then gets most of the way
    batchnorm = page_text(site, "book/batchnorm")
    losses = {
        name: (float(low), float(high))
        for name, low, high in re.findall(
            r"(no batch norm|batch norm|batch norm\+noise)\s+[0-9,]+ parameters; 3 seeds: final training loss "
            r"([0-9.]+) to ([0-9.]+)",
            batchnorm,
        )
    }
    assert set(losses) == {"no batch norm", "batch norm", "batch norm+noise"}, losses
    assert losses["no batch norm"][0] > 2 * losses["batch norm"][1], losses  # "less than half as high", every seed
    assert losses["no batch norm"][0] > 2 * losses["batch norm+noise"][1], losses  # noise: still far better
    accuracies = {
        name: [float(value) for value in values.split("%, ")]
        for name, values in re.findall(
            r"(evaluation mode, [^\n]+?|training mode, [^\n]+?)\s+3 seeds: test accuracy [^\n]+"
            r"\(seeds 0, 1, 2: ([0-9.]+%, [0-9.]+%, [0-9.]+)%\)",
            batchnorm,
        )
    }
    assert len(accuracies) == 4, accuracies
    trained, recomputed, one_batch, alone = accuracies.values()
    assert mean(recomputed) > mean(trained) and mean(one_batch) > mean(trained), accuracies  # "the mean ... rises"
    assert max(alone) < 20, accuracies  # one image at a time: chance


ERROR = r"([0-9.]+e[+-]\d+)"


def test_backprop_checks_its_gradients_against_autograd_and_numerically(site):
    page = page_text(site, "book/backprop")
    against_autograd = [float(error) for error in re.findall(r"against autograd: relative error " + ERROR, page)]
    assert len(against_autograd) >= 15, against_autograd  # every formula of the chapter, each printed
    assert max(against_autograd) < 1e-8, against_autograd
    named = re.findall(r"numerical [+-][0-9.]+, formula [+-][0-9.]+, relative error " + ERROR, page)
    assert len(named) == 4 and max(float(error) for error in named) < 1e-6, named
    sweep = {
        name: [float(figure) for figure in figures]
        for name, *figures in re.findall(
            rf"(centred|one-sided)\s+differences: smallest error {ERROR} at h = {ERROR}; "
            rf"error at h = 1e-13: {ERROR}, 1e-5: {ERROR}, 1e-1: {ERROR}; from h = 1e-1 to 1e-2 it shrinks (\d+)x",
            page,
        )
    }
    assert set(sweep) == {"centred", "one-sided"}, sweep
    (best, best_h, tiny, default, large, shrink), one_sided = sweep["centred"], sweep["one-sided"]
    assert 1e-7 <= best_h <= 1e-3 and best < 1e-8, sweep  # the truncation/rounding trade-off has its minimum
    # the usual h = 1e-5 is accurate, and the error rises far above it on both sides (the minimum
    # itself is a lucky cancellation whose size varies between machines)
    assert default < 1e-8 and tiny > 100 * default and large > 100 * default, sweep
    assert 70 <= shrink <= 130 and 7 <= one_sided[5] <= 13, sweep  # errors O(h^2) and O(h)
    assert one_sided[1] < best_h and one_sided[0] > 10 * best and one_sided[3] > 1000 * default, sweep
    assert "autograd, tied elements: [1.0, 0.0] ; centred differences: [0.5, 0.5]" in page
    assert "bias gradients: [50.0, 50.0, 50.0, 50.0]" in page
    assert "rows with no gradient: [5] ; columns: [5]" in page  # the floor rule's leftover row


QUESTIONS = re.compile(r'<section id="questions">(.*?)</section>', re.S)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_asks_five_questions_with_hidden_answers(site, chapter):
    page = (site / f"{chapter}.html").read_text()
    section = QUESTIONS.search(page)
    assert section, "no Questions section"
    assert section.group(1).count("sd-dropdown") >= 5, "fewer than five answers in a toggle"
    assert len(re.findall(r"Question \d+\.", html.unescape(section.group(1)))) >= 5


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_draws_its_diagrams_with_alt_text(site, chapter):
    page = (site / f"{chapter}.html").read_text()
    described = [
        alt
        for alt in re.findall(r'<img[^>]*\balt="([^"]*)"', page)
        if len(alt.split()) >= 5 and not alt.endswith(".png")
    ]
    assert described, "no diagram with alt text"
    module = REPO_ROOT / "convnets" / "diagrams" / f"{chapter.split('/')[-1]}.py"
    assert module.is_file(), f"no {module.relative_to(REPO_ROOT)}: diagrams are drawn from code at build time"


def test_sources_and_licence(site):
    sources = page_text(site, "book/sources")
    for title in (
        "1*1 convolution은 왜 중요한가?",
        "Advanced CNN Model_2",
        "[CS231n] 5. Convolutional Neural Networks",
        "ConvNet의 Conv 레이어 만들기",
        "CNN Architectures",
    ):
        assert title in sources, title
    assert (REPO_ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "Attribution-ShareAlike 4.0 International" in (REPO_ROOT / "LICENSE-TEXT").read_text()
    for chapter in CHAPTERS:
        assert "CC BY-SA 4.0" in page_text(site, chapter), f"{chapter}: no licence in the footer"


CORRECTED = {
    "book/stride_padding_pooling": 1,
    "book/backprop": 1,
    "book/alexnet": 1,
    "book/vgg": 1,
    "book/conv1x1": 1,
    "book/googlenet": 1,
    "book/batchnorm": 1,
    "book/resnet": 2,
}


@pytest.mark.parametrize("chapter", sorted(CORRECTED))
def test_misconceptions_have_correction_boxes_that_cite_a_source(site, chapter):
    boxes = re.findall(r'<div class="[^"]*\bwarning\b[^"]*">(.*?)</div>', (site / f"{chapter}.html").read_text(), re.S)
    corrections = [html.unescape(re.sub(r"<[^>]+>", "", box)) for box in boxes if "Correction:" in box]
    assert len(corrections) >= CORRECTED[chapter], corrections
    for box in corrections:
        assert re.search(r"(19|20)\d\d", box), f"a correction box cites no source: {box[:80]}"


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


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("chapter", sorted(EXERCISES))
def test_exercise_download_is_the_student_release(site, chapter, language):
    """An English page offers the English release, a Korean page the Korean one (where the
    assignment has one yet)."""
    assignment = EXERCISES[chapter]
    pages = site if language == "en" else site / language
    releases = EXERCISES_DIR / language if language in release_languages(assignment) else EXERCISES_DIR
    downloads = list(pages.glob(f"_downloads/*/{assignment}.ipynb"))
    assert len(downloads) == 1, f"{chapter}'s exercise link gives {len(downloads)} downloads"
    released = nbformat.read(str(releases / assignment / f"{assignment}.ipynb"), as_version=4)
    assert json.loads(downloads[0].read_text()) == json.loads(nbformat.writes(released))
    page = (pages / f"{chapter}.html").read_text()
    assert re.search(rf'href="[^"]*_downloads/[^"]*/{assignment}\.ipynb"', page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_downloads_as_a_notebook(site, chapter, language):
    folder = site / LANGUAGES[language]
    page = (folder / f"{chapter}.html").read_text()
    assert re.search(rf'href="[^"]*_sources/{chapter}\.ipynb"', page), "no .ipynb in the download menu"
    notebook = nbformat.read(str(folder / "_sources" / f"{chapter}.ipynb"), as_version=4)
    source = (REPO_ROOT / f"{chapter}.md").read_text()
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    if language != "en":  # the cell that sets the figures' language, then the chapter's own code
        assert "CONVNETS_LANGUAGE" in code.pop(0)
    assert code and all(cell.strip() in source for cell in code), "the notebook is not this chapter's code"
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "not executed"
    committed = nbformat.read(str(REPO_ROOT / LAUNCHED[language] / f"{chapter}.ipynb"), as_version=4)
    prose = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert prose == [cell.source for cell in committed.cells if cell.cell_type == "markdown"], "not this language"


def distinctive_solution_lines(assignment, min_length=30):
    """Lines of an assignment's answers that its student release does not contain."""
    from autograder.assignments import SOLUTIONS_DIR
    from autograder.pipeline.notebook_cells import answer_sources

    released = (EXERCISES_DIR / assignment / f"{assignment}.ipynb").read_text()
    return {
        line.strip()
        for code in answer_sources(SOLUTIONS_DIR / assignment / f"{assignment}.ipynb").values()
        for line in code.splitlines()
        if len(line.strip()) >= min_length and line.strip() not in released
    }


def site_texts(site):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".js", ".txt", ".md", ".py"}:
            yield path, path.read_text(errors="ignore")


def test_no_solution_on_the_site(site):
    """No statement of any exercise's answer is on the site (tests/helpers/answers.py); the
    from-scratch NumPy exercises share not even a line with it."""
    readable = [path for path in site.rglob("*") if path.is_file() and path.suffix in {".html", ".ipynb", ".md", ".py"}]
    leaks = leaked_answers({str(path.relative_to(site)): readable_text(path) for path in readable})
    assert not leaks, describe_leaks(leaks)
    from_scratch = {
        line
        for assignment in assignment_names()
        if is_from_scratch(assignment)
        for line in distinctive_solution_lines(assignment)
    }
    assert from_scratch
    for path, text in site_texts(site):
        lines = [line for line in from_scratch if line in text]
        assert not lines, f"{path.relative_to(site)} contains from-scratch solution code: {lines[:2]}"


def test_chapter_notebooks_match_the_chapters():
    """book/<chapter>.ipynb (what the launch buttons open) is regenerated from the chapter's MyST."""
    from chapter_notebooks import as_notebook, chapter_sources

    sources = chapter_sources()
    assert set(CHAPTERS) <= {f"book/{path.stem}" for path in sources}
    stale = [
        path.name
        for path in sources
        if not path.with_suffix(".ipynb").exists() or path.with_suffix(".ipynb").read_text() != as_notebook(path)
    ]
    assert not stale, f"run `make notebooks`: out of date: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_the_chapter(site, chapter, language):
    page = html.unescape((site / LANGUAGES[language] / f"{chapter}.html").read_text())
    repository = "convnets-course/convnets-from-scratch"
    notebook = f"{LAUNCHED[language]}{chapter}.ipynb"
    assert (REPO_ROOT / notebook).is_file(), notebook
    binder = f"https://mybinder.org/v2/gh/{repository}/main?urlpath=lab/tree/{notebook}"
    assert binder in page, "no Binder button for this chapter"
    colab = f"https://colab.research.google.com/github/{repository}/blob/main/{notebook}"
    assert colab in page, "no Colab button for this chapter"
    hub = re.search(r'href="(https://hub\.example\.edu/hub/user-redirect/git-pull\?[^"]+)"', page)
    assert hub, "no JupyterHub button for this chapter"
    pull = urllib.parse.unquote(hub.group(1))
    assert "repo=https://github.com/convnets-course/convnets-from-scratch" in pull and notebook in pull, pull


def test_no_launch_buttons_without_a_repository():
    from launch_links import launch_options

    assert launch_options({}) == {}
    options = launch_options(LAUNCH_ENV)
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert "colab_url" not in launch_options({"COURSE_REPOSITORY_URL": "https://gitlab.com/a/b"})["launch_buttons"]
    assert options["repository_url"] == LAUNCH_ENV["COURSE_REPOSITORY_URL"]


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


AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "_build" / "screenshots"  # kept as CI artifacts
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Chromium is missing: `make setup` installs Debian's chromium package"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def serious_accessibility_violations(page):
    """axe-core's serious and critical findings on the page, as 'rule: element' lines."""
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def explorer_responds(page):
    """Move the first control of the page's pre-computed explorer: does another frame show?"""
    explorer = page.locator(".static-explorer").first
    shown = explorer.locator(".static-frame:not([hidden])")
    before = shown.get_attribute("data-key")
    control = explorer.locator("[data-control]").first
    if control.evaluate("element => element.tagName") == "SELECT":
        options = control.locator("option").count()
        current = int(control.input_value())
        control.select_option(str((current + 1) % options))
    else:
        control.focus()
        page.keyboard.press("ArrowLeft" if int(control.input_value()) > 0 else "ArrowRight")
    return shown.count() == 1 and shown.get_attribute("data-key") != before


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_renders_in_chromium(served_site, browser, chapter, language):
    page = browser.new_page()
    problems, foreign = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith((served_site, "data:", "blob:")) else None
        ),
    )
    page.goto(f"{served_site}/{LANGUAGES[language]}{chapter}.html", wait_until="networkidle")
    page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=30000)
    page.wait_for_selector(".static-explorer", state="visible", timeout=30000)
    responds = explorer_responds(page)
    figures = page.evaluate(
        "Array.from(document.querySelectorAll('.cell_output img'))"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )
    fonts = dict(page.evaluate("Array.from(document.fonts, font => [font.family, font.status])"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if language == "en" else f"-{language}"
    page.screenshot(path=str(SCREENSHOTS / f"{Path(chapter).name}{suffix}.png"), full_page=True)
    violations = serious_accessibility_violations(page)
    page.close()
    assert figures >= 1, "no figure rendered"
    assert responds, "the chapter's control does not respond on the static page"
    assert not problems, f"console errors: {problems}"
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not violations, f"accessibility: {violations}"
    # the switch's 한국어 on English pages, every word on Korean ones: a font the browser refused is tofu
    assert fonts.get("NanumGothic") == "loaded", f"the Hangul font did not load: {fonts}"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["book/intro", "search", "book/glossary"])
def test_other_pages_are_accessible(served_site, browser, name, language):
    page = browser.new_page()
    page.goto(f"{served_site}/{LANGUAGES[language]}{name}.html", wait_until="networkidle")
    violations = serious_accessibility_violations(page)
    page.close()
    assert not violations, f"accessibility: {violations}"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", sorted(EXERCISES))
def test_exercise_link_downloads_the_student_notebook(served_site, browser, chapter, language):
    assignment = EXERCISES[chapter]
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{served_site}/{LANGUAGES[language]}{chapter}.html", wait_until="networkidle")
    with page.expect_download() as download:
        page.locator(f'a[href$="/{assignment}.ipynb"]:visible').first.click()
    downloaded = json.loads(Path(download.value.path()).read_text())
    page.close()
    releases = EXERCISES_DIR / language if language in release_languages(assignment) else EXERCISES_DIR
    released = nbformat.read(str(releases / assignment / f"{assignment}.ipynb"), as_version=4)
    assert downloaded == json.loads(nbformat.writes(released))


@pytest.mark.browser
@pytest.mark.parametrize(
    "address", ["search.html?q=padding", "ko/search.html?q=패딩", "ko/search.html?q=패딩을", "ko/search.html?q=패딩은"]
)
def test_search_finds_the_padding_chapter(served_site, browser, address):
    page = browser.new_page()
    page.goto(f"{served_site}/{address}", wait_until="networkidle")
    page.wait_for_selector("#search-results li a", timeout=30000)
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    page.close()
    assert any("stride_padding_pooling" in href for href in found), found


@pytest.mark.browser
def test_the_language_switch_keeps_the_section(site, served_site, browser):
    page = browser.new_page()
    chapter = "book/stride_padding_pooling"
    section = re.findall(r'<section id="([^"]+)"', (site / f"{chapter}.html").read_text())[2]
    page.goto(f"{served_site}/{chapter}.html#{section}", wait_until="networkidle")
    page.locator("a.language-switch-link").click()
    page.wait_for_url(f"**/ko/{chapter}.html#{section}")
    korean = page.evaluate("[document.documentElement.lang, !!document.getElementById(location.hash.slice(1))]")
    page.locator("a.language-switch-link").click()
    page.wait_for_url(f"{served_site}/{chapter}.html#{section}")
    page.close()
    assert korean == ["ko", True], korean


@pytest.mark.browser
def test_dark_mode_and_phone_width(served_site, browser):
    chapter = "book/stride_padding_pooling"
    dark = browser.new_page(color_scheme="dark")
    dark.goto(f"{served_site}/{chapter}.html", wait_until="networkidle")
    background = dark.evaluate("getComputedStyle(document.body).backgroundColor")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dark.screenshot(path=str(SCREENSHOTS / "stride_padding_pooling-dark.png"))
    dark.close()
    channels = [int(value) for value in re.findall(r"\d+", background)[:3]]
    assert sum(channels) / 3 < 80, f"dark mode keeps a light background: {background}"

    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone.goto(f"{served_site}/{chapter}.html", wait_until="networkidle")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    phone.screenshot(path=str(SCREENSHOTS / "stride_padding_pooling-phone.png"))
    phone.close()
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"


LINK = re.compile(r'<a\b[^>]*\bhref="([^"#:]*)(?:#([^"]*))?"')


def test_internal_links_and_anchors_resolve(site):
    ids = {}
    for page in site.rglob("*.html"):
        ids[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text()))
    broken = []
    for page, _ in ids.items():
        for target, anchor in LINK.findall(page.read_text()):
            resolved = (page.parent / html.unescape(target)).resolve() if target else page
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
            elif anchor and resolved.suffix == ".html" and html.unescape(anchor) not in ids.get(resolved, set()):
                broken.append(f"{page.relative_to(site)} -> {target}#{anchor}")
    assert not broken, broken[:10]


# The Korean edition: the same pages at ko/, built from the same sources (scripts/build_book.py)
SHARED_FOLDERS = {"ko", "_static", "_sources", "_images", "_downloads", "vendor", "site-js", "site-css"}


def html_pages(folder):
    return {
        path.relative_to(folder)
        for path in folder.rglob("*.html")
        if path.relative_to(folder).parts[0] not in SHARED_FOLDERS
    }


def test_every_page_has_its_korean_counterpart(site):
    english, korean = html_pages(site), html_pages(site / "ko")
    assert english == korean, f"only in English: {english - korean}; only in Korean: {korean - english}"
    for page in korean:
        text = (site / "ko" / page).read_text()
        if "<html" in text:  # not the root's redirect
            assert '<html lang="ko"' in text, f"ko/{page} is not marked Korean"


def test_the_language_switch_leads_to_the_same_page(site):
    for folder, other in ((site, site / "ko"), (site / "ko", site)):
        for page in html_pages(folder) - {Path("index.html")}:  # the root is a redirect in both
            found = re.search(r'<a class="language-switch-link" href="([^"]+)"', (folder / page).read_text())
            assert found, f"{page} has no language switch"
            assert ((folder / page).parent / found.group(1)).resolve() == (other / page).resolve(), page


class ProseParser(html.parser.HTMLParser):
    """The page's running text, without code, outputs, math, the explorers' text frames and
    anything marked English (lang="en"): what a Korean reader reads as prose."""

    SKIPPED_TAGS = {"script", "style", "pre", "code", "mjx-container", "head"}
    SKIPPED_CLASSES = {"cell_output", "cell_input", "math", "highlight", "language-switch"}
    VOID = {"img", "br", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.skipping, self.text = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        skip = (
            tag in self.SKIPPED_TAGS
            or attributes.get("lang") == "en"
            or bool(self.SKIPPED_CLASSES & set((attributes.get("class") or "").split()))
        )
        self.stack.append(skip)
        self.skipping += skip

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.skipping -= self.stack.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.text.append(data)


# Six English words in a row, outside parentheses and quotation marks (English terms, names, titles of works)
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][A-Za-z'-]*(?:[ ,;:]+[A-Za-z][A-Za-z'-]*){5,}")
QUOTED_OR_PARENTHESISED = re.compile(r"\([^()]*\)|\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<!\w)'[^']*'(?!\w)")


def english_sentences(page_html):
    parser = ProseParser()
    parser.feed(page_html)
    text = re.sub(r"\s+", " ", " ".join(parser.text))
    while QUOTED_OR_PARENTHESISED.search(text):
        text = QUOTED_OR_PARENTHESISED.sub(" ", text)
    return ENGLISH_SENTENCE.findall(text)


def test_korean_pages_have_no_english_sentence_outside_code_and_parentheses(site):
    found = {
        str(page): sentences
        for page in html_pages(site / "ko")
        if (sentences := english_sentences((site / "ko" / page).read_text()))
    }
    assert not found, f"English left on the Korean pages: {found}"
    english_page = (site / f"{CHAPTERS[0]}.html").read_text().replace('<html lang="en"', '<html lang="ko"')
    assert len(english_sentences(english_page)) > 20, "the check finds no English even on an English page"


HANGUL = re.compile("[\uac00-\ud7a3]")


def test_korean_pages_contents_captions_are_korean(site):
    for page in html_pages(site / "ko"):
        text = (site / "ko" / page).read_text()
        captions = re.findall(r'<span class="caption-text">([^<]*)</span>', text)
        assert all(HANGUL.search(caption) for caption in captions), f"ko/{page}: contents captions {captions}"
    captions = re.findall(r'<span class="caption-text">([^<]*)</span>', (site / f"{CHAPTERS[0]}.html").read_text())
    assert captions and not any(HANGUL.search(caption) for caption in captions), "the English captions are gone"


def test_korean_figures_have_every_word_translated_and_drawn(site):
    untranslated = site.parent / "untranslated-figure-words-ko.txt"
    words = untranslated.read_text().splitlines() if untranslated.is_file() else []
    assert not words, f"figure words without a translation (make catalogs, then translate figures.po): {words[:10]}"
    for page in html_pages(site / "ko"):
        text = (site / "ko" / page).read_text()
        assert "missing from" not in text, f"ko/{page}: a glyph is missing from the figures' font"
