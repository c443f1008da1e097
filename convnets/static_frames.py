"""Chapter controls that respond without Python: every setting pre-computed when the page is built.

The book's pages have no kernel, so an ipywidget there shows its first state and cannot move.
`static_explorer` runs a chapter's view function for each combination of control values, keeps
each result (text and figure) as a frame, and writes HTML controls; the page's script
(book/_offline/site-js/static-explorers.js, loaded once per page) shows the frame for the chosen
values. The block is hidden in Jupyter, where the live widget works, and shown on the website
instead of the frozen widget (book/_offline/site-css). A control is anything with `name`,
`label`, `value` and `shown` (the values offered here), as convnets.widgets declares them.
"""

import base64
import html
import io
import itertools
import json
import uuid

import matplotlib.pyplot as plt

from .i18n import translate

FRAME_DPI = 60
NOTE = "Move the controls: every setting was computed when this page was built (run the notebook for the full ranges)."


def figure_png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FRAME_DPI, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def frame_key(values):
    return "|".join(str(value) for value in values)


def control_html(block, control):
    index = control.shown.index(control.value)
    ident = f"{block}-{control.name}"
    if all(isinstance(value, (int, float)) for value in control.shown):
        return (
            f'<label for="{ident}">{html.escape(translate(control.label))}</label> '
            f'<input type="range" id="{ident}" data-control="{control.name}" min="0" '
            f'max="{len(control.shown) - 1}" step="1" value="{index}" '
            f'aria-valuetext="{control.value}"> <output for="{ident}">{control.value}</output>'
        )
    options = "".join(
        f'<option value="{i}"{" selected" if i == index else ""}>{html.escape(str(v))}</option>'
        for i, v in enumerate(control.shown)
    )
    return (
        f'<label for="{ident}">{html.escape(translate(control.label))}</label> '
        f'<select id="{ident}" data-control="{control.name}">{options}</select>'
    )


def static_explorer(view, controls, alt):
    """HTML with a frame per combination of the controls' values; view(**values) -> (text, figure or None)."""
    block = f"explorer-{uuid.uuid4().hex[:12]}"
    alt = translate(alt)
    names = [control.name for control in controls]
    frames = []
    for combination in itertools.product(*(control.shown for control in controls)):
        text, fig = view(**dict(zip(names, combination)))
        key = frame_key(combination)
        image = (
            f'<img src="data:image/png;base64,{figure_png(fig)}" alt="{html.escape(alt)}: '
            f'{html.escape(", ".join(f"{translate(c.label)} {v}" for c, v in zip(controls, combination)))}">'
            if fig is not None
            else ""
        )
        frames.append(
            f'<div class="static-frame" data-key="{html.escape(key)}" hidden>'
            f"{'<pre>' + html.escape(text) + '</pre>' if text else ''}{image}</div>"
        )
    inputs = "".join(f'<div class="static-control">{control_html(block, c)}</div>' for c in controls)
    values = html.escape(json.dumps([[str(value) for value in control.shown] for control in controls]))
    return (
        f'<div class="static-explorer" id="{block}" data-values="{values}" style="display: none">'
        f'<p class="static-explorer-note">{html.escape(translate(NOTE))}</p>'
        f'<div class="static-controls">{inputs}</div>{"".join(frames)}</div>'
    )
