"""Which modules a grading kernel may import, and the error it gets for the others.

An assignment forbids whole packages (PyTorch in a from-scratch exercise; the course's own
`convnets` everywhere) and may allow single modules of them back (`convnets.data` for the LeNet
exercise's digits). A module is refused when its top-level package is forbidden, unless it is an
allowed module, inside an allowed package, or a parent package of one (whose `__init__` is all
the kernel then reads). The kernel's files follow this rule (kernelspec.python_paths keeps the
refused ones unreadable); `RefusedImports` only makes the failed import say why.
"""

from importlib.machinery import ModuleSpec


def is_refused(module, forbidden, allowed=()):
    """Whether the dotted `module` is out of reach of a kernel with this policy."""
    if module.split(".")[0] not in forbidden:
        return False
    return not any(module == name or module.startswith(name + ".") or name.startswith(module + ".") for name in allowed)


def refusal(module, allowed=()):
    """The sentence a refused import raises with."""
    top = module.split(".")[0]
    within = [name for name in allowed if name.split(".")[0] == top]
    may = f" (of {top}, it may import only {', '.join(within)})" if within else ""
    return f"{module} is not allowed in this exercise{may}: the grader cannot import it"


class RefusedImports:
    """A meta path finder, first in the kernel's sys.meta_path: a refused module is "found", and
    creating it raises ModuleNotFoundError with `refusal`'s sentence (its files are unreadable
    anyway). Probing with importlib.util.find_spec sees a spec, as it did when the files were
    merely unreadable."""

    def __init__(self, forbidden, allowed=()):
        self.forbidden, self.allowed = tuple(forbidden), tuple(allowed)

    def find_spec(self, fullname, path=None, target=None):
        return ModuleSpec(fullname, self) if is_refused(fullname, self.forbidden, self.allowed) else None

    def create_module(self, spec):
        # No `name=`: `from convnets import training` would then be turned into a vaguer
        # "cannot import name" by the import system.
        raise ModuleNotFoundError(refusal(spec.name, self.allowed))

    def exec_module(self, module):  # never reached: create_module raises
        raise ModuleNotFoundError(refusal(module.__name__, self.allowed))
