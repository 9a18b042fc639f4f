"""An audit entry never carries a secret, whoever builds it."""

from __future__ import annotations

from datetime import UTC, datetime

from application.ports import AuditEntry


def test_secret_query_parameters_are_masked_when_the_entry_is_made():
    # Given a PayTraq call whose path carries the API token and key
    path = "/api/clients?APIToken=tok-123&APIKey=key-456&page=2"
    # When it is recorded as an audit entry
    entry = AuditEntry(datetime.now(UTC), "shop-a", "paytraq", "GET", path, 200, 35)
    # Then the secrets are masked and the rest is kept
    assert "tok-123" not in entry.path and "key-456" not in entry.path
    assert entry.path == "/api/clients?APIToken=***&APIKey=***&page=2"


def test_a_path_without_query_is_kept_as_it_is():
    entry = AuditEntry(datetime.now(UTC), None, "mozello", "PUT", "/v1/store/product/a%20b/", 204, 5)
    assert entry.path == "/v1/store/product/a%20b/"
