"""Diagrams for the stride, padding and pooling chapter: where the windows of a strided,
padded layer fall (and what the floor rule leaves out), and how far one output sees through a
small stack of layers. Sizes come from running zero tensors through the real PyTorch layers."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Patch, Rectangle
from torch import nn

from . import shapes

INPUT_COLOUR = "#a9c8e8"
PADDING_COLOUR = "#e3e3e3"
LEFTOVER_COLOUR = "#d9544d"
WINDOW_COLOURS = ("#e07b00", "#2f8f3a", "#7a4fb3")
SEEN_COLOUR = "#f2b36b"
TEXT_COLOUR = "#111111"


def draw_padded_windows(ax, n, f, pad, stride):
    """One panel: the padded input, every window's number at its centre, three windows boxed
    and the rows and columns that no window reaches hatched."""
    padded = n + 2 * pad
    layer = nn.Conv2d(1, 1, f, stride=stride, padding=pad)
    with torch.no_grad():
        out = layer(torch.zeros(1, 1, n, n)).shape[-1]
    covered = (out - 1) * stride + f  # rows (and columns) of the padded input some window reaches
    for i in range(padded):
        for j in range(padded):
            is_pad = not (pad <= i < pad + n and pad <= j < pad + n)
            colour = PADDING_COLOUR if is_pad else INPUT_COLOUR
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=colour, edgecolor="none"))
            if is_pad:
                ax.text(j, i, "0", ha="center", va="center", fontsize=9, color="0.35")
            if i >= covered or j >= covered:
                ax.add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor=LEFTOVER_COLOUR, linewidth=0)
                )
    shapes.grid_panel(ax, padded, padded)
    boxed = (0, 1, out * out - 1)  # the first two windows and the last one
    for colour, (number, inset) in zip(WINDOW_COLOURS, zip(boxed, (0.06, 0.14, 0.06))):
        row, col = divmod(number, out)
        ax.add_patch(
            Rectangle(
                (col * stride - 0.5 + inset, row * stride - 0.5 + inset),
                f - 2 * inset,
                f - 2 * inset,
                fill=False,
                edgecolor=colour,
                linewidth=2.2,
            )
        )
    for number in range(out * out):
        row, col = divmod(number, out)
        centre_row, centre_col = row * stride + f // 2, col * stride + f // 2
        ax.text(
            centre_col,
            centre_row,
            str(number),
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            color=TEXT_COLOUR,
        )
    leftover = padded - covered
    plural = "s" if leftover != 1 else ""
    ax.set_title(
        f"N={n}, F={f}, P={pad}, S={stride}: floor(({n} - {f} + 2*{pad})/{stride})"
        f" + 1 = {out}\n{out}x{out} windows; {leftover} row{plural} and "
        f"{leftover} column{plural} left over",
        fontsize=10,
        color=TEXT_COLOUR,
    )


def padded_stride_diagram(geometries=((6, 3, 1, 2), (6, 3, 1, 3))):
    """Padded inputs side by side, one per (N, F, P, S): numbered windows and leftover cells."""
    fig, axes = plt.subplots(1, len(geometries), figsize=(4.4 * len(geometries), 5.2), layout="constrained")
    for ax, (n, f, pad, stride) in zip(np.atleast_1d(axes), geometries):
        draw_padded_windows(ax, n, f, pad, stride)
    legend = [
        Patch(facecolor=INPUT_COLOUR, edgecolor="0.45", label="input pixel"),
        Patch(facecolor=PADDING_COLOUR, edgecolor="0.45", label="zero padding"),
        Patch(facecolor="white", edgecolor=LEFTOVER_COLOUR, hatch="///", label="never seen (floor rule)"),
        Patch(facecolor="white", edgecolor=WINDOW_COLOURS[0], linewidth=2, label="a window; its number at its centre"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    return fig


def _seen_pixels(layers, input_size, depth):
    """Which input pixels output (0, 0) of layer number `depth` depends on, found with autograd.
    The gradient of a max pool reaches only the maximum, so an average pool with the same
    window and stride stands in for it; convolutions get all-ones weights."""
    x = torch.zeros(1, 1, input_size, input_size, requires_grad=True)
    y = x
    for layer in layers[:depth]:
        if isinstance(layer, nn.MaxPool2d):
            y = nn.functional.avg_pool2d(y, layer.kernel_size, layer.stride, layer.padding)
        else:
            y = nn.functional.conv2d(y, torch.ones_like(layer.weight), None, layer.stride, layer.padding)
    y[0, 0, 0, 0].backward()
    return (x.grad[0, 0] != 0).numpy(), y.shape[-1]


def describe(layer):
    """A short name for a convolution or max-pool layer."""
    size = layer.kernel_size
    size = size if isinstance(size, int) else size[0]
    stride = layer.stride if isinstance(layer.stride, int) else layer.stride[0]
    kind = "max pool" if isinstance(layer, nn.MaxPool2d) else "conv"
    return f"{size}x{size} {kind}, stride {stride}"


def receptive_field_diagram(layers=None, input_size=10):
    """Top row: the input pixels one output sees after each layer; bottom: that output's map."""
    if layers is None:
        layers = [nn.Conv2d(1, 1, 3), nn.MaxPool2d(2, stride=2), nn.Conv2d(1, 1, 3)]
    fig, axes = plt.subplots(2, len(layers), figsize=(3.0 * len(layers), 6.4), gridspec_kw={"height_ratios": [1, 1]})
    for depth, layer in enumerate(layers, start=1):
        seen, out = _seen_pixels(layers, input_size, depth)
        rows = np.flatnonzero(seen.any(axis=1))
        ax_in, ax_out = axes[0, depth - 1], axes[1, depth - 1]
        for (i, j), is_seen in np.ndenumerate(seen):
            colour = SEEN_COLOUR if is_seen else INPUT_COLOUR
            ax_in.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=colour, edgecolor="none"))
        shapes.grid_panel(ax_in, input_size, input_size)
        ax_in.set_title(
            f"layer {depth}: {describe(layer)}\nits output (0, 0) sees {len(rows)}x{len(rows)} of the input",
            fontsize=10,
            color=TEXT_COLOUR,
        )
        ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, facecolor=SEEN_COLOUR, edgecolor="none"))
        shapes.grid_panel(ax_out, out, out)
        ax_out.set_xlim(-0.6, input_size - 0.4)  # the same cell size as the input above
        ax_out.set_ylim(input_size - 0.4, -0.6)
        ax_out.set_title(f"output of layer {depth}: {out}x{out}, (0, 0) marked", fontsize=10, color=TEXT_COLOUR)
    fig.tight_layout()
    return fig
