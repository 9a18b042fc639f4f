"""One contract, three storage backends: in-memory, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from application.errors import ConcurrentUpdate, DuplicateInboxItem
from application.ports import (
    AuditEntry,
    ChannelCredentials,
    ClientQueryProof,
    RawDelivery,
    StockSyncResult,
    StockSyncStatus,
    WriteDialect,
)
from domain.inbox import InboxStatus
from domain.paytraq_totals import TaxKey
from domain.settings import Channel, ChannelSettings, Trigger
from tests.unit.storage.examples import T0, full_item, rich_channel

pytestmark = pytest.mark.integration

CREDENTIALS = ChannelCredentials(
    mozello_api_key="mz-secret-123", paytraq_api_key="pt-key-456", paytraq_api_token="pt-token-789",
    smtp_host="smtp.example.lv", smtp_port=465, smtp_password="smtp-pass-000", smtp_security="ssl",
)


@pytest.fixture
def uow(backend):
    """A unit of work on a store that already knows channels shop-a and shop-b."""
    with backend.new_uow() as setup:
        setup.channels.add(rich_channel("shop-a", "Veikals A"), CREDENTIALS)
        setup.channels.add(Channel("shop-b", "Veikals B"), ChannelCredentials())
        setup.commit()
    return backend.new_uow()


def saved(item):
    expected = copy.deepcopy(item)
    expected.version = item.version
    return expected


# --- inbox items ---------------------------------------------------------------------------


def test_an_inbox_item_with_everything_filled_in_comes_back_equal(uow):
    # Given an item with a full order, document, payment, steps and reasons
    item = full_item("shop-a", "M-1")
    # When it is added and committed
    with uow:
        uow.inbox.add(item)
        uow.commit()
    # Then a new unit of work reads back an equal item, now at version 1
    with uow:
        loaded = uow.inbox.get("shop-a", "M-1")
    assert item.version == 1
    assert loaded == item
    assert loaded.order.total == Decimal("93.4700") and str(loaded.order.total) == "93.4700"


def test_changes_without_commit_are_lost(uow):
    # Given a stored item
    with uow:
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    # When one unit of work changes it and adds another, but does not commit
    with uow:
        uow.inbox.get("shop-a", "M-1").cancel(T0)
        uow.inbox.add(full_item("shop-a", "M-2"))
        uow.clients.put("shop-a", "email:x", "C-1")
    # Then nothing of it was kept
    with uow:
        assert uow.inbox.get("shop-a", "M-1").status is InboxStatus.NEEDS_REVIEW
        assert uow.inbox.get("shop-a", "M-2") is None
        assert uow.clients.get("shop-a", "email:x") is None


def test_the_same_order_cannot_enter_the_inbox_twice(backend, uow):
    # Given two workers that both found no item for order M-1 and each made one
    first, second = backend.new_uow(), backend.new_uow()
    with first, second:
        assert first.inbox.get("shop-a", "M-1") is None and second.inbox.get("shop-a", "M-1") is None
        first.inbox.add(full_item("shop-a", "M-1"))
        second.inbox.add(full_item("shop-a", "M-1"))
        # When both commit
        first.commit()
        # Then the second is told the order is already there (a retry will find it)
        with pytest.raises(DuplicateInboxItem):
            second.commit()
    with uow:
        assert len(uow.inbox.list("shop-a")) == 1


def test_a_new_order_is_added_once_and_a_second_add_of_it_writes_nothing(backend, uow):
    # Given a new order's item, added by the one-write path a webhook's worker takes
    item = full_item("shop-a", "M-1")
    with uow:
        assert uow.inbox.add_if_new(item) is True
        uow.commit()
    # Then it reads back equal, at version 1, and can be changed like any other item
    with uow:
        loaded = uow.inbox.get("shop-a", "M-1")
        assert (loaded, loaded.version) == (item, 1)
        loaded.cancel(T0)
        uow.commit()
    # When another worker, holding a later snapshot of the same order, tries to add it too
    later = full_item("shop-a", "M-1")
    later.order = dataclasses.replace(later.order, total=Decimal("1.00"))
    with backend.new_uow() as other:
        assert other.inbox.add_if_new(later) is False
        other.commit()
    # Then nothing was written: the item is the one changed above, not replaced
    with uow:
        kept = uow.inbox.get("shop-a", "M-1")
        assert kept.order.total == Decimal("93.4700") and kept.version == 2
        assert len(uow.inbox.list("shop-a")) == 1


def test_a_new_order_added_inside_a_transaction_is_kept_or_dropped_with_it(backend, uow):
    # Given a unit of work whose transaction is open already (a write came first)
    with uow:
        uow.clients.put("shop-a", "email:a@example.lv", "C-1")
        # Then the item is added as part of it, and told so
        assert uow.inbox.add_if_new(full_item("shop-a", "M-1")) is True
        uow.commit()
    with uow:
        uow.clients.put("shop-a", "email:b@example.lv", "C-2")
        assert uow.inbox.add_if_new(full_item("shop-a", "M-2")) is True
        # When that transaction is rolled back (no commit)
    # Then the first is stored with its transaction, the second is gone with its own
    with backend.new_uow() as other:
        assert other.inbox.get("shop-a", "M-1") is not None
        assert other.inbox.get("shop-a", "M-2") is None
    with uow:
        assert uow.inbox.as_committed_here("shop-a", "M-2") is None


def test_an_order_of_an_unknown_channel_is_not_added(backend):
    from application.errors import UnknownChannel

    if backend.name == "memory":
        pytest.skip("the in-memory store checks channels in the handler only")
    with backend.new_uow() as uow, pytest.raises(UnknownChannel):
        uow.inbox.add_if_new(full_item("no-such-shop", "M-1"))


def test_the_same_order_id_may_exist_in_two_channels(uow):
    with uow:
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.inbox.add(full_item("shop-b", "M-1"))
        uow.commit()
    with uow:
        assert {i.channel_id for i in uow.inbox.list()} == {"shop-a", "shop-b"}


def test_items_are_listed_by_channel_and_status_oldest_first(uow):
    # Given items in two channels with different statuses and receipt times
    late, early, other = full_item("shop-a", "M-1"), full_item("shop-a", "M-2"), full_item("shop-b", "M-3")
    late.received_at, early.received_at = T0 + timedelta(hours=1), T0
    late.status = InboxStatus.RECEIVED
    with uow:
        for item in (late, early, other):
            uow.inbox.add(item)
        uow.commit()
    # When they are listed, Then filters apply and the oldest comes first
    with uow:
        assert [i.order_id for i in uow.inbox.list("shop-a")] == ["M-2", "M-1"]
        assert [i.order_id for i in uow.inbox.list(status=InboxStatus.NEEDS_REVIEW)] == ["M-2", "M-3"]
        assert [i.order_id for i in uow.inbox.list("shop-a", InboxStatus.RECEIVED)] == ["M-1"]
        assert uow.inbox.list("shop-c") == []


def test_a_lost_update_is_refused_with_concurrent_update(backend, uow):
    # Given a stored item, read by two workers
    with uow:
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    first, second = backend.new_uow(), backend.new_uow()
    with first, second:
        mine, theirs = first.inbox.get("shop-a", "M-1"), second.inbox.get("shop-a", "M-1")
        # When both change it and both commit
        mine.failed("PayTraq timeout", T0)
        first.commit()
        theirs.cancel(T0)
        # Then the later one is refused, and the first one's change stands
        with pytest.raises(ConcurrentUpdate, match="M-1"):
            second.commit()
    with uow:
        stored = uow.inbox.get("shop-a", "M-1")
    assert stored.status is InboxStatus.FAILED and stored.version == 2


def test_reading_an_item_someone_else_changed_meanwhile_is_no_conflict(backend, uow):
    # Given a stored item, read by a worker that does not change it
    with uow:
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    reader, writer = backend.new_uow(), backend.new_uow()
    with reader, writer:
        reader.inbox.get("shop-a", "M-1")
        writer.inbox.get("shop-a", "M-1").failed("boom", T0)
        writer.commit()
        # When the reader commits, Then nothing is refused and the change stands
        reader.commit()
    with uow:
        assert uow.inbox.get("shop-a", "M-1").status is InboxStatus.FAILED


def test_an_item_changed_twice_in_one_unit_of_work_is_saved_each_commit(uow):
    # Given an item that a handler commits, then changes again
    with uow:
        uow.inbox.add(full_item("shop-a", "M-1"))
        uow.commit()
    with uow:
        item = uow.inbox.get("shop-a", "M-1")
        item.failed("first", T0)
        uow.commit()
        item.retry(T0)
        uow.commit()
    # Then both changes were saved, one version each
    with uow:
        stored = uow.inbox.get("shop-a", "M-1")
    assert stored == saved(item) and stored.version == 3


# --- raw deliveries -------------------------------------------------------------------------

BODY = '{"url":"https:\\/\\/veikals.lv\\/p\\/","name":"Ābols \\u0101 ☃"}'.encode() + b"\r\n\x00"


def delivery(channel_id: str, fingerprint: str, at: datetime = T0) -> RawDelivery:
    headers = {"X-Mozello-Hmac-Sha256": "abc=", "Content-Type": "application/json; charset=utf-8"}
    return RawDelivery(channel_id, BODY, headers, at, fingerprint, "ORDER_CREATED", "M-1")


def test_a_delivery_seen_before_in_the_channel_is_marked_duplicate(uow):
    # Given a delivery stored for shop-a
    with uow:
        assert uow.deliveries.add(delivery("shop-a", "fp-1")).duplicate is False
        uow.commit()
    # When the same fingerprint arrives again for shop-a, and for shop-b
    with uow:
        again = uow.deliveries.add(delivery("shop-a", "fp-1", T0 + timedelta(seconds=1)))
        elsewhere = uow.deliveries.add(delivery("shop-b", "fp-1"))
        uow.commit()
    # Then only the repeat in shop-a is a duplicate, and both are kept
    assert again.duplicate is True and elsewhere.duplicate is False
    with uow:
        assert [d.duplicate for d in uow.deliveries.list("shop-a")] == [False, True]


def test_a_delivery_body_is_kept_byte_for_byte(uow):
    # Given a body with escaped slashes, non-ASCII text, CRLF and a NUL byte
    with uow:
        stored = uow.deliveries.add(delivery("shop-a", "fp-1"))
        uow.commit()
    # When it is read back
    with uow:
        [back] = uow.deliveries.list("shop-a")
    # Then every byte and header is the same
    assert back.body == BODY and b"\\/" in back.body
    assert back.headers == stored.headers and back.id == stored.id
    assert back.received_at == T0 and back.event == "ORDER_CREATED" and back.order_id == "M-1"


def test_a_delivery_is_found_again_by_its_id(uow):
    with uow:
        stored = uow.deliveries.add(delivery("shop-a", "fp-1"))
        uow.commit()
    with uow:
        found = uow.deliveries.get(stored.id)
        assert uow.deliveries.get("no-such-id") is None
    assert found.body == BODY and found.fingerprint == "fp-1" and found.channel_id == "shop-a"


def test_a_delivery_that_failed_does_not_make_its_repeat_a_duplicate(uow):
    # Given a delivery stored with an error (its order could not be read)
    failed = delivery("shop-a", "fp-1")
    failed.error = "Mozello 503"
    with uow:
        assert uow.deliveries.add(failed).duplicate is False
        uow.commit()
    # When Mozello sends it again, Then the repeat is processed, not dropped as a duplicate
    with uow:
        assert uow.deliveries.add(delivery("shop-a", "fp-1")).duplicate is False


# --- channels and credentials ----------------------------------------------------------------


def test_channel_settings_come_back_exactly(uow):
    # Given the channel added with Decimals, enums, a time and tuples in its settings
    expected = rich_channel("shop-a", "Veikals A")
    # When it is read back, Then it is equal, types included
    with uow:
        channel = uow.channels.get("shop-a")
    assert channel == expected
    assert channel.settings.trigger_overrides[0] == ("bank_transfer", Trigger.PAID)
    assert channel.settings.stock_sync.daily_time == expected.settings.stock_sync.daily_time


def test_a_channel_update_replaces_its_settings(uow):
    with uow:
        uow.channels.update(Channel("shop-b", "Veikals Bē", ChannelSettings(auto_process=True)))
        uow.commit()
    with uow:
        assert uow.channels.get("shop-b") == Channel("shop-b", "Veikals Bē", ChannelSettings(auto_process=True))
        assert [c.id for c in uow.channels.list()] == ["shop-a", "shop-b"]
        assert uow.channels.get("nope") is None


def test_credentials_are_read_back_and_can_be_replaced(uow):
    with uow:
        assert uow.channels.credentials("shop-a") == CREDENTIALS
        uow.channels.set_credentials("shop-b", ChannelCredentials(mozello_api_key="new"))
        uow.commit()
    with uow:
        assert uow.channels.credentials("shop-b") == ChannelCredentials(mozello_api_key="new")


# --- caches, watermarks, stock runs, audit -----------------------------------------------------


def test_client_ids_are_cached_per_channel_and_match_key(uow):
    with uow:
        uow.clients.put("shop-a", "reg:40003000000", "C-1")
        uow.commit()
    with uow:
        uow.clients.put("shop-a", "reg:40003000000", "C-2")
        uow.commit()
    with uow:
        assert uow.clients.get("shop-a", "reg:40003000000") == "C-2"
        assert uow.clients.get("shop-b", "reg:40003000000") is None


def test_a_watermark_keeps_its_instant(uow):
    with uow:
        uow.watermarks.set("shop-a", "orders", T0)
        uow.commit()
    with uow:
        uow.watermarks.set("shop-a", "orders", T0 + timedelta(minutes=1))
        uow.commit()
    with uow:
        assert uow.watermarks.get("shop-a", "orders") == T0 + timedelta(minutes=1)
        assert uow.watermarks.get("shop-a", "other") is None


def test_a_sku_cache_entry_is_used_only_while_fresh(uow):
    with uow:
        uow.sku_cache.put("shop-a", "SKU-1", "I-1", T0)
        uow.sku_cache.put("shop-a", "SKU-2", "I-2", T0)
        uow.commit()
    with uow:
        uow.sku_cache.forget("shop-a", "SKU-2")
        uow.commit()
    with uow:
        assert uow.sku_cache.get("shop-a", "SKU-1") == "I-1"
        assert uow.sku_cache.get("shop-a", "SKU-1", not_before=T0) == "I-1"
        assert uow.sku_cache.get("shop-a", "SKU-1", not_before=T0 + timedelta(seconds=1)) is None
        assert uow.sku_cache.get("shop-a", "SKU-2") is None


def test_item_ids_listed_by_the_stock_sync_are_cached_at_once_and_replace_older_ones(uow):
    # Given an ItemID cached yesterday
    with uow:
        uow.sku_cache.put("shop-a", "SKU-1", "I-old", T0 - timedelta(days=1))
        uow.commit()
    # When the stock sync caches the pairs it listed (a pair without an ItemID is skipped)
    with uow:
        uow.sku_cache.put_many("shop-a", [("SKU-1", "I-1"), ("SKU-2", "I-2"), ("SKU-3", "")], T0)
        uow.commit()
    # Then each is fresh as of the sync, for that channel only
    with uow:
        assert uow.sku_cache.get("shop-a", "SKU-1", not_before=T0) == "I-1"
        assert uow.sku_cache.get("shop-a", "SKU-2", not_before=T0) == "I-2"
        assert uow.sku_cache.get("shop-a", "SKU-3") is None
        assert uow.sku_cache.get("shop-b", "SKU-1") is None


def test_a_stock_run_keeps_its_per_sku_results_in_order(uow):
    # Given a finished run and an older one
    results = [
        StockSyncResult("SKU-1", "galds", "update", 3, 5, Decimal("19.90"), Decimal("21.000")),
        StockSyncResult("SKU-2", "galds-ozols", "unchanged", 1, 1, message="Ā ok"),
        StockSyncResult("SKU-3", "krēsls", "error", message="Mozello 500"),
    ]
    with uow:
        older = uow.stock_runs.start("shop-a", T0 - timedelta(days=1), dry_run=True)
        run = uow.stock_runs.start("shop-a", T0, dry_run=False)
        uow.stock_runs.add_results(run.id, results[:2])
        uow.commit()
    with uow:
        uow.stock_runs.add_results(run.id, results[2:])
        finished = uow.stock_runs.finish(run.id, T0 + timedelta(minutes=1), StockSyncStatus.FAILED,
                                         {"update": 1, "unchanged": 1, "error": 1}, "1 SKU failed")
        uow.commit()
    # When it is read back
    with uow:
        # Then the run, its results and the history are as written
        assert uow.stock_runs.get(run.id) == finished
        assert finished.status is StockSyncStatus.FAILED and finished.summary["error"] == 1
        assert uow.stock_runs.results(run.id) == results
        assert uow.stock_runs.latest("shop-a") == finished
        assert [r.id for r in uow.stock_runs.list("shop-a")] == [run.id, older.id]
        assert uow.stock_runs.get(older.id).status is StockSyncStatus.RUNNING
        assert uow.stock_runs.latest("shop-b") is None


def test_the_sales_cache_keeps_only_the_documents_still_approved(uow):
    from application.ports import SaleLine, SaleLines

    one = SaleLines("S-1", "2024-05-14 10:00:00", "WH-1", (SaleLine("I-1", "SKU-1", Decimal("2.500")),))
    two = SaleLines("S-2", None, None, (SaleLine(None, "SKU-2", Decimal("1")),))
    with uow:
        uow.sales_cache.put("shop-a", one)
        uow.sales_cache.put("shop-a", two)
        uow.commit()
    with uow:
        assert uow.sales_cache.all("shop-a") == {"S-1": one, "S-2": two}
        uow.sales_cache.retain("shop-a", ["S-2"])
        uow.commit()
    with uow:
        assert uow.sales_cache.get("shop-a", "S-1") is None
        assert uow.sales_cache.all("shop-a") == {"S-2": two}


def test_audit_entries_are_listed_newest_first_without_secrets(uow):
    with uow:
        uow.audit.record(AuditEntry(T0, "shop-a", "paytraq", "GET", "/api/sale/1?APIToken=t0p", 200, 40))
        uow.audit.record(AuditEntry(T0 + timedelta(seconds=1), "shop-a", "mozello", "PUT", "/p", 500, 9, "boom"))
        uow.audit.record(AuditEntry(T0, None, "paytraq", "GET", "/api/items", 200, 4))
        uow.commit()
    with uow:
        entries = uow.audit.recent("shop-a")
    assert [e.api for e in entries] == ["mozello", "paytraq"]
    assert entries[1].path == "/api/sale/1?APIToken=***" and entries[0].error == "boom"


def test_the_calls_made_for_one_order_are_listed_oldest_first(uow):
    # Given calls for two orders of a channel and one for no order
    with uow:
        for second, order_id in ((2, "M-1"), (0, "M-1"), (1, "M-2"), (3, None)):
            uow.audit.record(AuditEntry(T0 + timedelta(seconds=second), "shop-a", "paytraq",
                                        "GET", f"sale/{second}", 200, 5, None, order_id))
        uow.commit()
    # When the calls of M-1 are asked for, Then exactly they come, in the order they were made
    with uow:
        assert [e.path for e in uow.audit.for_order("shop-a", "M-1")] == ["sale/0", "sale/2"]
        assert uow.audit.for_order("shop-b", "M-1") == []


def test_the_write_shapes_learned_for_a_channel_are_kept_and_merged(uow):
    # Given a channel whose POST sale root was learned, then its payment form
    with uow:
        uow.write_dialects.remember("shop-a", WriteDialect(sale_root="Data"), T0)
        uow.commit()
    with uow:
        uow.write_dialects.remember("shop-a", WriteDialect(payment_form="date_paid"), T0)
        uow.commit()
    # Then both are remembered for that channel only
    with uow:
        assert uow.write_dialects.get("shop-a") == WriteDialect("Data", "date_paid")
        assert uow.write_dialects.get("shop-b") == WriteDialect()


def test_the_write_test_verdict_is_kept_per_channel_beside_the_shapes_and_can_be_withdrawn(uow):
    # Given a channel with learned write shapes whose write test then passed
    with uow:
        uow.write_dialects.remember("shop-a", WriteDialect(sale_root="Data"), T0)
        uow.write_dialects.record_write_test("shop-a", kept=True, at=T0 + timedelta(hours=1))
        uow.commit()
    # Then the proof is remembered for that channel only, and the shapes are untouched
    with uow:
        assert uow.write_dialects.writes_kept_since("shop-a") == T0 + timedelta(hours=1)
        assert uow.write_dialects.writes_kept_since("shop-b") is None
        assert uow.write_dialects.get("shop-a") == WriteDialect(sale_root="Data")
    # When a later write test finds a difference, Then the proof is withdrawn
    with uow:
        uow.write_dialects.record_write_test("shop-a", kept=False, at=T0 + timedelta(days=1))
        uow.write_dialects.remember("shop-a", WriteDialect(payment_form="date_paid"), T0)
        uow.commit()
    with uow:
        assert uow.write_dialects.writes_kept_since("shop-a") is None
        assert uow.write_dialects.get("shop-a") == WriteDialect("Data", "date_paid")


def test_whether_sales_query_finds_document_refs_is_kept_per_channel_and_can_be_withdrawn(uow):
    # Given a channel whose check showed sales?query= finding a DocumentRef
    with uow:
        uow.write_dialects.remember("shop-a", WriteDialect(sale_root="Data"), T0)
        uow.write_dialects.record_sales_query("shop-a", True, T0 + timedelta(hours=1))
        uow.commit()
    # Then it is remembered for that channel only, beside what else is kept
    with uow:
        assert uow.write_dialects.sales_query_shown_since("shop-a") == T0 + timedelta(hours=1)
        assert uow.write_dialects.sales_query_shown_since("shop-b") is None
        assert uow.write_dialects.get("shop-a") == WriteDialect(sale_root="Data")
    # When a later check shows it missing one, Then the proof is withdrawn
    with uow:
        uow.write_dialects.record_sales_query("shop-a", False, T0 + timedelta(days=1))
        uow.commit()
    with uow:
        assert uow.write_dialects.sales_query_shown_since("shop-a") is None


def test_tax_keys_are_remembered_per_channel_until_too_old_or_forgotten(uow):
    # Given PayTraq's tax keys read for a channel at T0 (one without a rate)
    keys = [TaxKey("1", "PVN 21%", Decimal("21")), TaxKey("9", "Bez PVN", None)]
    with uow:
        uow.write_dialects.remember_tax_keys("shop-a", keys, T0)
        uow.commit()
    # Then they come back equal while fresh enough, for that channel only
    with uow:
        assert uow.write_dialects.tax_keys("shop-a", not_before=T0) == keys
        assert uow.write_dialects.tax_keys("shop-b", not_before=T0 - timedelta(days=1)) is None
        # And not when asked for keys read after they were
        assert uow.write_dialects.tax_keys("shop-a", not_before=T0 + timedelta(seconds=1)) is None
    # When they are forgotten (a document was refused naming a tax key), Then none come back
    with uow:
        uow.write_dialects.remember_tax_keys("shop-a", None, T0)
        uow.commit()
    with uow:
        assert uow.write_dialects.tax_keys("shop-a", not_before=T0 - timedelta(days=1)) is None


def test_what_the_client_search_was_shown_to_match_is_kept_per_channel_beside_the_shapes(uow):
    # Given a channel with learned write shapes, whose check showed the client search
    shown = ClientQueryProof((("reg", True), ("vat", False), ("email", True)), T0)
    with uow:
        uow.write_dialects.remember("shop-a", WriteDialect(sale_root="Data"), T0)
        uow.write_dialects.record_client_query("shop-a", shown)
        uow.commit()
    # Then it comes back equal, for that channel only, and the shapes are untouched
    with uow:
        assert uow.write_dialects.client_query("shop-a") == shown
        assert uow.write_dialects.client_query("shop-b") == ClientQueryProof()
        assert uow.write_dialects.get("shop-a") == WriteDialect(sale_root="Data")
    # When a later check withdraws it (the search did not filter), Then nothing is shown
    with uow:
        uow.write_dialects.record_client_query("shop-a", ClientQueryProof((), T0))
        uow.commit()
    with uow:
        assert uow.write_dialects.client_query("shop-a").shown == ()


def test_times_come_back_as_the_same_instants_in_utc(uow):
    # Given a watermark in Riga time
    with uow:
        uow.watermarks.set("shop-a", "orders", T0)
        uow.commit()
    # Then it comes back as the same instant, timezone-aware
    with uow:
        back = uow.watermarks.get("shop-a", "orders")
    assert back == T0 and back.utcoffset() is not None
    assert back.astimezone(UTC) == T0.astimezone(UTC)


# --- what the dashboard and the channel settings ask ------------------------------------------


def test_payment_methods_seen_in_a_channels_orders_are_listed_once_each(uow):
    # Given three orders of shop-a (two paid by gateway, one by paypal) and one of shop-b
    paypal = full_item("shop-a", "M-2")
    paypal.order = dataclasses.replace(paypal.order, payment_method="paypal")
    elsewhere = full_item("shop-b", "M-9")
    elsewhere.order = dataclasses.replace(elsewhere.order, payment_method="cod")
    with uow:
        for item in (full_item("shop-a", "M-1"), full_item("shop-a", "M-3"), paypal, elsewhere):
            uow.inbox.add(item)
        uow.commit()
    # When the channel's payment methods are asked for, Then each method appears once
    with uow:
        assert uow.inbox.payment_methods("shop-a") == {full_item().order.payment_method, "paypal"}
        assert uow.inbox.payment_methods("nobody") == set()


def test_the_last_webhook_of_a_channel_is_its_newest_accepted_webhook(uow):
    # Given two webhooks of shop-a, then a poll snapshot and a refused body, and shop-b's webhook
    polled = delivery("shop-a", "fp-4", T0 + timedelta(hours=3))
    polled.event = "POLL"
    refused = delivery("shop-a", "", T0 + timedelta(hours=4))
    refused.error = "missing or bad X-Mozello-Hash signature"
    with uow:
        assert uow.deliveries.last_webhook_at("shop-a") is None
        for stored in (delivery("shop-a", "fp-1", T0 + timedelta(hours=2)),
                       delivery("shop-a", "fp-2", T0), polled, refused,
                       delivery("shop-b", "fp-3", T0 + timedelta(days=1))):
            uow.deliveries.add(stored)
        uow.commit()
    # Then shop-a's last webhook is the newest one Mozello delivered and was accepted
    with uow:
        assert uow.deliveries.last_webhook_at("shop-a") == T0 + timedelta(hours=2)


def test_paytraq_calls_are_counted_per_channel_since_a_moment(uow):
    # Given PayTraq calls before and after midnight, and a Mozello call
    midnight = T0.replace(hour=0, minute=0, second=0, microsecond=0)
    with uow:
        for at, channel in ((midnight - timedelta(seconds=1), "shop-a"), (midnight, "shop-a"),
                            (midnight + timedelta(hours=1), "shop-a"), (T0, "shop-b")):
            uow.audit.record(AuditEntry(at, channel, "paytraq", "GET", "/api/taxKeys", 200, 5))
        uow.audit.record(AuditEntry(T0, "shop-a", "mozello", "GET", "/store/", 200, 5))
        uow.commit()
    # When today's PayTraq calls are counted, Then only those since midnight count, per channel
    with uow:
        assert uow.audit.count_since("paytraq", midnight) == {"shop-a": 2, "shop-b": 1}
