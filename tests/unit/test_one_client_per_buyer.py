"""One buyer, one PayTraq client, whatever the concurrency (issue 13, defect 1): while one worker
finds or creates a buyer, every other worker is kept off all of that buyer's keys."""

from datetime import UTC, datetime

import pytest

from adapters.memory.clock import SteppingClock
from adapters.memory.locks import InMemoryLock
from application.clients import BuyerBusy, buyer_lock_names, holding_buyer
from domain.orders import Customer

ANNA = Customer(name="Anna Bērziņa", email="Anna@Example.com")
ANNA_AS_COMPANY = Customer(name="Anna Bērziņa", email="anna@example.com", company="Anna SIA",
                           vat_number="LV40003000001")
JANIS = Customer(name="Jānis Kalniņš", email="janis@example.com")


@pytest.fixture
def lock_and_clock():
    return InMemoryLock(), SteppingClock(datetime(2026, 1, 1, tzinfo=UTC))


def test_a_second_worker_waits_while_the_same_buyer_is_being_created(lock_and_clock):
    lock, clock = lock_and_clock
    # Given a worker finding or creating Anna
    with holding_buyer(lock, "shop", ANNA, clock):
        # When another worker's order of Anna — this time with a VAT number — gets there
        # Then it may not look her up until the first is done
        with pytest.raises(BuyerBusy):
            with holding_buyer(lock, "shop", ANNA_AS_COMPANY, clock, patience=0):
                pass
        # And a different buyer is not held up
        with holding_buyer(lock, "shop", JANIS, clock, patience=0):
            pass
    # And once the first worker committed Anna, the second goes ahead
    with holding_buyer(lock, "shop", ANNA_AS_COMPANY, clock, patience=0):
        pass


def test_buyer_locks_are_per_channel_and_ignore_letter_case():
    assert buyer_lock_names("shop", ANNA) == buyer_lock_names("shop", ANNA_AS_COMPANY)[-1:]
    assert buyer_lock_names("shop", ANNA) != buyer_lock_names("other-shop", ANNA)
    assert all(len(name) <= 64 for name in buyer_lock_names("shop", ANNA_AS_COMPANY))


def test_a_buyer_with_no_key_at_all_is_still_locked_by_name():
    assert len(buyer_lock_names("shop", Customer(name="Pēteris"))) == 1


def test_a_buyer_known_only_by_name_is_one_buyer_whatever_the_letter_case():
    # Given the same person, without e-mail or numbers, typed in two cases
    quiet, loud = Customer("Anna Ozola"), Customer("ANNA OZOLA")
    # Then both orders wait for the same lock, and another name does not
    assert buyer_lock_names("shop", quiet) == buyer_lock_names("shop", loud)
    assert buyer_lock_names("shop", quiet) != buyer_lock_names("shop", Customer("Ilze Ozola"))
