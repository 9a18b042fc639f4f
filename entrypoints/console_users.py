"""Who can log in to the console when `serve` starts: the first log line says how to create the
first user on a fresh install; sandbox mode has a documented demo user."""

from __future__ import annotations

import structlog

from application.logins import create_user
from application.ports import Clock
from entrypoints.passwords import hash_password

logger = structlog.get_logger()

DEMO_USER = "demo"
DEMO_PASSWORD = "sales-inbox-demo"  # sandbox mode only: documented in README


def announce_console_users(uow_factory, clock: Clock, sandbox: bool, url: str) -> None:
    with uow_factory() as uow:
        users = uow.users.count()
        demo_exists = uow.users.get(DEMO_USER) is not None
    if sandbox:
        if not demo_exists:
            create_user(uow_factory(), DEMO_USER, DEMO_PASSWORD, hash_password, clock)
        logger.warning(f"console: open {url} and log in as {DEMO_USER} / {DEMO_PASSWORD} "
                       "(sandbox demo user)", url=url, user=DEMO_USER)
    elif users == 0:
        logger.warning(f"console: no user yet; create the first one with `sales-inbox user "
                       f"create NAME`, then log in at {url}", url=url)
