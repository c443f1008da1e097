"""Sizes and parameter counts of convolution and fully connected layers."""


def output_size(n, f, pad=0, stride=1):
    """floor((n - f + 2*pad) / stride) + 1, as PyTorch computes it: windows that would hang over
    the far edge are not taken. ValueError when not even one window fits, or for a non-positive
    stride or a negative padding."""
    if stride <= 0 or pad < 0:
        raise ValueError(f"stride must be positive and pad non-negative (got stride={stride}, pad={pad})")
    span = n - f + 2 * pad
    if span < 0:
        raise ValueError(f"a {f}-wide filter does not fit {n} pixels padded by {pad}")
    return span // stride + 1


def fits_exactly(n, f, pad=0, stride=1):
    """Whether the windows cover the padded input exactly, none of it left over (the design habit)."""
    return (n - f + 2 * pad) % stride == 0


def same_padding(f):
    """The padding P = (F - 1) / 2 that keeps the size at stride 1 (odd F only)."""
    if f % 2 == 0:
        raise ValueError(f"an even filter size ({f}) cannot keep the size with equal padding on both sides")
    return (f - 1) // 2


def conv_parameters(in_channels, out_channels, f):
    """Weights and biases of a conv layer with out_channels filters of size f x f x in_channels."""
    return out_channels * (f * f * in_channels + 1)


def dense_parameters(inputs, outputs):
    """Weights and biases of a fully connected layer."""
    return outputs * (inputs + 1)


def receptive_field(num_layers, kernel_size=3):
    """Side of the input window seen by one output of num_layers stacked stride-1 convolutions."""
    return 1 + num_layers * (kernel_size - 1)


def conv_cost(in_channels, out_channels, kernel_size, height, width):
    """(parameters, multiplications per image) of a same-padded convolution on height x width maps."""
    params = conv_parameters(in_channels, out_channels, kernel_size)
    products_per_output = kernel_size**2 * in_channels  # one per weight of a filter
    outputs = height * width * out_channels
    return params, outputs * products_per_output
