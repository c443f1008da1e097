"""Read a student's code (never run it) for signs of gaming the grader, to flag to the instructor.

The defences do not depend on this: the sandbox, the rebuilt notebook and the verdicts outside
the kernel already stop these tricks from earning points. The flags say who tried, and how.
"""

import ast

import nbformat

from .assignments import allowed_modules, forbidden_packages
from .sandbox.imports import is_refused

LIBRARY_ROOTS = {
    "np",
    "numpy",
    "torch",
    "nn",
    "F",
    "builtins",
    "__builtins__",
    "math",
    "IPython",
    "unittest",
    "pytest",
    "functional",
    "torch_functional",
    "testing",
}
GRADER_WORDS = (
    "gradebook",
    "solutions/",
    "source/",
    "reference/",
    "autograder",
    "nbgrader",
    "_observe",
    "_grader",
    "input_transformers",
    "ast_transformers",
    "run_cell",
    "sys.modules",
    "settrace",
    "setprofile",
    "__code__",
    "gc.get_objects",
    "_getframe",
    "f_back",
    "f_globals",
    "f_locals",
)
FAKE_OUTPUT_WORDS = ("tests passed", "test passed", "all tests", "HiddenCheckFailed")
EXITS = {("sys", "exit"), ("os", "_exit"), ("os", "kill"), ("os", "abort")}
HARNESS_NAMES = ("_observe", "_grader")  # what the grader's first cell defines (harness.py)
# Methods that change how a value compares or converts, or how a module is called (skipping hooks).
SPECIAL_METHODS = {
    "__call__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__array__",
    "__float__",
    "__int__",
    "__bool__",
    "__index__",
    "__torch_function__",
    "__torch_dispatch__",
    "__array_function__",
    "__array_ufunc__",
    "__getattribute__",
    "__instancecheck__",
    "__subclasscheck__",
}


def attribute_root(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def module_level_statements(statements):
    """The statements that run at a cell's top level, inside if/for/while/with/try blocks too."""
    for statement in statements:
        yield statement
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                yield from module_level_statements(getattr(statement, field, []) or [])
            for handler in getattr(statement, "handlers", []) or []:
                yield from module_level_statements(handler.body)


def bound_names(statement):
    """(name, dotted path of what it imports, or None) for every name a top-level statement binds:
    `import torch.nn as nn` and `from torch import nn` both bind nn to "torch.nn"."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(statement.name, None)]
    if isinstance(statement, ast.Import):
        return [
            (alias.asname, alias.name) if alias.asname else (alias.name.split(".")[0], alias.name.split(".")[0])
            for alias in statement.names
        ]
    if isinstance(statement, ast.ImportFrom):
        return [
            (alias.asname or alias.name, f"{statement.module}.{alias.name}" if statement.level == 0 else None)
            for alias in statement.names
        ]
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
    return [(node.id, None) for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)]


def setup_bindings(notebook):
    """{name: {dotted paths it is imported from}} for the names the locked cells of a notebook define
    (the setup cell's DEVICE, count_parameters, ...), plus the grader's harness names."""
    bindings = {name: set() for name in HARNESS_NAMES}
    for cell in notebook.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not metadata.get("locked") or metadata.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for statement in module_level_statements(tree.body):
            for name, imported in bound_names(statement):
                bindings.setdefault(name, set()).update({imported} if imported else set())
    return bindings


def rebinding_flags(tree, protected):
    """The setup-cell and harness names a student's cell binds to something else. Importing a
    name again as the setup cell does (`import numpy as np`) binds the same object."""
    flags = set()
    for statement in module_level_statements(tree.body):
        for name, imported in bound_names(statement):
            if name in protected and (imported is None or imported not in protected[name]):
                flags.add(f"rebinds {name}, which the notebook's set-up or the grader defines")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            flags.update(
                f"rebinds {name}, which the notebook's set-up or the grader defines"
                for name in node.names
                if name in protected
            )
    return flags


def imported_names(node, forbidden, allowed):
    """The modules an import statement may load: `from convnets import training` may load
    convnets.training where convnets itself is allowed (as the parent of an allowed module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    module = node.module or ""
    if node.level or is_refused(module, forbidden, allowed):
        return [module]
    return [module] + [f"{module}.{alias.name}" for alias in node.names if alias.name != "*"]


def code_flags(source, assignment, protected=None):
    """Short sentences on what in `source` looks like an attempt to game the grader.

    protected: setup_bindings() of the notebook, whose names an answer cell must not rebind."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    flags = rebinding_flags(tree, protected or {name: set() for name in HARNESS_NAMES})
    forbidden, allowed = forbidden_packages(assignment), allowed_modules(assignment)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in imported_names(node, forbidden, allowed):
                if is_refused(name, forbidden, allowed):
                    flags.add(f"imports {name}, which this exercise forbids")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and attribute_root(target) in LIBRARY_ROOTS:
                    flags.add(f"assigns to {ast.unparse(target)} (monkeypatching a library)")
        elif isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Name) and called.id in ("setattr", "delattr", "__import__", "exec", "eval"):
                flags.add(f"calls {called.id}()")
            if isinstance(called, ast.Attribute) and (attribute_root(called), called.attr) in EXITS:
                flags.add(f"calls {ast.unparse(called)}()")
            if isinstance(called, ast.Name) and called.id in ("exit", "quit"):
                flags.add(f"calls {called.id}()")
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in SPECIAL_METHODS:
                    flags.add(
                        f"defines {item.name} in class {node.name} (changes how values compare or convert, "
                        "or how a module is called)"
                    )
        elif isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id in ("SystemExit", "KeyboardInterrupt", "GeneratorExit"):
                flags.add(f"raises {raised.id}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(word in node.value for word in FAKE_OUTPUT_WORDS):
                flags.add("prints text that imitates the tests' output")
    text = source.replace(" ", "")
    flags.update(f"refers to {word.rstrip('/')} (grader internals)" for word in GRADER_WORDS if word in text)
    if "get_ipython" in source:
        flags.add("reaches into the IPython shell (get_ipython)")
    return sorted(flags)


def submission_code_flags(notebook_path, assignment, release_path=None):
    """code_flags over every code cell a student could write: answer cells and cells they added;
    with the release notebook, rebinding its set-up names is flagged too."""
    try:
        notebook = nbformat.read(str(notebook_path), as_version=4)
    except Exception:
        return []
    protected = setup_bindings(nbformat.read(str(release_path), as_version=4)) if release_path else None
    flags = []
    for cell in notebook.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if (
            cell.cell_type == "code"
            and (metadata.get("solution") or not metadata.get("locked"))
            and not metadata.get("grade")
        ):
            flags += [flag for flag in code_flags(cell.source, assignment, protected) if flag not in flags]
    return flags
