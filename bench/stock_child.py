"""One stock sync in a process of its own, so its CPU time and peak RSS are the service's alone
(the sandboxes run in the parent). Reads a JSON job from argv[1], prints a JSON answer."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(job: dict) -> dict:
    from adapters.clock import SystemClock
    from adapters.storage.crypto import SecretBox
    from adapters.storage.locks import SqlLock
    from adapters.storage.tables import stock_sync_results
    from adapters.storage.uow import SqlAlchemyUnitOfWork
    from application.handlers.sync_stock import sync_stock
    from application.ports import ChannelCredentials
    from application.stock_commands import SyncStock
    from bench.databases import database
    from bench.memory import peak_rss_mb
    from domain.settings import Channel, ChannelSettings, StockSyncSettings
    from entrypoints.gateways import ChannelGateways
    from entrypoints.logs import configure_logging

    configure_logging(json_output=False, level="WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp, \
            database("sqlite", Path(tmp)) as db:
        box = SecretBox(SecretBox.generate_key())

        def uow_factory() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(db.engine, box)

        settings = ChannelSettings(warehouse_id=job["warehouse"], stock_sync=StockSyncSettings(
            sync_prices=True, price_group_id=job["price_group"]))
        with uow_factory() as uow:
            uow.channels.add(Channel("shop", "Stock sync shop", settings), ChannelCredentials(
                job["mozello_key"], job["paytraq_key"], job["paytraq_token"]))
            uow.commit()
        gateways = ChannelGateways(uow_factory, job["paytraq_url"], job["mozello_url"],
                                   paytraq_options={"rate": 10_000.0, "burst": 10_000},
                                   mozello_options={"limiters": []})
        rss_before = peak_rss_mb()
        cpu, wall = time.process_time(), time.perf_counter()
        run = sync_stock(SyncStock("shop"), uow_factory(), gateways, SystemClock(),
                         SqlLock(db.engine))
        gateways.flush_audit()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        with db.engine.connect() as connection:
            stored = connection.execute(sa_count(stock_sync_results)).scalar_one()
        if gateways._audit_writer is not None:
            gateways._audit_writer.close()
    return {"cpu": cpu, "wall": wall, "rss_before": rss_before,
            "rss_peak": peak_rss_mb(),
            "summary": run.summary, "status": run.status.value, "result_rows": stored}


def sa_count(table):
    import sqlalchemy as sa

    return sa.select(sa.func.count()).select_from(table)


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
