"""`channel check`: what PayTraq's `clients?query=` matches — registration number, VAT number,
e-mail — shown on the company's own clients, searched for exactly as the service searches for a
buyer (application/clients.py), and remembered per channel: it decides how many searches a new
buyer costs.

The public evidence calls the query "a filter by client name or email" and leaves registration
and VAT numbers open (DECISIONS R4). A kind counts as proven only when
- the search for a client's key, written as the service writes it, answers that client;
- the client's key is nowhere else in the client (a registration number inside the VAT number
  `LV…` proves only that the VAT number is searched); and
- a search for a value no client has answers nothing (a query PayTraq ignored would "find"
  every client of its first page, where the sample came from).
A kind counts as not matching only when a client whose key is stored as the service writes it
is not found by it; anything else proves nothing either way."""

from __future__ import annotations

from application.clients import KEY_LABELS, client_key, matches, search_plan
from application.ports import AccountingPort, ClientQueryProof, ClientRecord
from application.preflight.report import CheckLine, Result, probe

OK, WARNING, SKIPPED = Result.OK, Result.WARNING, Result.SKIPPED
ORDER = ("email", "reg", "vat")  # the lines' order, as before
FIELDS = {"email": "email", "reg": "registration_number", "vat": "vat_number"}
NO_SUCH_CLIENT = "sales-inbox-check-no-such-client"
PLAN_LINE = "PayTraq: client searches for a new buyer"


class ClientSearchCheck:
    def __init__(self, accounting: AccountingPort):
        self.accounting = accounting
        self.found: dict[str, bool | None] = {}  # per kind: the verdict, None if none
        self.filters: bool | None = None  # whether a search for no client answers nothing
        self._clients: list[ClientRecord] | None = None

    def lines(self) -> list[CheckLine]:
        return [probe(f"PayTraq: client found by {KEY_LABELS[kind]}",
                      lambda k=kind: self.by(k), needed=False,
                      action="clients are matched on the other keys") for kind in ORDER]

    def proof(self, earlier: ClientQueryProof, now) -> ClientQueryProof | None:
        """The channel's proof after this check (None: nothing new to remember). A search that
        does not filter withdraws every earlier proof."""
        if self.filters is False:
            return ClientQueryProof((), now)
        if not any(v is not None for v in self.found.values()):
            return None
        return earlier.updated(self.found, now)

    def by(self, kind: str) -> CheckLine:
        name, label = f"PayTraq: client found by {KEY_LABELS[kind]}", KEY_LABELS[kind]
        sample = self._sample(kind)
        if sample is None:
            return CheckLine(name, SKIPPED, f"no existing client to search for by {label}",
                             needed=False)
        value = client_key(kind, sample)
        if not any(matches(kind, value, c) for c in self.accounting.search_clients(value)):
            self.found[kind] = False if _clean(kind, sample) else None
            return CheckLine(name, WARNING, f"clients?query={value} does not find client "
                             f"{sample.id}", f"buyers are not found by {label}: a buyer "
                             "known only by it gets a new client in PayTraq (merge duplicates "
                             "there)", needed=False)
        if _elsewhere(kind, value, sample):
            self.found[kind] = None
            return CheckLine(name, WARNING, f"clients?query={value} finds client {sample.id}, "
                             f"whose other fields hold {value} too: not shown that the {label} "
                             "is what PayTraq matched", f"a new buyer is still searched for by "
                             f"{label} (a client with only its {label}, no other, is needed to "
                             "show it)", needed=False)
        if not self._filters():
            self.found[kind] = None
            return CheckLine(name, WARNING, f"clients?query={value} finds client {sample.id}, "
                             f"but clients?query={NO_SUCH_CLIENT} answers clients too",
                             "the search does not filter: nothing is taken as shown, and each "
                             "key is searched in turn", needed=False)
        self.found[kind] = True
        return CheckLine(name, OK, f"clients?query={value} finds client {sample.id}",
                         needed=False)

    def _existing(self) -> list[ClientRecord]:
        if self._clients is None:
            self._clients = self.accounting.search_clients("")
        return self._clients

    def _sample(self, kind: str) -> ClientRecord | None:
        """A client with a key of `kind`: one whose key is stored as the service writes it and
        is nowhere else in it, if there is one."""
        having = [c for c in self._existing() if client_key(kind, c)]
        return min(having, key=lambda c: (not _clean(kind, c),
                                          _elsewhere(kind, client_key(kind, c), c)),
                   default=None)

    def _filters(self) -> bool:
        if self.filters is None:
            self.filters = not self.accounting.search_clients(NO_SUCH_CLIENT)
        return self.filters


def _clean(kind: str, client: ClientRecord) -> bool:
    return client_key(kind, client) == getattr(client, FIELDS[kind])


def _elsewhere(kind: str, value: str, client: ClientRecord) -> bool:
    """Whether `value` is also in another field PayTraq may search (name, the other keys)."""
    others = [client.name, *(getattr(client, FIELDS[k]) for k in FIELDS if k != kind)]
    wanted = value.lower()
    return any(wanted in text.lower() or wanted in text.lower().replace(" ", "")
               for text in others if text)


COMPANY = [("reg", "-"), ("vat", "-"), ("email", "-")]
PERSON = [("email", "-")]


def plan_line(proof: ClientQueryProof) -> CheckLine:
    """What a new buyer costs on this channel, from what the checks so far have shown."""
    shown = ", ".join(KEY_LABELS[k] for k, v in proof.shown if v) or "nothing"
    missed = [KEY_LABELS[k] for k, v in proof.shown if not v]
    company, across = search_plan(COMPANY, proof)
    person, _ = search_plan(PERSON, proof)
    costs = (f"a company (reg. no., VAT no., e-mail) {_searches(company)}, a person (e-mail) "
             f"{_searches(person)}, then POST client")
    if not across:
        return CheckLine(PLAN_LINE, SKIPPED, f"clients?query= shown to match: {shown}; {costs}",
                         "each of the buyer's keys is searched in turn until one finds the "
                         "client (nothing is created on the word of one unproven search); "
                         "with a PayTraq client holding each key, the check can show them",
                         needed=False)
    when = f" (checked {proof.at:%Y-%m-%d %H:%M} UTC)" if proof.at else ""
    skipped = f"; never by {', '.join(missed)} (not matched)" if missed else ""
    return CheckLine(PLAN_LINE, OK, f"clients?query= shown to match: {shown}{when}; {costs}; "
                     f"each answer compared on all the buyer's keys{skipped}", needed=False)


def _searches(plan: list[tuple[str, str]]) -> str:
    kinds = " + ".join(KEY_LABELS[kind] for kind, _ in plan)
    return f"{len(plan)} search{'es' if len(plan) != 1 else ''} ({kinds})"
