"""`sales-inbox keys …`: a new secret key, and the stored credentials moved onto it.

The procedure (docs/security.md): make a key, restart every process with SALES_INBOX_SECRET_KEY
set to it and the previous key in SALES_INBOX_OLD_SECRET_KEYS, run `keys rotate`, and drop the old
key once `keys status` shows no credential under it. Nothing stops while this happens."""

from __future__ import annotations

import click

from adapters.storage.crypto import SecretBox
from entrypoints.cli.support import fail
from entrypoints.config import load_config
from entrypoints.runtime import Storage, open_storage


@click.group()
def keys() -> None:
    """The secret key that encrypts channel credentials at rest."""


@keys.command("generate")
def generate() -> None:
    """Print a new key for SALES_INBOX_SECRET_KEY (nothing is stored)."""
    click.echo(SecretBox.generate_key())


@keys.command("status")
def status() -> None:
    """How many stored credentials each key holds (exit 3 while some are under an old key)."""
    from adapters.storage.key_rotation import key_usage

    storage = _storage()
    usage = key_usage(storage.engine, storage.secrets)
    click.echo(f"{len(usage.current)} credential(s) under the new key, "
               f"{len(usage.old)} under an old key")
    for channel_id in usage.old:
        click.echo(f"  old key: channel {channel_id}")
    if usage.old:
        raise SystemExit(3)


@keys.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored credential under SALES_INBOX_SECRET_KEY, one row at a time.
    Safe to interrupt and to run again."""
    from adapters.storage.key_rotation import key_usage, rotate_credentials

    storage = _storage()
    done = rotate_credentials(storage.engine, storage.secrets,
                              after_row=lambda channel_id: click.echo(f"  channel {channel_id}"))
    click.echo(f"re-encrypted {len(done.rotated)}, already under the new key "
               f"{len(done.already_current)}")
    left = key_usage(storage.engine, storage.secrets).old
    if left:  # written meanwhile by a process still running with the old key alone
        fail(f"{len(left)} credential(s) were written under an old key meanwhile: restart every "
             "process with the new key, then run `sales-inbox keys rotate` again", code=3)
    click.echo("every credential is under the new key: remove SALES_INBOX_OLD_SECRET_KEYS "
               "and restart")


def _storage() -> Storage:
    config = load_config()
    if not config.secret_key:
        fail("set SALES_INBOX_SECRET_KEY to the new key (from `sales-inbox keys generate`) and "
             "SALES_INBOX_OLD_SECRET_KEYS to the current one; the key file "
             f"{config.secret_key_file} holds the key in use when neither is set")
    return open_storage(config)
