"""`sales-inbox user create|list|delete`: the people who may log in to the console."""

from __future__ import annotations

import sys

import click

from application.logins import create_user, delete_user
from entrypoints.cli.support import fail, runtime_for_cli
from entrypoints.passwords import hash_password


@click.group()
def user() -> None:
    """Users of the web console."""


@user.command("create")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="read the password from standard input (first line) instead of a prompt")
def create(name, password_stdin):
    """Create a user (or give an existing one a new password); at least 10 characters."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    runtime = runtime_for_cli()
    try:
        create_user(runtime.uow_factory(), name, password, hash_password, runtime.clock)
    except ValueError as invalid:
        fail(str(invalid))
    click.echo(f"user {name} can now log in to the console")


@user.command("list")
def list_users():
    """The users who may log in."""
    runtime = runtime_for_cli()
    with runtime.uow_factory() as uow:
        names = uow.users.names()
    for name in names:
        click.echo(name)
    if not names:
        click.echo("no users yet: `sales-inbox user create NAME`")


@user.command("delete")
@click.argument("name")
def delete(name):
    """Remove a user; their open console sessions end at their next request."""
    runtime = runtime_for_cli()
    if not delete_user(runtime.uow_factory(), name, "cli", runtime.clock):
        fail(f"no user {name!r}")
    click.echo(f"user {name} deleted; their open sessions are ended")
