"""SIGTERM to a worker's whole process group (systemd, Ctrl-C) is one graceful stop, though the
worker process receives it twice: from the group and forwarded by Dramatiq's main process."""

import signal

import pytest

from entrypoints.worker.stopping import absorb_the_process_groups_second_sigterm


@pytest.fixture
def dramatiq_termhandler():
    calls = []

    def termhandler(signum, frame):  # stands for dramatiq.cli's: 1st = stop, 2nd = kill
        calls.append(signum)

    termhandler.__module__ = "dramatiq.cli"
    before = signal.signal(signal.SIGTERM, termhandler)
    yield calls
    signal.signal(signal.SIGTERM, before)


def test_the_copy_of_a_stop_forwarded_by_the_main_process_is_not_read_as_kill(dramatiq_termhandler):
    # Given a Dramatiq worker process with the wrapper installed
    assert absorb_the_process_groups_second_sigterm() is True
    handler = signal.getsignal(signal.SIGTERM)
    # When SIGTERM arrives from the process group and again from the main process
    handler(signal.SIGTERM, None)
    handler(signal.SIGTERM, None)
    # Then Dramatiq sees one stop request (a graceful stop), not stop-then-kill
    assert dramatiq_termhandler == [signal.SIGTERM]


def test_outside_a_dramatiq_worker_process_nothing_is_changed():
    before = signal.getsignal(signal.SIGTERM)
    assert absorb_the_process_groups_second_sigterm() is False
    assert signal.getsignal(signal.SIGTERM) is before
