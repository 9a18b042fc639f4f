"""Mutation testing of the core: would the unit tests notice a wrong booking?

Each mutant is one small change to one module (a flipped comparison or sign, `and`/`or`
swapped, a `not` dropped, a changed constant, an enum member swapped for another, a dropped
call). The unit suite runs against each mutant in a forked process (the module's own tests
first, `-x`, with a timeout); a mutant the tests do not notice "survives". Mutants known to be
equivalent (no behaviour changes) are listed in tests/mutation/equivalent.txt and left out of
the score.

    .venv/bin/python tools/mutate.py                      # the core modules
    .venv/bin/python tools/mutate.py domain/stock_sync.py # one module
    .venv/bin/python tools/mutate.py --list domain/documents.py

Nothing in the working tree is modified: the mutated module is compiled in memory and served to
the forked test run by an import hook.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.txt"
TARGET_SCORE = 90.0

# module → the tests that exercise it most directly (run first; then the rest of tests/unit)
CORE = {
    "domain/paytraq_totals.py": ["tests/unit/test_real_paytraq_corpus.py",
                                 "tests/unit/test_paytraq_totals_rules.py"],
    "domain/stock_sync.py": ["tests/unit/stock", "tests/unit/test_booking_rules.py"],
    "domain/documents.py": ["tests/unit/test_documents.py", "tests/unit/test_booking_rules.py",
                            "tests/unit/test_document_wording.py"],
    "domain/reconciliation.py": ["tests/unit/test_reconciliation.py",
                                 "tests/unit/test_booking_rules.py"],
    "application/clients.py": ["tests/unit/test_client_matching.py",
                               "tests/unit/test_review_and_recovery.py"],
}
PRELOAD = ("pytest", "_pytest.python", "_pytest.runner", "hypothesis", "hypothesis.strategies",
           "structlog", "marshmallow", "fakeredis", "click", "flask", "defusedxml",
           "decimal", "zoneinfo", "json", "xml.etree.ElementTree")


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


# --- the mutation operators -----------------------------------------------------------------

COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
NORMALISERS = {"strip", "lower", "upper", "casefold"}
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
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARE_SWAPS:
                    new = COMPARE_SWAPS[type(op)]
                    yield node, f"{SYMBOL[type(op)]} -> {SYMBOL[new]}", _set_op(node, i, new)
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
            new = BINOP_SWAPS[type(node.op)]
            yield node, f"{SYMBOL[type(node.op)]} -> {SYMBOL[new]}", _set_attr(node, "op", new())
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield node, f"{'and -> or' if new is ast.Or else 'or -> and'}", _set_attr(
                node, "op", new())
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            yield node, f"drop unary {'not' if isinstance(node.op, ast.Not) else '-'}", (
                lambda n: n.operand)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool):
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
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield node, "drop call", lambda n: ast.Pass()
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in NORMALISERS and not node.args):
            yield node, f"drop .{node.func.attr}()", lambda n: n.func.value
        if isinstance(node, (ast.If, ast.IfExp, ast.While)) and not isinstance(
            node.test, (ast.Compare, ast.BoolOp, ast.UnaryOp)
        ):
            yield node.test, "negate condition", lambda n: ast.UnaryOp(ast.Not(), n)


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


def mutants_of(path: str, enums: dict[str, list[str]]) -> list[Mutant]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return [Mutant(path, i, node.lineno, node.col_offset, description)
            for i, (node, description, _) in enumerate(sites(tree, enums))]


def mutated_code(mutant: Mutant, enums: dict[str, list[str]]):
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    for i, (node, _, apply) in enumerate(sites(tree, enums)):
        if i == mutant.index:
            tree = ast.fix_missing_locations(_Replace(node, apply).visit(tree))
            return compile(tree, str(ROOT / mutant.path), "exec")
    raise LookupError(mutant.key)


# --- running the tests against one mutant ----------------------------------------------------


class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, module: str, code):
        self.module, self.code = module, code

    def find_spec(self, fullname, path, target=None):
        if fullname != self.module:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=self.code.co_filename)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = self.code.co_filename
        exec(self.code, module.__dict__)


class _Deterministic:
    """Hypothesis without its example database and without randomness, so runs compare."""

    def pytest_configure(self, config):
        from hypothesis import settings

        settings.register_profile("mutate", parent=settings(), database=None, derandomize=True)
        settings.load_profile("mutate")


def run_tests(tests: list[str], code=None, module: str = "", timeout: float = 120.0) -> str:
    """'survived' (tests pass), 'killed' (a test fails) or 'timeout', in a forked child."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            if code is not None:
                sys.meta_path.insert(0, _MutantFinder(module, code))
            import pytest

            status = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests],
                                     plugins=[_Deterministic()]))
        finally:
            os._exit(status)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)  # polling a child process for its exit, not synchronising threads


def stages_for(path: str) -> list[list[str]]:
    """The module's own tests first (quick to collect, they kill most mutants), then all of
    tests/unit for the mutants that survive them."""
    first = [t for t in CORE.get(path, []) if (ROOT / t).exists()]
    return [first, ["tests/unit"]] if first else [["tests/unit"]]


def run_stages(path: str, code, module: str, timeout: float) -> str:
    for tests in stages_for(path):
        outcome = run_tests(tests, code, module, timeout)
        if outcome != "survived":
            return outcome
    return "survived"


def load_equivalent() -> set[str]:
    if not EQUIVALENT.exists():
        return set()
    lines = EQUIVALENT.read_text(encoding="utf-8").splitlines()
    return {ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: the core modules)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--all-domain", action="store_true", help="every module of domain/")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    modules = args.modules or (
        sorted(str(p.relative_to(ROOT)) for p in (ROOT / "domain").glob("*.py")
               if p.name != "__init__.py") + ["application/clients.py"]
        if args.all_domain else list(CORE))
    enums = enum_members(ROOT)
    if args.list:
        for path in modules:
            for mutant in mutants_of(path, enums):
                print(mutant.key)
        return 0
    for name in PRELOAD:  # third-party only: the project's modules load fresh in each child
        try:
            __import__(name)
        except ImportError:
            pass
    equivalent = load_equivalent()
    started = time.monotonic()
    if run_tests(["tests/unit"], timeout=600) != "survived":
        print("the unit suite fails without any mutation: fix it first")
        return 2
    timeout = max(30.0, 4 * (time.monotonic() - started))
    scores, below = [], []
    for path in modules:
        module = path.removesuffix(".py").replace("/", ".")
        killed = survived = skipped = 0
        survivors = []
        for mutant in mutants_of(path, enums):
            if mutant.key in equivalent:
                skipped += 1
                continue
            outcome = run_stages(path, mutated_code(mutant, enums), module, timeout)
            if outcome == "survived":
                survived += 1
                survivors.append(mutant)
            else:
                killed += 1
        score = 100.0 * killed / max(1, killed + survived)
        scores.append((path, score, killed, survived, skipped))
        if score < TARGET_SCORE:
            below.append(path)
        print(f"{path}: {score:.1f}% killed ({killed} killed, {survived} survived, "
              f"{skipped} equivalent)", flush=True)
        source = (ROOT / path).read_text(encoding="utf-8").splitlines()
        for mutant in survivors:
            print(f"  SURVIVED {mutant.key}    | {source[mutant.line - 1].strip()}", flush=True)
    print("\nscore per module:")
    for path, score, killed, survived, skipped in scores:
        print(f"  {score:5.1f}%  {path}  ({killed}/{killed + survived}; {skipped} equivalent)")
    if below:
        print(f"below {TARGET_SCORE:.0f}%: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
