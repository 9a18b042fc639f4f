"""The PayTraq transport on kept-alive connections (the sandboxes keep them, as PayTraq's web
server does): calls share one connection, and a connection the server has closed never makes a
write happen twice or look surely unsent when it may have been received. The sandbox's server
closes a connection when the client asks it to, or when it cannot read the body ahead."""

from __future__ import annotations

import socket

import pytest
import requests
from werkzeug.wrappers import Request, Response

from adapters.errors import AmbiguousWrite
from adapters.outside_calls import RetryPolicy, Timeouts
from adapters.paytraq.transport import PayTraqTransport
from adapters.sandbox_wsgi import serve_in_thread
from application.errors import TransientError

pytestmark = pytest.mark.integration

FAST = RetryPolicy(attempts=3, backoff=0.01, jitter=False)
TIMEOUTS = Timeouts(connect=2.0, read=2.0)


class Recorder:
    """A server's side of the calls: each request's method and the client's port."""

    def __init__(self, lose_answer_to_post: bool = False):
        self.seen: list[tuple[str, int]] = []
        self.lose_answer_to_post = lose_answer_to_post

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.get_data()
        self.seen.append((request.method, int(environ["REMOTE_PORT"])))
        if request.method == "POST" and self.lose_answer_to_post:
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)  # received, never answered
        return Response(b"<Ok/>", content_type="application/xml")(environ, start_response)

    def methods(self) -> list[str]:
        return [method for method, _ in self.seen]


@pytest.fixture
def served():
    running = []

    def serve(app):
        running.append(serve_in_thread(app, keep_alive=True))
        return running[-1]

    yield serve
    for server in running:
        server.stop()


def transport_for(server) -> PayTraqTransport:
    return PayTraqTransport(server.base_url + "/api/", "key", "token", retry=FAST,
                            timeouts=TIMEOUTS)


def test_calls_ride_one_kept_alive_connection(served):
    # Given a server that keeps connections open
    app = Recorder()
    paytraq = transport_for(served(app))
    # When the transport reads, writes and reads again
    paytraq.get("taxKeys")
    paytraq.post("sale", b"<Sale/>")
    paytraq.get("sale/1")
    # Then every call came over the same connection
    assert app.methods() == ["GET", "POST", "GET"]
    assert len({port for _, port in app.seen}) == 1


def test_a_write_after_the_server_closed_the_idle_connection_is_sent_once(served):
    # Given a connection kept from an earlier call, which the server then closed (idle timeout)
    app = Recorder()
    server = served(app)
    paytraq = transport_for(server)
    paytraq.get("taxKeys")
    server.close_connections()
    # When the transport writes
    assert paytraq.post("sale", b"<Sale/>") == b"<Ok/>"
    # Then the write went once, over a new connection
    assert app.methods() == ["GET", "POST"]
    assert app.seen[0][1] != app.seen[1][1]


def test_a_write_received_on_a_kept_connection_but_never_answered_is_not_sent_again(served):
    # Given a kept connection, and a server that receives the next write and closes unanswered
    app = Recorder(lose_answer_to_post=True)
    paytraq = transport_for(served(app))
    paytraq.get("taxKeys")
    # When the transport writes
    with pytest.raises(AmbiguousWrite):
        paytraq.post("sale", b"<Sale/>")
    # Then it reports the write as maybe done, and it was sent once (neither urllib3 nor the
    # transport repeats a write whose connection dropped after it left)
    assert app.methods() == ["GET", "POST"]


def test_a_stopped_server_refuses_a_client_that_kept_its_connection(served):
    # Given a connection kept from an earlier call, then the server stops
    app = Recorder()
    server = served(app)
    paytraq = transport_for(server)
    paytraq.get("taxKeys")
    server.stop()
    # When the transport writes
    with pytest.raises(TransientError) as refused:
        paytraq.post("sale", b"<Sale/>")
    # Then it is refused as surely not sent (not an ambiguous write), and nothing arrived
    assert not isinstance(refused.value, AmbiguousWrite)
    assert app.methods() == ["GET"]


def test_the_server_closes_the_connection_when_the_client_asks_or_sends_a_chunked_body(served):
    # Given a server that keeps connections open
    app = Recorder()
    server = served(app)
    session = requests.Session()
    # When a client asks to close, and another sends a body of unknown length (chunked)
    asked = session.get(server.base_url + "/x", headers={"Connection": "close"}, timeout=2)
    chunked = session.post(server.base_url + "/x", data=iter([b"<Sale/>"]), timeout=2)
    kept = session.get(server.base_url + "/x", timeout=2)
    # Then both are answered and their connections closed; a plain request's stays open
    assert [asked.status_code, chunked.status_code, kept.status_code] == [200, 200, 200]
    assert asked.headers["Connection"] == chunked.headers["Connection"] == "close"
    assert "Connection" not in kept.headers
    assert app.methods() == ["GET", "POST", "GET"]
