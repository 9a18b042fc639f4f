"""The catalogue mirror kept fresh by Mozello's product webhooks."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.tables import catalogue_mirror as mirror
from adapters.storage.transaction import Transaction
from adapters.storage.upsert import upsert
from application.ports import CatalogueMirror, MirroredProduct


class SqlCatalogueMirror(CatalogueMirror):
    def __init__(self, transaction: Transaction):
        self._tx = transaction

    def get(self, channel_id: str, handle: str) -> MirroredProduct | None:
        rows = self._tx.read(
            sa.select(mirror).where(mirror.c.channel_id == channel_id, mirror.c.handle == handle)
        )
        return _product(rows[0]) if rows else None

    def put(self, channel_id: str, product: MirroredProduct) -> None:
        """Never replaces a newer body: the `modified_at` comparison is part of the upsert."""
        values = {"channel_id": channel_id, "handle": product.handle, "sku": product.sku,
                  "stock": product.stock, "modified_at": product.modified_at,
                  "data": product.data}
        self._tx.write(upsert(self._tx.dialect, mirror, values, only_if=_not_older))

    def remove(self, channel_id: str, handle: str) -> None:
        self._tx.write(
            sa.delete(mirror).where(mirror.c.channel_id == channel_id, mirror.c.handle == handle)
        )

    def list(self, channel_id: str) -> list[MirroredProduct]:
        rows = self._tx.read(
            sa.select(mirror).where(mirror.c.channel_id == channel_id).order_by(mirror.c.handle)
        )
        return [_product(row) for row in rows]


def _not_older(new):
    """The new body is as recent as the stored one, or carries no date (then it wins)."""
    return sa.or_(new.modified_at == "", new.modified_at >= mirror.c.modified_at)


def _product(row) -> MirroredProduct:
    return MirroredProduct(row["handle"], row["sku"], row["stock"], row["modified_at"],
                           dict(row["data"]))
