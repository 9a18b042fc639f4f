"""The API sessions' transport adapter (adapters/http_adapter.py) must behave as requests' own:
the same request on the wire, the same answer handed back (bodies decoded, chunked bodies
joined, redirects followed, cookies kept), the same errors when an answer breaks off — it only
skips repeated work. Each case runs on a session as the service makes it and on a plain
requests session, against one real HTTP server."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from adapters.http_adapter import DirectAdapter
from adapters.http_sessions import http_session

pytestmark = pytest.mark.integration

SEEN: list[tuple[str, dict[str, str], bytes]] = []  # request line, headers, body
PEERS: list[tuple[str, int]] = []  # the client's end of each connection the server accepted
BODY = "Pasūtījums M-1001 — ā, č, ž ".encode() * 400  # about 12 KB: more than one 10 KB chunk


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections stay open, as PayTraq's do

    def setup(self) -> None:
        super().setup()
        PEERS.append(self.client_address)

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        SEEN.append((self.requestline, {k.lower(): v for k, v in self.headers.items()}, sent))
        path = self.path.split("?")[0]
        if path.endswith("/plain"):
            self._send(200, BODY, [("Content-Type", "application/xml")])
        elif path.endswith("/gzip"):
            self._send(200, gzip.compress(BODY), [("Content-Encoding", "gzip")])
        elif path.endswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (BODY[:5000], BODY[5000:]):
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif path.endswith("/cookie"):
            self._send(200, b"ok", [("Set-Cookie", "lb=node-2; Path=/")])
        elif path.endswith("/moved"):
            self._send(302, b"", [("Location", "/api/plain")])
        elif path.endswith("/moved-garbled"):  # a body that claims gzip and is not
            self._send(302, b"not gzip at all", [("Location", "/api/plain"),
                                                 ("Content-Encoding", "gzip")])
        elif path.endswith("/cut"):  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[:100])
            self.wfile.flush()
            self.close_connection = True
        elif path.endswith("/slow"):  # the headers at once, the body too late
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.flush()
            time.sleep(1.0)
            self.wfile.write(b"0123456789")
        else:
            self._send(404, b"no such thing", [])

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api/"
    httpd.shutdown()
    httpd.server_close()


def plain_session(base: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


MAKERS = {"ours": http_session, "requests' own": plain_session}


@pytest.fixture(params=list(MAKERS))
def session(request, server) -> Iterator[requests.Session]:
    made = MAKERS[request.param](server)
    assert isinstance(made.get_adapter(server), DirectAdapter) is (request.param == "ours")
    yield made
    made.close()


def _get(session: requests.Session, url: str, **kwargs) -> requests.Response:
    return session.get(url, timeout=(5, 5), **kwargs)


@pytest.mark.parametrize("path", ["plain", "gzip", "chunked"])
def test_an_answers_body_is_handed_back_whole_and_decoded(session, server, path):
    response = _get(session, server + path)
    assert (response.status_code, response.content) == (200, BODY)
    assert response.text == BODY.decode()


def test_what_is_sent_is_what_requests_sends(session, server):
    SEEN.clear()
    session.post(server + "sale/15600003/post?APIKey=k", data=b"<Sale/>",
                 headers={"Content-Type": "application/xml"}, timeout=(5, 5))
    line, headers, body = SEEN[-1]
    assert line == "POST /api/sale/15600003/post?APIKey=k HTTP/1.1"
    assert (headers["content-type"], headers["content-length"], body) == \
           ("application/xml", "7", b"<Sale/>")


@pytest.mark.parametrize("path", ["moved", "moved-garbled"])
def test_a_redirect_is_followed_and_a_cookie_set_is_sent_back(session, server, path):
    moved = _get(session, server + path)  # a redirect's unreadable body is dropped unread
    assert (moved.status_code, moved.content, [r.status_code for r in moved.history]) == \
           (200, BODY, [302])
    _get(session, server + "cookie")
    SEEN.clear()
    _get(session, server + "plain")
    assert SEEN[-1][1]["cookie"] == "lb=node-2"


def test_calls_share_one_kept_alive_connection(session, server):
    PEERS.clear()
    for _ in range(5):
        assert _get(session, server + "plain").status_code == 200
    assert len(set(PEERS)) == 1


def test_a_pool_the_pool_manager_closed_is_not_used_again(server):
    session = http_session(server)
    _get(session, server + "plain")
    session.get_adapter(server).poolmanager.clear()  # closes every pool it holds
    assert _get(session, server + "plain").content == BODY


@pytest.mark.parametrize("path, error", [
    ("cut", requests.exceptions.ChunkedEncodingError),
    ("slow", requests.exceptions.ConnectionError),
])
def test_an_answer_that_breaks_off_raises_what_requests_raises(session, server, path, error):
    with pytest.raises(error):
        session.get(server + path, timeout=(5, 0.3))


def test_through_a_proxy_the_whole_url_goes_to_the_proxy(server):
    # the "proxy" is the test server itself: it is asked for the absolute URL
    session = http_session(server)
    session.proxies = {"http": server.rsplit("/api/", 1)[0]}
    SEEN.clear()
    session.get("http://paytraq.invalid/api/plain", timeout=(5, 5))
    assert SEEN[-1][0] == "GET http://paytraq.invalid/api/plain HTTP/1.1"

