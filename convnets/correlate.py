"""Single-channel 2-D cross-correlation, written for reading rather than speed."""

import numpy as np


def corr2d(x, k):
    """Cross-correlate a 2-D array x with a 2-D kernel k ('valid': no padding, stride 1).

    x (H, W), k (h, w) -> (H - h + 1, W - w + 1): out[i, j] = sum(x[i:i+h, j:j+w] * k).
    """
    h, w = k.shape
    if h > x.shape[0] or w > x.shape[1]:
        raise ValueError(f"kernel {k.shape} is larger than the input {x.shape}")
    out = np.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + h, j : j + w] * k)
    return out


def convolve2d(x, k):
    """True convolution as in signal processing: cross-correlation with the kernel flipped."""
    return corr2d(x, k[::-1, ::-1])


def correlation_matrix(input_shape, k):
    """The matrix M with M @ x.ravel() == corr2d(x, k).ravel(): convolution is a linear map."""
    rows, cols = input_shape[0] - k.shape[0] + 1, input_shape[1] - k.shape[1] + 1
    matrix = np.zeros((rows * cols, input_shape[0] * input_shape[1]))
    for i in range(rows):
        for j in range(cols):
            window = np.zeros(input_shape)
            window[i : i + k.shape[0], j : j + k.shape[1]] = k
            matrix[i * cols + j] = window.ravel()
    return matrix
