"""Diagrams of the ResNet chapter: residual blocks drawn from the blocks the chapter builds.

Each function takes real blocks (modules with a `main` nn.Sequential and a `shortcut`, as in the
chapter), runs a zero tensor through them layer by layer, and draws what it finds: every
convolution with its kernel, channels, stride and weight count, the shape of each activation,
and the shortcut (identity or 1x1 projection) meeting the main path at the addition.
"""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Circle
from torch import nn

from . import shapes

MAIN_COLOUR = "#9ec3e6"  # convolutions of the main path
SHORTCUT_COLOUR = "#f4b97a"  # the 1x1 projection
PLAIN_COLOUR = "#e3e3e3"  # input, ReLU and output
TEXT_COLOUR = "#222222"
LINE_COLOUR = "#444444"


def shape_text(tensor):
    """'C x H x W' of a one-image activation tensor."""
    return " x ".join(str(side) for side in tensor.shape[1:])


def conv_label(conv):
    """One line naming a convolution: kernel, channels in -> out, and its stride if not 1."""
    k = conv.kernel_size[0]
    label = f"{k}x{k} conv, {conv.in_channels} → {conv.out_channels}"
    return label + (f", stride {conv.stride[0]}" if conv.stride[0] != 1 else "")


def trace_path(path, x):
    """Run x through a Sequential; returns (conv, names of the layers after it, output) per conv."""
    steps = []
    with torch.no_grad():
        for layer in path:
            x = layer(x)
            if isinstance(layer, nn.Conv2d):
                steps.append([layer, [], x])
            else:
                steps[-1][1].append("BN" if isinstance(layer, nn.BatchNorm2d) else "ReLU")
                steps[-1][2] = x
    return steps


def draw_box(ax, x, y, width, lines, colour):
    """A rounded box centred on (x, y) holding a few lines of text; returns its height."""
    height = 0.42 * len(lines) + 0.28
    shapes.text_box(
        ax,
        x,
        y,
        width,
        height,
        "\n".join(lines),
        colour,
        rounding=0.12,
        pad=0.02,
        edgecolour=LINE_COLOUR,
        text_colour=TEXT_COLOUR,
    )
    return height


def draw_arrow(ax, start, end):
    """An arrow from start to end."""
    shapes.arrow(ax, start, end, colour=LINE_COLOUR, linewidth=1.2)


def draw_block(ax, block, size, title):
    """Draw one residual block, main path on the left and shortcut on the right, on ax."""
    x = torch.zeros(1, block.main[0].in_channels, size, size)
    steps = trace_path(block.main, x)
    main_x, short_x, width, gap = 3.3, 9.4, 6.0, 1.9
    y = top = 0.0
    draw_box(ax, main_x, y, width, [f"input x: {shape_text(x)}"], PLAIN_COLOUR)
    bottom = y - 0.35  # lower edge of the box just drawn
    for conv, after, out in steps:
        y -= gap
        draw_arrow(ax, (main_x, bottom), (main_x, y + 0.56))
        lines = [conv_label(conv), f"{' + '.join(after)} · {conv.weight.numel():,} weights"]
        draw_box(ax, main_x, y, width, lines, MAIN_COLOUR)
        bottom = y - 0.56
        ax.text(main_x + 0.15, bottom - 0.38, shape_text(out), fontsize=9, color="#555555", style="italic", va="center")
    plus_y = y - gap
    draw_arrow(ax, (main_x, bottom), (main_x, plus_y + 0.3))
    ax.add_patch(Circle((main_x, plus_y), 0.3, facecolor="white", edgecolor=LINE_COLOUR, lw=1.2))
    ax.text(main_x, plus_y, "+", ha="center", va="center", fontsize=14, color=TEXT_COLOUR)

    # The shortcut: out of the input to the right, down, and into the addition.
    ax.plot([main_x + width / 2, short_x, short_x], [top, top, plus_y], color=LINE_COLOUR, lw=1.2)
    draw_arrow(ax, (short_x, plus_y), (main_x + 0.3, plus_y))
    middle = (top + plus_y) / 2
    if isinstance(block.shortcut, nn.Identity):
        shortcut_out = x
        ax.text(
            short_x + 0.15, middle, "identity:\nno parameters", ha="left", va="center", fontsize=9.5, color=TEXT_COLOUR
        )
    else:
        conv, after, shortcut_out = trace_path(block.shortcut, x)[0]
        k = conv.kernel_size[0]
        lines = [
            f"{k}x{k} conv, {conv.in_channels} → {conv.out_channels}",
            f"stride {conv.stride[0]} + {' + '.join(after)}",
            f"{conv.weight.numel():,} weights",
        ]
        height = draw_box(ax, short_x, middle, 4.0, lines, SHORTCUT_COLOUR)
        ax.text(
            short_x + 0.15,
            middle - height / 2 - 0.38,
            shape_text(shortcut_out),
            fontsize=9,
            color="#555555",
            style="italic",
            va="center",
        )

    out = torch.relu(steps[-1][2] + shortcut_out)  # what the block's forward computes
    y = plus_y - 1.3
    draw_arrow(ax, (main_x, plus_y - 0.3), (main_x, y + 0.35))
    draw_box(ax, main_x, y, width, [f"ReLU → output: {shape_text(out)}"], PLAIN_COLOUR)
    ax.set_xlim(0.2, 11.5)
    ax.set_ylim(y - 0.5, 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11, color=TEXT_COLOUR)


def residual_block_diagram(identity_block, projection_block, size=56):
    """The basic block twice, side by side: with an identity shortcut and with a projection."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.3))
    draw_block(axes[0], identity_block, size, "identity shortcut (same shape)")
    draw_block(axes[1], projection_block, size, "1x1 projection shortcut (stride 2)")
    fig.tight_layout()
    return fig


def bottleneck_diagram(block, size=56):
    """The bottleneck block: 1x1 reduce, 3x3, 1x1 expand, with its shortcut."""
    fig, ax = plt.subplots(figsize=(5.4, 5.6))
    mid = block.main[0].out_channels
    title = f"bottleneck {block.main[0].in_channels} → {mid} → {mid} → {block.main[-2].out_channels}"
    draw_block(ax, block, size, title)
    fig.tight_layout()
    return fig
