"""Finding the buyer in PayTraq before creating one: registration number, VAT number, e-mail —
however the shop wrote them — and creating a company or a person of the right type."""

from __future__ import annotations

import pytest

from adapters.memory.accounting import FakeAccounting
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.clients import find_or_create_client
from application.errors import ClientDataInvalid
from application.ports import ClientRecord
from domain.orders import Address, Customer
from domain.review import ReasonCode

CHANNEL = "shop-1"


@pytest.fixture
def accounting() -> FakeAccounting:
    paytraq = FakeAccounting()
    paytraq.clients["C-COMPANY"] = ClientRecord(
        "C-COMPANY", "SIA Koks", "birojs@koks.lv", "40003123456", "LV40003123456"
    )
    paytraq.clients["C-PERSON"] = ClientRecord("C-PERSON", "Anna Bērziņa", "anna@example.com")
    return paytraq


@pytest.fixture
def uow():
    with InMemoryUnitOfWork(MemoryStore()) as unit:
        yield unit


def find(customer: Customer, accounting: FakeAccounting, uow) -> str:
    return find_or_create_client(customer, accounting, uow.clients, CHANNEL)


def test_a_vat_number_written_with_spaces_and_dashes_finds_the_existing_company(accounting, uow):
    # Given PayTraq knows SIA Koks by VAT number LV40003123456
    # When the shop's buyer writes it "lv 4000-3123.456", with no registration number
    buyer = Customer("Jānis", email="janis@koks.lv", company="SIA Koks",
                     vat_number="lv 4000-3123.456")
    # Then the existing client is used and none is created
    assert find(buyer, accounting, uow) == "C-COMPANY"
    assert accounting.created_clients == {}


def test_a_registration_number_written_with_spaces_finds_the_existing_company(accounting, uow):
    buyer = Customer("Jānis", company="Koks", registration_number=" 4000 3123 456 ")
    assert find(buyer, accounting, uow) == "C-COMPANY"
    assert accounting.created_clients == {}


@pytest.mark.parametrize("email", ["ANNA@Example.COM", "  anna@example.com  ", " Anna@EXAMPLE.com"])
def test_an_email_in_another_case_or_with_spaces_finds_the_existing_person(accounting, uow, email):
    assert find(Customer("Anna B.", email=email), accounting, uow) == "C-PERSON"
    assert accounting.created_clients == {}


def test_an_email_stored_in_paytraq_in_another_case_with_spaces_still_matches(accounting, uow):
    # Given PayTraq holds the e-mail as someone typed it by hand
    accounting.clients["C-PERSON"] = ClientRecord("C-PERSON", "Anna", " Anna@Example.com ")
    # When the shop's buyer writes it plainly
    # Then it is the same client
    assert find(Customer("Anna", email="anna@example.com"), accounting, uow) == "C-PERSON"
    assert accounting.created_clients == {}


def test_a_vat_number_stored_in_paytraq_in_lower_case_still_matches(accounting, uow):
    accounting.clients["C-COMPANY"] = ClientRecord("C-COMPANY", "SIA Koks", "", "", "lv40003123456")
    buyer = Customer("Jānis", company="SIA Koks", vat_number="LV40003123456")
    assert find(buyer, accounting, uow) == "C-COMPANY"


def test_a_search_hit_on_another_field_is_not_taken_for_the_buyer(accounting, uow):
    # Given a client whose VAT number merely contains the buyer's registration number
    accounting.clients.clear()
    accounting.clients["C-OTHER"] = ClientRecord("C-OTHER", "Other", "x@other.lv", "", "LV40003123456")
    # When a buyer comes with that registration number and no VAT number
    buyer = Customer("Jānis", email="janis@koks.lv", company="Koks", registration_number="40003123456")
    # Then the search hit does not count (registration numbers are compared with registration
    # numbers) and a new client is created
    created = find(buyer, accounting, uow)
    assert created != "C-OTHER"
    assert list(accounting.created_clients) == [created]


def test_after_a_search_hit_every_key_of_the_buyer_is_cached(accounting, uow):
    # Given a buyer found by e-mail
    buyer = Customer("Anna", email=" ANNA@example.com", vat_number="LV 1234")
    assert find(buyer, accounting, uow) == "C-PERSON"
    # Then each way to recognise the buyer now points at the client
    assert uow.clients.get(CHANNEL, "email:anna@example.com") == "C-PERSON"
    assert uow.clients.get(CHANNEL, "vat:LV1234") == "C-PERSON"
    # And the next order of the same buyer asks PayTraq nothing
    searches = accounting.calls.count("search_clients")
    assert find(buyer, accounting, uow) == "C-PERSON"
    assert accounting.calls.count("search_clients") == searches


def test_a_created_client_is_cached_so_the_next_order_does_not_create_another(accounting, uow):
    buyer = Customer("Pēteris", email="peteris@example.lv")
    created = find(buyer, accounting, uow)
    assert uow.clients.get(CHANNEL, "email:peteris@example.lv") == created
    assert find(buyer, accounting, uow) == created
    assert list(accounting.created_clients) == [created]


def test_a_company_is_created_as_a_legal_entity_type_2_with_clean_fields(accounting, uow):
    # Given a company buyer PayTraq does not know, its fields typed carelessly
    buyer = Customer(
        "Jānis", email=" info@jauns.lv ", phone="+371 20000002", company="SIA Jauns",
        registration_number=" 40103999999 ", vat_number=" LV40103999999 ",
        billing_address=Address("Skolas iela 3", "Cēsis", "LV-4101", "lv"),
    )
    # When the client is found or created
    client_id = find(buyer, accounting, uow)
    # Then PayTraq is asked for a type 2 client named after the company, fields trimmed
    new = accounting.created_clients[client_id]
    assert (new.name, new.type) == ("SIA Jauns", 2)
    assert (new.email, new.registration_number, new.vat_number) == (
        "info@jauns.lv", "40103999999", "LV40103999999")
    assert (new.address, new.zip, new.country, new.phone) == (
        "Skolas iela 3, Cēsis", "LV-4101", "LV", "+371 20000002")


def test_a_person_is_created_as_an_individual_type_1(accounting, uow):
    client_id = find(Customer("Pēteris Ozols", email="peteris@example.lv"), accounting, uow)
    new = accounting.created_clients[client_id]
    assert (new.name, new.type) == ("Pēteris Ozols", 1)


def test_a_buyer_with_only_a_registration_number_is_a_company(accounting, uow):
    client_id = find(Customer("Koks", registration_number="40203000000"), accounting, uow)
    assert accounting.created_clients[client_id].type == 2


def test_an_invalid_email_is_refused_with_a_reason_and_nothing_is_created(accounting, uow):
    with pytest.raises(ClientDataInvalid) as refused:
        find(Customer("Anna", email="anna(at)example.com"), accounting, uow)
    assert refused.value.reason.code is ReasonCode.CLIENT_DATA_INVALID
    assert str(refused.value) == refused.value.reason.message
    assert "anna(at)example.com" in str(refused.value)
    assert accounting.created_clients == {}


def test_a_buyer_without_name_or_company_is_refused(accounting, uow):
    with pytest.raises(ClientDataInvalid) as refused:
        find(Customer("  ", email="x@example.com"), accounting, uow)
    assert refused.value.reason.code is ReasonCode.CLIENT_DATA_INVALID
    assert str(refused.value) == "the order has no buyer name or company"
    assert accounting.created_clients == {}
