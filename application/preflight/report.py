"""The channel check's report: one line per check, with what the service will do about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from application.errors import AuthenticationFailed, SalesInboxError
from application.ports import ClientQueryProof, WriteDialect


class Result(StrEnum):
    OK = "ok"
    WARNING = "warning"  # works, but not as the service would like; it copes as the action says
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CheckLine:
    check: str
    result: Result
    detail: str
    action: str = ""  # what the service will do about it (or what a person must do)
    needed: bool = True  # does automatic processing need this to work?

    @property
    def blocks(self) -> bool:
        return self.needed and self.result is Result.FAILED


@dataclass(frozen=True, slots=True)
class ChannelCheckReport:
    channel_id: str
    lines: tuple[CheckLine, ...]
    dialect: WriteDialect = field(default_factory=WriteDialect)
    client_query: ClientQueryProof = field(default_factory=ClientQueryProof)

    @property
    def blocking(self) -> list[CheckLine]:
        return [line for line in self.lines if line.blocks]

    @property
    def ok(self) -> bool:
        return not self.blocking

    def as_dict(self) -> dict:
        return {
            "channel_id": self.channel_id,
            "ok": self.ok,
            "write_dialect": {"sale_root": self.dialect.sale_root,
                              "payment_form": self.dialect.payment_form},
            "client_query": {"shown": dict(self.client_query.shown),
                             "at": self.client_query.at.isoformat()
                             if self.client_query.at else None},
            "checks": [
                {"check": line.check, "result": line.result.value, "detail": line.detail,
                 "action": line.action, "needed": line.needed}
                for line in self.lines
            ],
        }


def probe(check: str, run: Callable[[], CheckLine], *, needed: bool = True,
          action: str = "") -> CheckLine:
    """Run one check; an error of the outside API becomes a failed line, never an exception."""
    try:
        return run()
    except AuthenticationFailed as refused:
        return CheckLine(check, Result.FAILED, str(refused),
                         "the API refused the keys: nothing works until they are fixed", needed)
    except SalesInboxError as error:
        return CheckLine(check, Result.FAILED, str(error), action, needed)
