"""The live stream: events reach an open stream at once, a reconnection replays what it missed,
keep-alives flow, and the brokers (in-process and Redis) deliver across threads/processes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.cobrowse.broker import InProcessBroker, RedisBroker
from gateway.cobrowse.live import LiveSettings

from .cobrowse_support import CITIZEN, CLERK, answer, propose, shared_draft
from .forms_support import SOFIA_CF

REDIS_URL = "redis://127.0.0.1:6379/13"


def fast(app: Flask, **overrides: float) -> None:
    values: dict[str, Any] = {
        "stream_seconds": 3.0, "keepalive_seconds": 0.3, "check_seconds": 0.3, **overrides
    }  # fmt: skip
    app.extensions["sportello.cobrowse.settings"] = LiveSettings(**values)


def frames(text: str) -> list[dict[str, Any]]:
    """The events of an SSE body (comments and retry lines left out)."""
    result = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":")
            and ": " in line
        )  # fmt: skip
        if "data" in fields:
            result.append({"id": int(fields["id"]), "event": fields["event"],
                           "data": json.loads(fields["data"])})  # fmt: skip
    return result


class Reader(threading.Thread):
    """Reads a stream in the background, noting when each chunk arrived."""

    def __init__(self, client: FlaskClient, path: str, **headers: str) -> None:
        super().__init__(daemon=True)
        self.client, self.path, self.headers = client, path, headers
        self.chunks: list[tuple[float, str]] = []
        self.status = 0

    def run(self) -> None:
        response = self.client.get(self.path, headers=self.headers, buffered=False)
        self.status = response.status_code
        for chunk in response.response:
            self.chunks.append((time.monotonic(), chunk.decode() if isinstance(chunk, bytes)
                                else chunk))  # fmt: skip
        response.close()

    @property
    def text(self) -> str:
        return "".join(c for _, c in self.chunks)

    def wait_for(self, needle: str, timeout: float = 3.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, chunk in list(self.chunks):
                if needle in chunk:
                    return at
            time.sleep(0.01)
        raise AssertionError(f"{needle!r} not received; got {self.text!r}")


def test_a_proposal_reaches_the_citizens_open_stream_at_once(app: Flask) -> None:
    fast(app)
    s = shared_draft(app)
    reader = Reader(s.citizen, f"{CITIZEN}/{s.session_id}/eventi")
    reader.start()
    reader.wait_for("event: joined")  # replayed from the database on connection
    sent = time.monotonic()
    propose(s.clerk, s.session_id, {"alunno": SOFIA_CF})
    arrived = reader.wait_for("event: proposed")
    assert arrived - sent < 1.0
    reader.wait_for(": keep-alive")
    clerk_reader = Reader(s.clerk, f"{CLERK}/{s.session_id}/eventi")
    clerk_reader.start()
    clerk_reader.wait_for("event: proposed")
    proposal_id = frames(reader.text)[-1]["data"]["data"]["proposals"][0]
    answer(s.citizen, s.session_id, proposal_id, accept=True)
    clerk_reader.wait_for("event: answered")
    s.clerk.post(f"{CLERK}/{s.session_id}/termina",
                 data={"csrf_token": _token(s.clerk)})  # fmt: skip
    reader.join(timeout=3)
    clerk_reader.join(timeout=3)
    assert not reader.is_alive() and not clerk_reader.is_alive()  # the end closes the streams
    assert [f["event"] for f in frames(reader.text)] == ["joined", "proposed", "answered", "ended"]
    ids = [f["id"] for f in frames(reader.text)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_a_reconnecting_browser_gets_only_what_it_missed(app: Flask) -> None:
    fast(app, stream_seconds=0.5)
    s = shared_draft(app)
    propose(s.clerk, s.session_id, {"alunno": SOFIA_CF})
    first = s.citizen.get(f"{CITIZEN}/{s.session_id}/eventi").get_data(as_text=True)
    seen = frames(first)
    assert [f["event"] for f in seen] == ["joined", "proposed"]
    propose(s.clerk, s.session_id, {"uso": "sport"})
    again = s.citizen.get(
        f"{CITIZEN}/{s.session_id}/eventi", headers={"Last-Event-ID": str(seen[-1]["id"])}
    ).get_data(as_text=True)
    assert [f["event"] for f in frames(again)] == ["proposed"]
    assert frames(again)[0]["id"] > seen[-1]["id"]
    assert first.startswith("retry: ")


def test_a_stream_ends_a_session_that_went_idle(app: Flask) -> None:
    from datetime import timedelta

    from gateway.db import db
    from gateway.models import SharedSession, utcnow

    fast(app)
    s = shared_draft(app)
    with db.fresh_session(app) as session:
        row = session.get(SharedSession, s.session_id)
        assert row is not None
        row.last_activity_at = utcnow() - timedelta(hours=1)
        session.commit()
    body = s.clerk.get(f"{CLERK}/{s.session_id}/eventi").get_data(as_text=True)
    assert [f["event"] for f in frames(body)] == ["joined", "ended"]
    assert frames(body)[-1]["data"]["data"]["reason"] == "inactivity"


def _token(client: FlaskClient) -> str:
    from .forms_support import csrf_token

    return csrf_token(client)


def test_the_in_process_broker_fans_out_to_every_reader_of_a_channel() -> None:
    broker = InProcessBroker()
    a, b, other = broker.subscribe("s:1"), broker.subscribe("s:1"), broker.subscribe("s:2")
    broker.publish("s:1", "hello")
    assert a.get(1) == "hello" and b.get(1) == "hello"
    assert other.get(0.05) is None
    a.close()
    broker.publish("s:1", "again")
    assert a.get(0.05) is None and b.get(1) == "again"
    b.close()
    other.close()
    assert broker.local.readers == 0


@pytest.fixture
def redis_brokers() -> Iterator[tuple[RedisBroker, RedisBroker]]:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {e}")

    def subscriber() -> redis.Redis:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)

    first = RedisBroker(redis.Redis.from_url(REDIS_URL, socket_timeout=1), subscriber)
    second = RedisBroker(redis.Redis.from_url(REDIS_URL, socket_timeout=1), subscriber)
    yield first, second
    first.stop()
    second.stop()


def test_the_redis_broker_carries_a_message_between_two_brokers(
    redis_brokers: tuple[RedisBroker, RedisBroker],
) -> None:
    publisher, listener = redis_brokers
    channel = f"test:{time.time_ns()}"
    subscription = listener.subscribe(channel)
    publisher.publish(channel, "proposal 1")
    assert subscription.get(3) == "proposal 1"
    subscription.close()
