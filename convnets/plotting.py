"""Figures the chapters share: image grids, small annotated matrices, the sliding window."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle


def show_maps(maps, titles, cmap="gray", size=2.6):
    """Show 2-D arrays side by side with their titles; returns the figure."""
    fig, axes = plt.subplots(1, len(maps), figsize=(size * len(maps), size + 0.4))
    for ax, image, title in zip(np.atleast_1d(axes), maps, titles):
        ax.imshow(image, cmap=cmap)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return fig


def draw_cell_grid(ax, rows, cols, title=""):
    """Lines between the cells of an imshow'd rows x cols array, no ticks, and a title."""
    for y in np.arange(-0.5, rows, 1):
        ax.axhline(y, color="0.5", linewidth=0.7)
    for x in np.arange(-0.5, cols, 1):
        ax.axvline(x, color="0.5", linewidth=0.7)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def draw_matrix(ax, values, title="", highlight=None, fmt="{:g}", color="tab:orange"):
    """Draw a small matrix with its numbers; highlight=(row, col, height, width) boxes a window."""
    values = np.asarray(values)
    ax.imshow(np.zeros_like(values, dtype=float), cmap="Greys", vmin=0, vmax=1)
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=10)
    draw_cell_grid(ax, values.shape[0], values.shape[1], title)
    if highlight is not None:
        row, col, height, width = highlight
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor=color, linewidth=3))


def draw_sliding_window(ax_in, ax_out, n, f, pad, stride, step):
    """Left: the padded n x n input with window number `step` boxed; right: the output cell it fills."""
    padded = n + 2 * pad
    out = (padded - f) // stride + 1
    row, col = divmod(step, out)
    is_pad = np.ones((padded, padded))
    is_pad[pad : pad + n, pad : pad + n] = 0
    ax_in.imshow(is_pad, cmap="Blues", vmin=0, vmax=3)
    ax_in.add_patch(
        Rectangle(
            (col * stride - 0.5, row * stride - 0.5),
            f,
            f,
            fill=True,
            alpha=0.35,
            facecolor="tab:orange",
            edgecolor="tab:red",
            linewidth=2,
        )
    )
    ax_out.imshow(np.zeros((out, out)), cmap="Greys", vmin=0, vmax=1)
    ax_out.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor="tab:orange", alpha=0.6))
    draw_cell_grid(ax_in, padded, padded, f"input {n}x{n}, padded to {padded}x{padded}")
    draw_cell_grid(ax_out, out, out, f"output {out}x{out}")
