"""The stored bodies of an order's calls as a person reads them in `inbox trace`: XML and JSON
indented, the buyer's personal data replaced by placeholders. Amounts, item codes, tax keys,
element names and document refs stay: they are what a report of a mismatch is about.

Personal data goes two ways: by the element or key that holds it (so a client as PayTraq answers
it, or another buyer in a listing of sales, is hidden too) and by the buyer's own values wherever
else they occur (a comment, a description: the Redactor). Which elements and keys hold personal
data is said here, once, for both APIs (paytraq-api.md §4, §7, §9; mozello-store-api.md §9).
XML is parsed with defusedxml. A body that does not parse (cut at the size cap, an HTML error
page) is redacted as text by the same element and key names, then by the buyer's values.

Runs when a trace is read, never in the worker."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from adapters.call_bodies import TRUNCATED_MARK

Redact = Callable[[str | None], str | None]

NAME, ADDRESS, LINK = "[name]", "[address]", "[link]"
# PayTraq's elements holding a person's or a client's data, and their placeholders
PERSONAL_XML = {
    "ClientName": NAME, "ShipTo": NAME, "ContactPerson": NAME, "RecipientName": NAME,
    "Email": "[e-mail]", "ClientEmail": "[e-mail]", "To": "[e-mail]",
    "Phone": "[phone]", "Mobile": "[phone]",
    "RegNumber": "[reg. no.]", "ClientRegNumber": "[reg. no.]",
    "VatNumber": "[VAT no.]", "ClientTaxNumber": "[VAT no.]",
    "Address": ADDRESS, "Zip": "[zip]", "City": "[city]",
    "InvoiceInfo": "[invoice info]", "BankAccount": "[bank account]",
    "DocumentURI": LINK, "PDF": LINK,
}
# elements personal only inside these parents (a product's <Name> is not)
PERSONAL_XML_UNDER = {"Client": {"Name": NAME}}
# Mozello's order keys holding the buyer's data (`shipping` is an address object: its keys too)
PERSONAL_JSON = {
    "name": NAME, "company": "[company]", "vat_id": "[VAT no.]", "company_id": "[reg. no.]",
    "email": "[e-mail]", "phone": "[phone]", "address": ADDRESS, "city": "[city]",
    "zip": "[zip]", "notes": "[notes]", "print_url": LINK,
}

_XML_TAGS = "|".join(sorted([*PERSONAL_XML, *(t for u in PERSONAL_XML_UNDER.values() for t in u)]))
_XML_TEXT = re.compile(  # also an element left open where the body was cut
    r"<(?P<tag>" + _XML_TAGS + r")(?P<attrs>\s[^>]*)?>[^<]*[^<\s][^<]*(?P<end></(?P=tag)>|\Z)")
_JSON_TEXT = re.compile(
    r'"(?P<key>' + "|".join(PERSONAL_JSON) + r')"(?P<colon>\s*:\s*)'
    r'(?:"(?:[^"\\]|\\.)+(?:"|\\?\Z)|[-\d.]+)')
# a JSON number is shown as it was sent (24.20 stays 24.20): carried through as a marked string
_NUMBER = "\x00"
_SHOWN_NUMBER = re.compile(r'"\\u0000([-+.\deE]+)"')


def show_body(text: str, content_type: str | None, redact: Redact) -> str:
    """The body indented (when it parses) with every personal value replaced; a body cut at the
    size cap keeps its marker."""
    text, cut, marker = text.partition(TRUNCATED_MARK)
    kind = _kind(text, content_type)
    try:
        if kind == "xml" and not cut:
            return _xml(text, redact)
        if kind == "json" and not cut:
            return _json(text, redact)
    except (ET.ParseError, ValueError, DefusedXmlException):
        pass
    return _as_text(text, redact) + cut + marker


def _kind(text: str, content_type: str | None) -> str:
    content_type, start = (content_type or "").lower(), text.lstrip()[:1]
    if "xml" in content_type or (not content_type and start == "<"):
        return "xml"
    if "json" in content_type or (not content_type and start in "{["):
        return "json"
    return "text"


def _xml(text: str, redact: Redact) -> str:
    root = SafeET.fromstring(text.encode("utf-8"))
    _redact_element(root, {}, redact)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


def _redact_element(element: ET.Element, personal: dict[str, str], redact: Redact) -> None:
    placeholder = PERSONAL_XML.get(element.tag) or personal.get(element.tag)
    if element.text and element.text.strip():
        element.text = placeholder or redact(element.text)
    for name, value in element.attrib.items():
        element.attrib[name] = redact(value) or ""
    inner = PERSONAL_XML_UNDER.get(element.tag, {})
    for child in element:
        _redact_element(child, inner, redact)
        if child.tail and child.tail.strip():
            child.tail = redact(child.tail)


def _json(text: str, redact: Redact) -> str:
    number = lambda digits: _NUMBER + digits  # noqa: E731
    value = json.loads(text, parse_float=number, parse_int=number)
    shown = json.dumps(_redact_value(value, None, redact), indent=2, ensure_ascii=False)
    return _SHOWN_NUMBER.sub(r"\1", shown)


def _redact_value(value, key: str | None, redact: Redact):
    if isinstance(value, dict):
        return {k: _redact_value(v, k, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, key, redact) for v in value]
    if not isinstance(value, str) or not value.strip():
        return value
    placeholder = PERSONAL_JSON.get(key or "")
    if value.startswith(_NUMBER):
        return placeholder or value
    return placeholder or redact(value)


def _as_text(text: str, redact: Redact) -> str:
    """Element and key names found in the text, also one left open where the body was cut."""
    text = _XML_TEXT.sub(lambda m: f"<{m['tag']}{m['attrs'] or ''}>"
                         f"{_xml_placeholder(m['tag'])}{m['end']}", text)
    text = _JSON_TEXT.sub(lambda m: f'"{m["key"]}"{m["colon"]}"{PERSONAL_JSON[m["key"]]}"', text)
    return redact(text) or ""


def _xml_placeholder(tag: str) -> str:
    return PERSONAL_XML.get(tag) or NAME
