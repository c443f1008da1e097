"""Diagrams for the chapter "Batch normalisation": which numbers of a batch share one mean and
one variance, and (for the chapter's explorer) how the running statistics that evaluation mode
uses follow the batches. Every running statistic drawn is read off `nn.BatchNorm2d` itself."""

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import shapes

CHANNEL_COLOURS = ["#d9d9d9", "#f2b36b", "#d9d9d9"]  # the highlighted channel in orange
FORMULA_COLOUR = "#a9c8e8"
LEARNED_COLOUR = "#b7dfb0"
TEXT_COLOUR = "#111111"

# The explorer's data: batches of one channel drawn from a fixed distribution.
TRUE_MEAN, TRUE_STD = 2.0, 3.0
BATCH_SHAPE = (4, 1, 4, 4)  # 64 values per batch and channel


def statistics_diagram(batch=4, channels=3, side=4, channel=1):
    """A batch of `batch` images with `channels` maps of side x side each, one column per image;
    the maps of `channel` in every image are highlighted: they share one mean and one variance,
    which normalise them before the channel's learned scale and shift."""
    fig, ax = plt.subplots(figsize=(11.5, 3.3))
    cell, gap = 0.32, 0.45
    block = side * cell
    for n in range(batch):
        x0 = n * (block + gap)
        ax.text(x0 + block / 2, 0.35, f"image {n + 1}", ha="center", fontsize=9, color=TEXT_COLOUR)
        for c in range(channels):
            y0 = -c * (block + gap)
            shapes.cell_grid(
                ax, x0, y0, side, side, cell, CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)] if c == channel else "#eeeeee"
            )
    for c in range(channels):
        ax.text(
            -0.3,
            -c * (block + gap) - block / 2,
            f"channel {c + 1}",
            ha="right",
            va="center",
            fontsize=9,
            color=TEXT_COLOUR,
            fontweight="bold" if c == channel else "normal",
        )
    right = batch * (block + gap)
    middle = -channel * (block + gap) - block / 2
    count = batch * side * side
    k = channel + 1
    boxes = [
        (
            f"one mean $\\mu_{k}$, one variance $\\sigma_{k}^2$\nover N·H·W = {batch}·{side}·{side} = {count} values",
            CHANNEL_COLOURS[1],
        ),
        (f"normalise:\n$\\hat{{x}} = (x - \\mu_{k})\\, /\\, \\sqrt{{\\sigma_{k}^2 + \\epsilon}}$", FORMULA_COLOUR),
        (f"scale and shift (learned):\n$y = \\gamma_{k}\\, \\hat{{x}} + \\beta_{k}$", LEARNED_COLOUR),
    ]
    width, step = 5.0, 5.6
    x = right + 0.5 + width / 2
    for index, (text, colour) in enumerate(boxes):
        shapes.text_box(
            ax, x + index * step, middle, width, 1.25, text, colour, rounding=0.1, fontsize=8.5, linespacing=1.5
        )
        start = (right - gap / 2 + 0.05, middle) if index == 0 else (x + (index - 1) * step + width / 2 + 0.05, middle)
        shapes.arrow(ax, start, (x + index * step - width / 2 - 0.05, middle), linewidth=1.2)
    ax.text(
        x + step,
        middle - 1.25,
        "the other channels: their own $\\mu$, $\\sigma^2$, $\\gamma$, $\\beta$",
        ha="center",
        fontsize=9,
        color="#555555",
        style="italic",
    )
    ax.set_xlim(-1.9, x + 2 * step + width / 2 + 0.1)
    ax.set_ylim(-channels * (block + gap) + gap - 0.2, 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def sample_batches(steps, seed=0):
    """`steps` batches of shape BATCH_SHAPE from N(TRUE_MEAN, TRUE_STD^2), the same first ones
    whatever `steps` is."""
    generator = torch.Generator().manual_seed(seed)
    return [TRUE_MEAN + TRUE_STD * torch.randn(BATCH_SHAPE, generator=generator) for _ in range(steps)]


def running_statistics(momentum, steps):
    """Feed `steps` batches to a fresh nn.BatchNorm2d(1, momentum) in training mode; returns
    {"running_mean", "running_var": the module's buffers after each step, starting values first;
    "batch_mean", "batch_var": each batch's mean and unbiased variance}."""
    norm = nn.BatchNorm2d(1, momentum=momentum)
    found = {
        "running_mean": [norm.running_mean.item()],
        "running_var": [norm.running_var.item()],
        "batch_mean": [],
        "batch_var": [],
    }
    with torch.no_grad():
        for batch in sample_batches(steps):
            norm(batch)  # training mode: updates the running statistics
            found["running_mean"].append(norm.running_mean.item())
            found["running_var"].append(norm.running_var.item())
            found["batch_mean"].append(batch.mean().item())
            found["batch_var"].append(batch.var().item())  # unbiased, as the running variance uses
    return found


def running_statistics_figure(momentum, steps):
    """(text, figure): the batches' means and variances and the module's running estimates."""
    found = running_statistics(momentum, steps)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    for ax, key, truth, name in ((axes[0], "mean", TRUE_MEAN, "mean"), (axes[1], "var", TRUE_STD**2, "variance")):
        ax.plot(range(1, steps + 1), found[f"batch_{key}"], "o", color="0.6", markersize=3, label=f"batch {name}")
        ax.plot(range(steps + 1), found[f"running_{key}"], color="tab:orange", linewidth=2, label=f"running {name}")
        ax.axhline(truth, color="tab:blue", linestyle="--", linewidth=1, label=f"the data's {name}")
        ax.set_xlabel("training step")
        ax.set_title(f"{name}: momentum {momentum}", fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
    axes[0].set_ylim(-0.5, 4.5)
    axes[1].set_ylim(0, 20)
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.17, top=0.9, wspace=0.15)  # cheaper than tight_layout
    text = (
        f"momentum {momentum}, after {steps} steps: running mean {found['running_mean'][-1]:.3f}, running variance "
        f"{found['running_var'][-1]:.3f} (the data's: {TRUE_MEAN:g} and {TRUE_STD**2:g}); the starting values "
        f"0 and 1 still weigh (1 - {momentum})^{steps} = {(1 - momentum) ** steps:.3g}; the last batch: mean "
        f"{found['batch_mean'][-1]:.3f}, unbiased variance {found['batch_var'][-1]:.3f}"
    )
    return text, fig
