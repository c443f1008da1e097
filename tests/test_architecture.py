"""The autograder's layout shows where code runs: the sandbox, nbgrader's pipeline and intake
import nothing from the layers above them, and no two modules import each other."""

import ast

import pytest

from autograder.assignments import REPO_ROOT

PACKAGE = REPO_ROOT / "autograder"
# sub-package -> what it may import from the rest of the autograder
LOWER_LAYERS = {"sandbox": set(), "pipeline": set(), "intake": set()}


def module_name(path):
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(path):
    """Every autograder module `path` imports, function-local imports included."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found |= {c for c in candidates if c.startswith("autograder") and module_path(c)}
    return found - {name}


def module_path(name):
    base = REPO_ROOT.joinpath(*name.split("."))
    return (
        base.with_suffix(".py")
        if base.with_suffix(".py").exists()
        else (base / "__init__.py" if base.is_dir() else None)
    )


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize("layer", sorted(LOWER_LAYERS))
def test_lower_layers_import_nothing_above_them(layer):
    for name, path in MODULES.items():
        if name.startswith(f"autograder.{layer}"):
            above = {
                m
                for m in imported_modules(path)
                if not m.startswith(f"autograder.{layer}")
                and m.split(".")[1] not in LOWER_LAYERS[layer]
                and m != "autograder"
            }
            assert not above, f"{name} imports {sorted(above)}, a layer above it"


def test_no_import_cycle():
    graph = {name: {m for m in imported_modules(path) if m in MODULES} for name, path in MODULES.items()}
    visiting, done = [], set()

    def visit(name):
        if name in visiting:
            raise AssertionError("import cycle: " + " -> ".join(visiting[visiting.index(name) :] + [name]))
        if name in done:
            return
        visiting.append(name)
        for imported in graph[name]:
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_the_checks_see_imports():
    imports = imported_modules(PACKAGE / "grading.py")
    assert {"autograder.grader", "autograder.intake.submissions", "autograder.sandbox.kernelspec"} <= imports


def test_the_tests_run_in_their_groups(request):
    """Under `pytest -n 2 --dist loadgroup` (the default) a test's node id carries its group, or the
    groups are ignored and each class grading and the book build run on both workers."""
    if not getattr(request.config.option, "loadgroup", False):  # set by pytest-xdist for --dist loadgroup
        pytest.skip("run without pytest-xdist's --dist loadgroup (-n 0)")
    assert request.node.nodeid.endswith("@test_architecture.py"), request.node.nodeid
