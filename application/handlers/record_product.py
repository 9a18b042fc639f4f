from __future__ import annotations

from application.commands import RecordProduct
from application.ports import MirroredProduct, UnitOfWork

PRODUCT_DELETED = "PRODUCT_DELETED"


def record_product(cmd: RecordProduct, uow: UnitOfWork) -> None:
    """Mirror the product; a body older than what the mirror holds (by `modified_at`) is a
    late duplicate and changes nothing."""
    with uow:
        known = uow.catalogue.get(cmd.channel_id, cmd.handle)
        if known is not None and cmd.modified_at and known.modified_at > cmd.modified_at:
            return
        if cmd.event == PRODUCT_DELETED:
            uow.catalogue.remove(cmd.channel_id, cmd.handle)
        else:
            uow.catalogue.put(
                cmd.channel_id,
                MirroredProduct(cmd.handle, cmd.sku, cmd.stock, cmd.modified_at, cmd.data),
            )
        uow.commit()
