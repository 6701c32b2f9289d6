"""Counter completion: verify -> activate -> close -> receipt PDF, over HTTP, signed.

Terminals are threads of this process, each with its own keep-alive connection
(``http.client``: the cheapest client in the standard library, so the load generator takes
as little as possible of the two cores it shares with the server). A thread pool rather
than locust: a completion is a sequence of four signed calls whose end-to-end time is the
figure wanted, which a plain loop measures directly.

Floor (``counter_floor``): the same domain operations (the same database writes, the same
receipt, the same two SOAP calls to the fines system) called in-process with a SQLAlchemy
session on the same PostgreSQL, in as many processes and threads as the server has, with no
web layer. Both sides report what a completion costs in CPU and in SQL statements
(``counting``), which noise on the machine does not change.

The fines simulator runs with thousands of extra open fines (``--bulk-fines``), so that
every completion pays a different fine, as on a real Monday morning.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import counting
from .common import Row, Table, percentile, process_cpu_seconds
from .counter_floor import floor
from .servers import Stack, production_stack

API = "/counter/api/v1"
BULK_OFFENDER = "CNTGPP62M10G273O"  # Giuseppe Conti: the demo pages of Mario stay as they are
BULK_PREFIX = "VB"
BULK_BASE_AMOUNT = 8_300
BULK_NOTIFIED_DAYS_AGO = 21  # the base amount, valid for 39 more days
WORKERS = 2
THREADS = 4
CONCURRENCY = (1, 8, 32)


# --- the simulators, with many open fines -------------------------------------------------


def bulk_report_number(n: int, year: int) -> str:
    return f"{BULK_PREFIX}-{year:04d}-{n:06d}"


def serve_simulators(argv: list[str]) -> None:
    """``python -m benchmarks.counter simulators --port P --bulk-fines N``."""
    import argparse

    from connectors.simulators import fines_service
    from connectors.simulators.running import credentials_from_env, make_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bulk-fines", type=int, default=20_000)
    args = parser.parse_args(argv)
    seeded = fines_service.load_fines

    def load_fines(today: date) -> dict[str, fines_service.FineRecord]:
        fines = seeded(today)
        notified = today - timedelta(days=BULK_NOTIFIED_DAYS_AGO)
        for n in range(1, args.bulk_fines + 1):
            number = bulk_report_number(n, notified.year)
            fines[number] = fines_service.FineRecord(
                report_number=number,
                plate="AB123CD",
                offender=BULK_OFFENDER,
                offence_at=datetime.combine(notified, clock(9, 0), tzinfo=fines_service.LOCAL_TIME),
                place="Via Roma, Villanova",
                article="art. 7 c.15",
                description="Sosta oltre il tempo consentito",
                base_amount=BULK_BASE_AMOUNT,
                notified_on=notified,
                status="open",
            )
        return fines

    # reset() reloads the data through this name, so a reset keeps the bulk fines too.
    fines_service.load_fines = load_fines
    server, _app = make_server(args.host, args.port, *credentials_from_env())
    try:
        server.serve_forever()
    finally:
        server.server_close()


def simulators_command(bulk_fines: int) -> list[str]:
    return ["-m", "benchmarks.counter", "simulators", "--bulk-fines", str(bulk_fines)]


@contextmanager
def counter_stack(
    *, bulk_fines: int, workers: int = WORKERS, threads: int = THREADS, **kwargs: Any
) -> Iterator[Stack]:
    """The production shape with a fines simulator holding ``bulk_fines`` extra open fines."""
    with production_stack(
        workers=workers,
        threads=threads,
        simulators=simulators_command(bulk_fines),
        **kwargs,
    ) as stack:
        yield stack


# --- notices and terminals, written straight into the database ----------------------------


@dataclass(frozen=True)
class NoticeRef:
    code: str
    amount_cents: int
    report_number: str


@dataclass(frozen=True)
class TerminalKey:
    terminal_id: str
    secret: str


def app_for(env: Mapping[str, str]) -> Any:
    from gateway import create_app
    from gateway.config import Config

    return create_app(Config.from_env(dict(env)))


def seed_notices(app: Any, first: int, count: int) -> list[NoticeRef]:
    """Notices for bulk fines ``first .. first+count-1``, each in its own transaction.

    The rows are what ``fines.request_fine_notice`` writes, minus the notice PDF (which the
    counter never reads): so seeding 10,000 takes seconds, not minutes.
    """
    from sqlalchemy import update

    from gateway.db import db
    from gateway.fines.operations import SERVICE
    from gateway.models import Notice, NoticeCounter, Transaction, utcnow
    from gateway.payments.notices import today_local
    from gateway.transactions.reference import new_reference
    from gateway.transactions.states import State
    from printing import make_notice_code

    config = app.config["SPORTELLO"]
    today = today_local()
    notified = today - timedelta(days=BULK_NOTIFIED_DAYS_AGO)
    valid_until = notified + timedelta(days=60)
    refs: list[NoticeRef] = []
    with db.fresh_session(app) as session:
        segregation = config.notice_segregation_code
        if session.get(NoticeCounter, segregation) is None:
            session.add(NoticeCounter(segregation=segregation, value=0))
            session.flush()
        last = session.execute(
            update(NoticeCounter)
            .where(NoticeCounter.segregation == segregation)
            .values(value=NoticeCounter.value + count)
            .returning(NoticeCounter.value)
        ).scalar_one()
        now = utcnow()
        for i in range(count):
            number = bulk_report_number(first + i, notified.year)
            tx = Transaction(
                reference=new_reference(),
                service=SERVICE,
                title=f"Pagamento verbale n. {number}",
                subject_cf=BULK_OFFENDER,
                state=State.AWAITING_PAYMENT.value,
                amount_cents=BULK_BASE_AMOUNT,
                data={"report_number": number, "plate": "AB123CD"},
            )
            code = make_notice_code(segregation, f"{today.year:04d}{last - count + i + 1:09d}")
            session.add(
                Notice(
                    code=code,
                    transaction=tx,
                    service=SERVICE,
                    creditor_name=config.ente.name,
                    creditor_fiscal_code=config.ente.creditor_fiscal_code,
                    amount_cents=BULK_BASE_AMOUNT,
                    description=f"Sanzione al Codice della Strada — verbale n. {number}",
                    payer_cf=BULK_OFFENDER,
                    payer_name="Giuseppe Conti",
                    due_date=valid_until,
                    valid_until=valid_until,
                    amount_until=valid_until,  # the base amount's last day (fines system)
                    details={"report_number": number, "unit": "Polizia Locale"},
                    status="issued",
                    issued_at=now,
                )
            )
            refs.append(NoticeRef(code, BULK_BASE_AMOUNT, number))
            if i % 1000 == 999:
                session.flush()
        session.commit()
    return refs


def seed_terminals(app: Any, count: int, prefix: str = "BEN") -> list[TerminalKey]:
    from gateway.counter.terminals import add_terminal
    from gateway.db import db

    keys = []
    with db.fresh_session(app) as session:
        for n in range(count):
            terminal_id = f"{prefix}-{n:04d}-{secrets.token_hex(2).upper()}"
            _, secret = add_terminal(
                session,
                secret_key=app.config["SPORTELLO"].secret_key,
                terminal_id=terminal_id,
                network="Rete Punti Esempio",
                shop_name=f"Tabaccheria n. {n}",
                shop_address="via Roma 12, Villanova",
            )
            keys.append(TerminalKey(terminal_id, secret))
        session.commit()
    return keys


# --- a partner terminal over HTTP ---------------------------------------------------------


class CallFailed(Exception):
    """The gateway answered something else than expected, or the connection broke."""

    def __init__(self, step: str, status: int | None, body: Any) -> None:
        super().__init__(f"{step}: {status} {body!r:.300}")
        self.step, self.status, self.body = step, status, body


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class TerminalHTTP:
    """One terminal: signed calls on one keep-alive connection (reopened when it breaks)."""

    def __init__(self, base_url: str, key: TerminalKey, timeout: float = 30) -> None:
        from gateway.counter.signing import signed_headers

        self._sign = signed_headers
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.key, self.timeout = key, timeout
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self, method: str, path: str, body: Mapping[str, Any] | None = None, idem: str = ""
    ) -> Answer:
        raw = json.dumps(body).encode() if body is not None else b""
        full = API + path
        headers = self._sign(self.key.terminal_id, self.key.secret, method, full, raw)
        if body is not None:
            headers["Content-Type"] = "application/json"
        if idem:
            headers["Idempotency-Key"] = idem
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, full, body=raw, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, dict(response.getheaders()), data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Completion:
    """One notice paid at one terminal, with the keys that make its calls safe to repeat."""

    notice: NoticeRef
    terminal_id: str = ""
    activate_key: str = field(default_factory=lambda: secrets.token_hex(12))
    close_key: str = field(default_factory=lambda: secrets.token_hex(12))
    ref: str = field(default_factory=lambda: f"TX-{secrets.token_hex(6)}")
    token: str = ""
    receipt_id: str = ""
    receipt_sha256: str = ""

    @property
    def done(self) -> bool:
        return bool(self.receipt_sha256)


def complete(terminal: TerminalHTTP, c: Completion, *, verify: bool = True) -> Completion:
    """verify -> activate -> close -> receipt; raises CallFailed (or OSError) on the way.

    Running it again on the same Completion repeats each call with the same keys: what the
    gateway already did is replayed, not done twice.
    """
    if verify:
        a = terminal.call("POST", "/notices/verify", {"notice_code": c.notice.code})
        if a.status != 200 and not (a.status == 409 and c.token):
            raise CallFailed("verify", a.status, a.body)
    body = {"notice_code": c.notice.code, "amount_cents": c.notice.amount_cents}
    a = terminal.call("POST", "/payments/activate", body, c.activate_key)
    if a.status != 201:
        raise CallFailed("activate", a.status, a.body)
    c.token = a.json()["payment_token"]
    close = {"outcome": "OK", "payment_method": "cash", "terminal_transaction_ref": c.ref}
    a = terminal.call("POST", f"/payments/{c.token}/close", close, c.close_key)
    if a.status != 200:
        raise CallFailed("close", a.status, a.body)
    c.receipt_id = a.json()["receipt_id"]
    a = terminal.call("GET", f"/payments/{c.token}/receipt")
    if a.status != 200 or not a.body.startswith(b"%PDF"):
        raise CallFailed("receipt", a.status, a.body[:200])
    if hashlib.sha256(a.body).hexdigest() != a.headers.get("X-Content-SHA256"):
        raise CallFailed("receipt", a.status, "hash mismatch")
    c.receipt_sha256 = a.headers["X-Content-SHA256"]
    return c


def drive(
    base_url: str | Sequence[str],
    terminals: list[TerminalKey],
    notices: list[NoticeRef],
    *,
    on_error: Callable[[Completion, BaseException], None] | None = None,
) -> tuple[float, list[float], list[Completion]]:
    """Each terminal pays its share of ``notices`` back to back; (seconds, ms each, all).

    With several base URLs (gateway instances), terminal i talks to instance i mod n.
    """
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    shares = [notices[i :: len(terminals)] for i in range(len(terminals))]
    latencies: list[float] = []
    done: list[Completion] = []
    lock = threading.Lock()

    def run(n: int, key: TerminalKey, share: list[NoticeRef]) -> None:
        terminal = TerminalHTTP(urls[n % len(urls)], key)
        try:
            for notice in share:
                c = Completion(notice, key.terminal_id)
                t0 = time.perf_counter()
                try:
                    complete(terminal, c)
                except (CallFailed, OSError, http.client.HTTPException) as e:
                    if on_error is None:
                        raise
                    on_error(c, e)
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    done.append(c)
                    if c.done:
                        latencies.append(elapsed)
        finally:
            terminal.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(len(terminals)) as pool:
        futures = [
            pool.submit(run, n, k, s)
            for n, (k, s) in enumerate(zip(terminals, shares, strict=True))
        ]
        for future in futures:
            future.result()
    return time.perf_counter() - started, latencies, done


# --- the benchmark ------------------------------------------------------------------------


@dataclass
class Measured:
    """The HTTP side of one level: completions, seconds, latencies and what they cost."""

    completions: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    gateway_cpu: float = 0.0  # gunicorn masters and workers
    database_cpu: float = 0.0  # the PostgreSQL backends of the benchmark's database
    counts: counting.Counts = field(default_factory=counting.Counts)

    @property
    def rate(self) -> float:
        return self.completions / self.seconds if self.seconds else 0.0

    def per_completion(self) -> str:
        n = max(1, self.completions)
        return (
            f"CPU {1000 * self.gateway_cpu / n:.1f} ms/completion (gateway), "
            f"{1000 * self.database_cpu / n:.1f} ms (PostgreSQL); "
            f"{self.counts.statements / n:.1f} SQL statements, "
            f"{self.counts.redis_round_trips / n / 4:.2f} Redis round trips per request"
        )


BACKENDS_SQL = "SELECT pid FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"


def database_pids(stack: Stack) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (the pool keeps them open)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(stack.database_url).database
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(BACKENDS_SQL),
                {"n": name},
            )
            return [int(pid) for (pid,) in rows]
    finally:
        engine.dispose()


def measured_drive(
    stack: Stack, counts_dir: Path, terminals: list[TerminalKey], notices: list[NoticeRef]
) -> Measured:
    """``drive`` with the gateway's and the database's CPU and the workers' counts."""
    gateway, database = stack.server_pids(), database_pids(stack)
    before = counting.settled_reports(counts_dir)
    cpu0, db0 = process_cpu_seconds(gateway), process_cpu_seconds(database)
    seconds, latencies, _ = drive(stack.base_urls, terminals, notices)
    cpu1 = process_cpu_seconds(gateway)
    db1 = process_cpu_seconds(database_pids(stack))  # new backends too (their whole life)
    after = counting.settled_reports(counts_dir)
    return Measured(len(notices), seconds, latencies, cpu1 - cpu0, db1 - db0, after - before)


