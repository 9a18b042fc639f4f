"""`channel check`: what works against this channel's PayTraq company and Mozello shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.errors import UnknownChannel
from application.inbox_listing import InboxQuery
from application.ports import (
    AccountingProbe,
    ChannelCredentials,
    ClientQueryProof,
    Clock,
    Gateways,
    UnitOfWork,
    WriteDialect,
)
from application.preflight.client_search import plan_line
from application.preflight.mozello_checks import MozelloChecks
from application.preflight.paytraq_checks import PayTraqChecks
from application.preflight.report import ChannelCheckReport, CheckLine, Result
from application.preflight.write_test import WriteTest
from domain.settings import Channel, PayTraqTransport

__all__ = ["ChannelCheckReport", "CheckChannel", "CheckLine", "Result", "check_channel"]


@dataclass(frozen=True)
class CheckChannel:
    channel_id: str
    webhook_url: str | None = None
    write_test: bool = False
    payment_test: bool = False


def check_channel(cmd: CheckChannel, uow: UnitOfWork, gateways: Gateways,
                  clock: Clock) -> ChannelCheckReport:
    """Read-only checks of both sides; with `write_test`, a test Draft written, compared and
    voided. Never raises for what the APIs answer: each answer is a line of the report."""
    with uow:
        channel = uow.channels.get(cmd.channel_id)
        if channel is None:
            raise UnknownChannel(cmd.channel_id)
        credentials = uow.channels.credentials(channel.id)
    accounting = gateways.accounting(channel.id)
    rest = credentials.has_paytraq_rest
    probe_port = accounting if rest and isinstance(accounting, AccountingProbe) else None
    lines: list[CheckLine] = [_transport_line(channel, credentials)]
    client_query = ClientQueryProof()
    if probe_port is not None:
        paytraq = PayTraqChecks(accounting, probe_port, channel.settings,
                                _own_refs(uow, channel.id))
        lines += paytraq.run()
        client_query = _remember_client_query(uow, channel.id, paytraq, clock.now())
        _remember_sales_query(uow, channel.id, paytraq.sales_query_finds_ref, clock.now())
        lines.append(plan_line(client_query))
    lines += MozelloChecks(gateways.shop(channel.id), cmd.webhook_url, clock.now()).run()
    paytraq_works = len(lines) < 2 or lines[1].result is not Result.FAILED
    if cmd.write_test and probe_port is not None and paytraq_works:
        test = WriteTest(accounting, probe_port, channel.settings, clock.now(),
                         lambda: _describe(_dialect(accounting)))
        lines += test.run(cmd.payment_test)
        if test.kept is not None:
            with uow:
                uow.write_dialects.record_write_test(channel.id, test.kept, clock.now())
                uow.commit()
    dialect = _dialect(accounting)
    lines.append(_dialect_line(dialect))
    with uow:
        lines.append(_read_back_line(uow.write_dialects.writes_kept_since(channel.id)))
    return ChannelCheckReport(channel.id, tuple(lines), dialect, client_query)


def _remember_client_query(uow: UnitOfWork, channel_id: str, paytraq: PayTraqChecks,
                           now: datetime) -> ClientQueryProof:
    """What `clients?query=` was shown to match, merged into what earlier checks showed."""
    with uow:
        earlier = uow.write_dialects.client_query(channel_id)
        proof = paytraq.client_search.proof(earlier, now)
        if proof is None:
            return earlier
        uow.write_dialects.record_client_query(channel_id, proof)
        uow.commit()
        return proof


def _own_refs(uow: UnitOfWork, channel_id: str) -> set[str]:
    """The DocumentRefs of the latest documents the service made for the channel."""
    with uow:
        page = uow.inbox.page(InboxQuery(channel_id=channel_id), limit=100)
    return {item.document.ref for item in page.items if item.document is not None}


def _remember_sales_query(uow: UnitOfWork, channel_id: str, finds_ref: bool | None,
                          now: datetime) -> None:
    """Whether `sales?query=` was shown to find a DocumentRef; not shown keeps the last verdict."""
    if finds_ref is None:
        return
    with uow:
        uow.write_dialects.record_sales_query(channel_id, finds_ref, now)
        uow.commit()


def _dialect(accounting) -> WriteDialect:
    return getattr(accounting, "write_dialect", None) or WriteDialect()


def _describe(dialect: WriteDialect) -> str:
    root = {"Sale": "<Sale>", "Data": "<Data><Sale>"}.get(dialect.sale_root or "", "not learned")
    return f"POST sale root {root}, payment form {dialect.payment_form or 'not learned'}"


def _dialect_line(dialect: WriteDialect) -> CheckLine:
    learned = dialect.sale_root and dialect.payment_form
    return CheckLine(
        "PayTraq: write shapes remembered for this channel",
        Result.OK if learned else Result.SKIPPED,
        _describe(dialect),
        "writes go straight to these shapes" if learned else
        "each write tries the plausible shapes until one is taken, then remembers it "
        "(run --write-test --payment-test to learn them now)",
        needed=False,
    )


def _read_back_line(kept_since: datetime | None) -> CheckLine:
    name = "PayTraq: documents kept as sent (write test)"
    if kept_since is None:
        return CheckLine(name, Result.SKIPPED, "not shown for this channel: every document is "
                         "read back after it is created (one GET sale per order)",
                         "run --write-test to show it and save that call", needed=False)
    return CheckLine(name, Result.OK, f"shown by the write test at {kept_since:%Y-%m-%d %H:%M} "
                     "UTC: a document created as predicted (its total equal to the shop's) is "
                     "not read back", "a differing or adopted document is still read back",
                     needed=False)


def _transport_line(channel: Channel, credentials: ChannelCredentials) -> CheckLine:
    name = "PayTraq: transport"
    if channel.settings.paytraq_transport is not PayTraqTransport.CONNECT:
        return CheckLine(name, Result.OK, "REST API (a call per step)", needed=False)
    if not credentials.paytraq_connect_url:
        return CheckLine(name, Result.FAILED, "PayTraq Connect without a Connect URL",
                         "no order can be sent: set --paytraq-connect-url")
    back = ("REST credentials given: the document is read back for its status and number"
            if credentials.has_paytraq_rest else
            "no REST credentials: the inbox shows 'sent'; documents are not read back, and a "
            "lost answer waits for a person")
    return CheckLine(name, Result.OK, f"PayTraq Connect, one call per order; {back}",
                     needed=False)
