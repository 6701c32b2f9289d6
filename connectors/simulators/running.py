"""Run the simulators on a threaded HTTP server, in the foreground or in a background thread."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import urllib.request
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import IO, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from connectors.base import ConnectorSettings
from connectors.simulators.server import SERVICES, SimulatorApp

logger = logging.getLogger("connectors.simulators")

DEMO_USER = "sportello"
DEMO_PASSWORD = "sportello-demo"  # noqa: S105 - demo credential of the local simulators


def credentials_from_env() -> tuple[str, str]:
    """(user, password) from SPORTELLO_SIM_USER / SPORTELLO_SIM_PASSWORD, else the demo pair."""
    return (
        os.environ.get("SPORTELLO_SIM_USER", DEMO_USER),
        os.environ.get("SPORTELLO_SIM_PASSWORD", DEMO_PASSWORD),
    )


class _RequestHandler(WSGIRequestHandler):
    """wsgiref's handler, plus: a service that is `down` drops the connection unanswered."""

    # A client that stops sending in the middle of a request frees its thread after this.
    timeout = 30

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        app = self.server.get_app()  # type: ignore[attr-defined]
        if isinstance(app, SimulatorApp) and app.refuses(self.path):
            # A down service, as a client sees one: the connection closes with no HTTP answer.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        # Same construction as wsgiref's own handle(); typeshed types wfile more narrowly.
        output = cast(IO[bytes], self.wfile)
        handler = ServerHandler(
            self.rfile, output, self.get_stderr(), self.get_environ(), multithread=True
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(app)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """A thread per request; threads are daemons so a slow call never blocks shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(
    host: str, port: int, username: str, password: str
) -> tuple[ThreadingWSGIServer, SimulatorApp]:
    app = SimulatorApp(username, password)
    server = ThreadingWSGIServer((host, port), _RequestHandler)
    server.set_app(app)
    return server, app


@dataclass
class RunningSimulators:
    """Simulators served by a background thread; `stop()` (or leaving the `with`) shuts them."""

    server: ThreadingWSGIServer
    app: SimulatorApp
    username: str
    password: str = field(repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, service: str) -> str:
        """SOAP endpoint of `service` ("fines", "school" or "health")."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        return f"{self.base_url}/{service}"

    def wsdl_url(self, service: str) -> str:
        return f"{self.url(service)}?wsdl"

    def settings(self, service: str, **overrides: Any) -> ConnectorSettings:
        """Connector settings pointing at `service` with these simulators' credentials."""
        values: dict[str, Any] = {
            "wsdl_url": self.wsdl_url(service),
            "username": self.username,
            "password": self.password,
        }
        values.update(overrides)
        return ConnectorSettings(**values)

    def control(self, service: str, **knobs: Any) -> dict[str, Any]:
        """Set knobs of `service` over HTTP (`POST /_control/<service>`); returns its state."""
        return self._post(f"/_control/{service}", knobs)

    def reset(self) -> dict[str, Any]:
        return self._post("/_control/reset", {})

    def state(self) -> dict[str, Any]:
        url = f"{self.base_url}/_control/state"
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - always http://
            result: dict[str, Any] = json.load(answer)
            return result

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> RunningSimulators:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - base_url is always http://
            f"{self.base_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            result: dict[str, Any] = json.load(answer)
            return result


def start_simulators(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    username: str | None = None,
    password: str | None = None,
) -> RunningSimulators:
    """Serve the three simulators on host:port (0 picks a free port) from a background thread.

    Credentials default to `credentials_from_env()`.
    """
    env_user, env_password = credentials_from_env()
    user = env_user if username is None else username
    secret = env_password if password is None else password
    server, app = make_server(host, port, user, secret)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.name = f"sportello-simulators-{server.server_address[1]}"
    thread.start()
    return RunningSimulators(server, app, user, secret, thread)
