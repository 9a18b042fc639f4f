"""`channel check` shows what PayTraq's `clients?query=` matches on the company's own clients,
searched for as the service searches, and counts a key kind as shown only on evidence that
cannot be a coincidence (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.memory.accounting import FakeAccounting
from application.ports import ClientQueryProof, ClientRecord
from application.preflight.client_search import ClientSearchCheck, plan_line

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def company(*clients: ClientRecord, numbers: bool = True) -> FakeAccounting:
    paytraq = FakeAccounting()
    paytraq.client_query_numbers = numbers
    for client in clients:
        paytraq.clients[client.id] = client
    return paytraq


VECAIS = ClientRecord("C1", "Vecais SIA", "birojs@vecais.lv", "40003000011", "")
KOKS = ClientRecord("C2", "Koks SIA", "koks@example.lv", "40003000012", "LV40003000012")


def run(paytraq: FakeAccounting) -> tuple[dict[str, str], ClientSearchCheck]:
    check = ClientSearchCheck(paytraq)
    results = {line.check.removeprefix("PayTraq: client found by "): line.result.value
               for line in check.lines()}
    return results, check


def test_a_search_that_matches_every_key_is_shown_for_each():
    results, check = run(company(VECAIS, KOKS))
    assert results == {"e-mail": "ok", "registration number": "ok", "VAT number": "ok"}
    proof = check.proof(ClientQueryProof(), AT)
    assert proof.shown == (("reg", True), ("vat", True), ("email", True)) and proof.at == AT


def test_a_search_by_name_and_email_only_is_shown_not_to_match_the_numbers():
    results, check = run(company(VECAIS, KOKS, numbers=False))
    assert results == {"e-mail": "ok", "registration number": "warning", "VAT number": "warning"}
    assert check.proof(ClientQueryProof(), AT).shown == (
        ("reg", False), ("vat", False), ("email", True))


def test_a_registration_number_found_only_inside_a_vat_number_proves_nothing_about_it():
    # Given the only client with a registration number holds it in its VAT number too
    results, check = run(company(KOKS))
    # Then the registration number is neither shown to match nor not to match
    assert results["registration number"] == "warning"
    assert dict(check.proof(ClientQueryProof(), AT).shown) == {"vat": True, "email": True}


def test_a_client_whose_key_is_stored_differently_from_the_search_proves_no_miss():
    # Given the only client has its registration number stored with spaces
    spaced = ClientRecord("C3", "Ozols SIA", "", "4000 3000 013", "")
    results, check = run(company(spaced))
    # Then the search for "40003000013" misses it, but that says nothing of the field
    assert results["registration number"] == "warning"
    assert check.proof(ClientQueryProof(), AT) is None


def test_a_cleanly_stored_client_is_preferred_as_the_sample():
    spaced = ClientRecord("C3", "Ozols SIA", "", "4000 3000 013", "")
    results, check = run(company(spaced, VECAIS))
    assert results["registration number"] == "ok"
    assert check.found["reg"] is True


class IgnoresTheQuery(FakeAccounting):
    """A PayTraq that answers its first page of clients whatever the query says."""

    def search_clients(self, query: str) -> list[ClientRecord]:
        return super().search_clients("")


def test_a_search_that_does_not_filter_withdraws_every_proof():
    paytraq = IgnoresTheQuery()
    paytraq.clients = {c.id: c for c in (VECAIS, KOKS)}
    results, check = run(paytraq)
    assert set(results.values()) == {"warning"}
    earlier = ClientQueryProof((("reg", True),), AT)
    assert check.proof(earlier, AT).shown == ()


def test_no_clients_no_verdict_and_the_earlier_proof_stays():
    results, check = run(company())
    assert set(results.values()) == {"skipped"}
    assert check.proof(ClientQueryProof((("reg", True),), AT), AT) is None


def test_the_plan_line_says_what_a_new_buyer_costs():
    shown = plan_line(ClientQueryProof((("reg", True), ("vat", True), ("email", True)), AT))
    assert shown.result.value == "ok"
    assert "a company (reg. no., VAT no., e-mail) 1 search (registration number)" in shown.detail
    assert "a person (e-mail) 1 search (e-mail)" in shown.detail
    name_email = plan_line(ClientQueryProof((("reg", False), ("vat", False), ("email", True)),
                                            AT))
    assert "a company (reg. no., VAT no., e-mail) 1 search (e-mail)" in name_email.detail
    assert "never by registration number, VAT number" in name_email.detail
    unproven = plan_line(ClientQueryProof())
    assert unproven.result.value == "skipped" and unproven.needed is False
    assert "3 searches (registration number + VAT number + e-mail)" in unproven.detail
    assert "searched in turn" in unproven.action
