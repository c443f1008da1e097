"""The chapters' interactive controls (ipywidgets), kept here so each chapter shows one line of setup."""
import ipywidgets as widgets
import matplotlib.pyplot as plt

from .correlate import corr2d
from .geometry import output_size
from .kernels import KERNELS
from .plotting import draw_matrix, draw_sliding_window


def kernel_explorer(image):
    """Choose a kernel from a dropdown and see the kernel and the feature map it makes of image."""
    choice = widgets.Dropdown(options=list(KERNELS), value="vertical edges (Sobel)", description="kernel")

    def show(name):
        fig, (ax_kernel, ax_input, ax_map) = plt.subplots(1, 3, figsize=(9, 3.2))
        draw_matrix(ax_kernel, KERNELS[name], title=f"{name}", fmt="{:.2g}")
        ax_input.imshow(image, cmap="gray")
        ax_input.set_title("input")
        ax_map.imshow(corr2d(image, KERNELS[name]), cmap="gray")
        ax_map.set_title("feature map")
        for ax in (ax_input, ax_map):
            ax.axis("off")
        fig.tight_layout()
        plt.show()

    output = widgets.interactive_output(show, {"name": choice})
    return widgets.VBox([choice, output])


def geometry_explorer(n=7, f=3, pad=0, stride=2):
    """Sliders for N, F, P, S and the window position: the window, the output and the size formula."""
    sliders = {
        "n": widgets.IntSlider(value=n, min=3, max=12, description="input N"),
        "f": widgets.IntSlider(value=f, min=1, max=7, description="filter F"),
        "pad": widgets.IntSlider(value=pad, min=0, max=3, description="padding P"),
        "stride": widgets.IntSlider(value=stride, min=1, max=4, description="stride S"),
        "step": widgets.IntSlider(value=0, min=0, max=80, description="window #"),
    }

    def show(n, f, pad, stride, step):
        span = n - f + 2 * pad
        formula = f"(N - F + 2P)/S + 1 = ({n} - {f} + 2·{pad})/{stride} + 1"
        try:
            size = output_size(n, f, pad, stride)
        except ValueError as error:
            print(f"{formula} = {span / stride + 1:g}: does not fit. {error}")
            return
        print(f"{formula} = {size}   ->  output {size}x{size}, {size * size} window positions")
        fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(8, 4))
        draw_sliding_window(ax_in, ax_out, n, f, pad, stride, min(step, size * size - 1))
        fig.tight_layout()
        plt.show()

    output = widgets.interactive_output(show, sliders)
    return widgets.VBox([widgets.HBox([widgets.VBox(list(sliders.values())[:3]),
                                       widgets.VBox(list(sliders.values())[3:])]), output])
