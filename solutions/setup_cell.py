import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Your code must run on whatever DEVICE is: a GPU when one is present, else the CPU.
# Never write .cuda(): use .to(device) with the device you are given.
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
print("running on", DEVICE)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def parameters_without_gradient(model, x):
    """Names of the parameters that get no finite gradient from a backward pass of model(x)."""
    model.zero_grad()
    model(x).float().sum().backward()
    return [name for name, p in model.named_parameters()
            if p.grad is None or not torch.isfinite(p.grad).all()]


def losses_while_training(model, x, y, steps=10, lr=1e-3):
    """Cross-entropy on one fixed batch before and after `steps` of Adam: learning lowers it."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)  # fused: one kernel per step, faster
    losses = []
    for _ in range(steps + 1):
        loss = F.cross_entropy(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses[0], losses[-1]


def is_nonlinear(model, x):
    """False when model(a + b) == model(a) + model(b) - model(0), i.e. the model is affine (eval mode)."""
    model.eval()
    with torch.no_grad():
        a, b = x, torch.roll(x, 1, dims=0)
        gap = model(a + b) - model(a) - model(b) + model(torch.zeros_like(x))
    return gap.abs().max().item() > 1e-4 * (1 + model(a).abs().max().item())


def autocast_dtype():
    return torch.float16 if DEVICE.type == "cuda" else torch.bfloat16
