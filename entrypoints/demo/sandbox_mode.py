"""Built-in sandboxes for `make run` when no real credentials are configured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import structlog

from adapters.mozello.api import MozelloClient
from adapters.mozello.notifications import EVENTS
from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from application.handlers.poll_orders import WATERMARK as ORDERS_POLL_WATERMARK
from application.ports import ChannelCredentials, UnitOfWork
from domain.settings import (
    Channel,
    ChannelSettings,
    DocumentType,
    PaymentMapping,
    StockSyncSettings,
)
from entrypoints.config import Config

logger = structlog.get_logger()

SANDBOX_CHANNEL = "sandbox"


@dataclass
class Sandboxes:
    paytraq: PayTraqSandbox
    mozello: MozelloSandbox

    def stop(self) -> None:
        self.mozello.stop()
        self.paytraq.stop()


def wants_sandboxes(config: Config, uow: UnitOfWork) -> bool:
    if config.sandbox != "auto":
        return config.sandbox == "on"
    if config.paytraq_api_url or config.mozello_api_url:
        return False
    with uow:
        return all(c.id == SANDBOX_CHANNEL for c in uow.channels.list())


def start_sandboxes() -> Sandboxes:
    paytraq = PayTraqSandbox().start()
    mozello = MozelloSandbox(seed_path=SEED_PATH).start(deliver_in_background=True)
    mozello.state.webhooks.delay = 0
    return Sandboxes(paytraq, mozello)


def sandbox_settings() -> ChannelSettings:
    return ChannelSettings(
        auto_process=True,
        document_type=DocumentType.SALES_ORDER,
        approve=True,
        add_payment=True,
        send_email=True,
        payment_mappings=(
            PaymentMapping("gateway", "5011", merchant_account=True),
            PaymentMapping("paypal", "5012"),
            PaymentMapping("banktransfer", "5013"),
        ),
        tax_keys=((Decimal("21"), "100021"), (Decimal("12"), "100012"), (Decimal("0"), "100000")),
        rounding_tax_key="100099",
        warehouse_id="1",
        stock_sync=StockSyncSettings(sync_prices=True, price_group_id="1476", daily=True),
    )


def ensure_sandbox_channel(uow: UnitOfWork, sandboxes: Sandboxes, public_url: str) -> Channel:
    """The sandbox shop as a channel, and the Mozello sandbox told where to send webhooks."""
    with uow:
        channel = uow.channels.get(SANDBOX_CHANNEL)
        if channel is None:
            channel = Channel(SANDBOX_CHANNEL, "Sandbox shop (Mozello sandbox → PayTraq sandbox)",
                              sandbox_settings(), created_at=datetime.now(UTC))
            uow.channels.add(
                channel,
                ChannelCredentials(
                    mozello_api_key=sandboxes.mozello.api_key,
                    paytraq_api_key=sandboxes.paytraq.api_key,
                    paytraq_api_token=sandboxes.paytraq.api_token,
                ),
            )
            uow.watermarks.set(SANDBOX_CHANNEL, ORDERS_POLL_WATERMARK, datetime.now(UTC))
            uow.commit()
    MozelloClient(sandboxes.mozello.api_key, sandboxes.mozello.base_url).set_notifications(
        f"{public_url}/webhooks/mozello/{SANDBOX_CHANNEL}", EVENTS
    )
    return channel
