"""The chapters' interactive controls, kept here so each chapter shows one line of setup.

Each explorer is a view function (control values -> text and a figure) and one declaration of
its controls, from which `explorer` makes both the live ipywidget (Jupyter) and the pre-computed
frames with HTML controls for the website, where no kernel runs (static_frames.py).
"""

from dataclasses import dataclass, field
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, display
from matplotlib.patches import Rectangle

from .correlate import corr2d
from .diagrams.backprop import REACH_LAYERS, gradient_reach_figure
from .diagrams.batchnorm import running_statistics_figure
from .geometry import conv_cost, output_size, receptive_field
from .i18n import translate
from .kernels import KERNELS
from .plotting import draw_matrix, draw_sliding_window
from .static_frames import static_explorer


@dataclass
class Slider:
    """An integer control: the live slider runs from low to high; the website offers `shown`
    (empty: the website keeps it at `value`)."""

    name: str  # the view function's argument
    label: str  # what the reader sees
    value: int  # the one shown first
    low: int
    high: int
    step: int = 1
    shown: list = field(default_factory=list)

    def widget(self):
        return widgets.IntSlider(
            value=self.value, min=self.low, max=self.high, step=self.step, description=translate(self.label)
        )


@dataclass
class Menu:
    """A choice among options, offered both live and on the website."""

    name: str
    label: str
    options: list
    value: object

    @property
    def shown(self):
        return self.options

    def widget(self):
        return widgets.Dropdown(options=self.options, value=self.value, description=translate(self.label))


class Explorer:
    """A live ipywidget (Jupyter) and its pre-computed counterpart (the website), displayed together."""

    def __init__(self, widget, static_html):
        self.widget, self.static_html = widget, static_html

    def _ipython_display_(self):
        display(self.widget)
        display(HTML(self.static_html))


def live(view):
    """An ipywidgets callback that prints and plots what view(**values) returns."""

    def show(**values):
        text, fig = view(**values)
        if text:
            print(text)
        if fig is not None:
            plt.show()

    return show


def explorer(view, controls, alt, columns=1):
    """The live widget and the static frames of view(**values), from one list of controls; `alt`
    describes the figure for screen readers; the live controls are laid out in `columns`."""
    live_controls = {control.name: control.widget() for control in controls}
    boxes = list(live_controls.values())
    per_column = -(-len(boxes) // columns)
    layout = (
        widgets.HBox([widgets.VBox(boxes[i : i + per_column]) for i in range(0, len(boxes), per_column)])
        if columns > 1
        else widgets.VBox(boxes)
    )
    fixed = {control.name: control.value for control in controls if not control.shown}
    static = static_explorer(partial(view, **fixed), [control for control in controls if control.shown], alt)
    return Explorer(widgets.VBox([layout, widgets.interactive_output(live(view), live_controls)]), static)


def kernel_explorer(image):
    """Choose a kernel from a dropdown and see the kernel and the feature map it makes of image."""

    def view(name):
        fig, (ax_kernel, ax_input, ax_map) = plt.subplots(1, 3, figsize=(9, 3.2))
        draw_matrix(ax_kernel, KERNELS[name], title=f"{name}", fmt="{:.2g}")
        ax_input.imshow(image, cmap="gray")
        ax_input.set_title("input")
        ax_map.imshow(corr2d(image, KERNELS[name]), cmap="gray")
        ax_map.set_title("feature map")
        for ax in (ax_input, ax_map):
            ax.axis("off")
        fig.tight_layout()
        return "", fig

    return explorer(
        view,
        [Menu("name", "kernel", list(KERNELS), "vertical edges (Sobel)")],
        "the kernel, the input image and the feature map",
    )


def geometry_explorer(n=7, f=3, pad=0, stride=2):
    """Sliders for N, F, P, S and the window position: the window, the output and the size formula."""

    def view(n, f, pad, stride, step=0):
        span = n - f + 2 * pad
        formula = f"(N - F + 2P)/S + 1 = ({n} - {f} + 2·{pad})/{stride} + 1"
        try:
            size = output_size(n, f, pad, stride)
        except ValueError as error:
            return f"{formula} = {span / stride + 1:g}: does not fit. {error}", None
        fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(8, 4))
        draw_sliding_window(ax_in, ax_out, n, f, pad, stride, min(step, size * size - 1))
        fig.tight_layout()
        return f"{formula} = {size}   ->  output {size}x{size}, {size * size} window positions", fig

    return explorer(
        view,
        [
            Slider("n", "input N", n, 3, 12, shown=[5, 6, 7, 8, 9]),
            Slider("f", "filter F", f, 1, 7, shown=[1, 2, 3, 5]),
            Slider("pad", "padding P", pad, 0, 3, shown=[0, 1, 2]),
            Slider("stride", "stride S", stride, 1, 4, shown=[1, 2, 3]),
            Slider("step", "window #", 0, 0, 80),
        ],
        "the padded input with the first window, and the output",
        columns=2,
    )


