"""Small keyed stores: PayTraq client ids by match key, ItemIDs by SKU, and watermarks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from adapters.storage.tables import client_cache, sku_cache, watermarks
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert, upsert_many
from application.ports import ClientCache, SkuCache, WatermarkRepository

_CLIENT = sa.select(client_cache.c.client_id).where(
    client_cache.c.channel_id == sa.bindparam("channel_id"),
    client_cache.c.match_key == sa.bindparam("match_key"))
_ITEM = sa.select(sku_cache.c.item_id).where(sku_cache.c.channel_id == sa.bindparam("channel_id"),
                                             sku_cache.c.sku == sa.bindparam("sku"))
_ITEM_SINCE = _ITEM.where(sku_cache.c.updated_at >= sa.bindparam("not_before"))


class SqlClientCache(ClientCache):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, channel_id: str, match_key: str) -> str | None:
        rows = self._tx.read(_CLIENT, params={"channel_id": channel_id, "match_key": match_key})
        return rows[0]["client_id"] if rows else None

    def put(self, channel_id: str, match_key: str, client_id: str) -> None:
        values = {"channel_id": channel_id, "match_key": match_key, "client_id": client_id}
        self._tx.write(upsert(self._tx.dialect, client_cache, values))


class SqlWatermarks(WatermarkRepository):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, channel_id: str, name: str) -> datetime | None:
        rows = self._tx.read(
            sa.select(watermarks.c.value).where(
                watermarks.c.channel_id == channel_id, watermarks.c.name == name
            )
        )
        return rows[0]["value"] if rows else None

    def set(self, channel_id: str, name: str, value: datetime) -> None:
        values = {"channel_id": channel_id, "name": name, "value": value}
        self._tx.write(upsert(self._tx.dialect, watermarks, values))


class SqlSkuCache(SkuCache):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def _where(self, channel_id: str, sku: str) -> sa.ColumnElement[bool]:
        return sa.and_(sku_cache.c.channel_id == channel_id, sku_cache.c.sku == sku)

    def get(self, channel_id: str, sku: str, not_before: datetime | None = None) -> str | None:
        params = {"channel_id": channel_id, "sku": sku}
        if not_before is None:
            rows = self._tx.read(_ITEM, params=params)
        else:
            rows = self._tx.read(_ITEM_SINCE, params={**params, "not_before": not_before})
        return rows[0]["item_id"] if rows else None

    def put(self, channel_id: str, sku: str, item_id: str, at: datetime) -> None:
        values = {"channel_id": channel_id, "sku": sku, "item_id": item_id, "updated_at": at}
        self._tx.write(upsert(self._tx.dialect, sku_cache, values))

    def put_many(self, channel_id: str, item_ids: Iterable[tuple[str, str]],
                 at: datetime) -> None:
        rows = [{"channel_id": channel_id, "sku": sku, "item_id": item_id, "updated_at": at}
                for sku, item_id in dict(item_ids).items() if sku and item_id]
        if rows:
            self._tx.write(upsert_many(self._tx.dialect, sku_cache, list(rows[0])), rows)

    def forget(self, channel_id: str, sku: str) -> None:
        self._tx.write(sa.delete(sku_cache).where(self._where(channel_id, sku)))
