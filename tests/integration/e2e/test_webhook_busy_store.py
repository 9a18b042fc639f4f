"""A webhook that arrives while another writer holds SQLite's write lock longer than the unit of
work waits: Mozello is told to come back (503, Retry-After), nothing half-kept, and the retry is
kept once the lock is free."""

from __future__ import annotations

import json

from adapters.mozello.signature import sign
from adapters.storage.crypto import SecretBox
from adapters.storage.engine import make_engine
from adapters.storage.migrate import migrate
from adapters.storage.uow import SqlAlchemyUnitOfWork
from application.ports import ChannelCredentials
from domain.settings import Channel, ChannelSettings
from entrypoints.config import load_config
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app

KEY = "MZL-0000000-0123456789abcdef0123456789abcdef"
BODY = json.dumps({"event": "PAYMENT_CHANGED", "order": {"order_id": "M-7"}}).encode()


def test_a_webhook_meeting_a_held_write_lock_is_answered_503_and_its_retry_is_kept(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'inbox.sqlite3'}")
    migrate(engine)
    box = SecretBox(SecretBox.generate_key())
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        uow.channels.add(Channel("shop", "Shop", ChannelSettings()),
                         ChannelCredentials(mozello_api_key=KEY))
        uow.commit()
    queued = []
    runtime = Runtime(load_config({"SALES_INBOX_VAR_DIR": str(tmp_path)}),
                      lambda: SqlAlchemyUnitOfWork(engine, box, lock_timeout=0.2), gateways=None)
    client = create_app(runtime, lambda c, d: queued.append(d)).test_client()
    signed = {"Content-Type": "application/json", "X-Mozello-Hash": sign(BODY, KEY)}
    # Given another writer holding the database's write lock
    other = engine.raw_connection()
    other.execute("BEGIN IMMEDIATE")
    try:
        # When Mozello's webhook arrives
        busy = client.post("/webhooks/mozello/shop", data=BODY, headers=signed)
    finally:
        other.rollback()
        other.close()
    # Then it is asked to come back, and nothing was kept or queued
    assert (busy.status_code, busy.headers.get("Retry-After")) == (503, "30")
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        assert uow.deliveries.list("shop") == []
    assert queued == []
    # When Mozello retries after the lock is gone, Then the delivery is kept and queued once
    retry = client.post("/webhooks/mozello/shop", data=BODY, headers=signed)
    assert retry.status_code == 200 and retry.get_json()["duplicate"] is False
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        assert [d.id for d in uow.deliveries.list("shop")] == queued
    engine.dispose()