def digit_explorer(model, images, labels, device):
    """Pick a test image by index: the image, its label and the model's class probabilities."""

    def view(index):
        model.eval()
        with torch.no_grad():
            probabilities = torch.softmax(model(images[index : index + 1].to(device)), dim=1)[0].cpu()
        fig, (ax_image, ax_bars) = plt.subplots(1, 2, figsize=(8, 2.8), gridspec_kw={"width_ratios": [1, 2.2]})
        ax_image.imshow(images[index, 0], cmap="gray_r")
        ax_image.set_title(f"label {labels[index].item()}")
        ax_image.axis("off")
        ax_bars.bar(range(len(probabilities)), probabilities, color="tab:blue")
        ax_bars.set_xticks(range(len(probabilities)))
        ax_bars.set_ylim(0, 1)
        ax_bars.set_title(f"predicted {probabilities.argmax().item()} ({probabilities.max():.0%})")
        fig.tight_layout()
        return "", fig

    return explorer(
        view,
        [Slider("index", "test image", 0, 0, len(images) - 1, shown=list(range(min(len(images), 30))))],
        "the test image and the network's class probabilities",
    )


ACTIVATIONS = {"ReLU": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def activation_explorer():
    """Choose an activation: the function and its derivative, where a saturating one stops learning."""

    def view(name):
        x = torch.linspace(-6, 6, 401, requires_grad=True)
        y = ACTIVATIONS[name](x)
        y.sum().backward()
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(x.detach(), y.detach(), label=f"{name}(x)")
        ax.plot(x.detach(), x.grad, label="derivative", linestyle="--")
        ax.axhline(0, color="0.7", linewidth=0.8)
        ax.set_ylim(-1.2, 2)
        ax.legend()
        ax.set_title(f"{name}: derivative at x=4 is {x.grad[333]:.3f}")
        fig.tight_layout()
        return "", fig

    return explorer(
        view, [Menu("name", "activation", list(ACTIVATIONS), "tanh")], "the activation function and its derivative"
    )


def receptive_field_explorer(channels=256):
    """Stack depth of 3x3 convolutions: the receptive field and parameters against one big kernel."""

    def view(depth):
        field = receptive_field(depth, 3)
        stacked = depth * 3 * 3 * channels**2
        single = field * field * channels**2
        text = (
            f"{depth} stacked 3x3 layers see {field}x{field} pixels: {stacked:,} weights "
            f"({depth} x 9C^2) against {single:,} ({field * field}C^2) for one {field}x{field} layer, "
            f"C={channels}; {depth} non-linearities instead of 1"
        )
        fig, ax = plt.subplots(figsize=(7, 2.6))
        for layer in range(depth + 1):
            half = layer  # each 3x3 layer adds one pixel on each side
            ax.add_patch(
                Rectangle((-half - 0.5, layer - 0.4), 2 * half + 1, 0.8, facecolor=plt.cm.viridis(layer / 6), alpha=0.8)
            )
            ax.text(half + 0.8, layer, f"{2 * half + 1} px", va="center", fontsize=9)
        ax.set_xlim(-7.5, 9)
        ax.set_ylim(-0.6, 6.6)
        ax.set_yticks(range(depth + 1))
        ax.set_yticklabels(["output"] + [f"{i} layer{'s' if i > 1 else ''} back" for i in range(1, depth + 1)])
        ax.set_xticks([])
        ax.set_title("pixels that influence one output, layer by layer")
        fig.tight_layout()
        return text, fig

    return explorer(
        view,
        [Slider("depth", "3x3 layers", 2, 1, 6, shown=[1, 2, 3, 4, 5, 6])],
        "the pixels that influence one output, layer by layer",
    )


def bottleneck_explorer(height=28, width=28):
    """Channels in, reduced and out: a direct k x k convolution against 1x1 reduction then k x k."""

    def view(c_in, c_mid, c_out, k):
        direct = conv_cost(c_in, c_out, k, height, width)
        reduce = conv_cost(c_in, c_mid, 1, height, width)
        expand = conv_cost(c_mid, c_out, k, height, width)
        bottleneck = (reduce[0] + expand[0], reduce[1] + expand[1])
        fig, axes = plt.subplots(1, 2, figsize=(8, 2.8))
        for ax, index, title in ((axes[0], 0, "parameters"), (axes[1], 1, f"multiplications ({height}x{width} map)")):
            values = [direct[index], bottleneck[index]]
            ax.bar([f"{k}x{k} direct", f"1x1 to {c_mid}, then {k}x{k}"], values, color=["tab:red", "tab:green"])
            ax.set_title(f"{title}: {values[1] / values[0]:.0%} of direct")
            ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
        fig.tight_layout()
        return (
            f"direct: {direct[0]:,} parameters, {direct[1]:,} mults; "
            f"bottleneck: {bottleneck[0]:,} parameters, {bottleneck[1]:,} mults"
        ), fig

    return explorer(
        view,
        [
            Slider("c_in", "channels in", 256, 16, 512, 16, shown=[128, 256, 512]),
            Slider("c_mid", "reduced to", 64, 8, 512, 8, shown=[16, 32, 64, 128]),
            Slider("c_out", "channels out", 256, 16, 512, 16, shown=[128, 256, 512]),
            Slider("k", "kernel", 3, 1, 7, 2, shown=[3, 5]),
        ],
        "parameters and multiplications, direct against bottleneck",
        columns=2,
    )


def inception_cost_explorer(in_channels=192, size=28, c1=64, c2=(96, 128), c3=(16, 32), c4=32):
    """Sliders for the two 1x1 reductions of an Inception module: its cost against the naive module."""

    def costs(r3, r5):
        parts = [
            conv_cost(in_channels, c1, 1, size, size),
            conv_cost(in_channels, r3, 1, size, size),
            conv_cost(r3, c2[1], 3, size, size),
            conv_cost(in_channels, r5, 1, size, size),
            conv_cost(r5, c3[1], 5, size, size),
            conv_cost(in_channels, c4, 1, size, size),
        ]
        return sum(p for p, _ in parts), sum(m for _, m in parts)

    naive_parts = [
        conv_cost(in_channels, c1, 1, size, size),
        conv_cost(in_channels, c2[1], 3, size, size),
        conv_cost(in_channels, c3[1], 5, size, size),
    ]
    naive = (sum(p for p, _ in naive_parts), sum(m for _, m in naive_parts))

    def view(r3, r5):
        params, mults = costs(r3, r5)
        text = (
            f"with reductions to {r3} and {r5}: {params:,} parameters, {mults:,} multiplications; "
            f"naive module (no reductions): {naive[0]:,} and {naive[1]:,}"
        )
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.barh(["naive", "with 1x1 reductions"], [naive[1], mults], color=["tab:red", "tab:green"])
        ax.set_xlabel(f"multiplications per image ({size}x{size}x{in_channels} input)")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
        fig.tight_layout()
        return text, fig

    return explorer(
        view,
        [
            Slider("r3", "3x3 reduce", c2[0], 8, in_channels, 8, shown=[16, 32, 64, 96, 128, 192]),
            Slider("r5", "5x5 reduce", c3[0], 4, in_channels, 4, shown=[4, 8, 16, 32, 48, 64]),
        ],
        "multiplications of the naive and the reduced Inception module",
        columns=2,
    )


def backprop_explorer(n=5):
    """Pick a layer and an output position: the input pixels and weights that output's gradient
    reaches (autograd, one output's gradient set to 1). The input size is live-only."""

    def view(layer, row, col, n=n):
        return gradient_reach_figure(layer, n, row, col)

    return explorer(
        view,
        [
            Menu("layer", "layer", list(REACH_LAYERS), "3x3 conv, stride 2, padding 1"),
            Slider("row", "output row", 0, 0, 6, shown=[0, 1, 2]),
            Slider("col", "output column", 0, 0, 6, shown=[0, 1, 2]),
            Slider("n", "input size", n, 4, 9),
        ],
        "one output's upstream gradient, the input pixels and the weights it reaches",
        columns=2,
    )


def batchnorm_explorer():
    """Pick the momentum and the number of training steps: the batches' means and variances and
    the running statistics nn.BatchNorm2d keeps from them for evaluation mode."""
    return explorer(
        running_statistics_figure,
        [
            Menu("momentum", "momentum", [0.01, 0.1, 0.5, 0.99], 0.1),
            Slider("steps", "steps", 10, 1, 100, shown=[3, 10, 30, 100]),
        ],
        "batch statistics and the running mean and variance of one channel over the training steps",
    )
