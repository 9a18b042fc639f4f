"""Imported by `dramatiq` worker processes: the process start-up (broker before the actors)."""

from entrypoints.bootstrap import start_process
from entrypoints.config import load_config
from entrypoints.worker.stopping import absorb_the_process_groups_second_sigterm

absorb_the_process_groups_second_sigterm()
process = start_process(load_config())
