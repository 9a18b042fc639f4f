#!/usr/bin/env python3
"""Known vulnerabilities in the locked dependency set (requirements.lock), by pip-audit.

Fails (exit 1) on a known vulnerability not accepted in .ci/audit-ignore. When the vulnerability
service cannot be asked (no network, a mirror without PyPI's JSON API), it says so loudly and
passes (exit 0) — or fails with AUDIT_REQUIRED=1 — never a quiet "no known vulnerabilities".

    python3 .ci/audit.py                     # make audit
    AUDIT_REQUIRED=1 python3 .ci/audit.py    # a skipped audit fails too
    PIP_AUDIT=/path/to/pip-audit python3 .ci/audit.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
IGNORE = ROOT / ".ci" / "audit-ignore"
AUDIT_VENV = ROOT / ".venv-audit"
PIP_AUDIT = "pip-audit==2.10.1"
ENTRY = re.compile(r"^(?P<id>\S+)\s+(?P<expires>\d{4}-\d{2}-\d{2})\s+(?P<reason>\S.*)$")


def warn(message: str) -> None:
    print(f"::warning::AUDIT WARNING: {message}", file=sys.stderr)


def accepted(today: dt.date) -> list[str]:
    """The ids in .ci/audit-ignore still within their date; expired ones are named and dropped."""
    ids = []
    for number, line in enumerate(IGNORE.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = ENTRY.match(line)
        if not match:
            sys.exit(f"audit: {IGNORE.name} line {number}: want `ID YYYY-MM-DD reason`, got {line!r}")
        if dt.date.fromisoformat(match["expires"]) < today:
            warn(f"accepted {match['id']} expired on {match['expires']}: it counts again")
            continue
        print(f"audit: accepting {match['id']} until {match['expires']}: {match['reason']}")
        ids.append(match["id"])
    return ids


def pip_audit() -> Path:
    """pip-audit in a venv of its own, so its dependencies stay out of the audited set."""
    if os.environ.get("PIP_AUDIT"):  # a pip-audit of your own
        return Path(os.environ["PIP_AUDIT"])
    binary = AUDIT_VENV / "bin" / "pip-audit"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AUDIT_VENV)], check=True)
        subprocess.run([str(AUDIT_VENV / "bin" / "pip"), "install", "-q", PIP_AUDIT], check=True)
    return binary


def pins(lines: list[str]) -> dict[str, str]:
    """{normalised name: "name==version"} of pinned requirement lines."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            found[re.sub(r"[-_.]+", "-", line.split("==")[0]).lower()] = line
    return found


def audited_set(scratch: Path) -> Path:
    """requirements.lock, plus whatever the project venv holds beyond it (a dependency added to
    pyproject.toml without `make lock`), which is named: the lock is stale."""
    locked = pins(LOCK.read_text().splitlines())
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        return LOCK
    frozen = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    installed = pins(frozen)
    differ = sorted(v for k, v in installed.items() if locked.get(k) != v)
    if not differ:
        return LOCK
    warn(f"requirements.lock is stale (run `make lock` and commit it); installed but not locked "
         f"as such: {', '.join(differ)}; auditing those too")
    merged = scratch / "requirements.txt"
    merged.write_text("\n".join({**locked, **installed}.values()) + "\n")
    return merged


def run_audit(ignored: list[str]) -> dict | None:
    """pip-audit's JSON report, or None when it could not produce one (service unreachable)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        requirements = audited_set(Path(scratch))
        try:
            command = [str(pip_audit()), "-r", str(requirements), "--no-deps", "--disable-pip",
                       "--progress-spinner", "off", "-f", "json", "-o", str(report)]
            for vuln_id in ignored:
                command += ["--ignore-vuln", vuln_id]
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as error:
            warn(f"pip-audit could not be installed or run: {error}")
            return None
        if not report.exists():
            tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            warn(f"pip-audit could not run: {tail}")
            return None
        return json.loads(report.read_text())


def main() -> int:
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    report = run_audit(accepted(dt.date.today()))
    if report is None:
        warn("the dependency audit DID NOT RUN; nothing was checked")
        return 1 if required else 0
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"audit: {dependency['name']} {dependency['version']}: {vuln['id']} "
                  f"(fixed in {fixed})", file=sys.stderr)
    audited = len(dependencies) - len(skipped)
    if skipped:
        warn(f"{len(skipped)} of {len(dependencies)} locked packages could not be audited "
             f"(the vulnerability service did not know them; first: {skipped[0]['skip_reason']})")
    if vulnerable:
        print(f"audit: FAILED: {len(vulnerable)} package(s) with known vulnerabilities; upgrade "
              f"and `make lock`, or accept one in {IGNORE.relative_to(ROOT)}", file=sys.stderr)
        return 1
    if audited == 0:
        warn("the dependency audit checked NOTHING; this is not a pass")
        return 1 if required else 0
    print(f"audit: {audited} locked packages, no known vulnerabilities")
    return 1 if (skipped and required) else 0


if __name__ == "__main__":
    sys.exit(main())
