"""Which shape of PayTraq's writes worked for a channel (DECISIONS R1, R2).

PayTraq's public material leaves the root of `POST sale` and the body of a payment open. The
adapter tries the plausible shapes in turn on a refusal and reports the one that worked; it is
remembered per channel so the next write goes straight to it, and `channel check` shows it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WriteDialect:
    """Names of the shapes that worked (None: not learned yet). The adapter owns the names."""

    sale_root: str | None = None
    payment_form: str | None = None

    def merged(self, other: WriteDialect) -> WriteDialect:
        return WriteDialect(other.sale_root or self.sale_root,
                            other.payment_form or self.payment_form)


class WriteDialectStore(abc.ABC):
    @abc.abstractmethod
    def get(self, channel_id: str) -> WriteDialect: ...

    @abc.abstractmethod
    def remember(self, channel_id: str, dialect: WriteDialect, at: datetime) -> None: ...
