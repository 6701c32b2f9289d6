"""Run the simulators on a threaded HTTP server, in the foreground or in a background thread."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import ssl
import threading
import urllib.request
from collections.abc import Iterable, Mapping
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
    """A thread per request; threads are daemons so a slow call never blocks shutdown.

    With an `ssl_context` it speaks https: the handshake runs in the connection's own thread,
    so a client that stalls or fails it holds up nobody else.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    ssl_context: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(_RequestHandler.timeout)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            # An untrusted server certificate for the client, or no client certificate
            # where one is required: the connection ends here, before any HTTP.
            logger.info("TLS handshake with %s refused: %s", client_address[0], e)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.shutdown(socket.SHUT_RDWR)
            tls.close()


def server_tls(cert_file: str, key_file: str, client_ca_file: str | None = None) -> ssl.SSLContext:
    """An https server context; with `client_ca_file`, clients must present a certificate
    issued by one of its CAs (mutual TLS)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    if client_ca_file:
        context.load_verify_locations(client_ca_file)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def make_server(
    host: str,
    port: int,
    username: str,
    password: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    signers: Mapping[str, Iterable[bytes | str]] | None = None,
) -> tuple[ThreadingWSGIServer, SimulatorApp]:
    """The server and its app; https with `ssl_context`; `signers` as in `SimulatorApp`."""
    app = SimulatorApp(username, password, signers=signers)
    server = ThreadingWSGIServer((host, port), _RequestHandler)
    server.ssl_context = ssl_context
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
    # How the control calls (`control`, `reset`, `state`) trust an https server of ours.
    control_context: ssl.SSLContext | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        scheme = "http" if self.server.ssl_context is None else "https"
        return f"{scheme}://{host!s}:{port}"

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

    def move_clock(self, days_ahead: int) -> dict[str, Any]:
        """Every simulated office's today becomes ``days_ahead`` days after the real date."""
        return self._post("/_control/clock", {"days_ahead": days_ahead})

    def state(self) -> dict[str, Any]:
        url = f"{self.base_url}/_control/state"
        with urllib.request.urlopen(  # noqa: S310 - our own http(s) address
            url, timeout=5, context=self.control_context
        ) as answer:
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
        request = urllib.request.Request(  # noqa: S310 - base_url is our own http(s) address
            f"{self.base_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=5, context=self.control_context
        ) as answer:
            result: dict[str, Any] = json.load(answer)
            return result


def start_simulators(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    username: str | None = None,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    signers: Mapping[str, Iterable[bytes | str]] | None = None,
    control_context: ssl.SSLContext | None = None,
) -> RunningSimulators:
    """Serve the three simulators on host:port (0 picks a free port) from a background thread.

    Credentials default to `credentials_from_env()`. With `ssl_context` (see `server_tls`) they
    speak https, and the control calls trust the server through `control_context`; the
    services named in `signers` want an X.509 signature by one of their certificates (PEM)
    instead of a UsernameToken.
    """
    env_user, env_password = credentials_from_env()
    user = env_user if username is None else username
    secret = env_password if password is None else password
    server, app = make_server(host, port, user, secret, ssl_context=ssl_context, signers=signers)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.name = f"sportello-simulators-{server.server_address[1]}"
    thread.start()
    return RunningSimulators(server, app, user, secret, thread, control_context)
