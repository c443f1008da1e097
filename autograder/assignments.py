"""The course's assignments: where their sources and releases live in the repository, and the
rules that belong to an assignment."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
EXERCISES_DIR = REPO_ROOT / "exercises"

# Packages a from-scratch exercise must do without: a library convolution or autograd. The
# sandbox keeps a forbidden package's files unreadable to the kernel, so an import fails with a
# message that says it is not allowed in this exercise, and the suspicious-code check flags it.
FROM_SCRATCH_FORBIDDEN = (
    "torch",
    "functorch",
    "torchgen",
    "triton",
    "nvidia",
    "scipy",
    "sklearn",
    "scikit_learn",
    "tensorflow",
    "jax",
    "cv2",
    "opencv",
    "skimage",
    "scikit_image",
)
FORBIDDEN_PACKAGES = {
    "conv_numpy": FROM_SCRATCH_FORBIDDEN,
    "conv_backward": FROM_SCRATCH_FORBIDDEN,
    "batchnorm": FROM_SCRATCH_FORBIDDEN,
}

# The chapters' package is forbidden in every exercise: its training loops (convnets.training),
# geometry (convnets.geometry: output sizes, costs, receptive fields) and reference code
# (convnets.correlate) answer parts of the exercises. An exercise may import the modules listed
# for it here, and only those; its notebook says so where it imports them. Students have the
# whole package in JupyterLab: the rule holds when their notebook is graded.
COURSE_PACKAGE = "convnets"
ALLOWED_MODULES = {
    "lenet": ("convnets.data",),  # the chapter's split of the digits, for the training check
}


def assignment_names():
    """The assignments that have a source folder in solutions/."""
    return sorted(p.name for p in SOLUTIONS_DIR.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def require_assignment(name):
    """The source folder of an assignment, or a ValueError that lists the ones that exist."""
    folder = SOLUTIONS_DIR / name
    if not folder.is_dir():
        known = ", ".join(assignment_names()) or "none"
        raise ValueError(f"no assignment {name!r} in {SOLUTIONS_DIR} (known: {known})")
    return folder


def notebook_names(assignment):
    """File names of the notebooks an assignment consists of, e.g. ['conv_numpy.ipynb']."""
    return sorted(p.name for p in require_assignment(assignment).glob("*.ipynb"))


def forbidden_packages(assignment):
    """Top-level packages the assignment's grading kernel cannot import (but its allowed_modules)."""
    return (*FORBIDDEN_PACKAGES.get(assignment, ()), COURSE_PACKAGE)


def allowed_modules(assignment):
    """Modules of forbidden packages the assignment's grading kernel may import all the same."""
    return ALLOWED_MODULES.get(assignment, ())


def is_from_scratch(assignment):
    """Whether the assignment is written in NumPy alone (no PyTorch in its kernel)."""
    return "torch" in forbidden_packages(assignment)
