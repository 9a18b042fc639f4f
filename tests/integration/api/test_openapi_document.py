"""/api/openapi.json describes every JSON endpoint and its error answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_the_document_describes_every_api_route_the_app_serves(api):
    document = api.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(method.upper(), f"/api{path}") for path, methods in document["paths"].items()
                 for method in methods}
    served = {(method, rule.rule.replace("<", "{").replace(">", "}"))
              for rule in api.app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if rule.endpoint != "api.openapi_document"}
    assert described == served


def test_every_operation_describes_bad_input_and_auth_failures_with_the_error_schema(api):
    document = api.get("/openapi.json").get_json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert {"400", "401", "403"} <= set(responses), (method, path)
            assert responses["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}
            if "{" in path:
                assert "404" in responses, (method, path)
    assert "409" in document["paths"]["/inbox/{channel_id}/{order_id}/process"]["post"]["responses"]
    error = document["components"]["schemas"]["Error"]["properties"]
    assert set(error) == {"error", "fields"}


def test_the_document_is_behind_the_same_token_as_the_api(api):
    import dataclasses

    api.runtime.config = dataclasses.replace(api.runtime.config, api_token="t0ken")
    assert api.get("/openapi.json", headers={}).status_code == 401
    assert api.get("/openapi.json", headers={"Authorization": "Bearer t0ken"}).status_code == 200
