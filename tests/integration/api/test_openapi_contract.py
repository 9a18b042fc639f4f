"""A property-based run against /api/openapi.json (schemathesis): requests generated from the
document, sent to the real app on real SQLite storage with a few seeded orders and the PayTraq
and Mozello sandboxes behind it. No answer may be a 5xx, and every answer must be one the
document describes, in the shape it describes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from application.stock_commands import SyncStock
from entrypoints.web.api.openapi import document
from tests.integration.api.conftest import AUTHORIZED, Api, running_api

pytestmark = pytest.mark.integration

# A request can fit the document and still be refused with a documented 400: API keys that
# Mozello or PayTraq refuse, a cursor this service never gave. Every other check stays on.
SEMANTIC_REJECTIONS_ALLOWED = checks.positive_data_acceptance
OPERATIONS = [(method.upper(), path) for path, methods in document()["paths"].items()
              for method in methods]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    """One app for every operation: what one request creates, the next may find."""
    with running_api(tmp_path_factory.mktemp("api")) as api:
        yield _seeded(api)


def _seeded(api: Api):
    # Given the sandbox channel with an order done, one waiting for its payment, one needing
    # review, and a finished stock sync preview
    api.order(paid=True, payment_method="gateway")
    api.order(paid=False, payment_method="banktransfer")
    api.order(paid=True, payment_method="cod")  # no money account mapped: needs review
    api.runtime.bus().handle(SyncStock(api.channel_id, dry_run=True))
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api.app, headers=AUTHORIZED)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_request_the_document_allows_gets_a_server_error(api_schema, method, path):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def answers_as_documented(case):
        case.call_and_validate(headers=AUTHORIZED, excluded_checks=[SEMANTIC_REJECTIONS_ALLOWED])

    answers_as_documented()
