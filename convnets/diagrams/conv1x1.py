"""Diagrams for the 1x1 convolutions chapter: the layer as one matrix applied at every pixel."""

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import shapes

INPUT_FILL, OUTPUT_FILL, WEIGHT_FILL = "#a9c8e8", "#c7b3e0", "#a8d5a2"
PIXEL_IN, PIXEL_OUT, EDGE = "#f0a04b", "#9b6fcf", "#333333"
TEXT = {"fontsize": 10, "color": "#111111"}


def draw_stack(ax, x0, y0, channels, size, cell, fill, pixel, mark_fill, step=0.22):
    """A (channels, size, size) stack of maps drawn back to front, one pixel marked in each."""
    for channel in reversed(range(channels)):
        shapes.cell_grid(
            ax,
            x0 + channel * step,
            y0 + channel * step,
            size,
            size,
            cell,
            fill,
            marked={pixel},
            mark_fill=mark_fill,
        )


def arrow(ax, start, end, **style):
    """A plain dark arrow from start to end, in data coordinates."""
    shapes.arrow(ax, start, end, colour=EDGE, linewidth=1.2, head=12, **style)


def pointwise_matmul_diagram(in_channels=6, out_channels=4, size=5, pixel=(1, 3)):
    """A 1x1 convolution as the same (C_out x C_in) matrix times each pixel's C_in-vector."""
    layer = nn.Conv2d(in_channels, out_channels, kernel_size=1)
    with torch.no_grad():
        _, c_out, height, width = layer(torch.zeros(1, in_channels, size, size)).shape
    weight_rows, weight_cols = layer.weight.shape[:2]  # (C_out, C_in, 1, 1)
    pixels = height * width
    row, col = pixel
    column = row * width + col  # the pixel's column in C x HW

    fig, ax = plt.subplots(figsize=(9, 5.2))
    ax.set_xlim(0, 20)
    ax.set_ylim(1.0, 12.8)
    ax.set_aspect("equal")
    ax.axis("off")

    # Top row: the input stack, the matrix-vector product at one pixel, the output stack.
    cell, top = 0.62, 10.6
    draw_stack(ax, 0.3, top, in_channels, size, cell, INPUT_FILL, pixel, PIXEL_IN)
    ax.text(1.9, top + 1.55, f"input ({in_channels}, {height}, {width})", ha="center", **TEXT)

    vec = 0.55
    w_x, w_y = 6.6, 10.0
    shapes.cell_grid(ax, w_x, w_y, weight_rows, weight_cols, vec, WEIGHT_FILL)
    ax.text(
        w_x + weight_cols * vec / 2,
        w_y - weight_rows * vec - 0.45,
        f"W ({weight_rows} x {weight_cols})",
        ha="center",
        va="top",
        **TEXT,
    )
    ax.text(
        10, 12.1, f"at one pixel: out[:, {row}, {col}] = W x[:, {row}, {col}] + b", ha="center", va="bottom", **TEXT
    )
    x_x = w_x + weight_cols * vec + 0.45
    shapes.cell_grid(ax, x_x, w_y + 0.5, in_channels, 1, vec, PIXEL_IN)
    ax.text(x_x + vec / 2, w_y + 0.5 - in_channels * vec - 0.15, f"x[:, {row}, {col}]", ha="center", va="top", **TEXT)
    ax.text(x_x + vec + 0.4, w_y - weight_rows * vec / 2, "=", ha="center", va="center", fontsize=16, color="#111111")
    y_x = x_x + vec + 0.8
    shapes.cell_grid(ax, y_x, w_y, c_out, 1, vec, PIXEL_OUT)
    ax.text(y_x + vec / 2 + 0.3, w_y - c_out * vec - 0.45, f"out[:, {row}, {col}]", ha="center", va="top", **TEXT)

    out_x = 14.9
    draw_stack(ax, out_x, top, c_out, size, cell, OUTPUT_FILL, pixel, PIXEL_OUT)
    ax.text(out_x + 1.6, top + 1.25, f"output ({c_out}, {height}, {width})", ha="center", **TEXT)

    pixel_in = (0.3 + (col + 0.5) * cell, top - (row + 0.5) * cell)
    arrow(ax, pixel_in, (x_x + vec / 2, w_y + 0.55), connectionstyle="arc3,rad=-0.3")
    pixel_out = (out_x + (col + 0.5) * cell, top - (row + 0.5) * cell)
    arrow(ax, (y_x + vec, w_y - c_out * vec / 2), pixel_out, connectionstyle="arc3,rad=0.25")

    # Bottom row: every pixel a column, the same W for all of them: one matrix product.
    ax.plot([0.3, 19.7], [6.3, 6.3], color="0.6", linewidth=0.8, linestyle="--")
    ax.text(
        10,
        5.9,
        f"the same W at all {height} x {width} = {pixels} pixels: put each pixel's "
        f"channels in a column, and the layer is one matrix product",
        ha="center",
        va="top",
        **TEXT,
    )
    small, base = 0.3, 4.6
    shapes.cell_grid(ax, 0.3, base, weight_rows, weight_cols, small, WEIGHT_FILL)
    ax.text(
        0.3 + weight_cols * small / 2,
        base - in_channels * small - 0.2,
        f"W ({weight_rows} x {weight_cols})",
        ha="center",
        va="top",
        **TEXT,
    )
    ax.text(2.45, base - weight_rows * small / 2, "@", ha="center", va="center", fontsize=13, color="#111111")
    x_left = 2.85
    input_columns = {(channel, column) for channel in range(in_channels)}
    shapes.cell_grid(ax, x_left, base, in_channels, pixels, small, INPUT_FILL, marked=input_columns, mark_fill=PIXEL_IN)
    ax.text(
        x_left + pixels * small / 2,
        base - in_channels * small - 0.2,
        f"input as ({in_channels} x {pixels}): a column per pixel",
        ha="center",
        va="top",
        **TEXT,
    )
    equals_x = x_left + pixels * small + 0.4
    ax.text(equals_x, base - weight_rows * small / 2, "=", ha="center", va="center", fontsize=16, color="#111111")
    y_left = equals_x + 0.4
    output_columns = {(channel, column) for channel in range(c_out)}
    shapes.cell_grid(ax, y_left, base, c_out, pixels, small, OUTPUT_FILL, marked=output_columns, mark_fill=PIXEL_OUT)
    ax.text(
        y_left + pixels * small / 2,
        base - in_channels * small - 0.2,
        f"output as ({c_out} x {pixels}), reshaped to ({c_out}, {height}, {width})",
        ha="center",
        va="top",
        **TEXT,
    )
    ax.text(
        10,
        1.6,
        f"marked: pixel ({row}, {col}) is column {row} x {width} + {col} = {column}; "
        f"the product at the top is that one column",
        ha="center",
        va="top",
        **TEXT,
    )
    fig.tight_layout()
    return fig
