"""A person's write through the JSON API (a logged-in session, not a machine's bearer token) is
recorded like a console action: who, when, what, and how it was answered."""

from __future__ import annotations

from flask import Response, g, request

from domain.users import PersonAction
from entrypoints.web.context import runtime

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def record_session_writes(response: Response) -> Response:
    user = g.get("user")
    if not user or request.method in SAFE_METHODS:
        return response
    args = request.view_args or {}
    action = f"api {request.method} {request.url_rule.rule if request.url_rule else request.path}"
    with runtime().uow_factory() as uow:
        uow.actions.record(PersonAction(runtime().clock.now(), user, action,
                                        args.get("channel_id"), args.get("order_id"),
                                        f"answered {response.status_code}"))
        uow.commit()
    return response
