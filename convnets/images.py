"""Real photographs that ship inside scikit-learn, so the chapters need no download."""

import numpy as np
from PIL import Image
from sklearn.datasets import load_sample_image

SAMPLE_IMAGES = ("china.jpg", "flower.jpg")


def sample_image(name="china.jpg", size=128, gray=True):
    """A photo from scikit-learn as floats in [0, 1], resized to size x size.

    Returns (size, size) when gray, else (size, size, 3).
    """
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"unknown sample image {name!r}; choose one of {', '.join(SAMPLE_IMAGES)}")
    picture = Image.fromarray(load_sample_image(name))
    if gray:
        picture = picture.convert("L")
    side = min(picture.size)
    left, top = (picture.size[0] - side) // 2, (picture.size[1] - side) // 2
    picture = picture.crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
    return np.asarray(picture, dtype=np.float64) / 255.0
