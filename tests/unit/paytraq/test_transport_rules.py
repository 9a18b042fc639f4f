"""The transport's rules that need no network: Retry-After, backoff, redaction."""

from __future__ import annotations

from adapters.paytraq.transport import PayTraqTransport, RetryPolicy, retry_after_seconds


def test_retry_after_is_read_as_seconds_or_as_a_date():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_backoff_grows_with_jitter_and_never_undercuts_retry_after():
    policy = RetryPolicy(attempts=5, backoff=1.0, backoff_cap=4.0)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)):
        delay = policy.delay(attempt, None)
        assert ceiling / 2 <= delay <= ceiling
    assert policy.delay(1, 7.0) == 7.0


def test_secrets_are_replaced_wherever_they_appear():
    transport = PayTraqTransport("http://127.0.0.1:9/api", "key-123-abc", "TOKEN456")
    assert transport.redact("GET sale/TOKEN456 with key-123-abc") == "GET sale/*** with ***"
    assert transport.base_url == "http://127.0.0.1:9/api/"
