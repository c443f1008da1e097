"""Diagrams for the VGG chapter: the VGG block and the VGG-16 stack, and how the receptive field
of stacked 3x3 convolutions grows. Shapes are read from real layers, not typed in."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle
from torch import nn
from torch.func import functional_call

from convnets.geometry import receptive_field

from . import shapes

CONV_COLOUR = "#6f9fd8"
POOL_COLOUR = "#e08a6c"
FC_COLOUR = "#9cc48a"
ARROW_COLOUR = "0.35"


def _meta_forward(layer, x):
    """Output of layer on x using meta tensors: shapes only, no arithmetic, layer untouched."""
    weights = {name: value.to("meta") for name, value in layer.state_dict().items()}
    return functional_call(layer, weights, (x,))


def _side_channels(x):
    """'HxWxC' for a (1, C, H, W) tensor."""
    _, channels, height, width = x.shape
    return f"{height}×{width}×{channels}"


def _block_trace(first_block, x):
    """[(label, kind, output tensor)] for each conv+ReLU pair and the pool of one VGG block."""
    steps = []
    for layer in first_block:
        x = _meta_forward(layer, x)
        if isinstance(layer, nn.Conv2d):
            k, p, s = layer.kernel_size[0], layer.padding[0], layer.stride[0]
            steps.append((f"{k}×{k} conv\npad {p}, stride {s}\n+ ReLU", "conv", x))
        elif isinstance(layer, nn.MaxPool2d):
            k, s = layer.kernel_size, layer.stride
            steps.append((f"{k}×{k} max pool\nstride {s}", "pool", x))
    return steps


def _draw_block(ax, first_block, x, repeats):
    """Top panel: one VGG block layer by layer, with the map shape after each step."""
    steps = _block_trace(first_block, x)
    ax.text(0.2, 0.5, f"input\n{_side_channels(x)}", ha="center", va="center", fontsize=9)
    pos = 0.2
    for label, kind, out in steps:
        box = pos + 0.55
        shapes.arrow(ax, (pos + 0.45, 0.5), (box, 0.5), colour=ARROW_COLOUR)
        colour = CONV_COLOUR if kind == "conv" else POOL_COLOUR
        shapes.text_box(
            ax, box + 0.65, 0.5, 1.3, 0.7, label, colour, rounding=0, pad=0, edgecolour="0.2", text_colour="black"
        )
        shapes.arrow(ax, (box + 1.3, 0.5), (box + 1.5, 0.5), colour=ARROW_COLOUR)
        pos = box + 1.9
        ax.text(pos, 0.5, _side_channels(out), ha="center", va="center", fontsize=9)
    convs = sum(kind == "conv" for _, kind, _ in steps)
    first, last = 0.75, 0.75 + (convs - 1) * 2.45 + 1.3
    ax.plot([first, first, last, last], [0.9, 0.97, 0.97, 0.9], color="0.3", linewidth=1)
    ax.text((first + last) / 2, 1.04, f"conv + ReLU, repeated ({repeats} times in VGG-16)", ha="center", fontsize=9)
    ax.set_xlim(-0.3, pos + 0.6)
    ax.set_ylim(0, 1.35)
    ax.set_title("one VGG block (VGG-16's first)", fontsize=10, loc="left")
    ax.axis("off")


def _draw_stack(ax, model, x):
    """Bottom panel: the blocks as boxes (height ~ map side, width ~ channels), then the head."""
    image_side = x.shape[-1]
    left = 0.0
    ax.add_patch(Rectangle((left, -0.5), 0.15, 1.0, facecolor="0.8", edgecolor="0.2"))
    ax.text(left + 0.07, 0.58, f"image\n{_side_channels(x)}", ha="center", va="bottom", fontsize=9)
    left += 0.75
    number = 0
    for layer in model:
        if isinstance(layer, nn.Flatten):
            break  # x is now the classifier's input
        is_block = isinstance(layer, nn.Sequential)
        side_before = x.shape[-1]
        x = _meta_forward(layer, x)
        if not is_block:
            continue
        number += 1
        convs = [m for m in layer if isinstance(m, nn.Conv2d)]
        channels = convs[-1].out_channels
        height = (side_before / image_side) ** 0.5
        width = 0.25 * (channels / 64) ** 0.5
        ax.add_patch(Rectangle((left, -height / 2), width, height, facecolor=CONV_COLOUR, edgecolor="0.2"))
        ax.add_patch(Rectangle((left + width, -height / 2), 0.07, height, facecolor=POOL_COLOUR, edgecolor="0.2"))
        centre = left + width / 2
        ax.text(
            centre, 0.58, f"block {number}\n{len(convs)} × conv\n{channels} ch", ha="center", va="bottom", fontsize=9
        )
        ax.text(centre, -0.62, f"{side_before}²\n→ {x.shape[-1]}²", ha="center", va="top", fontsize=9)
        left += width + 0.6
    linears = [m for m in model if isinstance(m, nn.Linear)]
    ax.text(
        left - 0.2,
        0.0,
        f"{_side_channels(x)}\n→ " + " → ".join(f"fc {m.out_features}" for m in linears),
        ha="left",
        va="center",
        fontsize=9,
        bbox=dict(boxstyle="round", facecolor=FC_COLOUR, edgecolor="0.2"),
    )
    ax.set_xlim(-0.1, left + 2.6)
    ax.set_ylim(-1.15, 1.15)
    ax.set_title(
        "VGG-16: five blocks (blue: 3×3 convs + ReLU, red: 2×2 pool), then the classifier", fontsize=10, loc="left"
    )
    ax.axis("off")


def vgg_stack_diagram(model, image_size=224):
    """The VGG block layer by layer (top) and the five-block stack with channels and map sizes."""
    blocks = [layer for layer in model if isinstance(layer, nn.Sequential)]
    x = torch.zeros(1, blocks[0][0].in_channels, image_size, image_size, device="meta")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), height_ratios=[1, 1.45])
    repeats = ", ".join(str(sum(isinstance(m, nn.Conv2d) for m in block)) for block in blocks)
    _draw_block(top, blocks[0], x, repeats)
    _draw_stack(bottom, model, x)
    fig.tight_layout()
    return fig


def receptive_field_diagram(num_layers=3):
    """Stacked 3x3 layers: a side view of one output's cone, and its 3x3, 5x5, 7x7 input windows."""
    size = receptive_field(num_layers) + 2
    centre = size // 2
    fig, (side, top) = plt.subplots(1, 2, figsize=(9, 3.8), width_ratios=[1.35, 1])
    colours = plt.cm.viridis([0.85, 0.55, 0.25])
    for row in range(num_layers + 1):
        reach = num_layers - row  # pixels each side of the centre that still matter at this row
        for col in range(size):
            seen = abs(col - centre) <= reach
            face = colours[reach - 1] if seen and reach > 0 else ("#f2c14e" if seen else "white")
            side.add_patch(
                Rectangle(
                    (col, row * 1.6), 1, 1, facecolor=face, edgecolor="0.4", alpha=0.75 if seen and reach > 0 else 1.0
                )
            )
            if seen and row > 0:
                for below in (col - 1, col, col + 1):
                    side.plot([col + 0.5, below + 0.5], [row * 1.6, row * 1.6 - 0.6], color="0.45", linewidth=0.8)
        name = "input" if row == 0 else f"after layer {row}"
        side.text(size + 0.3, row * 1.6 + 0.5, f"{name}: {2 * reach + 1} px", va="center", fontsize=9)
    side.set_xlim(-0.2, size + 4.2)
    side.set_ylim(-0.3, num_layers * 1.6 + 1.3)
    side.set_aspect("equal")
    side.axis("off")
    side.set_title("side view: what one output of layer 3 depends on", fontsize=10)

    top.set_xlim(-0.5, size - 0.5)
    top.set_ylim(size - 0.5, -0.5)
    shapes.cell_grid_lines(top, size, size, colour="0.75")
    for layers in range(num_layers, 0, -1):
        field = receptive_field(layers)
        corner = centre - field // 2 - 0.5
        top.add_patch(
            Rectangle(
                (corner, corner),
                field,
                field,
                facecolor=colours[layers - 1],
                alpha=0.75,
                edgecolor="0.2",
                label=f"{layers} layer{'s' if layers > 1 else ''}: {field}×{field}",
            )
        )
    top.add_patch(
        Rectangle((centre - 0.5, centre - 0.5), 1, 1, facecolor="#f2c14e", edgecolor="0.2", label="the output pixel")
    )
    top.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9, frameon=False)
    top.set_xticks([])
    top.set_yticks([])
    top.set_aspect("equal")
    top.set_title("input window seen, from above", fontsize=10)
    fig.tight_layout()
    return fig
