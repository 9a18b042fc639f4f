"""PayTraq's error bodies (DECISIONS P11): `<Error><Message>`, or plain text, or nothing."""

from __future__ import annotations

from adapters.paytraq import xml


def test_an_xml_error_gives_its_message():
    body = b"<Error><Message>Klients 424242 nav atrasts</Message></Error>"
    assert xml.error_message(body, 400) == "Klients 424242 nav atrasts"


def test_a_nested_or_unusual_xml_error_still_gives_its_text():
    assert xml.error_message(b"<Response><Error><Message>Bad Qty</Message></Error></Response>", 400) == "Bad Qty"
    assert xml.error_message(b"<Error>Validation failed</Error>", 400) == "Validation failed"


def test_a_plain_text_error_is_taken_as_it_is():
    body = b"API credentials have not been provided or company license key is not valid"
    assert xml.error_message(body, 401) == body.decode()


def test_an_empty_or_broken_error_body_falls_back_to_the_status():
    assert xml.error_message(b"", 503) == "HTTP 503"
    assert xml.error_message(b"<Error><Message>unclosed", 500) == "<Error><Message>unclosed"
