"""Reading a webhook delivery from the shop: is it signed by the channel's key, which event and
order does it name, and what makes two deliveries the same (adapters/mozello/webhooks.py).

The web process reads only this much of a body; the full parse (the order, the product) is the
worker's, when the stored delivery becomes a command."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryHeading:
    """What a delivery is about, read from its body without acting on it."""

    event: str
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryReading:
    """One pass over a signed body: its fingerprint, and its heading or why it has none."""

    fingerprint: str
    heading: DeliveryHeading | None = None
    error: str | None = None  # the body is no notification we can read: why


class WebhookReader(abc.ABC):
    kept_headers: tuple[str, ...] = ()  # the request headers stored with a delivery
    signature_header: str = "signature"  # where the signature travels, for error messages

    @abc.abstractmethod
    def is_signed(self, body: bytes, headers: dict[str, str], api_key: str) -> bool:
        """Whether `headers` carry the signature of exactly these bytes under `api_key`."""

    @abc.abstractmethod
    def read(self, channel_id: str, body: bytes) -> DeliveryReading:
        """The fingerprint (equal for two deliveries of the same event and snapshot, whatever
        their escaping) and the event and order of the body — or, whatever the body holds,
        the readable reason it is no notification. Never raises."""
