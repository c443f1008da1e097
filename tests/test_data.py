"""The data loaders: the offline default works, the real loaders parse their formats and fail clearly offline."""

import gzip
import io
import pickle
import socket
import tarfile
import time

import numpy as np
import pytest
import torch

from convnets import data
from convnets.data import DataUnavailable, cifar10_loaders, digits_loaders, idx_loaders, read_idx


def test_digits_are_32x32_split_reproducibly_and_offline():
    train, test = digits_loaders(batch_size=50)
    x, y = next(iter(train))
    assert x.shape == (50, 1, 32, 32) and x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert len(train.dataset) + len(test.dataset) == 1797 and len(test.dataset) == 449
    again_train, again_test = digits_loaders(batch_size=50)
    assert torch.equal(test.dataset.tensors[1], again_test.dataset.tensors[1])
    assert set(y.tolist()) <= set(range(10))


def write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_idx_files_are_parsed_like_mnist(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    folder.mkdir()
    images = {"train": rng.integers(0, 256, (6, 28, 28)), "test": rng.integers(0, 256, (4, 28, 28))}
    write_idx(folder / "train-images-idx3-ubyte.gz", images["train"])
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(6) % 10)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", images["test"])
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.arange(4))
    assert np.array_equal(read_idx(folder / "train-images-idx3-ubyte.gz"), images["train"])
    train, test = idx_loaders("mnist", root=tmp_path, batch_size=3, size=32)
    x, y = next(iter(test))
    assert x.shape == (4, 1, 32, 32) and y.tolist() == [0, 1, 2, 3]
    assert next(iter(train))[0].shape == (3, 1, 32, 32)


def test_cifar_archive_is_parsed(tmp_path):
    rng = np.random.default_rng(1)
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, count in (("data_batch_1", 5), ("test_batch", 3)):
            payload = pickle.dumps(
                {b"data": rng.integers(0, 256, (count, 3072)).astype(np.uint8), b"labels": list(range(count))}
            )
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    train, test = cifar10_loaders(root=tmp_path, batch_size=5)
    x, y = next(iter(train))
    assert x.shape == (5, 3, 32, 32) and len(test.dataset) == 3


def test_missing_data_without_download_says_what_to_do(tmp_path):
    with pytest.raises(DataUnavailable, match="download=True"):
        idx_loaders("fashion-mnist", root=tmp_path)
    with pytest.raises(DataUnavailable, match="digits_loaders"):
        cifar10_loaders(root=tmp_path)


def test_offline_download_fails_fast_with_a_clear_message(tmp_path, monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused, as offline
    monkeypatch.setitem(data.SOURCES, "mnist", f"http://127.0.0.1:{port}/")
    start = time.monotonic()
    with pytest.raises(DataUnavailable, match="could not download"):
        idx_loaders("mnist", root=tmp_path, download=True)
    assert time.monotonic() - start < data.DOWNLOAD_TIMEOUT_S
    assert not list(tmp_path.rglob("*.part")), "a failed download leaves no partial file"
