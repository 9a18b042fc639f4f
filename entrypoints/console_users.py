"""Who can log in to the console when `serve` starts: the first log line says how to create the
first user on a fresh install; sandbox mode has a documented demo user."""

from __future__ import annotations

import structlog

from application.logins import create_user
from application.ports import Clock
from entrypoints.passwords import hash_password, password_matches

logger = structlog.get_logger()

DEMO_USER = "demo"
DEMO_PASSWORD = "sales-inbox-demo"  # sandbox mode only: documented in README


def announce_console_users(uow_factory, clock: Clock, sandbox: bool, url: str) -> None:
    with uow_factory() as uow:
        users = uow.users.count()
        demo = uow.users.get(DEMO_USER)
    demo_exists = demo is not None and password_matches(demo.password_hash, DEMO_PASSWORD)
    if sandbox:
        if demo is None:
            create_user(uow_factory(), DEMO_USER, DEMO_PASSWORD, hash_password, clock)
        logger.warning(f"console: open {url} and log in as {DEMO_USER} / {DEMO_PASSWORD} "
                       "(sandbox demo user)", url=url, user=DEMO_USER)
        return
    if demo_exists:  # with its public password it never outlives sandbox mode
        with uow_factory() as uow:
            uow.users.remove(DEMO_USER)
            uow.commit()
        users -= 1
        logger.warning("console: the sandbox demo user was removed (not in sandbox mode)")
    if users == 0:
        logger.warning(f"console: no user yet; create the first one with `sales-inbox user "
                       f"create NAME`, then log in at {url}", url=url)