def run(table: Table, *, rounds: int = 5) -> None:
    """1 and 8 terminals, then 32 terminals in alternating rounds with the floor; then the
    32-terminal rounds again with two gateway instances."""
    for instances in (1, 2):
        measure(table, rounds=rounds, instances=instances)


def measure(table: Table, *, rounds: int, instances: int) -> None:
    """One stack of ``instances`` gateway instances (the levels below 32 with one only).

    Alternating HTTP and floor batches (rather than one long batch of each) lets whatever else
    the machine is doing weigh on both sides alike; the ratio is that of the summed rates.
    """
    levels = CONCURRENCY[:-1] if instances == 1 else ()
    per_level = 40 * rounds  # completions at 1 and at 8 terminals
    batch_size = 100  # completions per HTTP batch and per floor batch at 32 terminals
    alternations = max(2, rounds)
    total = per_level * len(levels) + 2 * batch_size * alternations + 50
    with (
        tempfile.TemporaryDirectory(prefix="sportello-bench-counts-") as counts_dir,
        counter_stack(
            bulk_fines=total + 10,
            instances=instances,
            gunicorn_config=Path(__file__).with_name("gunicorn_counting.py"),
            extra_env={counting.ENV_DIR: counts_dir},
        ) as stack,
    ):
        app = app_for(stack.env)
        notices = seed_notices(app, 1, total)
        terminals = seed_terminals(app, max(CONCURRENCY) + 1)
        warm, notices = notices[:50], notices[50:]
        drive(stack.base_urls, terminals[:8], warm)
        shape = f"{instances} instance{'s' if instances > 1 else ''} x {WORKERS}x{THREADS}"
        for level in levels:
            batch, notices = notices[:per_level], notices[per_level:]
            m = measured_drive(stack, Path(counts_dir), terminals[:level], batch)
            table.add(_level_row(level, shape, m, "-", None, "-", m.per_completion()))

        level = CONCURRENCY[-1]
        http = Measured()
        floor_seconds = floor_cpu = 0.0
        floor_statements = 0
        floor_ms: list[float] = []
        ratios: list[float] = []
        for _ in range(alternations):
            batch, notices = notices[:batch_size], notices[batch_size:]
            m = measured_drive(stack, Path(counts_dir), terminals[:level], batch)
            http.completions += m.completions
            http.seconds += m.seconds
            http.latencies += m.latencies
            http.gateway_cpu += m.gateway_cpu
            http.database_cpu += m.database_cpu
            http.counts = http.counts + m.counts
            batch, notices = notices[:batch_size], notices[batch_size:]
            result = floor(dict(stack.env), terminals[-1].terminal_id, batch, WORKERS, THREADS)
            floor_seconds += batch_size / result.rate
            floor_cpu += result.cpu_seconds
            floor_statements += result.statements
            floor_ms += result.latencies
            ratios.append(result.rate / m.rate)
    floor_done = batch_size * alternations
    floor_rate = floor_done / floor_seconds
    ratio = floor_rate / http.rate
    verdict = ("ok" if ratio <= 1.5 else "over target") + "; "
    verdict += "≥200/s" if http.rate >= 200 else "below 200/s"
    verdict += f"; rounds {min(ratios):.2f}x–{max(ratios):.2f}x; " + http.per_completion()
    floor_text = (
        f"{floor_rate:.0f} completions/s in-process ({WORKERS}x{THREADS}), "
        f"p50 {statistics.median(floor_ms):.0f} ms, CPU {1000 * floor_cpu / floor_done:.1f} "
        f"ms/completion, {floor_statements / floor_done:.1f} SQL statements"
    )
    table.add(
        _level_row(
            level, shape, http, floor_text, ratio, "within 1.5x, ≥200/s, p99 ≤ 300 ms", verdict
        )
    )


def _level_row(
    level: int,
    shape: str,
    m: Measured,
    floor_text: str,
    ratio: float | None,
    target: str,
    verdict: str,
) -> Row:
    latencies = m.latencies
    return Row(
        f"Counter completion, {level} terminal{'s' if level > 1 else ''} ({shape})",
        f"{m.rate:.0f} completions/s, p50 {percentile(latencies, 50):.0f} ms, "
        f"p95 {percentile(latencies, 95):.0f} ms, p99 {percentile(latencies, 99):.0f} ms",
        floor_text,
        ratio,
        target,
        verdict,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["simulators"]:
        serve_simulators(sys.argv[2:])
