"""Imported by `dramatiq` worker processes: the process start-up (broker before the actors)."""

from entrypoints.bootstrap import start_process
from entrypoints.config import load_config

process = start_process(load_config())
