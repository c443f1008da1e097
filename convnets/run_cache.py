"""Training runs replayed instead of repeated, when the book is built in several languages.

Each language's pages run the same code cells (scripts/build_book.py), and the chapters' training
is most of that time. With CONVNETS_RUN_CACHE naming a folder, `replayable` keeps what a run
produced — its result, the final state of the models and optimizers it was given, and the random
number generators' state after it — under a key made of everything that decides the run: the code
the notebook has run so far (IPython's input history), the source of the function, the state of
the models, optimizers and random generators before it, and its other arguments. The same run
asked for again is restored from there, leaving the kernel as the training would have. Outside
IPython, or without the variable, every call runs.
"""

import functools
import hashlib
import inspect
import os
from pathlib import Path

import torch


def interactive_history():
    """The sources of the cells this IPython kernel has run, this one included; None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return None if shell is None else list(shell.user_ns.get("In", []))


def update_with_tensor(digest, tensor):
    tensor = tensor.detach().cpu().contiguous()
    digest.update(f"{tensor.dtype}{tuple(tensor.shape)}".encode())
    digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")


def update_with(digest, value):
    """Add what decides a run about `value` to the digest."""
    if isinstance(value, torch.Tensor):
        update_with_tensor(digest, value)
    elif isinstance(value, torch.nn.Module):
        digest.update(repr(value).encode())
        for name, tensor in value.state_dict().items():
            digest.update(name.encode())
            update_with_tensor(digest, tensor)
    elif isinstance(value, torch.optim.Optimizer):
        digest.update(type(value).__name__.encode())
        update_with(digest, value.state_dict())
    elif isinstance(value, torch.utils.data.DataLoader):
        digest.update(f"{type(value.sampler).__name__} {value.batch_size} {len(value.dataset)}".encode())
        if value.generator is not None:  # its own shuffling order, advanced by every pass
            update_with_tensor(digest, value.generator.get_state())
    elif isinstance(value, dict):
        for key, item in value.items():
            digest.update(repr(key).encode())
            update_with(digest, item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            update_with(digest, item)
    else:
        digest.update(repr(value).encode())


def generator_states():
    states = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def restore_generators(states):
    torch.set_rng_state(states["cpu"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def run_key(function, arguments, history):
    digest = hashlib.sha256()
    for source in history:
        digest.update(source.encode())
    digest.update(inspect.getsource(inspect.getmodule(function)).encode())
    update_with(digest, generator_states())
    for name, value in arguments.items():
        digest.update(name.encode())
        update_with(digest, value)
    return digest.hexdigest()


def stateful(arguments):
    """The arguments a run changes, by name: its models, its optimizers, and the loaders that
    shuffle with a generator of their own (each pass advances it)."""
    return {
        name: value
        for name, value in arguments.items()
        if isinstance(value, (torch.nn.Module, torch.optim.Optimizer))
        or (isinstance(value, torch.utils.data.DataLoader) and value.generator is not None)
    }


def state_of(value):
    return value.generator.get_state() if isinstance(value, torch.utils.data.DataLoader) else value.state_dict()


def restore_state(value, state):
    if isinstance(value, torch.utils.data.DataLoader):
        value.generator.set_state(state)
    else:
        value.load_state_dict(state)


def replayable(function):
    """`function`, whose runs are stored and replayed under CONVNETS_RUN_CACHE (see the module)."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def replayed(*args, **kwargs):
        folder, history = os.environ.get("CONVNETS_RUN_CACHE"), interactive_history()
        if not folder or history is None:
            return function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        path = Path(folder) / f"{function.__name__}-{run_key(function, bound.arguments, history)}.pt"
        changed = stateful(bound.arguments)
        if path.is_file():
            stored = torch.load(path, weights_only=False)
            for name, value in changed.items():
                restore_state(value, stored["states"][name])
                if isinstance(value, torch.nn.Module):
                    value.to(stored["devices"][name])
                    for module, training in zip(value.modules(), stored["training"][name]):
                        module.training = training
            restore_generators(stored["generators"])
            return stored["result"]
        result = function(*args, **kwargs)
        path.parent.mkdir(parents=True, exist_ok=True)
        stored = {
            "result": result,
            "states": {name: state_of(value) for name, value in changed.items()},
            "training": {
                name: [module.training for module in value.modules()]
                for name, value in changed.items()
                if isinstance(value, torch.nn.Module)
            },
            "devices": {
                name: next(value.parameters(), torch.empty(0)).device
                for name, value in changed.items()
                if isinstance(value, torch.nn.Module)
            },
            "generators": generator_states(),
        }
        torch.save(stored, path.with_suffix(".partial"))
        path.with_suffix(".partial").replace(path)
        return result

    return replayed
