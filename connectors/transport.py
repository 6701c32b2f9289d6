"""HTTP for the connectors: one TLS context per service, per-call time bounds, and whether a
failed request ever left this process (the only case in which sending it again is safe).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# Whether the current request has written a byte to its socket: None before it opens one (or
# when it goes through a proxy, whose connections are not ours), False once connecting, True
# as soon as sending starts. Read right after a failure, in the same thread.
_sent: ContextVar[bool | None] = ContextVar("sportello_request_sent", default=None)
# Monotonic time by which the current call must be over (None: no deadline).
_ends: ContextVar[float | None] = ContextVar("sportello_call_ends", default=None)


def request_sent() -> bool | None:
    """Did the last request of this thread start sending? None: unknown."""
    return _sent.get()


@contextmanager
def time_left(seconds: float | None) -> Iterator[None]:
    """Within this block every request waits (connect, then each read) at most what is left
    of `seconds`, counted from now, on top of its own timeouts."""
    token = _ends.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _ends.reset(token)


class _SendTracking:
    """Marks `_sent`: False when a connection is being opened, True when sending starts."""

    sock: Any

    def connect(self) -> None:
        _sent.set(False)
        super().connect()  # type: ignore[misc]

    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()  # what http.client would do first; nothing has left yet
        _sent.set(True)
        super().send(data)  # type: ignore[misc]


class _HTTPConnection(_SendTracking, HTTPConnection):
    pass


class _HTTPSConnection(_SendTracking, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _TLSAdapter(HTTPAdapter):
    """Every https connection uses this service's own SSL context: its trust store, its client
    certificate. requests' own `verify`/`cert` (and certifi's bundle) play no part."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(max_retries=0)  # retrying is the connector's decision, not urllib3's

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """Nothing to add: the context already holds the trust store and client certificate."""

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, _ignored = super().build_connection_pool_key_attributes(request, True)
        return host_params, {"cert_reqs": "CERT_REQUIRED"}


class _BoundedSession(requests.Session):
    """A session whose waits never pass the deadline set by `time_left`, and that resets the
    sent-or-not mark at each request."""

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        _sent.set(None)
        ends = _ends.get()
        if ends is not None:
            left = max(ends - time.monotonic(), 0.001)
            timeout = kwargs.get("timeout")
            connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
            kwargs["timeout"] = (
                left if connect is None else min(connect, left),
                left if read is None else min(read, left),
            )
        return super().request(method, url, *args, **kwargs)


def ssl_context(
    ca_bundle: str | None, client_cert: str | None, client_key: str | None
) -> ssl.SSLContext:
    """Server certificates checked against `ca_bundle` (a PEM file) or, without one, the
    system's trust store; host names checked; our certificate offered when one is given."""
    context = ssl.create_default_context(cafile=ca_bundle)
    if client_cert:
        context.load_cert_chain(client_cert, client_key)
    return context


def new_session(
    ca_bundle: str | None, client_cert: str | None, client_key: str | None
) -> requests.Session:
    """A session for one legacy service (files are read now: a missing one raises OSError)."""
    session = _BoundedSession()
    session.headers["User-Agent"] = "sportello-connectors/1"
    adapter = _TLSAdapter(ssl_context(ca_bundle, client_cert, client_key))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
