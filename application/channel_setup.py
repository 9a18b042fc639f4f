"""Connecting a shop: both API keys checked, Mozello told where to send its webhooks, the
channel stored. The CLI (`channel create`), the JSON API and the console all come here."""

from __future__ import annotations

import abc
import dataclasses
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from application.errors import AuthenticationFailed, InvalidInput
from application.handlers.poll_orders import WATERMARK as ORDERS_POLL_WATERMARK
from application.ports import AccountingPort, ChannelCredentials, Clock, ShopPort, UnitOfWork
from domain.settings import Channel, ChannelSettings


class Connector(abc.ABC):
    """Adapters for credentials that are not stored yet: a channel being created."""

    webhook_events: Iterable[str] = ()

    @abc.abstractmethod
    def shop(self, credentials: ChannelCredentials) -> ShopPort: ...

    @abc.abstractmethod
    def accounting(self, credentials: ChannelCredentials) -> AccountingPort: ...


# an API key or token as a request header can carry it: visible ASCII, no blanks or line breaks
API_KEY = re.compile(r"[\x21-\x7e]{1,200}\Z")  # .match: anchored at both ends
KEY_FIELDS = ("mozello_api_key", "paytraq_api_key", "paytraq_api_token")


def unsendable_keys(values: dict[str, str]) -> list[str]:
    """The key fields among `values` given a value no request can carry (a key pasted with its
    line break, say): refused when entered rather than failing every call later."""
    return [name for name in KEY_FIELDS if values.get(name) and not API_KEY.match(values[name])]


@dataclass(frozen=True)
class NewChannel:
    name: str
    mozello_api_key: str
    paytraq_api_key: str
    paytraq_api_token: str

    def credentials(self) -> ChannelCredentials:
        return ChannelCredentials(self.mozello_api_key, self.paytraq_api_key,
                                  self.paytraq_api_token)


@dataclass(frozen=True)
class CreatedChannel:
    id: str
    webhook_path: str


def webhook_path(channel_id: str) -> str:
    return f"/webhooks/mozello/{channel_id}"


def create_channel(
    new: NewChannel,
    uow: UnitOfWork,
    connector: Connector,
    clock: Clock,
    public_url: str,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:12],
) -> CreatedChannel:
    """Raises InvalidInput (per field) when a key is refused; nothing is stored then. A key no
    request can carry is refused before either API is asked."""
    unsendable = unsendable_keys(dataclasses.asdict(new))
    if unsendable:
        raise InvalidInput({name: ["visible ASCII characters only: no blanks or line breaks"]
                            for name in unsendable})
    credentials = new.credentials()
    shop, accounting = connector.shop(credentials), connector.accounting(credentials)
    errors = _refused_keys(shop, accounting)
    if not new.name.strip():
        errors["name"] = ["give the shop a name"]
    if errors:
        raise InvalidInput(errors)
    channel_id = new_id()
    path = webhook_path(channel_id)
    shop.set_notifications(public_url + path, connector.webhook_events)
    now = clock.now()
    with uow:
        uow.channels.add(Channel(channel_id, new.name.strip(), ChannelSettings(), created_at=now),
                         credentials)
        # the catch-up poll starts from now: the shop's order history is not imported
        uow.watermarks.set(channel_id, ORDERS_POLL_WATERMARK, now)
        uow.commit()
    return CreatedChannel(channel_id, path)


def _refused_keys(shop: ShopPort, accounting: AccountingPort) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        shop.validate_key()
    except AuthenticationFailed:
        errors["mozello_api_key"] = [
            "Mozello rejected the API key (Store → Store settings → API in Mozello)"]
    try:
        accounting.tax_keys()
    except AuthenticationFailed:
        message = "PayTraq rejected the API key/token (Settings → API in PayTraq)"
        errors["paytraq_api_key"] = [message]
        errors["paytraq_api_token"] = [message]
    return errors
