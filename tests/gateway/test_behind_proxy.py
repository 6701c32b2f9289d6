"""The gateway behind a real reverse proxy process (tools/reverse_proxy.py, as `make production`
runs it): each citizen's own address counts, whatever the client writes in its headers.

Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3): the gateway sees
only the proxy's connection, and the proxy's X-Forwarded-For.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

from gateway import create_app
from gateway.db import db

from ..conftest import make_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gateway_app(database_url: str, simulators: Any) -> Iterator[Flask]:
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            trusted_proxies="1",
            rate_limits="login=2/3600",
        )
    )
    yield app
    db.dispose(app)


def _other_upstream(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Stands for the stream server: says where a request landed."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"streams {environ['PATH_INFO']}".encode()]


@pytest.fixture
def proxy_port(gateway_app: Flask) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, gateway_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    streams = make_server("127.0.0.1", 0, _other_upstream, threaded=True)
    threading.Thread(target=streams.serve_forever, daemon=True).start()
    proxy = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tools" / "reverse_proxy.py"),
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            f"127.0.0.1:{server.server_port}",
            "--proto",
            "https",
            "--route",
            f"/eventi$=127.0.0.1:{streams.server_port}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None
        banner = proxy.stdout.readline()  # printed once the socket listens
        port = int(banner.split(" -> ")[0].rsplit(":", 1)[1])
        yield port
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        if proxy.stdout is not None:
            proxy.stdout.close()
        server.shutdown()
        server.server_close()
        streams.shutdown()
        streams.server_close()


def get(port: int, source: str, path: str, headers: dict[str, str] | None = None) -> Any:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_one_citizens_logins_do_not_block_another_behind_the_proxy(
    gateway_app: Flask, proxy_port: int
) -> None:
    idp = gateway_app.extensions["sportello.test_idp"].settings.entity_id
    login = f"/accedi/spid?idp={idp}"
    first = [get(proxy_port, "127.0.0.2", login).status for _ in range(3)]
    assert first == [302, 302, 429]
    # Another citizen through the same proxy still logs in.
    assert get(proxy_port, "127.0.0.3", login).status == 302
    # The limited citizen cannot pass for someone else: the proxy drops forged headers.
    forged = {"X-Forwarded-For": "198.51.100.99", "Forwarded": "for=198.51.100.99"}
    assert get(proxy_port, "127.0.0.2", login, forged).status == 429


def test_address_scheme_and_host_are_the_ones_the_proxy_forwards(
    gateway_app: Flask, proxy_port: int
) -> None:
    seen: list[tuple[str, str, str]] = []

    @gateway_app.before_request
    def remember() -> None:
        seen.append((request.remote_addr or "", request.scheme, request.host))

    get(proxy_port, "127.0.0.4", "/", {"Host": "sportello.comune.example"})
    assert seen == [("127.0.0.4", "https", "sportello.comune.example")]


def test_a_request_that_is_not_http_is_refused_by_the_proxy(proxy_port: int) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as raw:
        raw.sendall(b"HELLO\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")


def test_stream_paths_go_to_the_stream_upstream(proxy_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy_port, timeout=10)
    connection.request("GET", "/area-personale/assistenza-live/7/eventi?after=3")
    assert connection.getresponse().read() == b"streams /area-personale/assistenza-live/7/eventi"
    connection.close()
    assert get(proxy_port, "127.0.0.5", "/eventi/altro").status != 200  # the app's 404


def _named(name: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [name.encode()]

    return app


def test_several_instances_are_taken_in_turn_and_a_stopped_one_is_skipped() -> None:
    import socket

    first = make_server("127.0.0.1", 0, _named("first"), threaded=True)
    second = make_server("127.0.0.1", 0, _named("second"), threaded=True)
    for server in (first, second):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with socket.socket() as unused:  # a port nothing listens on: a stopped instance
        unused.bind(("127.0.0.1", 0))
        stopped = unused.getsockname()[1]
    upstreams = [f"127.0.0.1:{p}" for p in (first.server_port, stopped, second.server_port)]
    command = [sys.executable, str(ROOT / "tools" / "reverse_proxy.py"), "--listen", "127.0.0.1:0"]
    for upstream in upstreams:
        command += ["--upstream", upstream]
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proxy.stdout is not None
        port = int(proxy.stdout.readline().split(" -> ")[0].rsplit(":", 1)[1])
        answers = []
        for _ in range(6):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/")
            answers.append(connection.getresponse().read().decode())
            connection.close()
        assert answers.count("first") >= 2 and answers.count("second") >= 2
        assert set(answers) == {"first", "second"}
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        if proxy.stdout is not None:
            proxy.stdout.close()
        for server in (first, second):
            server.shutdown()
            server.server_close()
