"""Mutation testing of the hidden tests: small, systematic changes to the solution's answer cells,
each graded by the real autograder. A mutant that still earns full marks has *survived*: the
hidden tests cannot tell it from the solution. It is either a gap in the tests or an equivalent
mutant (one that computes the same thing), which `solutions/equivalent-mutants/<assignment>.yaml`
records with the reason:

    residual:12:8:swap_arguments: the two operands of + commute

Operators, PyTorch-aware first: drop or add an activation, pooling, normalisation or dropout
layer; swap two neighbouring layers (which also moves an activation); change a kernel size,
stride, padding, channel count or dropout rate; unwrap a functional call (`torch.relu(x)` -> `x`);
drop one operand of an addition (a shortcut); toggle a bias; change a concatenation's axis or
order; max pooling for average pooling and back; then arithmetic, comparison and constant
operators. `inplace=` flags and the text of f-strings (messages) are left alone: they change
where a result is stored or what an error says, not what is computed. Each mutant has a stable id
`cell:line:column:operator[:n]`.
"""

import ast
import copy
import hashlib
import tempfile
from dataclasses import dataclass

import yaml

from .assignments import SOLUTIONS_DIR
from .grading import grade_assignment
from .pipeline.notebook_cells import answer_sources
from .variants import solution_answers, write_submission

EQUIVALENTS_DIR = SOLUTIONS_DIR / "equivalent-mutants"

LAYERS_TO_DROP = {
    "ReLU",
    "Tanh",
    "Sigmoid",
    "LeakyReLU",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm2d",
    "BatchNorm1d",
    "Dropout",
    "LocalResponseNorm",
    "AdaptiveAvgPool2d",
    "Flatten",
}
ACTIVATIONS = {"ReLU", "Tanh", "Sigmoid", "LeakyReLU"}
FUNCTIONAL_TO_UNWRAP = {"relu", "tanh", "sigmoid", "max_pool2d", "avg_pool2d", "dropout", "batch_norm"}
SIZE_KEYWORDS = {"kernel_size", "stride", "padding", "p", "in_channels", "out_channels", "in_features", "out_features"}
LAYER_CALLS = {"Conv2d", "MaxPool2d", "AvgPool2d", "Linear", "Dropout", "BatchNorm2d", "AdaptiveAvgPool2d"}
SWAPS = {
    "MaxPool2d": "AvgPool2d",
    "AvgPool2d": "MaxPool2d",
    "max_pool2d": "avg_pool2d",
    "avg_pool2d": "max_pool2d",
    "AdaptiveAvgPool2d": "AdaptiveMaxPool2d",
    "ReLU": "Tanh",
    "Tanh": "ReLU",
    "relu": "tanh",
    "tanh": "relu",
    "mean": "amax",
    "sum": "mean",
}
BINARY_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Pow: ast.Mult,
    ast.Mod: ast.FloorDiv,
}
COMPARE_SWAPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Mutant:
    id: str
    cell: str
    description: str
    source: str


def called_name(node):
    """'Conv2d' for nn.Conv2d(...), 'relu' for F.relu(...) or torch.relu(...), else None."""
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return None


