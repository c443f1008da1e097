"""convnets.run_cache: a training run asked for again, in another kernel that ran the same code,
is replayed — the same result, models, optimizers, loaders' shuffling and random state — and a
run whose code or inputs differ is not."""

import json
import subprocess
import sys

from autograder.assignments import REPO_ROOT

SETUP = """
import json
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from convnets.training import fit
"""
DATA = """
torch.manual_seed(0)
x = torch.randn(64, 4)
y = (x[:, 0] > 0).long()
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(1))
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
"""
TRAIN = 'history = fit(model, loader, loader, epochs=2, optimizer=optimizer, label="test")'
REPORT = """
print("REPORT " + json.dumps({
    "seconds": history["seconds"],
    "loss": history["train_loss"],
    "parameters": [p.double().sum().item() for p in model.parameters()],
    "momentum": [s["momentum_buffer"].double().sum().item() for s in optimizer.state_dict()["state"].values()],
    "training": [m.training for m in model.modules()],
    "random": torch.rand(3).tolist(),
    "order": [labels.tolist() for _, labels in loader],
}))
"""
KERNEL = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for cell in json.loads(sys.argv[1]):
    result = shell.run_cell(cell, store_history=True)
    result.raise_error()
"""


def run_notebook(cells, cache, interactive=True):
    """The REPORT a fresh IPython shell (or plain Python) prints after running the cells."""
    environment = {"CONVNETS_RUN_CACHE": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache.parent)}
    if interactive:
        command = [sys.executable, "-c", KERNEL, json.dumps(cells)]
    else:
        command = [sys.executable, "-c", "\n".join(cells)]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=REPO_ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(line for line in completed.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line[len("REPORT ") :])


def test_the_same_run_in_another_kernel_is_replayed_with_all_its_state(tmp_path):
    cache = tmp_path / "runs"
    cells = [SETUP, DATA, TRAIN, REPORT]
    first = run_notebook(cells, cache)
    assert len(list(cache.glob("fit-*.pt"))) == 1
    second = run_notebook(cells, cache)
    assert second == first  # the wall-clock seconds too: the run was not done again
    assert first["training"] == [False] * 5  # fit leaves the model in evaluation mode, and so does its replay
    assert len(list(cache.glob("fit-*.pt"))) == 1


def test_other_code_or_inputs_are_a_new_run(tmp_path):
    cache = tmp_path / "runs"
    first = run_notebook([SETUP, DATA, TRAIN, REPORT], cache)
    other_seed = run_notebook([SETUP, DATA.replace("manual_seed(0)", "manual_seed(5)"), TRAIN, REPORT], cache)
    assert other_seed["loss"] != first["loss"]
    longer = run_notebook([SETUP, DATA, TRAIN.replace("epochs=2", "epochs=3"), REPORT], cache)
    assert len(longer["loss"]) == 3
    commented = run_notebook([SETUP, "# another cell before\n" + DATA, TRAIN, REPORT], cache)
    assert commented["seconds"] != first["seconds"]  # the notebook's code changed: trained again
    assert len(list(cache.glob("fit-*.pt"))) == 4


def test_outside_ipython_every_run_trains(tmp_path):
    cache = tmp_path / "runs"
    report = run_notebook([SETUP, DATA, TRAIN, REPORT], cache, interactive=False)
    assert len(report["loss"]) == 2
    assert not cache.exists()
