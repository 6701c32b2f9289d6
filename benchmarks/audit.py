"""Audited actions per second: the old single head-row lock against the new log, same run.

An audited action here is one transaction that writes a business row and its audit entry and
commits, run by 8 threads at once on PostgreSQL (a fresh database, migrated). *Old*: the
chain as it was until migration 0011, re-enacted on tables of its own (take the next number
and the previous hash by updating the one head row, insert the chained entry, update the head's
hash; the row stays locked until commit, so every action in the gateway waits for the one
before it). *New*: ``append_audit`` (a plain insert) while a sequencer runs beside the threads,
as the outbox worker does. The sequencer's own rate (entries given positions per second) is in
the notes. Floor: the same business transaction without any audit write.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from .common import Row, Table
from .servers import PG_ADMIN

THREADS = 8


def _setup(url: str) -> None:
    from gateway.db import make_engine
    from gateway.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_business (id serial PRIMARY KEY, note text)"))
        conn.execute(text("CREATE TABLE bench_old_head (id int PRIMARY KEY, seq int, h text)"))
        conn.execute(text("INSERT INTO bench_old_head VALUES (1, 0, :g)"), {"g": "0" * 64})
        conn.execute(
            text(
                "CREATE TABLE bench_old_entry (seq int PRIMARY KEY, at timestamp, actor text, "
                "data text, prev_hash text, hash text)"
            )
        )
    engine.dispose()


def _business(s: Session) -> None:
    s.execute(text("INSERT INTO bench_business (note) VALUES ('x')"))


def _old(s: Session) -> None:
    _business(s)
    seq, prev = s.execute(
        text("UPDATE bench_old_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, h")
    ).one()
    data = json.dumps({"i": seq})
    digest = hashlib.sha256(f"{prev}{seq}{data}".encode()).hexdigest()
    s.execute(
        text("INSERT INTO bench_old_entry VALUES (:s, now(), 'bench', :d, :p, :h)"),
        {"s": seq, "d": data, "p": prev, "h": digest},
    )
    s.execute(text("UPDATE bench_old_head SET h = :h WHERE id = 1"), {"h": digest})


def _new(s: Session) -> None:
    from gateway.audit import append_audit

    _business(s)
    append_audit(s, actor="bench", action="bench", subject="s", channel="system", data={"i": 1})


def _rate(
    factory: sessionmaker[Session], action: Callable[[Session], None], seconds: float
) -> float:
    done = [0] * THREADS
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        while time.perf_counter() < stop:
            with factory() as s:
                action(s)
                s.commit()
            done[k] += 1

    threads = [threading.Thread(target=run, args=(k,)) for k in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def run(table: Table, rounds: int = 5) -> None:
    from gateway.audit.keys import AuditSettings
    from gateway.audit.sequencer import sequence
    from tlog.note import Signer

    name = f"sportello_bench_audit_{secrets.token_hex(3)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        _setup(url)
        engine = create_engine(url, pool_size=THREADS + 2)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        scratch = Path("/tmp") / name
        settings = AuditSettings(
            signer=Signer.generate("bench.example/sportello-audit"),
            retired=(),
            witnesses=(),
            checkpoint_file=scratch / "checkpoints.jsonl",
            every_seconds=1,
            every_entries=1000,
        )
        stop = threading.Event()
        sequenced = [0]

        def sequencer() -> None:
            while not stop.is_set():
                sequenced[0] += sequence(factory, settings).sequenced
                stop.wait(0.05)

        seq_thread = threading.Thread(target=sequencer, daemon=True)
        seq_thread.start()
        olds, news, floors = [], [], []
        started = time.perf_counter()
        for _ in range(rounds):
            floors.append(_rate(factory, _business, 1.0))
            olds.append(_rate(factory, _old, 1.0))
            news.append(_rate(factory, _new, 1.0))
        stop.set()
        seq_thread.join()
        sequenced[0] += sequence(factory, settings).sequenced
        elapsed = time.perf_counter() - started
        old, new, floor = (sorted(x)[len(x) // 2] for x in (olds, news, floors))
        table.add(
            Row(
                "audited actions (8 threads, PostgreSQL)",
                f"{new:.0f}/s new log vs {old:.0f}/s old head lock ({new / old:.1f}x)",
                f"{floor:.0f}/s without audit",
                new / floor,
                "new log well above the old lock",
                f"sequencer kept up: {sequenced[0]} entries in {elapsed:.0f} s",
            )
        )
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
