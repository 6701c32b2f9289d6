"""The outbox retries failed deliveries with backoff, never loses one, never repeats one."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import OutboxMessage, utcnow
from gateway.outbox import OutboxHandlers, PermanentFailure, deliver_due, enqueue, next_delay
from gateway.outbox.delivery import MAX_DELAY


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FlakyReceiver:
    """Fails its first ``failures`` calls, then records each delivery it accepts."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls = 0
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, payload: Mapping[str, Any]) -> None:
        with self.lock:
            self.calls += 1
            if self.calls <= self.failures:
                raise ConnectionError("legacy system down")
            self.received[payload["notice"]] += 1


def queue(session: Session, n: int = 1) -> None:
    for i in range(n):
        enqueue(session, topic="fines.paid", key=f"pay-{i}", payload={"notice": f"N{i}"})
    session.commit()


def test_a_failing_delivery_is_retried_with_backoff_until_it_succeeds(
    app: Flask, session: Session
) -> None:
    queue(session)
    receiver = FlakyReceiver(failures=3)
    handlers = OutboxHandlers({"fines.paid": receiver})
    clock = Clock()
    factory = db.session_factory(app)
    delays = []
    for _ in range(3):
        stats = deliver_due(factory, handlers, now=clock)
        assert stats.retried == 1
        msg = session.scalars(select(OutboxMessage)).one()
        session.refresh(msg)
        assert msg.status == "pending" and msg.last_error.startswith("ConnectionError")
        delay = (msg.next_attempt_at - clock.now).total_seconds()
        delays.append(delay)
        session.commit()  # end the read: SQLite would hold its lock for the worker
        # Not due yet: nothing is claimed before the backoff has passed.
        assert deliver_due(factory, handlers, now=clock).claimed == 0
        clock.advance(delay + 0.001)
    assert delays == sorted(delays) and delays[2] > delays[0]
    stats = deliver_due(factory, handlers, now=clock)
    assert stats.delivered == 1
    session.refresh(msg)
    assert msg.status == "delivered" and msg.attempts == 4 and msg.delivered_at is not None
    assert receiver.received == Counter({"N0": 1})


def test_a_delivered_message_is_never_delivered_again(app: Flask, session: Session) -> None:
    queue(session, 3)
    receiver = FlakyReceiver()
    handlers = OutboxHandlers({"fines.paid": receiver})
    clock = Clock()
    factory = db.session_factory(app)
    assert deliver_due(factory, handlers, now=clock).delivered == 3
    for _ in range(3):
        clock.advance(MAX_DELAY * 2)
        assert deliver_due(factory, handlers, now=clock).claimed == 0
    assert receiver.received == Counter({"N0": 1, "N1": 1, "N2": 1})


def test_enqueue_is_idempotent_on_the_key(session: Session) -> None:
    queue(session, 2)
    queue(session, 2)
    assert len(session.scalars(select(OutboxMessage)).all()) == 2


def test_a_permanent_failure_is_kept_for_a_person_to_see(app: Flask, session: Session) -> None:
    queue(session)

    session.commit()

    def refuse(_payload: Mapping[str, Any]) -> None:
        raise PermanentFailure("already paid with another notice")

    stats = deliver_due(db.session_factory(app), OutboxHandlers({"fines.paid": refuse}))
    assert stats.failed == 1
    msg = session.scalars(select(OutboxMessage)).one()
    assert msg.status == "failed" and "another notice" in msg.last_error


def test_an_expired_lease_is_claimed_again(app: Flask, session: Session) -> None:
    """A worker that died mid-delivery leaves a lease; after it expires the message goes."""
    queue(session)
    clock = Clock()
    factory = db.session_factory(app)
    with factory() as s:
        from gateway.outbox.delivery import _claim

        assert len(_claim(s, clock.now, 10, lease=30)) == 1  # then "dies"
    receiver = FlakyReceiver()
    handlers = OutboxHandlers({"fines.paid": receiver})
    assert deliver_due(factory, handlers, now=clock).claimed == 0
    clock.advance(31)
    assert deliver_due(factory, handlers, now=clock).delivered == 1


def test_concurrent_workers_deliver_each_message_once(app: Flask, session: Session) -> None:
    queue(session, 40)
    receiver = FlakyReceiver()
    handlers = OutboxHandlers({"fines.paid": receiver})
    factory = db.session_factory(app)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while deliver_due(factory, handlers, batch=5).claimed:
                pass
        except BaseException as e:  # re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(receiver.received.values()) == 40
    assert set(receiver.received.values()) == {1}


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(7)
    ceilings = [max(next_delay(n, rng) for _ in range(50)) for n in range(1, 20)]
    assert ceilings[1] > ceilings[0]
    assert all(c <= MAX_DELAY for c in ceilings)
    assert ceilings[-1] > MAX_DELAY / 2


def test_the_first_retry_sets_the_scale_of_every_wait() -> None:
    rng = random.Random(7)
    short = [next_delay(n, rng, first=0.25) for n in (1, 2, 3)]
    assert 0.125 <= short[0] <= 0.25 and 0.25 <= short[1] <= 0.5 and 0.5 <= short[2] <= 1.0
    assert next_delay(40, rng, first=0.25) <= MAX_DELAY


def test_a_key_is_queued_once_in_one_transaction_across_commits_and_between_rivals(
    app: Flask, session: Session
) -> None:
    enqueue(session, topic="fines.paid", key="pay-1", payload={"notice": "first"})
    enqueue(session, topic="fines.paid", key="pay-1", payload={"notice": "again"})
    session.commit()
    enqueue(session, topic="fines.paid", key="pay-1", payload={"notice": "later"})
    session.commit()
    # Two transactions queueing one key at once: the later waits for the first, then skips.
    factory = db.session_factory(app)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def rival(notice: str) -> None:
        try:
            with factory() as s:
                start.wait()
                enqueue(s, topic="fines.paid", key="pay-2", payload={"notice": notice})
                s.commit()
        except BaseException as e:  # re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=rival, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.key)).all()
    assert [(m.key, m.status, m.attempts) for m in rows] == [
        ("pay-1", "pending", 0),
        ("pay-2", "pending", 0),
    ]
    assert rows[0].payload == {"notice": "first"} and rows[1].payload["notice"] in {"a", "b"}
