"""How many client searches a new buyer costs (issue 14): one, by the strongest key kind the
channel check showed PayTraq's `clients?query=` matches, its answer compared on all the buyer's
keys; each key in turn, as before, where nothing is shown — never a second client for a buyer
PayTraq's search can find."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.memory.accounting import FakeAccounting
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.clients import find_or_create_client, match_keys, search_plan
from application.ports import ClientQueryProof, ClientRecord
from domain.orders import Customer

CHANNEL = "shop-1"
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COMPANY = Customer("Jānis", email="janis@koks.lv", company="SIA Koks",
                   registration_number="40003123456", vat_number="LV40003123456")
ALL_SHOWN = ClientQueryProof((("reg", True), ("vat", True), ("email", True)), AT)
NAME_EMAIL = ClientQueryProof((("reg", False), ("vat", False), ("email", True)), AT)
NOTHING = ClientQueryProof()


@pytest.fixture
def paytraq() -> FakeAccounting:
    return FakeAccounting()


@pytest.fixture
def uow():
    with InMemoryUnitOfWork(MemoryStore()) as unit:
        yield unit


def find(customer: Customer, paytraq: FakeAccounting, uow, proof: ClientQueryProof) -> str:
    return find_or_create_client(customer, paytraq, uow.clients, CHANNEL, lambda: proof)


def test_a_new_company_buyer_costs_one_search_by_registration_number_where_all_are_shown(
        paytraq, uow):
    # Given a channel whose check showed the search matches every key kind
    # When a company buyer PayTraq does not know orders
    client_id = find(COMPANY, paytraq, uow, ALL_SHOWN)
    # Then PayTraq was searched once, by the registration number, and one client was created
    assert paytraq.client_queries == ["40003123456"]
    assert list(paytraq.created_clients) == [client_id]


def test_where_the_search_matches_name_and_email_only_the_company_is_searched_by_email(
        paytraq, uow):
    # Given a PayTraq whose search was shown not to look at registration or VAT numbers
    client_id = find(COMPANY, paytraq, uow, NAME_EMAIL)
    # Then searching by them would find nothing: one search by e-mail, then the new client
    assert paytraq.client_queries == ["janis@koks.lv"]
    assert list(paytraq.created_clients) == [client_id]


def test_the_one_search_finds_an_existing_company_by_its_registration_number(paytraq, uow):
    paytraq.clients["C-KOKS"] = ClientRecord("C-KOKS", "SIA Koks", "birojs@koks.lv",
                                             "40003123456", "")
    assert find(COMPANY, paytraq, uow, ALL_SHOWN) == "C-KOKS"
    assert paytraq.client_queries == ["40003123456"] and paytraq.created_clients == {}


def test_the_answer_is_compared_on_every_key_of_the_buyer(paytraq, uow):
    # Given a company an accountant entered with its VAT number only, no registration number
    paytraq.clients["C-KOKS"] = ClientRecord("C-KOKS", "SIA Koks", "", "", "LV40003123456")
    # When the buyer is searched for by the registration number, which the VAT number holds
    # Then the answer's client is recognised by the VAT number: no second client
    assert find(COMPANY, paytraq, uow, ALL_SHOWN) == "C-KOKS"
    assert len(paytraq.client_queries) == 1 and paytraq.created_clients == {}


def test_a_client_matching_by_e_mail_in_the_answer_is_the_buyer(paytraq, uow):
    # Given a person client with the buyer's e-mail, whose name holds the searched number
    paytraq.clients["C-JANIS"] = ClientRecord("C-JANIS", "Jānis (40003123456)", "janis@koks.lv")
    assert find(COMPANY, paytraq, uow, ALL_SHOWN) == "C-JANIS"
    assert paytraq.created_clients == {}


def test_within_one_answer_the_strongest_key_wins(paytraq, uow):
    # Given the answer holds a client with the buyer's e-mail and another with the buyer's
    # registration number
    paytraq.clients["C-MAIL"] = ClientRecord("C-MAIL", "Jānis 40003123456", "janis@koks.lv")
    paytraq.clients["C-REG"] = ClientRecord("C-REG", "SIA Koks", "", "40003123456", "")
    # Then the one with the registration number is the buyer
    assert find(COMPANY, paytraq, uow, ALL_SHOWN) == "C-REG"


def test_the_one_search_does_not_see_a_client_without_the_searched_key(paytraq, uow):
    # Given a company client that holds the buyer's e-mail but no registration or VAT number:
    # the registration-number search, shown to be the one to ask, does not answer it
    paytraq.clients["C-OLD"] = ClientRecord("C-OLD", "SIA Koks", "janis@koks.lv")
    # Then the buyer gets a client of its own (the accepted cost of one search, documented)
    client_id = find(COMPANY, paytraq, uow, ALL_SHOWN)
    assert client_id != "C-OLD" and list(paytraq.created_clients) == [client_id]


def test_without_proof_each_key_is_searched_in_turn_before_a_client_is_created(paytraq, uow):
    client_id = find(COMPANY, paytraq, uow, NOTHING)
    assert paytraq.client_queries == ["40003123456", "LV40003123456", "janis@koks.lv"]
    assert list(paytraq.created_clients) == [client_id]


def test_without_proof_the_sequence_stops_at_the_first_key_that_finds_the_buyer(paytraq, uow):
    paytraq.client_query_numbers = False  # PayTraq matches name and e-mail only
    paytraq.clients["C-KOKS"] = ClientRecord("C-KOKS", "SIA Koks", "janis@koks.lv",
                                             "40003123456", "")
    # When nothing is shown, the e-mail search (the third) still finds the company
    assert find(COMPANY, paytraq, uow, NOTHING) == "C-KOKS"
    assert paytraq.client_queries == ["40003123456", "LV40003123456", "janis@koks.lv"]
    assert paytraq.created_clients == {}


def test_without_proof_a_hit_is_compared_only_on_the_key_searched(paytraq, uow):
    # Given a client whose e-mail is the buyer's, answered to the registration-number search
    paytraq.clients["C-JANIS"] = ClientRecord("C-JANIS", "Jānis (40003123456)", "janis@koks.lv")
    # Then (as always without proof) it is found only by the e-mail search
    assert find(COMPANY, paytraq, uow, NOTHING) == "C-JANIS"
    assert paytraq.client_queries == ["40003123456", "LV40003123456", "janis@koks.lv"]


def test_a_buyer_in_the_cache_costs_no_search_and_the_proof_is_not_even_read(paytraq, uow):
    uow.clients.put(CHANNEL, "vat:LV40003123456", "C-KOKS")

    def never() -> ClientQueryProof:
        raise AssertionError("the proof is read only for a buyer the cache does not know")

    assert find_or_create_client(COMPANY, paytraq, uow.clients, CHANNEL, never) == "C-KOKS"
    assert paytraq.client_queries == []


def test_every_key_of_a_new_client_is_cached(paytraq, uow):
    client_id = find(COMPANY, paytraq, uow, ALL_SHOWN)
    for key in ("reg:40003123456", "vat:LV40003123456", "email:janis@koks.lv"):
        assert uow.clients.get(CHANNEL, key) == client_id


KEYS = match_keys(COMPANY)
REG, VAT, EMAIL = KEYS


@pytest.mark.parametrize(("shown", "plan", "across"), [
    ((), KEYS, False),  # nothing shown: today's sequence
    ((("reg", False), ("vat", False), ("email", False)), KEYS, False),  # nothing matches
    ((("reg", True),), [REG], True),
    ((("vat", True), ("email", True)), [REG, VAT], True),  # reg not shown: asked first
    ((("reg", False), ("vat", True)), [VAT], True),
    ((("reg", False), ("vat", False), ("email", True)), [EMAIL], True),
    ((("vat", False), ("email", True)), [REG, EMAIL], True),
])
def test_the_search_plan(shown, plan, across):
    assert search_plan(KEYS, ClientQueryProof(shown, AT)) == (plan, across)


def test_a_person_with_an_email_only_on_a_channel_shown_to_match_numbers_only():
    keys = match_keys(Customer("Anna", email="anna@example.com"))
    assert search_plan(keys, ClientQueryProof((("reg", True),), AT)) == (keys, False)


def test_a_later_check_keeps_what_it_could_not_show_and_replaces_what_it_could():
    earlier = ClientQueryProof((("reg", True), ("email", True)), AT)
    later = earlier.updated({"reg": False, "vat": True, "email": None}, AT)
    assert later.shown == (("reg", False), ("vat", True), ("email", True))
    assert later.misses("reg") and later.matches("vat") and later.matches("email")
    assert not ClientQueryProof().matches("reg") and not ClientQueryProof().misses("reg")
