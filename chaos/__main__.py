"""`python -m chaos [--small] [--orders N] [--fuzz N] [--workdir DIR]` (`make chaos`)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from chaos.run import run
from chaos.scenarios import Size


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--small", action="store_true", help="the size CI runs")
    parser.add_argument("--orders", type=int, help="orders per scenario")
    parser.add_argument("--fuzz", type=int, help="fuzzed webhooks")
    parser.add_argument("--workdir", type=Path, help="logs and Redis files (default: a temp dir)")
    args = parser.parse_args()
    size = Size.small() if args.small else Size.full()
    size = Size(args.orders or size.orders, args.fuzz or size.fuzz)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sales-inbox-chaos-"))
    print(f"chaos: {size.orders} orders per scenario, {size.fuzz} fuzzed webhooks; logs in "
          f"{workdir}", flush=True)
    report = run(size, workdir, progress=lambda line: print(line, flush=True))
    print(report.text())
    return 1 if report.violations() else 0


if __name__ == "__main__":
    sys.exit(main())
