"""Live help: latency from a clerk's proposal to the event on the citizen's open stream.

200 shared sessions are open at once, each with the citizen's Server-Sent Events stream held
by one of two gunicorn gthread workers (PostgreSQL, Redis pub/sub between the workers). Clerks
post proposals, first 8 at a time back to back (saturated: capacity), then at a steady 20 per
second (paced: the latency a citizen sees, checked against the target); each latency runs from
just before the clerk's POST (its scheduled time, when paced) to the moment the event's bytes
arrive on that session's stream (one thread reads every stream with a
selector, so reading adds no queueing). Floor: the same POST's own round trip, measured in the
same run (the proposal is stored, audited and published before it answers).
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from identity.testidp import TestIdP, TestIdPSettings

from .common import Row, Table, percentile
from .servers import production_stack

WORKERS = 2
# One open stream holds one gthread thread: 200 streams over 2 workers need ~100 threads each
# (the kernel does not balance accepts exactly), plus threads for ordinary requests.
THREADS = int(os.environ.get("SPORTELLO_BENCH_COBROWSE_THREADS", "160"))
SESSIONS = 200
# Open pages on the stream server: no thread each, so ten times as many.
ASYNC_SESSIONS = int(os.environ.get("SPORTELLO_BENCH_COBROWSE_ASYNC_SESSIONS", "2000"))
PROPOSERS = 8
# Paced run: 200 sessions, each getting a proposal every 10 s.
PACED_RATE = 20
MARIO, ANNA = "RSSMRA80A01H501U", "SPSNNA75S70L219W"
SOFIA, MARCO = "RSSSFO12P50H501K", "RSSMRC15D22H501V"
LIMITS = "login=1000000/60,acs=1000000/60,counter=1000000/60,session_code=1000000/60"


def login(base: str, fiscal_code: str) -> requests.Session:
    """A real SPID login through the ACS, with the test IdP's signed response."""
    metadata = requests.get(f"{base}/saml/metadata", timeout=10).content
    idp = TestIdP(
        TestIdPSettings(entity_id=f"{base}/test-idp", base_url=f"{base}/test-idp"),
        service_providers=[metadata],
    )
    session = requests.Session()
    start = session.get(
        f"{base}/accedi/spid",
        params={"idp": idp.settings.entity_id, "next": "/area-personale/salute/"},
        allow_redirects=False,
        timeout=10,
    )
    request = idp.parse_authn_request(
        binding="redirect", query_string=urlsplit(start.headers["Location"]).query
    )
    _, saml_response, relay = idp.build_response(request, fiscal_code)
    answer = session.post(
        f"{base}/saml/acs",
        data={"SAMLResponse": saml_response, "RelayState": relay or ""},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login of {fiscal_code} answered {answer.status_code}")
    return session


def csrf(session: requests.Session, base: str) -> str:
    page = session.get(f"{base}/", timeout=10).text
    return page.split('name="csrf-token" content="')[1].split('"')[0]


def open_session(citizen: requests.Session, clerk: requests.Session, base: str,
                 tokens: tuple[str, str]) -> int:  # fmt: skip
    """A draft shared by the citizen and joined by the clerk; returns the session id."""
    saved = citizen.post(
        f"{base}/servizi/certificato_scolastico/nuova",
        data={"csrf_token": tokens[0], "action": "save", "tipo_certificato": "frequenza"},
        timeout=30,
    )
    reference = re.search(r'data-testid="reference">([^<]+)<', saved.text)
    if reference is None:
        raise RuntimeError(f"draft not saved: {saved.status_code}")
    started = citizen.post(
        f"{base}/area-personale/assistenza-live/avvia",
        data={"csrf_token": tokens[0], "reference": reference.group(1)},
        timeout=30,
    )
    code = re.search(r'data-testid="session-code">([^<]+)<', started.text)
    if code is None:
        raise RuntimeError(f"no code: {started.status_code}")
    joined = clerk.post(
        f"{base}/sportello/live/unisciti",
        data={"csrf_token": tokens[1], "code": code.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    if joined.status_code != 303:
        raise RuntimeError(f"join answered {joined.status_code}")
    return int(started.url.rstrip("/").split("/")[-1])


@dataclass
class Streams:
    """Every citizen's stream as a raw socket, read by one selector thread."""

    arrivals: dict[int, list[float]] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    closed: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    joined: set[int] = field(default_factory=set)

    def wait_joined(self, ids: list[int], timeout: float) -> None:
        """Until every stream has connected and replayed its "joined" event."""
        with self.changed:
            if not self.changed.wait_for(lambda: self.joined >= set(ids), timeout):
                raise RuntimeError(f"{len(set(ids) - self.joined)} streams did not connect")

    def open(self, base: str, cookies: dict[int, str], session_ids: list[int]) -> threading.Thread:
        host, port = urlsplit(base).hostname or "", urlsplit(base).port or 80
        selector = selectors.DefaultSelector()
        for sid in session_ids:
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(
                (
                    f"GET /area-personale/assistenza-live/{sid}/eventi HTTP/1.1\r\n"
                    f"Host: {host}:{port}\r\nAccept: text/event-stream\r\n"
                    f"Cookie: sportello_session={cookies[sid]}\r\n\r\n"
                ).encode()
            )
            sock.setblocking(False)
            self.arrivals[sid] = []
            selector.register(sock, selectors.EVENT_READ, sid)
        thread = threading.Thread(target=self._read, args=(selector,), daemon=True)
        thread.start()
        return thread

    def _read(self, selector: selectors.BaseSelector) -> None:
        while not self.stop.is_set():
            for key, _mask in selector.select(timeout=0.5):
                now = time.perf_counter()
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not data:
                    selector.unregister(key.fileobj)
                    self.closed += 1
                    continue
                if b"event: joined" in data:
                    with self.changed:
                        self.joined.add(key.data)
                        self.changed.notify_all()
                count = data.count(b"event: proposed")
                if count:
                    with self.changed:
                        self.arrivals[key.data].extend([now] * count)
                        self.changed.notify_all()

    def wait(self, sid: int, seen: int, timeout: float = 10) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.arrivals[sid]) > seen, timeout):
                raise RuntimeError(f"no event on session {sid} within {timeout} s")
            return self.arrivals[sid][seen]


def run(table: Table, *, rounds: int = 3) -> None:
    """The threaded shape (streams held by gunicorn threads), then the stream server's."""
    measure(table, rounds=rounds, sessions=SESSIONS, threads=THREADS, stream_server=False)
    measure(
        table, rounds=max(1, rounds // 3), sessions=ASYNC_SESSIONS, threads=8, stream_server=True
    )


def measure(table: Table, *, rounds: int, sessions: int, threads: int, stream_server: bool) -> None:
    extra = {"SPORTELLO_RATE_LIMITS": LIMITS}
    with production_stack(
        workers=WORKERS, threads=threads, extra_env=extra, streams=stream_server
    ) as stack:
        base = stack.base_url
        clerk = login(base, ANNA)
        clerk_token = csrf(clerk, base)
        # One login per opening thread: a person's own session is not written concurrently.
        citizens = [login(base, MARIO) for _ in range(PROPOSERS)]

        def open_many(index: int) -> list[tuple[int, str]]:
            citizen = citizens[index]
            tokens = (csrf(citizen, base), clerk_token)
            cookie = str(citizen.cookies["sportello_session"])
            count = sessions // PROPOSERS + (1 if index < sessions % PROPOSERS else 0)
            return [(open_session(citizen, clerk, base, tokens), cookie) for _ in range(count)]

        with ThreadPoolExecutor(PROPOSERS) as pool:
            opened = [item for chunk in pool.map(open_many, range(PROPOSERS)) for item in chunk]
        ids = [sid for sid, _cookie in opened]
        streams = Streams()
        streams.open(stack.streams_url or base, dict(opened), ids)
        streams.wait_joined(ids, timeout=120)

        def propose(item: tuple[int, int], t0: float | None, out: Measured) -> None:
            """One proposal; latency from ``t0`` (its scheduled time when paced) to arrival."""
            sid, round_no = item
            seen = len(streams.arrivals[sid])
            child = SOFIA if round_no % 2 == 0 else MARCO
            sent = time.perf_counter()
            answer = clerk.post(
                f"{base}/sportello/live/{sid}/proponi",
                data={"csrf_token": clerk_token, "action": "propose", "alunno": child},
                headers={"X-Requested-With": "XMLHttpRequest"},
                timeout=30,
            )
            t1 = time.perf_counter()
            if answer.status_code != 204:
                raise RuntimeError(f"proposal answered {answer.status_code}")
            arrived = streams.wait(sid, seen)
            out.add((arrived - (t0 or sent)) * 1000, (t1 - sent) * 1000, arrived <= t1)

        # Saturated: PROPOSERS clerks post back to back (closed loop). The latency here is
        # mostly queueing (about PROPOSERS / throughput): it shows capacity, not what a
        # citizen on the phone sees.
        saturated = Measured()
        work = [(sid, r) for r in range(rounds) for sid in ids]
        started = time.perf_counter()
        with ThreadPoolExecutor(PROPOSERS) as pool:
            list(pool.map(lambda item: propose(item, None, saturated), work))
        saturated.seconds = time.perf_counter() - started

        # Paced: proposals arrive at PACED_RATE per second whatever the answers (open loop),
        # i.e. each of the 200 sessions gets one every SESSIONS / PACED_RATE seconds — a
        # clerk filling a form while talking. Latency counts from the scheduled moment, so a
        # slow server cannot hide its queue (no coordinated omission).
        paced = Measured()
        work = [(sid, rounds + r) for r in range(rounds) for sid in ids]
        started = time.perf_counter()
        with ThreadPoolExecutor(64) as pool:
            futures = []
            for i, item in enumerate(work):
                due = started + i / PACED_RATE
                time.sleep(max(0.0, due - time.perf_counter()))
                futures.append(pool.submit(propose, item, due, paced))
            for future in futures:
                future.result()
        paced.seconds = time.perf_counter() - started
        streams.stop.set()
        still_open = sessions - streams.closed

    shape = "stream server" if stream_server else f"{WORKERS} workers x {threads} threads"
    label = f"({sessions} open streams, {shape})"
    table.add(saturated.row(f"Live help, saturated: proposal -> citizen's stream {label}", None))
    table.add(
        paced.row(
            f"Live help, {PACED_RATE} proposals/s: proposal -> citizen's stream {label}",
            f"{still_open} streams open at the end",
        )
    )


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    requests_ms: list[float] = field(default_factory=list)
    early: list[bool] = field(default_factory=list)  # event before the clerk's answer
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, request_ms: float, early: bool) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.requests_ms.append(request_ms)
            self.early.append(early)

    def row(self, name: str, note: str | None) -> Row:
        """The table row; the target is checked on the paced run only (``note`` given)."""
        p95 = percentile(self.latencies, 95)
        checked = note is not None
        verdict = ("ok" if p95 < 200 else "over target") if checked else "capacity, not checked"
        return Row(
            name,
            f"p50 {percentile(self.latencies, 50):.0f} ms, p95 {p95:.0f} ms, "
            f"p99 {percentile(self.latencies, 99):.0f} ms ({len(self.latencies)} proposals, "
            f"{len(self.latencies) / self.seconds:.0f}/s)",
            f"proposal POST p50 {percentile(self.requests_ms, 50):.0f} ms, "
            f"p95 {percentile(self.requests_ms, 95):.0f} ms",
            p95 / percentile(self.requests_ms, 95),
            "p95 under 200 ms" if checked else "-",
            verdict + (f"; {note}" if note else "") + f"; event before the POST's answer in "
            f"{100 * sum(self.early) / max(1, len(self.early)):.0f}% of proposals",
        )
