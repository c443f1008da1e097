"""Diagrams for the LeNet-5 chapter: the layer stack, with shapes measured from the model."""

import re

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import shapes

STAGE_NAMES = ("C1", "S2", "C3", "S4", "C5", "F6", "output")
COLOURS = {"conv": "#8fb8de", "pool": "#9fd39f", "dense": "#f2b880", "input": "#d0d0d0"}
STAGE_LAYERS = (nn.Conv2d, nn.Linear, nn.AvgPool2d, nn.MaxPool2d)


def words(layer):
    """A layer's class name in lower-case words: ScaledTanh -> "scaled tanh", ReLU -> "relu"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", layer.__class__.__name__).lower()


def starts_stage(layer):
    """Convolution, linear and pooling layers start a stage, and so does any other layer with a
    kernel_size (a pooling of the model's own, such as LeNet-5's trainable subsampling)."""
    return isinstance(layer, STAGE_LAYERS) or hasattr(layer, "kernel_size")


def describe_layer(layer):
    """A short description of a layer that starts a stage, and its kind for the colour."""
    if isinstance(layer, nn.Conv2d):
        k = layer.kernel_size[0]
        return f"{k}x{k} conv\n{layer.out_channels} filters", "conv"
    if isinstance(layer, nn.Linear):
        return f"linear\n{layer.out_features} units", "dense"
    if starts_stage(layer):
        size = layer.kernel_size
        size = size if isinstance(size, int) else size[0]
        if isinstance(layer, (nn.AvgPool2d, nn.MaxPool2d)):
            kind = "average" if isinstance(layer, nn.AvgPool2d) else "max"
            return f"{size}x{size} {kind}\npooling", "pool"
        trainable = " trainable" if any(True for _ in layer.parameters()) else ""
        return f"{size}x{size}{trainable}\n{words(layer)}", "pool"
    raise ValueError(f"no stage starts with {layer.__class__.__name__}")


def lenet_stages(model, input_shape=(1, 1, 32, 32)):
    """Group a Sequential into stages (a conv, pool or linear layer plus the activations after
    it) and run a zero tensor through: a list of (description, kind, output shape, parameters).
    A Flatten changes no stage's shape: a stage's shape is what its own layers give out."""
    stages = []
    x = torch.zeros(input_shape)
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            params = sum(p.numel() for p in layer.parameters())
            if starts_stage(layer):
                description, kind = describe_layer(layer)
                stages.append([description, kind, tuple(x.shape[1:]), params])
            elif stages and not isinstance(layer, nn.Flatten):
                stages[-1][0] += f"\n+ {words(layer)}"
                stages[-1][2] = tuple(x.shape[1:])
                stages[-1][3] += params
    return [tuple(stage) for stage in stages]


def draw_box(ax, x, width, name, description, colour, shape, params):
    """One stage: a rounded box at x with its name, what it does and its output shape, and
    its parameter count underneath (none for the input)."""
    centre = x + width / 2
    shapes.text_box(ax, centre, 0.56, width, 0.72, colour=colour, rounding=0.04)
    ax.text(centre, 0.86, name, ha="center", va="top", fontsize=11, fontweight="bold", color="#111111")
    ax.text(centre, 0.73, description, ha="center", va="top", fontsize=9, color="#111111", linespacing=1.3)
    ax.text(centre, 0.3, " x ".join(str(size) for size in shape), ha="center", va="center", fontsize=9, color="#111111")
    if params is not None:
        ax.text(centre, 0.1, f"{params:,} params", ha="center", va="center", fontsize=9, color="#111111")


def lenet_stack_diagram(model, input_shape=(1, 1, 32, 32), names=STAGE_NAMES):
    """LeNet-5's stages as boxes, left to right, each with its output shape and parameters."""
    stages = lenet_stages(model, input_shape)
    width, gap = 1.0, 0.2
    fig, ax = plt.subplots(figsize=(10, 2.7))
    boxes = [("input", "grey image", "input", tuple(input_shape[1:]), None)]
    boxes += [(name, *stage) for name, stage in zip(names, stages)]
    for i, (name, description, kind, shape, params) in enumerate(boxes):
        x = i * (width + gap)
        draw_box(ax, x, width, name, description, COLOURS[kind], shape, params)
        if i:
            shapes.arrow(ax, (x - gap + 0.02, 0.56), (x - 0.02, 0.56))
    total = sum(stage[3] for stage in stages)
    ax.set_title(
        f"LeNet-5: each stage's output shape (channels x height x width, or units) and parameters; {total:,} in all",
        fontsize=10,
    )
    ax.set_xlim(-0.1, len(boxes) * (width + gap) - gap + 0.1)
    ax.set_ylim(0, 0.96)
    ax.axis("off")
    fig.tight_layout()
    return fig
