"""Run a `TestOP` as a real HTTP server on a thread (tests and local experiments)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from identity.testop.app import TestOPApp
from identity.testop.provider import TestOP, TestOPClient


class _QuietHandler(WSGIRequestHandler):
    # A client that stops sending in the middle of a request frees its thread after this.
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class RunningOP:
    """A `TestOP` served over HTTP; `stop()` shuts the server down and closes its socket."""

    op: TestOP
    server: WSGIServer
    thread: threading.Thread

    @property
    def issuer(self) -> str:
        return self.op.issuer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_test_op(
    host: str = "127.0.0.1", port: int = 0, clients: list[TestOPClient] | None = None
) -> RunningOP:
    """Start a `TestOP` on `host:port` (0: a free port); its issuer is `http://host:port`."""
    server = make_server(
        host, port, _placeholder, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    op = TestOP(f"http://{host}:{server.server_port}", clients or [])
    server.set_app(TestOPApp(op))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return RunningOP(op, server, thread)


def _placeholder(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]