def layer_sequences(tree):
    """Lists of layer expressions: the arguments of nn.Sequential(...) and list literals of calls."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node) == "Sequential":
            yield node, "args"
        elif isinstance(node, ast.List) and any(isinstance(item, ast.Call) for item in node.elts):
            yield node, "elts"


def edits(tree):
    """(node the edit is located at, operator, description, function that edits a copy of the tree).

    Each function receives the copied tree and the copy of the located node's parent sequence or
    the node itself (found again by position), so one edit never leaks into another mutant."""
    found = []
    # `inplace=` changes where a result is stored, never what is computed, and the text of an
    # f-string is a message, not a result: neither is mutated.
    unmutated = {
        id(keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "inplace"
    }
    unmutated |= {id(inner) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for inner in ast.walk(node)}
    for holder, field in layer_sequences(tree):
        items = getattr(holder, field)
        for index, item in enumerate(items):
            name = called_name(item.value if isinstance(item, ast.Starred) else item)
            if name in LAYERS_TO_DROP and len(items) > 1:
                found.append((item, "drop_layer", f"drop {name}", ("drop", holder, field, index)))
            if name in ("Conv2d", "Linear") and (
                index + 1 == len(items) or called_name(items[index + 1]) not in ACTIVATIONS
            ):
                found.append((item, "add_activation", f"add a ReLU after {name}", ("add_relu", holder, field, index)))
            if index + 1 < len(items) and ast.dump(item) != ast.dump(items[index + 1]):
                found.append(
                    (
                        item,
                        "swap_layers",
                        f"swap {ast.unparse(item)[:40]} with the next layer",
                        ("swap", holder, field, index),
                    )
                )
    for node in ast.walk(tree):
        if id(node) in unmutated:
            continue
        name = called_name(node)
        if name in FUNCTIONAL_TO_UNWRAP and node.args:
            found.append((node, "unwrap_call", f"{name}(x) -> x", ("unwrap", node)))
        if name in SWAPS and isinstance(node.func, (ast.Attribute, ast.Name)):
            found.append((node, "swap_function", f"{name} -> {SWAPS[name]}", ("rename", node, SWAPS[name])))
        if name in LAYER_CALLS:
            for position, argument in enumerate(node.args):
                found.append(
                    (argument, "change_size", f"{name} argument {position + 1} changed", ("plus_one", argument))
                )
            for keyword in node.keywords:
                if keyword.arg in SIZE_KEYWORDS:
                    found.append(
                        (keyword.value, "change_size", f"{name} {keyword.arg} changed", ("plus_one", keyword.value))
                    )
                if keyword.arg == "bias" and isinstance(keyword.value, ast.Constant):
                    found.append(
                        (
                            keyword.value,
                            "toggle_bias",
                            f"{name} bias={not keyword.value.value}",
                            ("negate", keyword.value),
                        )
                    )
            if name in ("Conv2d", "Linear") and not any(k.arg == "bias" for k in node.keywords):
                found.append((node, "toggle_bias", f"{name} without bias", ("no_bias", node)))
        if name == "cat":
            for keyword in node.keywords:
                if keyword.arg == "dim":
                    found.append(
                        (keyword.value, "cat_axis", "concatenate along another axis", ("plus_one", keyword.value))
                    )
            if node.args and isinstance(node.args[0], (ast.List, ast.Tuple)) and len(node.args[0].elts) > 1:
                found.append((node.args[0], "cat_order", "concatenate in another order", ("reverse", node.args[0])))
        if isinstance(node, ast.BinOp):
            if type(node.op) in BINARY_SWAPS:
                found.append(
                    (
                        node,
                        "arithmetic",
                        f"{type(node.op).__name__} -> {BINARY_SWAPS[type(node.op)].__name__}",
                        ("binop", node),
                    )
                )
            if isinstance(node.op, ast.Add):
                found.append((node, "drop_operand", "drop the right operand of +", ("keep", node, "left")))
                found.append((node, "drop_operand", "drop the left operand of +", ("keep", node, "right")))
        if isinstance(node, ast.Compare) and type(node.ops[0]) in COMPARE_SWAPS:
            found.append(
                (
                    node,
                    "comparison",
                    f"{type(node.ops[0]).__name__} -> {COMPARE_SWAPS[type(node.ops[0])].__name__}",
                    ("compare", node),
                )
            )
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
            found.append((node, "constant", f"{node.value!r} -> {changed(node.value)!r}", ("plus_one", node)))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            found.append((node, "constant", f"{node.value} -> {not node.value}", ("negate", node)))
    return found


def changed(number):
    """An int one larger; a float (a rate, a tolerance) halved, so that it stays a valid rate."""
    return number / 2 if isinstance(number, float) else number + 1


def path_to(tree, target):
    """The (parent, field, index) steps from tree to target, to find the same node in a copy."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is target:
                return parent, field, None
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is target:
                        return parent, field, index
    raise LookupError("node not in tree")


def locate(tree, copied, node):
    """The node of `copied` at the place `node` has in `tree` (both walked in the same order)."""
    return next(mirror for original, mirror in zip(ast.walk(tree), ast.walk(copied)) if original is node)


def replace_in_parent(copied, node, replacement):
    parent, field, index = path_to(copied, node)
    if index is None:
        setattr(parent, field, replacement)
    else:
        getattr(parent, field)[index] = replacement


