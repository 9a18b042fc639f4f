"""Per-channel access to the outside world: each channel has its own credentials and limits."""

from __future__ import annotations

import abc

from application.ports.accounting import AccountingPort
from application.ports.connect import ConnectPort
from application.ports.mail import MailerPort
from application.ports.shop import ShopPort
from application.ports.storage import ChannelCredentials
from domain.settings import Channel


class Gateways(abc.ABC):
    """Builds the adapters of one channel (its credentials, its rate limits).

    A handler that has read the channel and its credentials in its own unit of work passes
    them: the adapters are then had without reading them again."""

    @abc.abstractmethod
    def accounting(self, channel_id: str,
                   credentials: ChannelCredentials | None = None) -> AccountingPort: ...

    @abc.abstractmethod
    def shop(self, channel_id: str) -> ShopPort: ...

    @abc.abstractmethod
    def mailer(self, channel_id: str, credentials: ChannelCredentials | None = None,
               channel: Channel | None = None) -> MailerPort: ...

    def connect(self, channel_id: str) -> ConnectPort:
        """The channel's PayTraq Connect URL as a port (channels on the Connect transport)."""
        raise LookupError(f"channel {channel_id} has no PayTraq Connect URL here")

    def paytraq_rest(self, channel_id: str) -> AccountingPort | None:
        """PayTraq's REST API, or None when the channel has no REST credentials."""
        return self.accounting(channel_id)
