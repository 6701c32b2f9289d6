"""The stream server (gateway.streams under uvicorn): live-help streams on an event loop.

A real uvicorn server on a free port, serving the test's app; the clerk's proposals go
through the app as usual and reach the citizen's stream through the app's broker.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from flask import Flask
from flask.testing import FlaskClient

from gateway.cobrowse.broker import broker
from gateway.sessions import COOKIE_NAME
from gateway.streams import create_stream_server

from .cobrowse_support import CITIZEN, CLERK, citizen_client, propose, shared_draft
from .forms_support import LUCA, SOFIA_CF
from .pages import token_in
from .test_cobrowse_stream import fast, frames


@dataclass
class StreamServer:
    port: int
    server: uvicorn.Server


@pytest.fixture
def stream_server(app: Flask) -> Iterator[StreamServer]:
    fast(app, stream_seconds=30.0)
    listening = socket.socket()
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        create_stream_server(app),
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    yield StreamServer(listening.getsockname()[1], server)
    server.should_exit = True
    thread.join(timeout=10)
    listening.close()


def cookie_of(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE_NAME)
    assert found is not None
    return found.value


class RawStream:
    """One HTTP/1.1 GET on a socket, its answer read as it comes."""

    def __init__(self, port: int, path: str, cookie: str | None = None, method: str = "GET"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        if cookie:
            lines.append(f"Cookie: {COOKIE_NAME}={cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.data = b""

    def read_until(self, needle: bytes, timeout: float = 5.0) -> float:
        deadline = time.monotonic() + timeout
        while needle not in self.data:
            left = deadline - time.monotonic()
            assert left > 0, f"{needle!r} not received; got {self.data[-500:]!r}"
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"closed before {needle!r}; got {self.data[-500:]!r}")
            self.data += chunk
        return time.monotonic()

    @property
    def status(self) -> int:
        return int(self.data.split(b" ", 2)[1])

    def read_to_end(self, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"still open; got {self.data[-500:]!r}"
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                return self.data
            self.data += chunk

    def close(self) -> None:
        self.sock.close()


def test_a_proposal_reaches_a_stream_held_by_the_stream_server(
    app: Flask, stream_server: StreamServer
) -> None:
    s = shared_draft(app)
    stream = RawStream(stream_server.port, f"{CITIZEN}/{s.session_id}/eventi", cookie_of(s.citizen))
    stream.read_until(b"event: joined")
    assert stream.status == 200 and b"text/event-stream" in stream.data
    sent = time.monotonic()
    assert propose(s.clerk, s.session_id, {"alunno": SOFIA_CF}).status_code == 303
    assert stream.read_until(b"event: proposed") - sent < 1.0
    stream.read_until(b": keep-alive")
    s.clerk.post(
        f"{CLERK}/{s.session_id}/termina", data={"csrf_token": token_in(s.clerk.get("/").text)}
    )
    body = stream.read_to_end().split(b"\r\n\r\n", 1)[1].decode()
    stream.close()
    text = "".join(line for line in body.splitlines(keepends=True) if not _chunk_size(line))
    assert [f["event"] for f in frames(text)] == ["joined", "proposed", "ended"]


def _chunk_size(line: str) -> bool:
    """A line of HTTP chunked framing (a hexadecimal size), not of the event stream."""
    stripped = line.strip()
    return bool(stripped) and all(c in "0123456789abcdef" for c in stripped)


def test_the_stream_server_answers_what_the_app_answers(
    app: Flask, stream_server: StreamServer
) -> None:
    s = shared_draft(app)
    path = f"{CITIZEN}/{s.session_id}/eventi"
    stranger = citizen_client(app, LUCA)
    for cookie, client in [(None, app.test_client()), (cookie_of(stranger), stranger)]:
        expected = client.get(path)
        raw = RawStream(stream_server.port, path, cookie)
        raw.read_until(b"\r\n\r\n")
        assert raw.status == expected.status_code and raw.status != 200
        raw.close()
    # A clerk's stream path with the citizen's session: refused as by the app.
    clerk_path = f"{CLERK}/{s.session_id}/eventi"
    raw = RawStream(stream_server.port, clerk_path, cookie_of(s.citizen))
    raw.read_until(b"\r\n\r\n")
    assert raw.status == s.citizen.get(clerk_path).status_code != 200
    raw.close()
    # Only stream paths, only GET.
    for method, other in [("GET", "/area-personale/"), ("POST", path)]:
        raw = RawStream(stream_server.port, other, cookie_of(s.citizen), method=method)
        raw.read_until(b"\r\n\r\n")
        assert raw.status == 404
        raw.close()


def test_open_streams_hold_no_thread_and_leave_nothing_behind(
    app: Flask, stream_server: StreamServer
) -> None:
    s = shared_draft(app)
    path, cookie = f"{CITIZEN}/{s.session_id}/eventi", cookie_of(s.citizen)
    warm = RawStream(stream_server.port, path, cookie)
    warm.read_until(b"event: joined")
    threads_before = threading.active_count()
    streams = [RawStream(stream_server.port, path, cookie) for _ in range(40)]
    selector = selectors.DefaultSelector()
    for stream in streams:
        stream.sock.setblocking(False)
        selector.register(stream.sock, selectors.EVENT_READ, stream)
    pending = set(streams)
    deadline = time.monotonic() + 30
    while pending:
        assert time.monotonic() < deadline, f"{len(pending)} streams did not start"
        for key, _ in selector.select(timeout=1):
            stream = key.data
            stream.data += stream.sock.recv(65536)
            if b"event: joined" in stream.data:
                pending.discard(stream)
    assert broker(app).local.readers == 41
    # The loop's few helper threads, not one per stream.
    assert threading.active_count() - threads_before < 10
    for stream in streams:
        selector.unregister(stream.sock)
        stream.close()
    warm.close()
    deadline = time.monotonic() + 10
    while broker(app).local.readers:
        assert time.monotonic() < deadline, "subscriptions were not released"
        time.sleep(0.05)
