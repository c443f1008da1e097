"""Diagrams for the AlexNet chapter: the paper's network split across two GPUs."""

import matplotlib.pyplot as plt

from ..geometry import output_size
from . import shapes

GPU_COLOURS = ("#8fb8de", "#f2b67c")  # GPU 1, GPU 2: medium blue and orange fills
EXCHANGE_COLOUR = "#c0392b"


def two_gpu_layers(size=227):
    """The paper's layers, per GPU, as dicts; sizes follow PyTorch's floor rule from `size`."""
    # name, filters (or units) per GPU, kernel, stride, padding, max pool after, sees both GPUs
    specs = [
        ("conv1", 48, 11, 4, 0, True, False),
        ("conv2", 128, 5, 1, 2, True, False),
        ("conv3", 192, 3, 1, 1, False, True),
        ("conv4", 192, 3, 1, 1, False, False),
        ("conv5", 128, 3, 1, 1, True, False),
        ("fc6", 2048, None, None, None, False, True),
        ("fc7", 2048, None, None, None, False, True),
    ]
    layers, depth = [], 3  # the input's 3 colour channels reach both GPUs
    for name, width, kernel, stride, pad, pooled, exchange in specs:
        inputs = 2 * depth if exchange else depth
        if kernel is None:  # fully connected: flattens whatever arrives
            inputs = inputs * size * size
            size = 1
        else:
            size = output_size(size, kernel, pad, stride)
        layer = dict(
            name=name,
            width=width,
            kernel=kernel,
            stride=stride,
            inputs=inputs,
            size=size,
            exchange=exchange,
            pooled_size=None,
        )
        if pooled:
            size = output_size(size, 3, 0, 2)  # overlapping max pool, 3x3 windows, stride 2
            layer["pooled_size"] = size
        layers.append(layer)
        depth = width
    return layers, 2 * depth


def layer_label(layer):
    """The text of one GPU's box: what the layer computes on that GPU, and its output."""
    if layer["kernel"] is None:
        return f"{layer['name']}: {layer['width']:,} units, {layer['inputs']:,} inputs each"
    k, s = layer["kernel"], layer["size"]
    text = f"{layer['name']}: {layer['width']} filters {k}x{k}x{layer['inputs']}"
    if layer["stride"] > 1:
        text += f", stride {layer['stride']}"
    text += f"\n→ {s}x{s}x{layer['width']}"
    if layer["pooled_size"]:
        p = layer["pooled_size"]
        text += f", max pool → {p}x{p}x{layer['width']}"
    return text


def box(ax, x, y, width, height, text, colour):
    """A rounded box centred on (x, y) with its text, in this chapter's style."""
    shapes.text_box(
        ax, x, y, width, height, text, colour, rounding=0.08, pad=0.02, edgecolour="0.25", text_colour="black"
    )


def arrow(ax, start, end, colour="0.3", width=1.2):
    """An arrow from start to end, (x, y) points, its ends touching them."""
    shapes.arrow(ax, start, end, colour=colour, linewidth=width, shrink=0)


def two_gpu_diagram(size=227):
    """AlexNet as the paper ran it: two columns (GPU 1, GPU 2), cross arrows where they exchange."""
    layers, classes_inputs = two_gpu_layers(size)
    columns, box_w, box_h, step = (-2.1, 2.1), 3.9, 0.62, 1.0
    rows, label_x = len(layers) + 2, 4.95
    fig, ax = plt.subplots(figsize=(8.8, 0.85 * rows + 0.9))
    ax.set_xlim(-4.2, 5.7)
    ax.set_ylim(-(rows - 1) * step - 0.95, 1.0)
    ax.axis("off")
    for x, gpu in zip(columns, ("GPU 1", "GPU 2")):
        ax.text(x, 0.72, gpu, ha="center", va="center", fontsize=11, fontweight="bold")

    box(ax, 0, 0, 2 * box_w + 0.3, box_h * 0.75, f"input image {size}x{size}x3 (both GPUs read all of it)", "0.9")
    previous = [(0, -box_h * 0.375)] * 2
    for row, layer in enumerate(layers, start=1):
        y = -row * step
        for gpu, (x, colour) in enumerate(zip(columns, GPU_COLOURS)):
            box(ax, x, y, box_w, box_h, layer_label(layer), colour)
            top = (x, y + box_h / 2)
            arrow(ax, (previous[gpu][0], previous[gpu][1]), top)
            if layer["exchange"]:
                other = previous[1 - gpu]
                arrow(ax, other, top, EXCHANGE_COLOUR, 1.6)
        if layer["exchange"]:
            ax.text(
                label_x,
                y,
                "exchange:\nreads both\nGPUs' outputs",
                ha="center",
                va="center",
                fontsize=9,
                color=EXCHANGE_COLOUR,
                fontweight="bold",
            )
        previous = [(x, y - box_h / 2) for x in columns]

    y = -(rows - 1) * step
    box(
        ax,
        0,
        y,
        2 * box_w + 0.3,
        box_h * 0.75,
        f"fc8: 1000 class scores from all {classes_inputs:,} fc7 units, then softmax",
        "0.9",
    )
    for x, _ in previous:
        arrow(ax, (x, previous[0][1]), (x * 0.5, y + box_h * 0.375), EXCHANGE_COLOUR, 1.6)
    ax.text(
        label_x,
        y,
        "reads both\nGPUs' outputs",
        ha="center",
        va="center",
        fontsize=9,
        color=EXCHANGE_COLOUR,
        fontweight="bold",
    )
    ax.text(
        0,
        y - 0.7,
        "grey arrows: data stays on its own GPU; red arrows: data crosses between the two GPUs",
        ha="center",
        va="center",
        fontsize=9,
        color="0.2",
    )
    fig.tight_layout()
    return fig
