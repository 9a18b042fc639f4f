"""The mutations of `tools/mutate.py`: where in a module's AST a small change can be made, and
the module's code with one such change. Pure `ast` work; nothing is imported or run here."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mutant:
    path: str
    index: int  # which site in walk order
    line: int
    col: int
    description: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.description}"



COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
NORMALISERS = {"strip", "lower", "upper", "casefold"}
VALUE_KEEPERS = {"abs", "round2", "int"}  # f(x) -> x
SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
          ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.Add: "+",
          ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}


def enum_members(root: Path) -> dict[str, list[str]]:
    """Enum classes of domain/ and their members, read from the source (nothing imported)."""
    enums: dict[str, list[str]] = {}
    for path in sorted((root / "domain").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id.endswith("Enum") for b in node.bases
            ):
                members = [t.id for s in node.body if isinstance(s, ast.Assign)
                           for t in s.targets if isinstance(t, ast.Name) and t.id.isupper()]
                if len(members) > 1:
                    enums[node.name] = members
    return enums


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Docstrings, f-strings (messages only), type annotations, imports, decorators and
    `zip(..., strict=True)`: never mutated (no booking depends on them)."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip(first)
        if isinstance(node, (ast.JoinedStr, ast.Import, ast.ImportFrom)):
            skip(node)
        if isinstance(node, (ast.AnnAssign, ast.arg)):
            skip(node.annotation)
        if isinstance(node, ast.FunctionDef):
            skip(node.returns)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                skip(decorator)
        if isinstance(node, ast.keyword) and node.arg == "strict":
            skip(node)
    return skipped


def sites(tree: ast.AST, enums: dict[str, list[str]]):
    """Yield (node, description, apply) for every mutation of `tree`, in a stable order."""
    skipped = _skipped_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        for operator in OPERATORS:
            yield from operator(node, enums)


def _comparisons(node, enums):
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAPS:
                new = COMPARE_SWAPS[type(op)]
                yield node, f"{SYMBOL[type(op)]} -> {SYMBOL[new]}", _set_op(node, i, new)


def _arithmetic(node, enums):
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINOP_SWAPS:
        new = BINOP_SWAPS[type(node.op)]
        equals = "=" if isinstance(node, ast.AugAssign) else ""
        yield (node, f"{SYMBOL[type(node.op)]}{equals} -> {SYMBOL[new]}{equals}",
               _set_attr(node, "op", new()))


def _logic(node, enums):
    if isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield node, "and -> or" if new is ast.Or else "or -> and", _set_attr(node, "op", new())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        sign = "not" if isinstance(node.op, ast.Not) else "-"
        yield node, f"drop unary {sign}", lambda n: n.operand
    elif isinstance(node, (ast.If, ast.IfExp, ast.While)) and not isinstance(
        node.test, (ast.Compare, ast.BoolOp, ast.UnaryOp)
    ):
        yield node.test, "negate condition", lambda n: ast.UnaryOp(ast.Not(), n)


def _constants(node, enums):
    if isinstance(node, ast.Constant) and type(node.value) in (int, bool):
        new = (not node.value) if isinstance(node.value, bool) else (
            node.value + 1 if node.value != 1 else 0)
        yield node, f"constant {node.value!r} -> {new!r}", _set_attr(node, "value", new)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _numeric(node.value):
        yield node, f"constant {node.value!r} -> '1{node.value}'", _set_attr(
            node, "value", "1" + node.value)
    elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
          and node.value.id in enums and node.attr in enums[node.value.id]):
        members = enums[node.value.id]
        other = members[(members.index(node.attr) + 1) % len(members)]
        yield node, f"{node.value.id}.{node.attr} -> {other}", _set_attr(node, "attr", other)


def _calls(node, enums):
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield node, "drop call", lambda n: ast.Pass()
    elif isinstance(node, (ast.Continue, ast.Break)):
        yield node, f"drop {type(node).__name__.lower()}", lambda n: ast.Pass()
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr in NORMALISERS and not node.args
    ):
        yield node, f"drop .{node.func.attr}()", lambda n: n.func.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name in VALUE_KEEPERS and len(node.args) == 1 and not node.keywords:
            yield node, f"drop {name}()", lambda n: n.args[0]
        elif name in ("min", "max"):
            other = "max" if name == "min" else "min"
            yield node.func, f"{name}() -> {other}()", _set_attr(node.func, "id", other)


OPERATORS = (_comparisons, _arithmetic, _logic, _constants, _calls)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _set_op(node: ast.Compare, index: int, new):
    def apply(n: ast.Compare) -> ast.AST:
        n.ops[index] = new()
        return n
    return apply


def _set_attr(node: ast.AST, name: str, value):
    def apply(n: ast.AST) -> ast.AST:
        setattr(n, name, value)
        return n
    return apply


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, apply):
        self.target, self.apply = target, apply

    def generic_visit(self, node):
        if node is self.target:
            return self.apply(node)
        return super().generic_visit(node)


def mutants_of(root: Path, path: str, enums: dict[str, list[str]]) -> list[Mutant]:
    tree = ast.parse((root / path).read_text(encoding="utf-8"))
    return [Mutant(path, i, node.lineno, node.col_offset, description)
            for i, (node, description, _) in enumerate(sites(tree, enums))]


def mutated_code(root: Path, mutant: Mutant, enums: dict[str, list[str]]):
    source = (root / mutant.path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    for i, (node, _, apply) in enumerate(sites(tree, enums)):
        if i == mutant.index:
            tree = ast.fix_missing_locations(_Replace(node, apply).visit(tree))
            return compile(tree, str(root / mutant.path), "exec")
    raise LookupError(mutant.key)
