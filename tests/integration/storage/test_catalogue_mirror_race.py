"""The catalogue mirror keeps the newest product body even when two webhook workers race: the
`modified_at` comparison is part of the write itself, in every storage backend."""

from __future__ import annotations

import pytest

from application.ports import ChannelCredentials, MirroredProduct
from domain.settings import Channel

pytestmark = pytest.mark.integration


def body(stock: int, modified_at: str) -> MirroredProduct:
    return MirroredProduct("uid-9", "A-9", stock, modified_at, {"stock": stock})


@pytest.fixture
def backend_with_shop(backend):
    with backend.new_uow() as setup:
        setup.channels.add(Channel("shop-a", "Veikals A"), ChannelCredentials())
        setup.commit()
    return backend


def stored(backend) -> list[tuple[int | None, str]]:
    with backend.new_uow() as uow:
        return [(p.stock, p.modified_at) for p in uow.catalogue.list("shop-a")]


def test_an_older_body_committed_last_does_not_replace_a_newer_one(backend_with_shop):
    backend = backend_with_shop
    # Given the mirror holds the 10:00 body
    with backend.new_uow() as uow:
        uow.catalogue.put("shop-a", body(3, "2026-01-01 10:00:00"))
        uow.commit()
    # When a worker with the 10:05 body and a worker with a late copy of the 10:00 body both
    # read the 10:00 row, and the 10:05 one commits first
    late, fresh = backend.new_uow(), backend.new_uow()
    with late:
        assert late.catalogue.get("shop-a", "uid-9").modified_at == "2026-01-01 10:00:00"
        with fresh:
            assert fresh.catalogue.get("shop-a", "uid-9").modified_at == "2026-01-01 10:00:00"
            fresh.catalogue.put("shop-a", body(1, "2026-01-01 10:05:00"))
            fresh.commit()
        late.catalogue.put("shop-a", body(7, "2026-01-01 10:00:00"))
        late.commit()
    # Then the mirror still holds the 10:05 body
    assert stored(backend) == [(1, "2026-01-01 10:05:00")]


def test_a_newer_body_or_one_without_a_date_replaces_the_stored_one(backend_with_shop):
    backend = backend_with_shop
    for stock, modified_at in ((3, "2026-01-01 10:00:00"), (4, "2026-01-01 10:00:00"),
                               (5, "2026-01-01 10:01:00")):
        with backend.new_uow() as uow:
            uow.catalogue.put("shop-a", body(stock, modified_at))
            uow.commit()
    assert stored(backend) == [(5, "2026-01-01 10:01:00")]
    with backend.new_uow() as uow:
        uow.catalogue.put("shop-a", body(6, ""))
        uow.commit()
    assert stored(backend) == [(6, "")]
