"""The PayTraq sandbox's fault controls over HTTP (sandbox-only, not PayTraq), so any process —
the chaos suite, a shell with curl — can make the sandbox misbehave:

- `POST /sandbox/faults` `{"method", "path", "kind", "seconds", "status", "how", "times"}`:
  one fault for matching requests (see faults.py for the kinds; `path` is after `/api/`, or
  `ext/webhooks/inbox/{ChannelID}` for PayTraq Connect);
- `PUT /sandbox/faults/random` `{"rate": 0.15, "seconds": 1.0, "seed": 7}`: that share of all
  API answers goes wrong at random — a 429, a 500, a slow 504, or (for writes) the answer
  lost after the write was done; `{"rate": 0}` stops it;
- `DELETE /sandbox/faults`: no more faults of either kind;
- `GET /sandbox/faults`: how many faults were injected, by kind.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, jsonify, request

from adapters.paytraq.sandbox.faults import Fault, SandboxControls

KINDS = ("429", "500", "timeout", "lost_answer")


@dataclass
class RandomFaults:
    """A share of requests answered wrongly, picked at random (seeded: runs repeat)."""

    rate: float = 0.0
    seconds: float = 1.0
    seed: int | None = None
    injected: Counter = field(default_factory=Counter)
    _random: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random.seed(self.seed)

    def pick(self, method: str, path: str) -> Fault | None:
        with self._lock:
            if self.rate <= 0 or self._random.random() >= self.rate:
                return None
            kind = self._random.choice(KINDS if method == "POST" else KINDS[:3])
            self.injected[kind] += 1
        if kind == "429":
            return Fault(method, path, "error", status=429)
        if kind == "500":
            return Fault(method, path, "error", status=500)
        if kind == "timeout":
            return Fault(method, path, "timeout", seconds=self.seconds)
        return Fault(method, path, "drop_after_write", how=self._random.choice(["close", "500"]))


def fault_blueprint(controls: SandboxControls) -> Blueprint:
    api = Blueprint("paytraq_sandbox_faults", __name__)

    @api.post("/sandbox/faults")
    def inject():
        body = request.get_json(force=True) or {}
        options = {k: body[k] for k in ("seconds", "status", "how", "times") if k in body}
        controls.inject(body.get("method", "GET"), body.get("path", ".*"),
                        body.get("kind", "error"), **options)
        return jsonify(injected=True)

    @api.put("/sandbox/faults/random")
    def at_random():
        body = request.get_json(force=True) or {}
        controls.random_faults = RandomFaults(float(body.get("rate", 0)),
                                              float(body.get("seconds", 1.0)), body.get("seed"))
        return jsonify(rate=controls.random_faults.rate)

    @api.delete("/sandbox/faults")
    def clear():
        controls.clear_faults()
        controls.random_faults = RandomFaults()
        return jsonify(cleared=True)

    @api.get("/sandbox/faults")
    def report():
        return jsonify(pending=len(controls.faults),
                       random=dict(controls.random_faults.injected),
                       rate=controls.random_faults.rate)

    return api
