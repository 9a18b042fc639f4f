"""What stays the same from one attempt to the next: the Message-ID and the attachment name."""

from __future__ import annotations

import pytest

from adapters.mailers.document_email import attachment_name, message_id


def test_same_channel_and_document_always_give_the_same_message_id():
    # Given one document of one channel
    # When its Message-ID is derived twice
    first = message_id("shop-1", "900123", "rekini@perle.example")
    second = message_id("shop-1", "900123", "Veikals <rekini@perle.example>")
    # Then both are the same, well-formed id on the sender's domain
    assert first == second
    assert first.startswith("<sales-inbox.900123.") and first.endswith("@perle.example>")


def test_another_document_or_another_channel_gives_another_message_id():
    # Given the same document id in two channels, and two documents in one channel
    base = message_id("shop-1", "900123", "a@perle.example")
    # When their Message-IDs are derived, Then none collide
    assert message_id("shop-2", "900123", "a@perle.example") != base
    assert message_id("shop-1", "900124", "a@perle.example") != base


def test_message_id_stays_ascii_for_an_international_sender_domain():
    # Given a sender whose domain has Latvian letters
    # When the Message-ID is derived, Then the domain is in its IDNA form
    assert message_id("shop-1", "900123", "info@pērle.lv").endswith("@xn--prle-bva.lv>")


@pytest.mark.parametrize(
    ("reference", "filename"),
    [
        ("M-1234567-101", "M-1234567-101.pdf"),
        ("Rēķins 2026/01", "Rekins-2026-01.pdf"),
        ("../../etc/passwd", "etc-passwd.pdf"),
        ('a"b;c\r\nd', "a-b-c-d.pdf"),
        ("...", "document.pdf"),
        ("", "document.pdf"),
        ("Ж" * 5, "document.pdf"),
        ("x" * 300, "x" * 80 + ".pdf"),
    ],
)
def test_attachment_name_is_the_document_reference_made_safe(reference, filename):
    # Given a document reference, When it names the PDF, Then only safe ASCII remains
    assert attachment_name(reference) == filename
