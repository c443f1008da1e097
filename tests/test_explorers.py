"""One declaration per explorer gives the live ipywidget and the website's pre-computed frames."""

import html
import json
import re

import ipywidgets as widgets
import yaml

from autograder.assignments import REPO_ROOT
from convnets.widgets import Menu, Slider, explorer


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
