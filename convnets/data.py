"""Data sets as PyTorch DataLoaders.

The default, `digits_loaders`, needs no download: scikit-learn's 8x8 handwritten digits ship
inside the package and are resized to 32x32, LeNet-5's input size. The real data sets (MNIST,
Fashion-MNIST, CIFAR-10) load from their original files: pass `download=True` to fetch them
once (internet needed), after which they load from `root` offline.
"""

import gzip
import pickle
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

DEFAULT_ROOT = Path.home() / ".cache" / "convnets-data"
DOWNLOAD_TIMEOUT_S = 20

IDX_FILES = {  # the four files of an MNIST-style data set
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
SOURCES = {
    "mnist": "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "fashion-mnist": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "cifar-10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
}


class DataUnavailable(RuntimeError):
    """A real data set is neither on disk nor downloadable: the message says what to do."""


def digits_tensors(size=32, test_fraction=0.25, seed=0):
    """scikit-learn's digits as float tensors (N, 1, size, size) in [0, 1], split reproducibly.

    Returns (x_train, y_train, x_test, y_test); the split is stratified by a fixed permutation.
    """
    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32)[:, None] / 16.0
    images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False).clamp(0, 1)
    labels = torch.tensor(digits.target, dtype=torch.long)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_test = int(round(len(labels) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def make_loaders(x_train, y_train, x_test, y_test, batch_size=64, seed=0):
    """Shuffled training and ordered test DataLoaders over in-memory tensors."""
    train = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=256)
    return train, test


def digits_loaders(batch_size=64, size=32, test_fraction=0.25, seed=0):
    """Train and test DataLoaders of the 8x8 digits resized to size x size (offline, ~1,800 images)."""
    return make_loaders(*digits_tensors(size, test_fraction, seed), batch_size=batch_size, seed=seed)


def fetch(url, destination):
    """Download url to destination, or raise DataUnavailable with what to do instead."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(destination.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(partial, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise DataUnavailable(
            f"could not download {url} ({getattr(error, 'reason', error)}). Without internet, copy the file "
            f"to {destination} by hand, or use the default offline data set (digits_loaders)."
        ) from None
    partial.rename(destination)


def read_idx(path):
    """An MNIST idx file (gzipped) as a numpy array: uint8 images (N, H, W) or labels (N,)."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def idx_loaders(name, root=DEFAULT_ROOT, download=False, batch_size=64, size=32):
    """MNIST or Fashion-MNIST from its four idx files under root/name, resized to size x size."""
    folder = Path(root) / name
    arrays = {}
    for key, filename in IDX_FILES.items():
        path = folder / filename
        if not path.exists():
            if not download:
                raise DataUnavailable(
                    f"{path} not found: pass download=True (needs internet) or copy "
                    f"the {name} files there; offline, use digits_loaders()"
                )
            fetch(SOURCES[name] + filename, path)
        arrays[key] = read_idx(path)

    def images(key):
        tensor = torch.from_numpy(arrays[key].copy()).float()[:, None] / 255.0
        return F.interpolate(tensor, size=(size, size), mode="bilinear", align_corners=False)

    return make_loaders(
        images("train_images"),
        torch.from_numpy(arrays["train_labels"].astype(np.int64)),
        images("test_images"),
        torch.from_numpy(arrays["test_labels"].astype(np.int64)),
        batch_size=batch_size,
    )


def mnist_loaders(root=DEFAULT_ROOT, download=False, batch_size=64, size=32):
    return idx_loaders("mnist", root, download, batch_size, size)


def fashion_mnist_loaders(root=DEFAULT_ROOT, download=False, batch_size=64, size=32):
    return idx_loaders("fashion-mnist", root, download, batch_size, size)


def read_cifar_batch(handle):
    batch = pickle.load(handle, encoding="bytes")
    images = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return images, np.asarray(batch[b"labels"], dtype=np.int64)


def cifar10_loaders(root=DEFAULT_ROOT, download=False, batch_size=128):
    """CIFAR-10 (3x32x32, 10 classes) from the python-version archive under root."""
    archive = Path(root) / "cifar-10-python.tar.gz"
    if not archive.exists():
        if not download:
            raise DataUnavailable(
                f"{archive} not found: pass download=True (needs internet) or copy the "
                f"archive there; offline, use digits_loaders()"
            )
        fetch(SOURCES["cifar-10"], archive)
    parts = {"train": [], "test": []}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if name.startswith("data_batch_") or name == "test_batch":
                parts["test" if name == "test_batch" else "train"].append(read_cifar_batch(tar.extractfile(member)))

    def stack(split):
        images = np.concatenate([images for images, _ in parts[split]])
        labels = np.concatenate([labels for _, labels in parts[split]])
        return torch.from_numpy(images).float() / 255.0, torch.from_numpy(labels)

    return make_loaders(*stack("train"), *stack("test"), batch_size=batch_size)
