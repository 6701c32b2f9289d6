"""The stream server: Server-Sent Events on an event loop, so an open page holds no thread.

    uvicorn --factory gateway.streams:create_stream_server --port 8001

Under gunicorn's gthread workers an open live-help page holds a worker thread for as long as
its stream lasts. Behind the same proxy, the production shape sends the stream paths (they
end in ``/eventi``) here instead. Each request still goes through the whole Flask app once,
in a thread, exactly as under gunicorn (proxy headers, session cookie, access rules, the
view's own checks, logs): the view answers whatever it answers (404, 403, 204 for an ended
session, a redirect to log in) and this server passes it on, except when it granted a stream
(``gateway.cobrowse.stream.StreamGrant``): then the stream runs here, on the loop, waiting on
queues fed by the broker's one listener thread, with the database checks in the loop's
threads. Any other path is a 404: this server serves streams only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from flask import Flask

from .cobrowse.stream import GRANT_KEY, StreamGrant, event_stream_async

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Paths this server takes; the proxy in front sends only these here.
STREAM_SUFFIX = "/eventi"


def wsgi_environ(scope: Scope) -> dict[str, Any]:
    """The WSGI environ of an ASGI http request without a body (a GET)."""
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": _EmptyInput(),
        "wsgi.errors": _LogErrors(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": "0",
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
            continue
        if name == "CONTENT_LENGTH":
            continue  # a GET here has no body, whatever it claims
        key = f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


class _EmptyInput:
    def read(self, *_args: Any) -> bytes:
        return b""

    def readline(self, *_args: Any) -> bytes:
        return b""

    def __iter__(self) -> Any:
        return iter(())


class _LogErrors:
    def write(self, text: str) -> None:
        log.error("%s", text.rstrip())

    def flush(self) -> None:
        pass


class _Answer:
    """What the Flask app answered: status, headers, body, and the stream grant if any."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.grant: StreamGrant | None = None


def _dispatch(flask_app: Flask, environ: dict[str, Any]) -> _Answer:
    """Run the request through the whole app (in a thread); never start a granted stream."""
    answer = _Answer()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer.status = int(status.split(" ", 1)[0])
        answer.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return lambda _data: None

    body: Iterable[bytes] = flask_app.wsgi_app(environ, start_response)
    try:
        grant = environ.get(GRANT_KEY)
        if isinstance(grant, StreamGrant) and answer.status == 200:
            answer.grant = grant  # the body (a generator not yet started) is dropped
        else:
            answer.body = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return answer


async def _plain(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_stream_server(flask_app: Flask | None = None) -> Callable[..., Awaitable[None]]:
    """The ASGI app serving the streams of ``flask_app`` (by default the configured app)."""
    if flask_app is None:
        from . import create_app

        flask_app = create_app()
    app = flask_app

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "GET" or not scope["path"].endswith(STREAM_SUFFIX):
            await _plain(send, 404, [(b"content-type", b"text/plain")], b"Not a stream\n")
            return
        answer = await asyncio.to_thread(_dispatch, app, wsgi_environ(scope))
        if answer.grant is None:
            await _plain(send, answer.status, answer.headers, answer.body)
            return
        await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
        await _stream(answer.grant, receive, send)

    return serve


async def _stream(grant: StreamGrant, receive: Receive, send: Send) -> None:
    """Send the grant's events until it ends or the browser leaves."""
    left = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        left.set()

    watcher = asyncio.create_task(watch())
    frames = event_stream_async(grant)
    try:
        async for frame in frames:
            if left.is_set():
                break
            await send({"type": "http.response.body", "body": frame.encode(), "more_body": True})
        if not left.is_set():
            await send({"type": "http.response.body", "body": b""})
    except OSError:  # the browser went away mid-write
        pass
    finally:
        await frames.aclose()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
