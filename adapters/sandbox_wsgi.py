"""Run a WSGI sandbox (PayTraq, Mozello) as a real HTTP server on localhost, in a thread.

A sandbox keeps a client's connection open between requests (HTTP/1.1 keep-alive), as the web
servers in front of PayTraq's and Mozello's APIs do; werkzeug's own server closes every
connection after one answer, so a client would pay a new TCP connection per call there and
nowhere else. What a sandbox answers is werkzeug's answer, but for the `Connection: close`
header.
"""

from __future__ import annotations

import io
import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer, WSGIRequestHandler, make_server

IDLE_SECONDS = 15.0  # an idle kept-alive connection is closed by the server after this long


class KeepAliveHandler(WSGIRequestHandler):
    """Werkzeug's handler, keeping the connection open after an answer.

    Werkzeug closes every connection because after the application it drains whatever the
    client sent on the socket — with keep-alive, the next request. Here the request's body is
    read first (exactly Content-Length bytes) and the application reads it from memory, so the
    drain finds nothing of the next request. A body without a Content-Length (chunked), an
    `Expect: 100-continue` or a client's `Connection: close` keeps werkzeug's way: one answer,
    then the connection closes.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    # An answer is written as headers, then body: with Nagle's algorithm on a kept-alive
    # connection the body waits for the client's delayed ACK (40 ms); web servers set
    # TCP_NODELAY on such connections (nginx's tcp_nodelay) for this reason.
    disable_nagle_algorithm = True
    _keep_alive = False  # True while an answer is written on a connection that stays open

    def setup(self) -> None:
        super().setup()
        self.server.connection_opened(self.connection)

    def finish(self) -> None:
        self.server.connection_closed(self.connection)
        super().finish()

    def run_wsgi(self) -> None:
        body = self._whole_body()
        if body is None or self.close_connection:
            self.close_connection = True
            super().run_wsgi()
            return
        socket_file, self.rfile, self._keep_alive = self.rfile, io.BytesIO(body), True
        try:
            super().run_wsgi()
        finally:
            self.rfile, self._keep_alive = socket_file, False

    def _whole_body(self) -> bytes | None:
        """The request's body, read off the socket; None when it cannot be read ahead."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return None
        if self.headers.get("Expect", "").strip().lower() == "100-continue":
            return None
        length = self.headers.get("Content-Length", "0").strip() or "0"
        if not length.isdigit():
            return None
        return self.rfile.read(int(length))

    def send_header(self, keyword: str, value: str) -> None:
        if self._keep_alive and keyword.lower() == "connection" and value.lower() == "close":
            return  # werkzeug's unconditional close: the connection stays open
        super().send_header(keyword, value)

    def log_error(self, format: str, *args) -> None:
        if format.startswith("Request timed out"):
            return  # an idle connection closed after IDLE_SECONDS: not an error
        super().log_error(format, *args)


class KeepAliveServer(ThreadedWSGIServer):
    """A threaded werkzeug server that knows its open connections, so that stopping it closes
    them too: a stopped sandbox must refuse a client, not answer it on a connection kept from
    before."""

    def __init__(self, host: str, port: int, app) -> None:
        super().__init__(host, port, app, handler=KeepAliveHandler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def connection_opened(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def connection_closed(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_connections(self) -> None:
        """Shut every open connection: a client sees it closed before it sends again."""
        with self._open_lock:
            connections, self._open = self._open, set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return self.server.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self.server.host}:{self.port}"

    def close_connections(self) -> None:
        """Close the kept-alive connections, as a web server does after its idle timeout."""
        if isinstance(self.server, KeepAliveServer):
            self.server.close_connections()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.close_connections()
        self.thread.join(timeout=5)


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0,
                    keep_alive: bool = False) -> RunningServer:
    """Start `app` on host:port (0 = any free port) and return once it accepts connections.
    `keep_alive`: connections stay open between requests (the sandboxes of outside APIs)."""
    server = (KeepAliveServer(host, port, app) if keep_alive
              else make_server(host, port, app, threaded=True))
    thread = threading.Thread(target=server.serve_forever, name=f"sandbox-{port}", daemon=True)
    thread.start()
    return RunningServer(server, thread)
