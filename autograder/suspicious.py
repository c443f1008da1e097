"""Read a student's code (never run it) for signs of gaming the grader, to flag to the instructor.

The defences do not depend on this: the sandbox, the rebuilt notebook and the verdicts outside
the kernel already stop these tricks from earning points. The flags say who tried, and how.
"""
import ast

import nbformat

from .sandbox import FORBIDDEN_PACKAGES

LIBRARY_ROOTS = {"np", "numpy", "torch", "nn", "F", "builtins", "__builtins__", "math", "IPython", "unittest",
                 "pytest", "functional", "torch_functional", "testing"}
GRADER_WORDS = ("gradebook", "solutions/", "source/", "autograder", "nbgrader", "_observe", "input_transformers",
                "ast_transformers", "run_cell", "sys.modules", "settrace", "setprofile", "__code__", "gc.get_objects",
                "_getframe", "f_back", "f_globals", "f_locals")
FAKE_OUTPUT_WORDS = ("tests passed", "test passed", "all tests", "HiddenCheckFailed")
EXITS = {("sys", "exit"), ("os", "_exit"), ("os", "kill"), ("os", "abort")}


def attribute_root(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def code_flags(source, assignment):
    """Short sentences on what in `source` looks like an attempt to game the grader."""
    flags = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    forbidden = FORBIDDEN_PACKAGES.get(assignment, ())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in forbidden:
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


def submission_code_flags(notebook_path, assignment):
    """code_flags over every code cell a student could write: answer cells and cells they added."""
    try:
        notebook = nbformat.read(str(notebook_path), as_version=4)
    except Exception:
        return []
    flags = []
    for cell in notebook.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (metadata.get("solution") or not metadata.get("locked")) \
                and not metadata.get("grade"):
            flags += [flag for flag in code_flags(cell.source, assignment) if flag not in flags]
    return flags
