"""Diagrams for the chapter "Backpropagation through convolution and pooling": why the input
gradient meets the kernel rotated by 180 degrees, what stride and padding do to it, where max and
average pooling send the gradient, and (for the chapter's explorer) which inputs and weights the
gradient of one output reaches. Every gradient drawn comes from torch.autograd."""

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch, Rectangle

from . import shapes

DELTA_COLOUR = "#a9c8e8"  # an entry of the upstream gradient, or an input pixel
ZERO_COLOUR = "#e3e3e3"  # zero padding, inserted zeros, or no gradient
REACHED_COLOUR = "#f2b36b"  # received a gradient
WINDOW = "#d62728"  # the outline of a window
TEXT_COLOUR = "#111111"

# The layers the explorer offers: (kind, window size, stride, padding).
REACH_LAYERS = {
    "3x3 conv, stride 1": ("conv", 3, 1, 0),
    "3x3 conv, stride 2, padding 1": ("conv", 3, 2, 1),
    "2x2 max pool, stride 2": ("pool", 2, 2, 0),
}


def _frame(ax, rows, cols, title):
    """A rows x cols grid of cells centred on (j, i), with a title."""
    shapes.grid_panel(ax, rows, cols)
    ax.set_title(title, fontsize=10, color=TEXT_COLOUR)


def _cells(ax, labels, fills, title, fontsize=9):
    """A grid of cells, each with its label (a string; empty for none) on its fill colour, drawn
    as one image (the explorer draws dozens of these grids, so no patch per cell)."""
    rows, cols = len(labels), len(labels[0])
    ax.imshow([[to_rgb(fill) for fill in row] for row in fills], interpolation="nearest")
    for i in range(rows):
        for j in range(cols):
            if labels[i][j]:
                ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=fontsize, color=TEXT_COLOUR)
    _frame(ax, rows, cols, title)


def _outline(ax, row, col, height, width, colour=WINDOW, linewidth=2.4, **style):
    ax.add_patch(
        Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor=colour, linewidth=linewidth, **style)
    )


