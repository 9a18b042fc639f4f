from __future__ import annotations

from adapters.mailers.paytraq import PayTraqMailer
from application.ports import (
    AccountingPort,
    ChannelCredentials,
    ConnectPort,
    Gateways,
    MailerPort,
    ShopPort,
)
from domain.settings import Channel


class StaticGateways(Gateways):
    """The same adapters for every channel: the unit tests and the demo."""

    def __init__(self, accounting: AccountingPort, shop: ShopPort | None = None,
                 mailer: MailerPort | None = None, connect: ConnectPort | None = None,
                 rest: bool = True):
        self._accounting, self._shop, self._connect, self._rest = accounting, shop, connect, rest
        self._mailer = mailer or PayTraqMailer(accounting)

    def connect(self, channel_id: str) -> ConnectPort:
        if self._connect is None:
            raise LookupError("no PayTraq Connect adapter configured")
        return self._connect

    def paytraq_rest(self, channel_id: str) -> AccountingPort | None:
        return self._accounting if self._rest else None

    def accounting(self, channel_id: str,
                   credentials: ChannelCredentials | None = None) -> AccountingPort:
        return self._accounting

    def shop(self, channel_id: str) -> ShopPort:
        if self._shop is None:
            raise LookupError("no shop adapter configured")
        return self._shop

    def mailer(self, channel_id: str, credentials: ChannelCredentials | None = None,
               channel: Channel | None = None) -> MailerPort:
        return self._mailer
