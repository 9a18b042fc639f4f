"""The CI dependency audit (.ci/audit.py): accepted advisories expire, and an audit that checked
nothing never reads as a pass. pip-audit's report is given (no network, no subprocess)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"


@pytest.fixture
def audit(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "IGNORE", tmp_path / "audit-ignore")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)
    return module


def report_with(audit, monkeypatch, dependencies: list[dict]) -> None:
    monkeypatch.setattr(audit, "run_audit", lambda ignored: {"dependencies": [
        {**d, "vulns": [v for v in d.get("vulns", []) if v["id"] not in ignored]}
        if "skip_reason" not in d else d for d in dependencies]})


VULNERABLE = {"name": "flask", "version": "3.1.3",
              "vulns": [{"id": "GHSA-aaaa-bbbb-cccc", "fix_versions": ["3.1.4"]}]}
CLEAN = {"name": "click", "version": "8.5.1", "vulns": []}
SKIPPED = {"name": "click", "skip_reason": "Dependency not found on PyPI"}


def test_an_accepted_advisory_counts_until_its_date_and_not_after(audit):
    audit.IGNORE.write_text("# comment\nGHSA-aaaa-bbbb-cccc  2027-03-31  not our code path; ab\n")
    assert audit.accepted(dt.date(2027, 3, 31)) == ["GHSA-aaaa-bbbb-cccc"]
    assert audit.accepted(dt.date(2027, 4, 1)) == []


def test_an_entry_without_date_or_reason_stops_the_audit(audit):
    audit.IGNORE.write_text("GHSA-aaaa-bbbb-cccc someday\n")
    with pytest.raises(SystemExit, match="want `ID YYYY-MM-DD reason`"):
        audit.accepted(dt.date(2027, 1, 1))


def test_a_known_vulnerability_fails_unless_accepted(audit, monkeypatch, capsys):
    audit.IGNORE.write_text("")
    report_with(audit, monkeypatch, [VULNERABLE, CLEAN])
    assert audit.main() == 1
    assert "GHSA-aaaa-bbbb-cccc (fixed in 3.1.4)" in capsys.readouterr().err
    audit.IGNORE.write_text(f"GHSA-aaaa-bbbb-cccc  {dt.date.today()}  checked by ab\n")
    assert audit.main() == 0


def test_an_audit_that_checked_nothing_warns_loudly_and_fails_when_required(audit, monkeypatch,
                                                                           capsys):
    audit.IGNORE.write_text("")
    report_with(audit, monkeypatch, [SKIPPED])
    assert audit.main() == 0
    assert "checked NOTHING; this is not a pass" in capsys.readouterr().err
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert audit.main() == 1