def _sub(*indices):
    """Indices as subscript digits: _sub(0, 1) == "₀₁" (plain text draws faster than mathtext)."""
    return "".join(str(i) for i in indices).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _number(value):
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def flipped_kernel_diagram(n=5, f=3, pixels=((0, 1), (2, 2))):
    """For each input pixel in `pixels`: the upstream gradient padded with F - 1 zeros and the
    window of the rotated kernel that gives that pixel's gradient; last, how many outputs reach
    each input pixel (autograd with an all-ones kernel and an all-ones upstream gradient)."""
    out = n - f + 1
    padded = out + 2 * (f - 1)
    fig, axes = plt.subplots(1, len(pixels) + 1, figsize=(4.3 * (len(pixels) + 1), 4.9), layout="constrained")
    for ax, (p, q) in zip(axes, pixels):
        labels = [["0"] * padded for _ in range(padded)]
        fills = [[ZERO_COLOUR] * padded for _ in range(padded)]
        for i in range(out):
            for j in range(out):
                labels[i + f - 1][j + f - 1] = f"δ{_sub(i, j)}"
                fills[i + f - 1][j + f - 1] = DELTA_COLOUR
        terms = 0
        for a in range(f):
            for b in range(f):
                r, c = p + a, q + b
                labels[r][c] += f"\n×k{_sub(f - 1 - a, f - 1 - b)}"
                terms += fills[r][c] == DELTA_COLOUR
        _cells(
            ax,
            labels,
            fills,
            f"input pixel ({p}, {q}): the red window of\nthe rotated kernel meets {terms} entries of δ",
            fontsize=8,
        )
        _outline(ax, p, q, f, f)
    x = torch.zeros(1, 1, n, n, requires_grad=True)
    y = F.conv2d(x, torch.ones(1, 1, f, f))
    y.backward(torch.ones_like(y))
    counts = x.grad[0, 0].numpy()
    ax = axes[-1]
    marked = {tuple(pixel) for pixel in pixels}
    _cells(
        ax,
        [[_number(v) for v in row] for row in counts],
        [[REACHED_COLOUR if (i, j) in marked else DELTA_COLOUR for j in range(n)] for i in range(n)],
        f"the {n}x{n} input: how many of the\n{out}x{out} outputs reach each pixel",
    )
    legend = [
        Patch(facecolor=DELTA_COLOUR, edgecolor="0.45", label=f"δ = ∂L/∂y ({out}x{out})"),
        Patch(facecolor=ZERO_COLOUR, edgecolor="0.45", label=f"zero padding, F - 1 = {f - 1} on each side"),
        Patch(facecolor="white", edgecolor=WINDOW, linewidth=2, label="window of the kernel rotated by 180°"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return fig


def strided_gradient_diagram(n=6, f=3, stride=2, pad=1):
    """The backward pass of a strided, padded convolution in four steps, with small integers:
    the upstream gradient, the same with stride - 1 zeros between its entries, the gradient of
    the padded input (autograd) and the gradient of the input, the padding ring dropped."""
    kernel = torch.arange(1.0, f * f + 1).reshape(1, 1, f, f)
    padded = n + 2 * pad
    xp = torch.zeros(1, 1, padded, padded, requires_grad=True)  # the padded input as a leaf
    y = F.conv2d(xp, kernel, stride=stride)
    out = y.shape[-1]
    delta = torch.arange(1.0, out * out + 1).reshape(y.shape)
    y.backward(delta)
    spread = (out - 1) * stride + 1
    dilated = torch.zeros(spread, spread)
    dilated[::stride, ::stride] = delta[0, 0]
    dxp = xp.grad[0, 0]
    covered = spread + f - 1  # rows and columns of the padded input some window reaches

    fig, axes = plt.subplots(
        1, 4, figsize=(15, 4.9), layout="constrained", gridspec_kw={"width_ratios": [out, spread, padded, n]}
    )
    _cells(
        axes[0], [[_number(v) for v in row] for row in delta[0, 0]], [[DELTA_COLOUR] * out] * out, f"δ ({out}x{out})"
    )
    _cells(
        axes[1],
        [[_number(v) for v in row] for row in dilated],
        [[DELTA_COLOUR if v else ZERO_COLOUR for v in row] for row in dilated],
        f"{stride - 1} zero between entries\n(stride {stride}): {spread}x{spread}",
    )
    fills = [
        [ZERO_COLOUR if not (pad <= i < pad + n and pad <= j < pad + n) else REACHED_COLOUR for j in range(padded)]
        for i in range(padded)
    ]
    _cells(
        axes[2],
        [[_number(v) for v in row] for row in dxp],
        fills,
        f"∂L/∂(padded input), {padded}x{padded}: the full correlation\n"
        f"of the {spread}x{spread} with the kernel rotated by 180°",
        fontsize=8,
    )
    for i in range(padded):
        for j in range(padded):
            if i >= covered or j >= covered:
                axes[2].add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor=WINDOW, linewidth=0)
                )
    _outline(axes[2], pad, pad, n, n, colour="0.2", linewidth=2)
    _cells(
        axes[3],
        [[_number(v) for v in row] for row in dxp[pad : pad + n, pad : pad + n]],
        [[REACHED_COLOUR] * n] * n,
        f"∂L/∂x, {n}x{n}: the padding\nring dropped",
        fontsize=8,
    )
    fig.suptitle(
        f"{n}x{n} input, {f}x{f} kernel with weights 1 to {f * f}, stride {stride}, padding {pad}: "
        f"the {out}x{out} upstream gradient δ back to the input",
        fontsize=11,
    )
    legend = [
        Patch(facecolor=DELTA_COLOUR, edgecolor="0.45", label="an entry of δ"),
        Patch(facecolor=ZERO_COLOUR, edgecolor="0.45", label="inserted zero, or padding (its gradient is dropped)"),
        Patch(facecolor="white", edgecolor=WINDOW, hatch="///", label="never used by the forward pass: gradient 0"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return fig


def pooling_gradient_diagram():
    """A 4x4 input with two ties, its 2x2 windows (stride 2), the upstream gradient and where
    max pooling and average pooling send it (autograd)."""
    values = [[1.0, 3, 2, 2], [4, 2, 0, 1], [5, 6, 7, 3], [1, 6, 2, 8]]
    x = torch.tensor([[values]], requires_grad=True)
    delta = torch.tensor([[1.0, 2], [3, 4]])[None, None]
    pooled, index = F.max_pool2d(x, 2, return_indices=True)
    pooled.backward(delta)
    max_grad = x.grad[0, 0].clone()
    x.grad = None
    F.avg_pool2d(x, 2).backward(delta)
    avg_grad = x.grad[0, 0].clone()
    chosen = {divmod(int(i), 4) for i in index.flatten()}

    fig, axes = plt.subplots(1, 4, figsize=(13, 3.9), layout="constrained", gridspec_kw={"width_ratios": [4, 2, 4, 4]})
    fills = [[REACHED_COLOUR if (i, j) in chosen else DELTA_COLOUR for j in range(4)] for i in range(4)]
    _cells(axes[0], [[_number(v) for v in row] for row in values], fills, "input x: PyTorch's index\nin each window")
    for row in (0, 2):
        for col in (0, 2):
            _outline(axes[0], row, col, 2, 2, colour="0.2", linewidth=2)
    _cells(axes[1], [[_number(v) for v in row] for row in delta[0, 0]], [[DELTA_COLOUR] * 2] * 2, "δ, 2x2")
    _cells(
        axes[2],
        [[_number(v) for v in row] for row in max_grad],
        [[REACHED_COLOUR if v else ZERO_COLOUR for v in row] for row in max_grad],
        "max pool: each δ goes to\nthe index, one per window",
    )
    _cells(
        axes[3],
        [[_number(v) for v in row] for row in avg_grad],
        [[REACHED_COLOUR] * 4] * 4,
        "average pool: each δ is\nshared out, a quarter each",
    )
    for ax in (axes[2], axes[3]):
        for row in (0, 2):
            for col in (0, 2):
                _outline(ax, row, col, 2, 2, colour="0.2", linewidth=2)
    return fig


def gradient_reach(layer, n, row, col, seed=0):
    """Send the gradient of one output of `layer` (a REACH_LAYERS name) on a random n x n input
    back with autograd. Returns a dict: the output size, the output actually taken (row and col
    clamped to it), the input gradient, the weight gradient (None for a pool) and the masks of
    the input pixels and weights the gradient reaches."""
    kind, f, stride, pad = REACH_LAYERS[layer]
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 1, n, n, generator=generator, dtype=torch.float64, requires_grad=True)
    w = torch.randn(1, 1, f, f, generator=generator, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, stride=stride, padding=pad) if kind == "conv" else F.max_pool2d(x, f, stride)
    size = y.shape[-1]
    row, col = min(row, size - 1), min(col, size - 1)
    y[0, 0, row, col].backward()
    dx = x.grad[0, 0].numpy()
    dw = w.grad[0, 0].numpy() if kind == "conv" else None
    return {
        "kind": kind,
        "f": f,
        "stride": stride,
        "pad": pad if kind == "conv" else 0,
        "size": size,
        "row": row,
        "col": col,
        "x": x.detach()[0, 0].numpy(),
        "dx": dx,
        "dw": dw,
        "inputs": dx != 0,
        "weights": None if dw is None else dw != 0,
    }


def _span(mask, axis):
    """'a-b' for the rows (axis 1) or columns (axis 0) where a boolean mask has a True."""
    found = np.flatnonzero(mask.any(axis=axis))
    return f"{found[0]}-{found[-1]}"


def describe_reach(layer, n, reach):
    """What one output's gradient reaches, in words (the explorer's text)."""
    row, col, size, f = reach["row"], reach["col"], reach["size"], reach["f"]
    top, left = row * reach["stride"] - reach["pad"], col * reach["stride"] - reach["pad"]
    outside = top < 0 or left < 0 or top + f > n or left + f > n
    lines = [
        f"{layer} on a {n}x{n} input -> {size}x{size} output. Output ({row}, {col}) is computed from "
        f"input rows {top} to {top + f - 1} and columns {left} to {left + f - 1}"
        + (f" (outside 0 to {n - 1}: zero padding)." if outside else ".")
    ]
    inputs = reach["inputs"]
    if reach["kind"] == "pool":
        ((i, j),) = np.argwhere(inputs)
        lines.append(
            f"Its gradient reaches 1 input pixel: row {i}, column {j}, the largest of its window; "
            "a pool has no weights."
        )
    else:
        weights = int(reach["weights"].sum())
        missed = f * f - weights
        lines.append(
            f"Its gradient reaches {int(inputs.sum())} input pixels: rows {_span(inputs, 1)}, columns "
            f"{_span(inputs, 0)}, and {weights} of the {f * f} weights"
            + (f" (the other {missed} met zero padding)." if missed else ".")
        )
    return "\n".join(lines)


def gradient_reach_figure(layer, n, row, col):
    """(text, figure) for the explorer: the output with the chosen position, the padded input
    with the pixels its gradient reaches, and the kernel with the weights it reaches."""
    reach = gradient_reach(layer, n, row, col)
    size, f, stride, pad = reach["size"], reach["f"], reach["stride"], reach["pad"]
    row, col = reach["row"], reach["col"]
    padded = n + 2 * pad
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.9), gridspec_kw={"width_ratios": [size, padded, max(f, 3)]})
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.84, wspace=0.15)
    _cells(
        axes[0],
        [["1" if (i, j) == (row, col) else "" for j in range(size)] for i in range(size)],
        [[REACHED_COLOUR if (i, j) == (row, col) else ZERO_COLOUR for j in range(size)] for i in range(size)],
        f"δ: 1 at output ({row}, {col}),\n0 elsewhere ({size}x{size})",
    )
    labels, fills = [], []
    for i in range(padded):
        labels.append([])
        fills.append([])
        for j in range(padded):
            inside = pad <= i < pad + n and pad <= j < pad + n
            if not inside:
                labels[-1].append("")
                fills[-1].append(ZERO_COLOUR)
            elif reach["inputs"][i - pad, j - pad]:
                labels[-1].append(f"{reach['dx'][i - pad, j - pad]:.1f}")
                fills[-1].append(REACHED_COLOUR)
            else:
                labels[-1].append("")
                fills[-1].append(DELTA_COLOUR)
    what = "the weights" if reach["kind"] == "conv" else "1 at the largest"
    _cells(axes[1], labels, fills, f"∂L/∂x on the {'padded ' if pad else ''}input\n({what} where it reaches)", 9)
    _outline(axes[1], row * stride, col * stride, f, f)
    if reach["kind"] == "conv":
        _cells(
            axes[2],
            [[f"{v:.1f}" if v else "0" for v in r] for r in reach["dw"]],
            [[REACHED_COLOUR if v else ZERO_COLOUR for v in r] for r in reach["weights"]],
            f"∂L/∂w, {f}x{f}\n(the input under the window)",
            9,
        )
    else:
        axes[2].axis("off")
        axes[2].text(0.5, 0.5, "max pooling\nhas no weights", ha="center", va="center", fontsize=12)
    for ax in axes:
        ax.title.set_fontsize(12)
    return describe_reach(layer, n, reach), fig
