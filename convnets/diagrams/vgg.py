"""Diagrams for the VGG chapter: the VGG block and the VGG-16 stack, and how the receptive field
of stacked 3x3 convolutions grows. Map sizes are computed by the floor rule, not typed in."""

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from convnets.geometry import output_size, receptive_field

from . import shapes

CONV_COLOUR = "#6f9fd8"
POOL_COLOUR = "#e08a6c"
FC_COLOUR = "#9cc48a"
ARROW_COLOUR = "0.35"


def _side_channels(side, channels):
    """'HxWxC' of a square map."""
    return f"{side}×{side}×{channels}"


def _block_steps(num_convs, in_channels, out_channels, side):
    """[(label, kind, map side, channels)] after each conv+ReLU pair and the pool of one block,
    sizes by the floor rule (3x3 convolutions with padding 1 and stride 1, a 2x2 pool of stride 2)."""
    steps = []
    for _ in range(num_convs):
        side = output_size(side, 3, pad=1, stride=1)
        steps.append(("3×3 conv\npad 1, stride 1\n+ ReLU", "conv", side, out_channels))
    side = output_size(side, 2, pad=0, stride=2)
    steps.append(("2×2 max pool\nstride 2", "pool", side, out_channels))
    return steps


def _draw_block(ax, steps, in_channels, side, repeats):
    """Top panel: one VGG block layer by layer, with the map shape after each step."""
    ax.text(0.2, 0.5, f"input\n{_side_channels(side, in_channels)}", ha="center", va="center", fontsize=9)
    pos = 0.2
    for label, kind, out_side, channels in steps:
        box = pos + 0.55
        shapes.arrow(ax, (pos + 0.45, 0.5), (box, 0.5), colour=ARROW_COLOUR)
        colour = CONV_COLOUR if kind == "conv" else POOL_COLOUR
        shapes.text_box(
            ax, box + 0.65, 0.5, 1.3, 0.7, label, colour, rounding=0, pad=0, edgecolour="0.2", text_colour="black"
        )
        shapes.arrow(ax, (box + 1.3, 0.5), (box + 1.5, 0.5), colour=ARROW_COLOUR)
        pos = box + 1.9
        ax.text(pos, 0.5, _side_channels(out_side, channels), ha="center", va="center", fontsize=9)
    convs = sum(kind == "conv" for _, kind, _, _ in steps)
    first, last = 0.75, 0.75 + (convs - 1) * 2.45 + 1.3
    ax.plot([first, first, last, last], [0.9, 0.97, 0.97, 0.9], color="0.3", linewidth=1)
    ax.text((first + last) / 2, 1.04, f"conv + ReLU, repeated ({repeats} times in VGG-16)", ha="center", fontsize=9)
    ax.set_xlim(-0.3, pos + 0.6)
    ax.set_ylim(0, 1.35)
    ax.set_title("one VGG block (VGG-16's first)", fontsize=10, loc="left")
    ax.axis("off")


def _draw_stack(ax, conv_arch, in_channels, side, classifier):
    """Bottom panel: the blocks as boxes (height ~ map side, width ~ channels), then the head."""
    image_side = side
    left = 0.0
    ax.add_patch(Rectangle((left, -0.5), 0.15, 1.0, facecolor="0.8", edgecolor="0.2"))
    ax.text(left + 0.07, 0.58, f"image\n{_side_channels(side, in_channels)}", ha="center", va="bottom", fontsize=9)
    left += 0.75
    for number, (num_convs, channels) in enumerate(conv_arch, start=1):
        side_before = side
        *_, (_, _, side, _) = _block_steps(num_convs, in_channels, channels, side)
        in_channels = channels
        height = (side_before / image_side) ** 0.5
        width = 0.25 * (channels / 64) ** 0.5
        ax.add_patch(Rectangle((left, -height / 2), width, height, facecolor=CONV_COLOUR, edgecolor="0.2"))
        ax.add_patch(Rectangle((left + width, -height / 2), 0.07, height, facecolor=POOL_COLOUR, edgecolor="0.2"))
        centre = left + width / 2
        ax.text(
            centre, 0.58, f"block {number}\n{num_convs} × conv\n{channels} ch", ha="center", va="bottom", fontsize=9
        )
        ax.text(centre, -0.62, f"{side_before}²\n→ {side}²", ha="center", va="top", fontsize=9)
        left += width + 0.6
    ax.text(
        left - 0.2,
        0.0,
        f"{_side_channels(side, in_channels)}\n→ " + " → ".join(f"fc {units}" for units in classifier),
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


def vgg_stack_diagram(conv_arch, image_size=224, in_channels=3, classifier=(4096, 4096, 1000)):
    """The first VGG block layer by layer (top) and the whole stack with channels and map sizes,
    from conv_arch, a list of (number of 3x3 convolutions, output channels) per block."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), height_ratios=[1, 1.45])
    repeats = ", ".join(str(num_convs) for num_convs, _ in conv_arch)
    first_convs, first_channels = conv_arch[0]
    steps = _block_steps(first_convs, in_channels, first_channels, image_size)
    _draw_block(top, steps, in_channels, image_size, repeats)
    _draw_stack(bottom, conv_arch, in_channels, image_size, classifier)
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
