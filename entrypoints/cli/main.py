"""The `sales-inbox` command. Every failure is one clear line and a non-zero exit."""

from __future__ import annotations

import os
import signal
import sys

import click
import structlog

from application.errors import SalesInboxError
from entrypoints.cli.channel import channel
from entrypoints.cli.inbox import inbox
from entrypoints.cli.keys import keys
from entrypoints.cli.sync import sync
from entrypoints.config import ConfigError, load_config
from entrypoints.demo.command import demo
from entrypoints.logs import configure_logging


@click.group()
@click.version_option(package_name="sales-inbox")
def cli() -> None:
    """Sales Inbox: Mozello orders into PayTraq documents, PayTraq stock back to Mozello."""
    configure_logging()


@cli.command()
@click.option("--host", default=None, help="bind address (SALES_INBOX_HOST, 127.0.0.1)")
@click.option("--port", type=int, default=None, help="port (SALES_INBOX_PORT, 8000)")
def serve(host, port):
    """Web app + (embedded mode) workers and scheduler in one process."""
    from entrypoints.serve import serve as run_serve

    env = dict(os.environ)
    if host:
        env["SALES_INBOX_HOST"] = host
    if port is not None:
        env["SALES_INBOX_PORT"] = str(port)
    run_serve(load_config(env))


@cli.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=int, default=2, help="gunicorn worker processes")
def web(host, port, workers):
    """The web app alone under gunicorn (distributed mode: needs SALES_INBOX_REDIS_URL)."""
    from entrypoints.distributed import run_web

    config = load_config()
    run_web(config, host or config.host, port or config.port, workers)


@cli.command()
@click.option("--processes", type=int, default=2)
@click.option("--threads", type=int, default=4)
def worker(processes, threads):
    """Dramatiq workers (distributed mode: needs SALES_INBOX_REDIS_URL)."""
    from entrypoints.distributed import run_worker

    run_worker(load_config(), processes, threads)


@cli.command()
def scheduler():
    """The scheduler (distributed mode; one active instance, elected through Redis)."""
    from entrypoints.distributed import run_scheduler

    run_scheduler(load_config())


@cli.command()
@click.argument("api", type=click.Choice(["paytraq", "mozello"]))
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, required=True)
@click.option("--seed", type=click.Path(exists=True, dir_okay=False), default=None)
def sandbox(api, host, port, seed):
    """Run the PayTraq or Mozello sandbox (a faithful local imitation of the API)."""
    # SIGTERM stops it cleanly (exit code 0, the Mozello outbox stopped), as Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if api == "paytraq":
        from adapters.paytraq.sandbox.server import run
    else:
        from adapters.mozello.sandbox.server import run
    run(host=host, port=port, seed_path=seed)


cli.add_command(channel)
cli.add_command(inbox)
cli.add_command(keys)
cli.add_command(sync)
cli.add_command(demo)


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (ConfigError, SalesInboxError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except Exception as error:  # the last line of defence: never a traceback for a person
        structlog.get_logger().error("unexpected_error", error=repr(error))
        click.echo(f"error: unexpected {type(error).__name__}: {error}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
