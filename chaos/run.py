"""One chaos run: deploy, run every scenario, scan for secrets, tear down."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from chaos import deployment as deploy
from chaos.controls import Controls
from chaos.measure import Outcome, table
from chaos.scenarios import SCENARIOS, Size
from chaos.secrets_scan import SecretsScan, scan_everything


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    scan: SecretsScan | None = None

    def violations(self) -> list[str]:
        found = [v for o in self.outcomes for v in o.violations()]
        if self.scan is not None and self.scan.found:
            found.append(f"secrets found in: {', '.join(self.scan.found[:10])}")
        return found

    def text(self) -> str:
        lines = [table(self.outcomes)]
        if self.scan is not None:
            lines.append(self.scan.summary())
        violations = self.violations()
        lines.append("invariants: " + ("all hold" if not violations else "VIOLATED"))
        lines += [f"  - {v}" for v in violations]
        return "\n".join(lines)


def run(size: Size, workdir: Path, scenarios=SCENARIOS, progress=print) -> Report:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the sandboxes' access log
    deployment = deploy.start(workdir)
    report = Report()
    try:
        controls = Controls.of(deployment)
        controls.stock_up()
        controls.webhooks(max_copies=4, shuffle=True, delay=0.0)
        for scenario in scenarios:
            progress(f"chaos: {scenario.__name__} …")
            report.outcomes.append(scenario(deployment, controls, size))
            progress(table(report.outcomes[-1:]).splitlines()[-1])
        deployment.processes.stop_all()
        report.scan = scan_everything(deployment, workdir)
    finally:
        deploy.stop(deployment)
    return report
