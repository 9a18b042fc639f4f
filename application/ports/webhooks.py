"""Reading a webhook delivery from the shop: is it signed by the channel's key, which event and
order does it name, and what makes two deliveries the same (adapters/mozello/webhooks.py)."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryHeading:
    """What a delivery is about, read from its body without acting on it."""

    event: str
    order_id: str | None = None


class WebhookReader(abc.ABC):
    kept_headers: tuple[str, ...] = ()  # the request headers stored with a delivery
    signature_header: str = "signature"  # where the signature travels, for error messages

    @abc.abstractmethod
    def is_signed(self, body: bytes, headers: dict[str, str], api_key: str) -> bool:
        """Whether `headers` carry the signature of exactly these bytes under `api_key`."""

    @abc.abstractmethod
    def heading(self, body: bytes) -> DeliveryHeading:
        """The event and order of the body; raises UnreadableDelivery with a readable reason."""

    @abc.abstractmethod
    def fingerprint(self, channel_id: str, body: bytes) -> str:
        """Equal for two deliveries of the same event and snapshot, whatever their escaping."""
