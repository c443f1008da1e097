"""The course's assignments: where their sources and releases live in the repository, and the
rules that belong to an assignment."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = REPO_ROOT / "solutions"
EXERCISES_DIR = REPO_ROOT / "exercises"

# Packages a from-scratch exercise must do without: a library convolution or autograd, or the
# course's own reference code. The sandbox keeps their files unreadable to the kernel, so an
# import fails, and the suspicious-code check flags the attempt.
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
    "convnets",
)
FORBIDDEN_PACKAGES = {"conv_numpy": FROM_SCRATCH_FORBIDDEN, "conv_backward": FROM_SCRATCH_FORBIDDEN}


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
    return FORBIDDEN_PACKAGES.get(assignment, ())


def is_from_scratch(assignment):
    """Whether the assignment is written in NumPy alone (no PyTorch in its kernel)."""
    return "torch" in forbidden_packages(assignment)
