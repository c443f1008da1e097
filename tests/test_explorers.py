"""One declaration per explorer gives the live ipywidget and the website's pre-computed frames."""

import html
import json
import re

import ipywidgets as widgets
import numpy as np
import yaml

from autograder.assignments import REPO_ROOT
from convnets.diagrams.backprop import REACH_LAYERS, gradient_reach
from convnets.diagrams.batchnorm import sample_batches
from convnets.widgets import Menu, Slider, backprop_explorer, batchnorm_explorer, explorer


def test_one_declaration_gives_the_live_widget_and_the_static_frames():
    calls = []

    def view(size, colour, window):
        calls.append((size, colour, window))
        return f"size {size} in {colour}, window {window}", None

    made = explorer(
        view,
        [
            Slider("size", "size", 2, 1, 9, shown=[1, 2, 3]),
            Menu("colour", "colour", ["red", "blue"], "red"),
            Slider("window", "window #", 4, 0, 8),
        ],
        "a view",
    )
    live = made.widget.children[0].children
    assert [type(w) for w in live] == [widgets.IntSlider, widgets.Dropdown, widgets.IntSlider]
    assert (live[0].min, live[0].max, live[0].value) == (1, 9, 2) and live[1].options == ("red", "blue")

    page = made.static_html
    frames = re.findall(r'class="static-frame" data-key="([^"]+)"', page)
    assert sorted(frames) == sorted(f"{s}|{c}" for s in (1, 2, 3) for c in ("red", "blue"))
    assert {window for *_, window in calls} == {4}, "a live-only control stays at its value on the website"
    values = json.loads(html.unescape(re.search(r'data-values="([^"]+)"', page).group(1)))
    assert values == [["1", "2", "3"], ["red", "blue"]]
    assert 'type="range"' in page and "<select" in page and "window #" not in page
    assert "<script" not in page, "the explorers' script is loaded once per page, not per block"


def test_the_explorers_script_is_loaded_on_every_page():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    scripts = config["sphinx"]["config"]["html_js_files"]
    assert "../site-js/static-explorers.js" in scripts
    assert (REPO_ROOT / "book" / "_offline" / "site-js" / "static-explorers.js").is_file()


def test_backprop_explorer_marks_exactly_the_inputs_and_weights_an_output_reaches():
    n = 5
    made = backprop_explorer(n=n)
    live = [box for column in made.widget.children[0].children for box in column.children]
    assert [type(w) for w in live] == [widgets.Dropdown, widgets.IntSlider, widgets.IntSlider, widgets.IntSlider]
    assert list(live[0].options) == list(REACH_LAYERS) and live[3].description == "input size"

    page = made.static_html
    frames = {
        html.unescape(key): html.unescape(text)
        for key, text in re.findall(r'class="static-frame" data-key="([^"]+)" hidden><pre>(.*?)</pre><img', page, re.S)
    }
    assert sorted(frames) == sorted(
        f"{layer}|{row}|{col}" for layer in REACH_LAYERS for row in range(3) for col in range(3)
    )
    assert "input size" not in page, "the input size is a live-only control"
    for key, text in frames.items():
        layer, row, col = key.split("|")
        kind, f, stride, pad = REACH_LAYERS[layer]
        size = (n - f + 2 * pad) // stride + 1
        row, col = min(int(row), size - 1), min(int(col), size - 1)  # the output sizes differ: clamped
        assert f"Output ({row}, {col})" in text, (key, text)
        top, left = row * stride - pad, col * stride - pad  # the window, in unpadded coordinates
        rows, cols = range(max(0, top), min(n, top + f)), range(max(0, left), min(n, left + f))
        if kind == "conv":  # every pixel of the window's part of the image, one weight each
            reached = len(rows) * len(cols)
            assert (
                f"reaches {reached} input pixels: rows {rows[0]}-{rows[-1]}, columns {cols[0]}-{cols[-1]}, "
                f"and {reached} of the {f * f} weights"
            ) in text, (key, text)
        else:  # the largest of the window alone
            window = gradient_reach(layer, n, row, col)["x"][rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
            i, j = np.unravel_index(window.argmax(), window.shape)
            assert f"reaches 1 input pixel: row {rows[0] + i}, column {cols[0] + j}," in text, (key, text)


def test_batchnorm_explorer_reports_the_running_statistics_of_its_batches():
    made = batchnorm_explorer()
    live = made.widget.children[0].children
    assert [type(w) for w in live] == [widgets.Dropdown, widgets.IntSlider]
    frames = {
        html.unescape(key): html.unescape(text)
        for key, text in re.findall(
            r'class="static-frame" data-key="([^"]+)" hidden><pre>(.*?)</pre><img', made.static_html, re.S
        )
    }
    momenta, steps = (0.01, 0.1, 0.5, 0.99), (3, 10, 30, 100)
    assert sorted(frames) == sorted(f"{m}|{k}" for m in momenta for k in steps)
    batches = [batch.double().numpy().ravel() for batch in sample_batches(max(steps))]
    for key, text in frames.items():
        momentum, k = float(key.split("|")[0]), int(key.split("|")[1])
        # unrolled: batch i of k weighs a (1 - a)^(k - i) for momentum a; the starting values 0 and 1 weigh (1 - a)^k
        weights = momentum * (1 - momentum) ** np.arange(k - 1, -1, -1)
        mean = weights @ [batch.mean() for batch in batches[:k]]
        var = (1 - momentum) ** k + weights @ [batch.var(ddof=1) for batch in batches[:k]]
        found = re.search(r"running mean (-?[0-9.]+), running variance ([0-9.]+)", text)
        assert found, text
        assert abs(float(found[1]) - mean) < 2e-3 and abs(float(found[2]) - var) < 2e-3, (key, text, mean, var)
        assert f"unbiased variance {batches[k - 1].var(ddof=1):.3f}" in text, (key, text)
