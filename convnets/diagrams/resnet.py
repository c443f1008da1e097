"""Diagrams of the ResNet chapter: residual blocks drawn from a plain description of their layers.

A block is described as data, `(main, shortcut)`: `main` lists the convolutions of the main path
in order and `shortcut` is None for the identity or one convolution for a projection. Each
convolution is a tuple (a NamedTuple is fine) `(kernel, in_channels, out_channels, stride,
after)`, padded to keep the size at stride 1 (padding (kernel - 1) / 2, no bias), with `after`
naming what follows it ("BN + ReLU" or "BN"). The functions draw every convolution with its
kernel, channels, stride and weight count (kernel * kernel * in_channels * out_channels), the
shape of each activation by the floor rule (`convnets.geometry.output_size`), and the shortcut
meeting the main path at the addition, followed by the block's last ReLU.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

from convnets.geometry import output_size

from . import shapes

MAIN_COLOUR = "#9ec3e6"  # convolutions of the main path
SHORTCUT_COLOUR = "#f4b97a"  # the 1x1 projection
PLAIN_COLOUR = "#e3e3e3"  # input, ReLU and output
TEXT_COLOUR = "#222222"
LINE_COLOUR = "#444444"


def shape_text(channels, size):
    """'C x H x W' of a square activation."""
    return f"{channels} x {size} x {size}"


def conv_label(kernel, in_channels, out_channels, stride):
    """One line naming a convolution: kernel, channels in -> out, and its stride if not 1."""
    label = f"{kernel}x{kernel} conv, {in_channels} → {out_channels}"
    return label + (f", stride {stride}" if stride != 1 else "")


def conv_weights(kernel, in_channels, out_channels):
    """Weights of a bias-free convolution: out_channels filters of kernel x kernel x in_channels."""
    return kernel * kernel * in_channels * out_channels


def trace_path(convs, size):
    """[(conv, output side)] for each convolution of a path, sizes by the floor rule."""
    steps = []
    for conv in convs:
        kernel, _, _, stride, _ = conv
        size = output_size(size, kernel, pad=(kernel - 1) // 2, stride=stride)
        steps.append((conv, size))
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
    main, shortcut = block
    in_channels = main[0][1]
    steps = trace_path(main, size)
    main_x, short_x, width, gap = 3.3, 9.4, 6.0, 1.9
    y = top = 0.0
    draw_box(ax, main_x, y, width, [f"input x: {shape_text(in_channels, size)}"], PLAIN_COLOUR)
    bottom = y - 0.35  # lower edge of the box just drawn
    for (kernel, c_in, c_out, stride, after), out_size in steps:
        y -= gap
        draw_arrow(ax, (main_x, bottom), (main_x, y + 0.56))
        lines = [conv_label(kernel, c_in, c_out, stride), f"{after} · {conv_weights(kernel, c_in, c_out):,} weights"]
        draw_box(ax, main_x, y, width, lines, MAIN_COLOUR)
        bottom = y - 0.56
        ax.text(
            main_x + 0.15,
            bottom - 0.38,
            shape_text(c_out, out_size),
            fontsize=9,
            color="#555555",
            style="italic",
            va="center",
        )
    plus_y = y - gap
    draw_arrow(ax, (main_x, bottom), (main_x, plus_y + 0.3))
    ax.add_patch(Circle((main_x, plus_y), 0.3, facecolor="white", edgecolor=LINE_COLOUR, lw=1.2))
    ax.text(main_x, plus_y, "+", ha="center", va="center", fontsize=14, color=TEXT_COLOUR)

    # The shortcut: out of the input to the right, down, and into the addition.
    ax.plot([main_x + width / 2, short_x, short_x], [top, top, plus_y], color=LINE_COLOUR, lw=1.2)
    draw_arrow(ax, (short_x, plus_y), (main_x + 0.3, plus_y))
    middle = (top + plus_y) / 2
    if shortcut is None:
        shortcut_shape = (in_channels, size)
        ax.text(
            short_x + 0.15, middle, "identity:\nno parameters", ha="left", va="center", fontsize=9.5, color=TEXT_COLOUR
        )
    else:
        ((kernel, c_in, c_out, stride, after), out_size), *_ = trace_path([shortcut], size)
        shortcut_shape = (c_out, out_size)
        lines = [
            f"{kernel}x{kernel} conv, {c_in} → {c_out}",
            f"stride {stride} + {after}",
            f"{conv_weights(kernel, c_in, c_out):,} weights",
        ]
        height = draw_box(ax, short_x, middle, 4.0, lines, SHORTCUT_COLOUR)
        ax.text(
            short_x + 0.15,
            middle - height / 2 - 0.38,
            shape_text(*shortcut_shape),
            fontsize=9,
            color="#555555",
            style="italic",
            va="center",
        )

    (_, _, main_channels, _, _), main_size = steps[-1]
    if (main_channels, main_size) != shortcut_shape:
        raise ValueError(
            f"the main path gives {shape_text(main_channels, main_size)} but the shortcut "
            f"{shape_text(*shortcut_shape)}: they cannot be added"
        )
    y = plus_y - 1.3
    draw_arrow(ax, (main_x, plus_y - 0.3), (main_x, y + 0.35))
    draw_box(ax, main_x, y, width, [f"ReLU → output: {shape_text(main_channels, main_size)}"], PLAIN_COLOUR)
    ax.set_xlim(0.2, 11.5)
    ax.set_ylim(y - 0.5, 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11, color=TEXT_COLOUR)


def residual_block_diagram(identity_block, projection_block, size=56):
    """The basic block twice, side by side: with an identity shortcut and with a projection,
    each given as (main, shortcut) on a size x size input."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.3))
    draw_block(axes[0], identity_block, size, "identity shortcut (same shape)")
    draw_block(axes[1], projection_block, size, "1x1 projection shortcut (stride 2)")
    fig.tight_layout()
    return fig


def bottleneck_diagram(block, size=56):
    """The bottleneck block, given as (main, shortcut): 1x1 reduce, 3x3, 1x1 expand, with its shortcut."""
    fig, ax = plt.subplots(figsize=(5.4, 5.6))
    main, _ = block
    (_, in_channels, mid, _, _), *_, (_, _, out_channels, _, _) = main
    draw_block(ax, block, size, f"bottleneck {in_channels} → {mid} → {mid} → {out_channels}")
    fig.tight_layout()
    return fig
