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
import importlib.abc
import importlib.util
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import enum_members, mutants_of, mutated_code  # noqa: E402 - next to this script

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.txt"
TARGET_SCORE = 90.0

# module → the tests that exercise it most directly (run first; then the rest of tests/unit)
FIRST_TESTS = {
    "domain/paytraq_totals.py": ["tests/unit/test_real_paytraq_corpus.py",
                                 "tests/unit/test_paytraq_totals_rules.py"],
    "domain/stock_sync.py": ["tests/unit/stock", "tests/unit/test_booking_rules.py"],
    "domain/documents.py": ["tests/unit/test_documents.py", "tests/unit/test_booking_rules.py",
                            "tests/unit/test_document_wording.py"],
    "domain/reconciliation.py": ["tests/unit/test_reconciliation.py",
                                 "tests/unit/test_booking_rules.py"],
    "domain/inbox.py": ["tests/unit/test_sweeper_rule.py", "tests/unit/test_inbox_item_history.py"],
    "application/clients.py": ["tests/unit/test_client_matching.py",
                               "tests/unit/test_review_and_recovery.py"],
}
# the booking core, held to TARGET_SCORE (`make mutate` with no MODULES)
CORE = ["domain/paytraq_totals.py", "domain/stock_sync.py", "domain/documents.py",
        "domain/reconciliation.py", "application/clients.py"]
PRELOAD = ("pytest", "_pytest.python", "_pytest.runner", "hypothesis", "hypothesis.strategies",
           "structlog", "marshmallow", "fakeredis", "click", "flask", "defusedxml",
           "decimal", "zoneinfo", "json", "xml.etree.ElementTree")


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
    first = [t for t in FIRST_TESTS.get(path, []) if (ROOT / t).exists()]
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
            for mutant in mutants_of(ROOT, path, enums):
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
    scores = [score_module(path, enums, equivalent, timeout) for path in modules]
    print("\nscore per module:")
    for score in scores:
        print(f"  {score.line()}")
    below = [score.path for score in scores if score.percent < TARGET_SCORE]
    if below:
        print(f"below {TARGET_SCORE:.0f}%: {', '.join(below)}")
    return 1 if below else 0


@dataclass
class ModuleScore:
    path: str
    killed: int = 0  # a test failed (or the run timed out: counted in `timeouts` too)
    timeouts: int = 0
    equivalent: int = 0
    survivors: list = field(default_factory=list)

    @property
    def percent(self) -> float:
        tried = self.killed + len(self.survivors)
        return 100.0 * self.killed / tried if tried else 100.0  # nothing to mutate

    def line(self) -> str:
        return (f"{self.percent:5.1f}%  {self.path}  ({self.killed}/"
                f"{self.killed + len(self.survivors)} killed, {self.timeouts} of them by timeout; "
                f"{self.equivalent} equivalent)")


def score_module(path: str, enums, equivalent: set[str], timeout: float) -> ModuleScore:
    module = path.removesuffix(".py").replace("/", ".")
    score = ModuleScore(path)
    for mutant in mutants_of(ROOT, path, enums):
        if mutant.key in equivalent:
            score.equivalent += 1
            continue
        outcome = run_stages(path, mutated_code(ROOT, mutant, enums), module, timeout)
        if outcome == "survived":
            score.survivors.append(mutant)
        else:
            score.killed += 1
            score.timeouts += outcome == "timeout"
    print(score.line(), flush=True)
    source = (ROOT / path).read_text(encoding="utf-8").splitlines()
    for mutant in score.survivors:
        print(f"  SURVIVED {mutant.key}    | {source[mutant.line - 1].strip()}", flush=True)
    return score


if __name__ == "__main__":
    sys.exit(main())
