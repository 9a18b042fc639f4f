"""What PayTraq receives from the transport, as requests' session would send it: the credentials
and XML content types on every call, the session's cookies (a load balancer's stickiness)
returned, the query, and a read's redirects followed (never a write's)."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from adapters.errors import AmbiguousWrite
from adapters.outside_calls import RetryPolicy, Timeouts
from adapters.paytraq.transport import PayTraqTransport
from adapters.sandbox_wsgi import serve_in_thread

pytestmark = pytest.mark.integration


class Recorder:
    def __init__(self):
        self.requests: list[Request] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.get_data()
        self.requests.append(request)
        if request.path == "/api/moved":
            response = Response(b"", status=302, headers={"Location": "/api/taxKeys"})
        elif request.path == "/api/moved-away":  # to another host name of the same server
            port = request.host.rsplit(":", 1)[1]
            response = Response(b"", status=302,
                                headers={"Location": f"http://localhost:{port}/api/taxKeys"})
        elif request.path == "/api/sale-moved":  # a write answered "see other"
            response = Response(b"", status=303, headers={"Location": "/api/nowhere"})
        else:
            response = Response(b"<Ok/>", content_type="application/xml")
            response.set_cookie("lb", "node-2")
        return response(environ, start_response)


@pytest.fixture
def recorded():
    app = Recorder()
    server = serve_in_thread(app, keep_alive=True)
    transport = PayTraqTransport(server.base_url + "/api/", "the-key", "the-token",
                                 retry=RetryPolicy(attempts=1), timeouts=Timeouts(2.0, 2.0))
    yield transport, app.requests
    server.stop()


def test_a_read_and_a_write_carry_the_credentials_and_the_xml_content_types(recorded):
    transport, seen = recorded
    transport.get("sales", {"query": "WEB-1", "page": "0"})
    transport.post("sale", b"<Sale/>")
    read, write = seen
    assert (read.method, read.path, dict(read.args)) == ("GET", "/api/sales",
                                                          {"query": "WEB-1", "page": "0"})
    assert (write.method, write.path, write.get_data()) == ("POST", "/api/sale", b"<Sale/>")
    for request in (read, write):
        assert request.headers["APIKey"] == "the-key"
        assert request.headers["APIToken"] == "the-token"
        assert request.headers["Accept"] == "application/xml"
        assert request.headers["User-Agent"].startswith("python-requests/")
    assert "Content-Type" not in read.headers
    assert write.headers["Content-Type"] == "application/xml"
    assert write.headers["Content-Length"] == str(len(b"<Sale/>"))


def test_a_cookie_the_server_set_is_sent_back(recorded):
    transport, seen = recorded
    transport.get("taxKeys")
    transport.get("taxKeys")
    assert "lb" not in seen[0].cookies
    assert seen[1].cookies["lb"] == "node-2"


def test_a_redirect_is_followed(recorded):
    transport, seen = recorded
    assert transport.get("moved") == b"<Ok/>"
    assert [request.path for request in seen] == ["/api/moved", "/api/taxKeys"]
    assert seen[1].headers["APIKey"] == "the-key"  # same host: the credentials go along


def test_a_redirect_after_a_write_is_not_followed_and_leaves_its_outcome_unknown(recorded):
    # Given a server that answers a write with "see other" (it may have acted)
    transport, seen = recorded
    # When a write is sent, Then it is one request, its outcome unknown: looked up, never
    # taken for "not sent" and never sent again by the transport
    with pytest.raises(AmbiguousWrite) as unknown:
        transport.post("sale-moved", b"<Sale/>")
    assert unknown.value.write_not_sent is False
    assert [(request.method, request.path) for request in seen] == [("POST", "/api/sale-moved")]


def test_a_redirect_to_another_host_carries_no_credentials(recorded):
    # Given a read redirected to another host (here: another name of the same server)
    transport, seen = recorded
    # When it is followed, Then the credentials stay behind
    assert transport.get("moved-away") == b"<Ok/>"
    assert [(request.host.split(":")[0], request.path) for request in seen] == [
        ("127.0.0.1", "/api/moved-away"), ("localhost", "/api/taxKeys")]
    assert "APIKey" not in seen[1].headers and "APIToken" not in seen[1].headers
