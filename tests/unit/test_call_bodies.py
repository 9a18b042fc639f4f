"""What is stored of an order's call: capped at MAX_BODY with a visible marker, and no secret of
the channel, wherever it stands in the body or the query."""

from __future__ import annotations

from adapters.call_bodies import MAX_BODY, SecretMask, captured
from adapters.outside_calls import Wire
from application.ports import ChannelCredentials

CREDENTIALS = ChannelCredentials(
    mozello_api_key="MZ-key-0123456789", paytraq_api_key="pt-key-abcdef",
    paytraq_api_token="pt-token-987654",
    paytraq_connect_url="https://go.paytraq.com/ext/webhooks/inbox/connect-channel-42")
MASK = SecretMask.of(CREDENTIALS)


def test_an_oversized_body_is_cut_with_a_marker_saying_how_much_there_was():
    # Given an answer of 100,000 bytes
    answer = b"<Sales>" + b"<Sale>x</Sale>" * 7142 + b"</Sales>"
    # When it is captured
    kept = captured(Wire(answer=answer, answer_type="application/xml"), MASK)
    # Then the first MAX_BODY bytes are kept and the marker says the rest was cut
    body = kept.response_body
    assert body.startswith("<Sales><Sale>x</Sale>")
    assert body.endswith(f"[truncated by Sales Inbox: {len(answer)} bytes in all, "
                         f"the first {MAX_BODY} kept]")
    assert len(body.encode()) < MAX_BODY + 100


def test_a_body_under_the_cap_is_kept_whole_without_a_marker():
    sent = b"<Sale><Price>24.20</Price></Sale>"
    kept = captured(Wire(sent=sent, sent_type="application/xml"), MASK)
    assert kept.request_body == sent.decode() and kept.request_type == "application/xml"
    assert kept.response_body is None


def test_every_secret_of_the_channel_is_masked_in_bodies_and_query():
    # Given bodies and a query that carry each secret, one of them across the cut
    across = b"x" * (MAX_BODY - 5) + CREDENTIALS.paytraq_api_token.encode() + b"tail"
    body = (f"<Comment>{CREDENTIALS.paytraq_api_key} {CREDENTIALS.mozello_api_key} "
            f"{CREDENTIALS.paytraq_connect_url} connect-channel-42</Comment>").encode()
    # When they are captured
    kept = captured(Wire(params={"query": "M-1", "APIKey": "anything",
                                 "q": CREDENTIALS.paytraq_api_token},
                         sent=body, answer=across), MASK)
    stored = repr(kept)
    # Then no secret is left, whole or in part, and the rest is kept
    for secret in ("pt-key-abcdef", "MZ-key-0123456789", "pt-to", "connect-channel-42",
                   "anything"):
        assert secret not in stored
    assert kept.request_body == "<Comment>*** *** *** ***</Comment>"
    assert kept.query == "query=M-1&APIKey=***&q=***"
    assert "[truncated by Sales Inbox" in kept.response_body


def test_bytes_that_are_not_text_do_not_stop_the_capture():
    kept = captured(Wire(answer=b"\x00\xff<ok/>"), MASK)
    assert kept.response_body == "\ufffd<ok/>"
