"""Imported by `dramatiq` worker processes: broker first, then the actors."""

from entrypoints.config import load_config
from entrypoints.logs import configure_logging
from entrypoints.worker.broker import setup_broker
from entrypoints.worker.stopping import absorb_the_process_groups_second_sigterm

absorb_the_process_groups_second_sigterm()
configure_logging()
_config = load_config()
setup_broker(_config.redis_url)

from entrypoints.runtime import build_runtime, set_runtime  # noqa: E402
from entrypoints.worker import actors  # noqa: E402,F401

_runtime = build_runtime(_config)
_runtime.dispatch = actors.dispatch
set_runtime(_runtime)
