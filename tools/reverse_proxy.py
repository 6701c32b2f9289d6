"""A small reverse proxy for running Sportello on one machine as it runs behind a real one.

    python tools/reverse_proxy.py --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000 \
        --route '/eventi$=127.0.0.1:8001'

It does what the gateway expects of the operator's proxy (nginx, HAProxy, an ingress): it
drops whatever X-Forwarded-* / Forwarded headers the client sent and writes its own
X-Forwarded-For (the client's address), X-Forwarded-Proto and X-Forwarded-Host, so that
SPORTELLO_TRUSTED_PROXIES=1 makes each citizen's address the one rate limits and logs see.
One request per connection, streamed both ways (so Server-Sent Events pass as they come).
A path matching a ``--route`` pattern (a regular expression over the path, query left out)
goes to that route's upstream instead: the production shape sends the live-help streams to
the stream server (``gateway.streams``). Several ``--upstream`` are taken in turn (two
gateway instances sharing PostgreSQL and Redis); one that refuses connections is skipped.
Standard library only; for `make production` and the test suite, not for the Internet.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import socket
import socketserver
import sys
import threading
from collections.abc import Sequence

MAX_HEAD = 64 * 1024
# Headers the proxy owns: a client's value would be believed by the gateway.
OWNED = {
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"x-forwarded-port",
    b"x-forwarded-prefix",
    b"forwarded",
    b"connection",
    b"keep-alive",
    b"proxy-connection",
}


def rewrite_head(head: bytes, client: str, proto: str) -> bytes | None:
    """The request head as sent upstream, or None when it is not a plain HTTP/1.x request."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        return None
    kept, host = [], b""
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep or name != name.strip() or not name:
            return None
        lowered = name.lower()
        if lowered == b"host":
            host = value.strip()
        if lowered not in OWNED:
            kept.append(line)
    added = [
        b"X-Forwarded-For: " + client.encode("ascii"),
        b"X-Forwarded-Proto: " + proto.encode("ascii"),
        b"Connection: close",
    ]
    if host:
        added.insert(2, b"X-Forwarded-Host: " + host)
    return b"\r\n".join([lines[0], *kept, *added]) + b"\r\n\r\n"


def _pump(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            target.sendall(chunk)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


class _Handler(socketserver.BaseRequestHandler):
    server: ReverseProxy

    def handle(self) -> None:
        client = self.request
        client.settimeout(30)
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = client.recv(8192)
                if not chunk:
                    return
                head += chunk
                if len(head) > MAX_HEAD:
                    client.sendall(_status(431, "Request Header Fields Too Large"))
                    return
        except OSError:
            return
        raw_head, _, rest = head.partition(b"\r\n\r\n")
        upstream_head = rewrite_head(raw_head, self.client_address[0], self.server.proto)
        if upstream_head is None:
            client.sendall(_status(400, "Bad Request"))
            return
        target = raw_head.split(b" ", 2)[1].split(b"?", 1)[0].decode("latin-1")
        routed = [to for pattern, to in self.server.routes if pattern.search(target)][:1]
        upstream = None
        for address in routed or self.server.next_upstreams():
            try:
                upstream = socket.create_connection(address, timeout=10)
                break
            except OSError:
                continue
        if upstream is None:
            client.sendall(_status(502, "Bad Gateway"))
            return
        with upstream:
            upstream.settimeout(None)
            client.settimeout(None)
            upstream.sendall(upstream_head + rest)
            sending = threading.Thread(target=_pump, args=(client, upstream), daemon=True)
            sending.start()
            _pump(upstream, client)


def _status(code: int, reason: str) -> bytes:
    return f"HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


class ReverseProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        listen: tuple[str, int],
        upstreams: Sequence[tuple[str, int]],
        proto: str,
        routes: Sequence[tuple[re.Pattern[str], tuple[str, int]]] = (),
    ) -> None:
        self.upstreams = list(upstreams)
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self.proto = proto
        self.routes = list(routes)
        super().__init__(listen, _Handler)

    def next_upstreams(self) -> list[tuple[str, int]]:
        """Every upstream, starting with the one whose turn it is."""
        with self._lock:
            first = next(self._turn) % len(self.upstreams)
        return self.upstreams[first:] + self.upstreams[:first]


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def _route(text: str) -> tuple[re.Pattern[str], tuple[str, int]]:
    pattern, sep, address = text.rpartition("=")
    if not sep or not pattern:
        raise argparse.ArgumentTypeError("a route is PATTERN=HOST:PORT")
    return re.compile(pattern), _address(address)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=_address, default=("127.0.0.1", 8080))
    parser.add_argument(
        "--upstream", type=_address, action="append", help="HOST:PORT (repeat: in turn)"
    )
    parser.add_argument(
        "--proto", choices=("http", "https"), default="http", help="X-Forwarded-Proto to send"
    )
    parser.add_argument(
        "--route",
        type=_route,
        action="append",
        default=[],
        help="PATTERN=HOST:PORT: paths matching PATTERN go to HOST:PORT",
    )
    args = parser.parse_args(argv)
    upstreams = args.upstream or [("127.0.0.1", 8000)]
    with ReverseProxy(args.listen, upstreams, args.proto, args.route) as proxy:
        host, port = proxy.server_address[:2]
        targets = ", ".join(f"{h}:{p}" for h, p in upstreams)
        print(f"reverse proxy on {host!s}:{port} -> {targets}")
        sys.stdout.flush()
        proxy.serve_forever()


if __name__ == "__main__":
    main()
