"""Training loops for the chapters: device choice, progress bars, history and its plot."""

import time

import matplotlib.pyplot as plt
import torch
from tqdm.auto import tqdm

from convnets.run_cache import replayable


def default_device():
    """CUDA when a GPU is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def spread(values, spec):
    """The range of one figure over several runs (seeds), "low to high", each in the format spec."""
    return f"{min(values):{spec}} to {max(values):{spec}}"


def run_epoch(model, loader, loss_fn, device, optimizer=None):
    """One pass over loader; trains when an optimizer is given. Returns (mean loss, accuracy)."""
    model.train(optimizer is not None)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(optimizer is not None):
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = model(x)
            loss = loss_fn(logits, y)
            if optimizer is not None:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
    return total_loss / seen, correct / seen


@replayable
def fit(model, train_loader, test_loader, epochs, optimizer, device=None, loss_fn=None, label="training"):
    """Train for `epochs`, evaluating after each; returns a history dict of per-epoch figures."""
    device = device or default_device()
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    model.to(device)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": [], "seconds": 0.0, "images": 0}
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=label, leave=False)
    for _ in bar:
        train_loss, train_acc = run_epoch(model, train_loader, loss_fn, device, optimizer)
        test_loss, test_acc = run_epoch(model, test_loader, loss_fn, device)
        for key, value in zip(
            ("train_loss", "train_acc", "test_loss", "test_acc"), (train_loss, train_acc, test_loss, test_acc)
        ):
            history[key].append(value)
        history["images"] += len(train_loader.dataset)
        bar.set_postfix(loss=f"{train_loss:.3f}", test_acc=f"{test_acc:.3f}")
    history["seconds"] = time.perf_counter() - start
    return history


def plot_histories(histories, keys=("train_loss", "test_acc")):
    """One panel per key, one line per named history: {name: history}."""
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.4))
    for ax, key in zip(axes, keys):
        for name, history in histories.items():
            ax.plot(range(1, len(history[key]) + 1), history[key], marker="o", markersize=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(key.replace("_", " "))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


@torch.no_grad()
def predictions(model, loader, device=None):
    """(inputs, labels, predicted labels) over the whole loader, on the CPU."""
    device = device or default_device()
    model.eval()
    xs, ys, preds = [], [], []
    for x, y in loader:
        xs.append(x)
        ys.append(y)
        preds.append(model(x.to(device)).argmax(dim=1).cpu())
    return torch.cat(xs), torch.cat(ys), torch.cat(preds)
