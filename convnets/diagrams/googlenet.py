"""Diagrams for the GoogLeNet chapter: the Inception module, naive and with 1x1 reductions,
with channel counts and parameters measured from real PyTorch layers."""

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import shapes

COLOURS = {"1x1": "#f2b880", "3x3": "#8fb8de", "5x5": "#9fd39f", "pool": "#c5b3dc", "data": "#d0d0d0"}
TEXT = shapes.TEXT
BOX_WIDTH, BOX_HEIGHT = 0.92, 0.62
ROWS = (1.15, 2.3)  # bottom of the boxes in the lower and the upper branch row
INPUT_Y, CONCAT_Y = 0.0, 3.45


def branch_layers(in_channels, c1, c2, c3, c4, reduced):
    """The four branches as lists of layers: naive (reduced=False) or with 1x1 reductions."""
    pool = nn.MaxPool2d(3, stride=1, padding=1)
    if not reduced:
        return [
            [nn.Conv2d(in_channels, c1, 1)],
            [nn.Conv2d(in_channels, c2[1], 3, padding=1)],
            [nn.Conv2d(in_channels, c3[1], 5, padding=2)],
            [pool],
        ]
    return [
        [nn.Conv2d(in_channels, c1, 1)],
        [nn.Conv2d(in_channels, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, padding=1)],
        [nn.Conv2d(in_channels, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, padding=2)],
        [pool, nn.Conv2d(in_channels, c4, 1)],
    ]


def measure(layers, input_shape):
    """Run a zero tensor through the layers: (label, colour key, output shape, parameters) each."""
    x = torch.zeros(1, *input_shape)
    steps = []
    with torch.no_grad():
        for layer in layers:
            x = layer(x)
            k = layer.kernel_size if isinstance(layer, nn.MaxPool2d) else layer.kernel_size[0]
            kind = "pool" if isinstance(layer, nn.MaxPool2d) else f"{k}x{k}"
            label = f"{k}x{k} max pool" if kind == "pool" else f"{k}x{k} conv"
            params = sum(p.numel() for p in layer.parameters())
            steps.append((label, kind, tuple(x.shape[1:]), params))
    return steps


def draw_box(ax, centre_x, bottom, width, text, colour):
    """A rounded box centred on centre_x, its lower edge at bottom, with its text in the middle."""
    shapes.text_box(ax, centre_x, bottom + BOX_HEIGHT / 2, width, BOX_HEIGHT, text, colour, linespacing=1.3)


def draw_arrow(ax, x, y_from, y_to):
    """A vertical arrow from y_from up to y_to at x."""
    shapes.arrow(ax, (x, y_from + 0.02), (x, y_to - 0.02))


def draw_module(ax, branches, input_shape, title):
    """One Inception module, input at the bottom, the branches side by side, the concatenation
    on top; returns the concatenated shape and the module's parameters."""
    channels, height, width = input_shape
    measured = [measure(layers, input_shape) for layers in branches]
    out_channels = [steps[-1][2][0] for steps in measured]
    params = sum(step[3] for steps in measured for step in steps)
    span = len(branches) - 1 + BOX_WIDTH
    draw_box(
        ax,
        span / 2 - BOX_WIDTH / 2,
        INPUT_Y,
        span,
        f"input (previous layer)\n{height} x {width} x {channels}",
        COLOURS["data"],
    )
    for column, steps in enumerate(measured):
        rows = ROWS[len(ROWS) - len(steps) :]  # a branch's last layer always sits on the top row
        below = INPUT_Y + BOX_HEIGHT
        for (label, kind, shape, _), bottom in zip(steps, rows):
            draw_arrow(ax, column, below, bottom)
            draw_box(ax, column, bottom, BOX_WIDTH, f"{label}\n{shape[0]} channels", COLOURS[kind])
            below = bottom + BOX_HEIGHT
        draw_arrow(ax, column, below, CONCAT_Y)
    total = sum(out_channels)
    sum_text = " + ".join(str(c) for c in out_channels)
    draw_box(
        ax,
        span / 2 - BOX_WIDTH / 2,
        CONCAT_Y,
        span,
        f"concatenate on channels: {sum_text}\n{height} x {width} x {total}",
        COLOURS["data"],
    )
    ax.set_title(f"{title}\n{params:,} parameters", fontsize=10, color=TEXT)
    ax.set_xlim(-BOX_WIDTH / 2 - 0.05, span - BOX_WIDTH / 2 + 0.05)
    ax.set_ylim(INPUT_Y - 0.05, CONCAT_Y + BOX_HEIGHT + 0.05)
    ax.axis("off")
    return (total, height, width), params


def inception_diagram(in_channels=192, c1=64, c2=(96, 128), c3=(16, 32), c4=32, size=28):
    """The Inception module, naive (left) and with 1x1 reductions (right); default: module 3a."""
    input_shape = (in_channels, size, size)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6))
    for ax, reduced, title in (
        (axes[0], False, "(a) naive module"),
        (axes[1], True, "(b) with 1x1 reductions (GoogLeNet's 3a)"),
    ):
        branches = branch_layers(in_channels, c1, c2, c3, c4, reduced)
        draw_module(ax, branches, input_shape, title)
    fig.tight_layout(w_pad=2.5)
    return fig
