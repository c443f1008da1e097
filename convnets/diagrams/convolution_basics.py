"""Diagrams for the chapter "Convolution basics": the convolution written as a sparse matrix."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from ..correlate import corr2d, correlation_matrix
from ..plotting import draw_cell_grid

WINDOW = "tab:red"  # the outline of the highlighted window, output and row
FILLS = ListedColormap(["#ffffff", "#9ecae1"])  # zero entries white, kernel weights blue


def _grid(ax, labels, title, fills=None):
    """Draw a matrix of text labels in bordered cells, with fills (0 or 1) behind them."""
    rows, cols = labels.shape
    fills = np.zeros((rows, cols)) if fills is None else fills
    ax.imshow(fills, cmap=FILLS, vmin=0, vmax=1, aspect="equal")
    for (i, j), label in np.ndenumerate(labels):
        ax.text(j, i, label, ha="center", va="center", fontsize=9, color="black")
    draw_cell_grid(ax, rows, cols, title)


def _box(ax, row, col, height, width):
    """Outline a block of cells of an imshow'd grid."""
    corner = (col - 0.5, row - 0.5)
    ax.add_patch(Rectangle(corner, width, height, fill=False, edgecolor=WINDOW, linewidth=2.5))


def sparse_matrix_diagram(input_shape=(5, 5), kernel_size=3, highlight=(1, 1)):
    """The input grid, the kernel, the output and the (output x input) matrix of the kernel."""
    kernel = np.arange(1.0, kernel_size**2 + 1).reshape(kernel_size, kernel_size)
    matrix = correlation_matrix(input_shape, kernel)  # M @ x.ravel() == corr2d(x, kernel).ravel()
    out_shape = corr2d(np.zeros(input_shape), kernel).shape
    row_of = np.arange(matrix.shape[0]).reshape(out_shape)  # output (i, j) is row i * cols + j
    row = row_of[highlight]
    pixels = np.arange(matrix.shape[1]).reshape(input_shape)
    window = np.zeros(input_shape)
    window[highlight[0] : highlight[0] + kernel_size, highlight[1] : highlight[1] + kernel_size] = 1

    fig = plt.figure(figsize=(9, 6.6))
    grid = fig.add_gridspec(2, 3, height_ratios=[1, 1.15], width_ratios=[1.3, 1, 1])
    ax_in, ax_k, ax_out = (fig.add_subplot(grid[0, i]) for i in range(3))
    ax_m = fig.add_subplot(grid[1, :])

    _grid(ax_in, pixels.astype(str), f"input {input_shape[0]}x{input_shape[1]}\n(pixel numbers)", window)
    _box(ax_in, *highlight, kernel_size, kernel_size)
    _grid(ax_k, kernel.astype(int).astype(str), f"kernel {kernel_size}x{kernel_size}", np.ones_like(kernel))
    outputs = np.char.add("y", row_of.astype(str))
    _grid(ax_out, outputs, f"output {out_shape[0]}x{out_shape[1]}\n(one row of M each)")
    _box(ax_out, *highlight, 1, 1)

    nonzero = matrix != 0
    title = (
        f"the matrix M ({matrix.shape[0]} outputs x {matrix.shape[1]} inputs): "
        f"{nonzero.sum()} of {matrix.size} entries are non-zero\n"
        f"row y{row} (red) holds the kernel in the columns of the red window's pixels, 0 elsewhere"
    )
    _grid(ax_m, np.where(nonzero, matrix.astype(int).astype(str), ""), title, nonzero.astype(float))
    _box(ax_m, row, 0, 1, matrix.shape[1])
    ax_m.set_xticks(range(matrix.shape[1]), pixels.ravel(), fontsize=9)
    ax_m.set_yticks(range(matrix.shape[0]), outputs.ravel(), fontsize=9)
    ax_m.tick_params(length=0)
    ax_m.set_xlabel("input pixel (column of M)", fontsize=10)
    for tick, in_window in zip(ax_m.get_xticklabels(), window.ravel()):
        if in_window:
            tick.set_color(WINDOW)
            tick.set_fontweight("bold")
    fig.tight_layout()
    return fig
