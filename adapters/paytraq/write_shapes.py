"""Writes whose body shape PayTraq's public material leaves open (DECISIONS R1, R2).

A refused write (HTTP 400) creates nothing, so trying the next plausible shape is safe when the
refusal speaks of the body's shape — or, for a write in SHAPE_BLIND_KINDS whose shape the channel
has not learned yet, whatever the 400 says. The shape that worked is kept (and reported through
`on_learned`, which remembers it per channel) and sent first from then on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

import structlog

from adapters.paytraq.paths import SHAPE_BLIND_KINDS, names_the_body
from adapters.paytraq.transport import PayTraqTransport, RequestRefused
from application.errors import PermanentError
from application.ports import WriteDialect

log = structlog.get_logger(__name__)


class EveryShapeRefused(PermanentError):
    """PayTraq refused the write in every plausible shape (each refusal created nothing)."""

    write_not_sent = True

    def __init__(self, what: str, refusals: list[tuple[str, RequestRefused]]):
        detail = "; ".join(f"as {shape}: {refused.message}" for shape, refused in refusals)
        super().__init__(f"PayTraq refused {what} in every plausible shape ({detail})")
        self.refusals = refusals


class WriteShapes:
    """The channel's write dialect: which shape to send first, learned from PayTraq's answers."""

    def __init__(self, dialect: WriteDialect | None = None,
                 on_learned: Callable[[WriteDialect], None] | None = None):
        self._dialect = dialect or WriteDialect()
        self._on_learned = on_learned
        self._lock = threading.Lock()

    @property
    def dialect(self) -> WriteDialect:
        return self._dialect

    def post(self, http: PayTraqTransport, kind: str, path: str, shapes: Sequence[str],
             body_for: Callable[[str], bytes]) -> bytes:
        """POST the body in the known shape of `kind` (a WriteDialect field), else each shape in
        turn until one is accepted. AmbiguousWrite and other failures propagate at once."""
        known = getattr(self._dialect, kind)
        order = [known, *(s for s in shapes if s != known)] if known else list(shapes)
        refusals: list[tuple[str, RequestRefused]] = []
        for shape in order:
            try:
                answer = http.post(path, body_for(shape))
            except RequestRefused as refused:
                if not _worth_another_shape(kind, known, refused):
                    raise  # a refusal of the values: the same in every shape
                log.info("paytraq.shape_refused", kind=kind, shape=shape, status=refused.status)
                refusals.append((shape, refused))
                continue
            if shape != known:
                self._learn(kind, shape)
            return answer
        raise EveryShapeRefused(f"POST {path}", refusals)

    def _learn(self, kind: str, shape: str) -> None:
        with self._lock:
            self._dialect = replace(self._dialect, **{kind: shape})
        log.info("paytraq.shape_learned", kind=kind, shape=shape)
        if self._on_learned is not None:
            self._on_learned(WriteDialect(**{kind: shape}))


def _worth_another_shape(kind: str, known: str | None, refused: RequestRefused) -> bool:
    """A 400 naming the body; or any 400 while a shape-blind write's shape is not learned."""
    if refused.status != 400:
        return False
    return names_the_body(refused.message) or (known is None and kind in SHAPE_BLIND_KINDS)