def apply(tree, action):
    """A mutated copy of tree (the action's nodes are those of `tree`)."""
    copied = copy.deepcopy(tree)
    kind = action[0]
    if kind in ("drop", "add_relu", "swap"):
        _, holder, field, index = action
        items = getattr(locate(tree, copied, holder), field)
        if kind == "drop":
            del items[index]
        elif kind == "add_relu":
            items.insert(index + 1, ast.parse("nn.ReLU()", mode="eval").body)
        else:
            items[index], items[index + 1] = items[index + 1], items[index]
        return copied
    node = locate(tree, copied, action[1])
    if kind == "unwrap":
        replace_in_parent(copied, node, node.args[0])
    elif kind == "rename":
        if isinstance(node.func, ast.Attribute):
            node.func.attr = action[2]
        else:
            node.func.id = action[2]
    elif kind == "plus_one":
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            node.value = changed(node.value)
        else:
            replace_in_parent(copied, node, ast.BinOp(left=node, op=ast.Add(), right=ast.Constant(1)))
    elif kind == "negate":
        node.value = not node.value
    elif kind == "no_bias":
        node.keywords.append(ast.keyword(arg="bias", value=ast.Constant(False)))
    elif kind == "reverse":
        node.elts = node.elts[::-1]
    elif kind == "binop":
        node.op = BINARY_SWAPS[type(node.op)]()
    elif kind == "keep":
        replace_in_parent(copied, node, getattr(node, action[2]))
    elif kind == "compare":
        node.ops = [COMPARE_SWAPS[type(node.ops[0])](), *node.ops[1:]]
    return copied


def cell_mutants(cell, source):
    """Every mutant of one answer cell, in a stable order, without duplicates or no-ops."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    seen, mutants, counts = {original}, [], {}
    for node, operator, description, action in edits(tree):
        key = f"{cell}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}:{operator}"
        counts[key] = counts.get(key, 0) + 1
        mutated = ast.unparse(ast.fix_missing_locations(apply(tree, action)))
        if mutated in seen:
            continue
        seen.add(mutated)
        identifier = key if counts[key] == 1 else f"{key}:{counts[key]}"
        mutants.append(Mutant(identifier, cell, description, mutated))
    return mutants


def assignment_mutants(assignment):
    """Every mutant of every answer cell of the assignment's solution."""
    mutants = []
    for path in sorted((SOLUTIONS_DIR / assignment).glob("*.ipynb")):
        for cell, source in answer_sources(path).items():
            mutants += cell_mutants(cell, source)
    return mutants


def sample(mutants, size, seed="0"):
    """A deterministic sample of `size` mutants: the same ones on every run with the same seed."""
    ranked = sorted(mutants, key=lambda m: hashlib.sha256(f"{seed}:{m.id}".encode()).hexdigest())
    return sorted(ranked[:size], key=lambda m: m.id)


def equivalent_mutants(assignment):
    """{mutant id: why it computes the same as the solution} recorded for the assignment."""
    path = EQUIVALENTS_DIR / f"{assignment}.yaml"
    return (yaml.safe_load(path.read_text()) or {}) if path.is_file() else {}


def student_id(mutant):
    return "mutant-" + hashlib.sha256(mutant.id.encode()).hexdigest()[:12]


def write_mutants(submitted_dir, assignment, mutants):
    """submitted_dir/<mutant's student id>/<assignment>/: the solution with each mutant's cell."""
    solution = solution_answers(assignment)
    for mutant in mutants:
        write_submission(submitted_dir, student_id(mutant), assignment, {**solution, mutant.cell: mutant.source})


def grade_mutants(assignment, mutants, grading_dir, limits=None, workers=None, progress=print):
    """Grade each mutant with the real autograder; returns {mutant id: GradeResult}."""
    with tempfile.TemporaryDirectory(prefix="mutants-") as staging:
        write_mutants(staging, assignment, mutants)
        results = grade_assignment(
            assignment, staging, grading_dir, limits, workers=workers, progress=lambda line: None, regrade=True
        )
    by_student = {result.student: result for result in results}
    return {mutant.id: by_student[student_id(mutant)] for mutant in mutants}


def survivors(assignment, results):
    """(surviving mutant ids, equivalent ones that survived as recorded): a survivor earned full marks."""
    equivalent = equivalent_mutants(assignment)
    full = [
        identifier
        for identifier, result in results.items()
        if result.status == "graded" and result.score >= result.max_score
    ]
    return [m for m in full if m not in equivalent], [m for m in full if m in equivalent]


def summary_line(assignment, results):
    surviving, equivalent = survivors(assignment, results)
    return f"{assignment}: {len(results)} mutants, {len(surviving)} survived, {len(equivalent)} equivalent"
