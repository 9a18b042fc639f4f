"""Read-only checks of a channel's PayTraq company: what the order flow and the stock sync
rely on, asked once so that a surprise shows on the first day, not with the first order."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from application.ports import AccountingPort, AccountingProbe
from application.preflight.client_search import ClientSearchCheck
from application.preflight.report import CheckLine, Result, probe
from application.preflight.write_test import TEST_REF_PREFIX
from domain.settings import ChannelSettings

OK, WARNING, FAILED, SKIPPED = Result.OK, Result.WARNING, Result.FAILED, Result.SKIPPED


class PayTraqChecks:
    def __init__(self, accounting: AccountingPort, probe_port: AccountingProbe,
                 settings: ChannelSettings, own_refs: Collection[str] = ()):
        self.accounting, self.probe, self.settings = accounting, probe_port, settings
        self.own_refs = own_refs  # DocumentRefs of documents the service made
        self.client_search = ClientSearchCheck(accounting)
        self.sales_query_finds_ref: bool | None = None  # None: not shown either way

    def run(self) -> list[CheckLine]:
        auth = probe("PayTraq: API key and token", self.authentication)
        if auth.result is FAILED:
            return [auth]
        return [
            auth,
            probe("PayTraq: tax keys and their rates", self.tax_keys),
            *self.client_search.lines(),
            probe("PayTraq: sale found by DocumentRef", self.sale_by_ref,
                  action="a lost answer to a new sale cannot be checked: it would be sent again"),
            probe("PayTraq: products with stock in the warehouse", self.warehouse_stock,
                  action="documents and the stock sync fail until the warehouse is fixed"),
            probe("PayTraq: price group", self.price_group,
                  action="the price sync fails until the price group is fixed"),
            probe("PayTraq: status filter on sales", self.status_filter, needed=False),
        ]

    def authentication(self) -> CheckLine:
        count = len(self.accounting.tax_keys())
        return CheckLine("PayTraq: API key and token", OK, f"accepted ({count} tax keys read)")

    def tax_keys(self) -> CheckLine:
        keys = {key.id: key for key in self.accounting.tax_keys()}
        name = "PayTraq: tax keys and their rates"
        if not any(key.rate is not None for key in keys.values()):
            return CheckLine(name, WARNING, "no tax key carries a TaxRate",
                             "PayTraq's VAT cannot be predicted: totals are checked after the "
                             "document is created only", needed=False)
        if not self.settings.tax_keys:
            return CheckLine(name, FAILED, "no VAT rate is mapped to a tax key",
                             "every order goes to review (unmapped_tax_rate): set --tax-map")
        wrong = []
        for rate, key_id in self.settings.tax_keys:
            key = keys.get(key_id)
            if key is None:
                wrong.append(f"{rate}% → {key_id}: no such tax key")
            elif (key.rate or 0) != rate:
                wrong.append(f"{rate}% → {key_id} ({key.name}) has rate {key.rate}")
        if wrong:
            return CheckLine(name, FAILED, "; ".join(wrong),
                             "orders at these rates are refused or mismatch: fix --tax-map")
        mapped = ", ".join(f"{rate}%→{key_id}" for rate, key_id in self.settings.tax_keys)
        return CheckLine(name, OK, f"{len(keys)} keys; mapped {mapped}")

    def sale_by_ref(self) -> CheckLine:
        name = "PayTraq: sale found by DocumentRef"
        listed = [s for s in self.probe.sales_listed() if s.ref]
        own = [s for s in listed if s.ref in self.own_refs or s.ref.startswith(TEST_REF_PREFIX)]
        sample = next(iter(own + listed), None)
        if sample is None:
            return CheckLine(name, SKIPPED, "no sale with a DocumentRef to search for",
                             "after a lost answer the service also lists sales by document date",
                             needed=False)
        finds = self.accounting.find_sale_by_ref(sample.ref) is not None
        # shown only on a document the service made (its reference is nothing else of the
        # sale's); a miss on any sale withdraws it
        self.sales_query_finds_ref = finds if own or not finds else None
        if finds and own:
            return CheckLine(name, OK, f"sales?query={sample.ref} finds sale {sample.id}",
                             "after a lost answer to a new sale one search settles it")
        if finds:
            return CheckLine(name, OK, f"sales?query={sample.ref} finds sale {sample.id}, "
                             "which the service did not make",
                             "after a lost answer the sales around the order's date are "
                             "listed too, until a check finds one the service made")
        around = date.fromisoformat(sample.date) if sample.date else None
        if around and self.accounting.find_sale_by_ref(sample.ref, around) is not None:
            return CheckLine(name, WARNING, f"sales?query={sample.ref} misses it; the listing by "
                             "document date finds it",
                             "after a lost answer the service lists sales by document date "
                             "(a bounded look-up); nothing is created twice", needed=False)
        return CheckLine(name, FAILED, f"sale {sample.id} ({sample.ref}) is found neither by "
                         "query nor by document date",
                         "a lost answer to a new sale cannot be checked: report this mismatch")

    def warehouse_stock(self) -> CheckLine:
        name = "PayTraq: products with stock in the warehouse"
        warehouse = self.settings.warehouse_id
        if not warehouse:
            return CheckLine(name, SKIPPED, "no warehouse set (--warehouse-id)",
                             "documents take PayTraq's default warehouse; no stock sync",
                             needed=False)
        products = []
        for product in self.accounting.warehouse_stock(warehouse):
            products.append(product)
            if len(products) >= 100:
                break
        stocked = sum(1 for p in products if p.qty > 0)
        return CheckLine(name, OK, f"warehouse {warehouse}: {len(products)} products read "
                         f"(first page), {stocked} with stock")

    def price_group(self) -> CheckLine:
        name = "PayTraq: price group"
        sync = self.settings.stock_sync
        if not sync.sync_prices or not sync.price_group_id:
            return CheckLine(name, SKIPPED, "price sync is off", needed=False)
        prices = self.accounting.price_list(sync.price_group_id)
        return CheckLine(name, OK, f"price group {sync.price_group_id}: {len(prices)} prices")

    def status_filter(self) -> CheckLine:
        name = "PayTraq: status filter on sales"
        listed = self.probe.sales_listed("in_process")
        others = sorted({s.status for s in listed} - {"in_process"})
        if not listed:
            return CheckLine(name, SKIPPED, "no approved sales order to see", needed=False)
        if others:
            return CheckLine(name, WARNING, f"status=in_process also returned {', '.join(others)}",
                             "the service keeps only in_process orders itself (stock sync)",
                             needed=False)
        return CheckLine(name, OK, f"status=in_process returned {len(listed)} approved orders only",
                         needed=False)
