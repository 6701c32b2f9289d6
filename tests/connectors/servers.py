"""Misbehaving HTTP servers for the retry tests: real sockets, each counting what it received."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ")


class HangingServer:
    """Accepts every connection, reads the request head, and never answers.

    `requests` counts HTTP requests received; `settled_requests()` gives the count once every
    connection opened before the call has been read, so a test needs no pause to trust it.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.address = self._listener.getsockname()[:2]
        self.url = f"http://{self.address[0]}:{self.address[1]}"
        self._state = threading.Condition()
        self._accepted = 0
        self._read = 0
        self._probes = 0
        self.requests = 0
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def settled_requests(self, timeout: float = 10.0) -> int:
        """Requests received, counted after a probe connection made now has been read: the
        listener takes connections in order, so every earlier one has been read too."""
        with self._state:
            probes = self._probes
        with socket.create_connection(self.address, timeout=timeout) as probe:
            probe.sendall(b"PROBE\r\n\r\n")
            with self._state:
                settled = self._state.wait_for(
                    lambda: self._probes > probes and self._read == self._accepted, timeout
                )
        assert settled, "the hanging server did not read its probe"
        return self.requests

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        with self._state:
            held, self._held = self._held, []
        for connection in held:
            connection.close()

    def __enter__(self) -> HangingServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return
            with self._state:
                self._accepted += 1
                self._held.append(connection)
            threading.Thread(target=self._read_head, args=(connection,), daemon=True).start()

    def _read_head(self, connection: socket.socket) -> None:
        head = b""
        connection.settimeout(10)
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                head += chunk
        except OSError:
            pass
        with self._state:
            self._read += 1
            if head.startswith(b"PROBE"):
                self._probes += 1
            elif head.startswith(_METHODS):
                self.requests += 1
            self._state.notify_all()
        # ... and the connection stays open, unanswered, until stop().


class StatusServer:
    """Answers every request with `status` and a plain-text body (no SOAP), counting them."""

    def __init__(self, status: int) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with owner._lock:
                    owner.requests += 1
                body = b"Service Unavailable\n"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._lock = threading.Lock()
        self.requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StatusServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class ClosedPort:
    """A port bound but not listening: every connection to it is refused, and no other
    process can take it while the test runs."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()[:2]
        self.url = f"http://{host}:{port}"

    def __enter__(self) -> ClosedPort:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._socket.close()
