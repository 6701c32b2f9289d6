"""Live events between gunicorn workers: Redis pub/sub, or an in-process broker for one process.

A stream subscribes to its session's channel and receives the events published by any worker.
Each process keeps one Redis connection that listens to every shared-session channel (a pattern
subscription) and fans messages out to the local streams through thread-safe queues, so 200
open streams cost 200 queues, not 200 Redis connections. Without ``SPORTELLO_REDIS_URL`` (the
SQLite demo, one process) the same fan-out is the whole broker.

Delivery is best effort: events are also stored in the database and streams replay what they
missed (see ``stream``), so a Redis hiccup delays an event, it does not lose it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask

from ..redis_store import redis_client, redis_subscriber

log = logging.getLogger(__name__)
PREFIX = "sportello:cobrowse:"
EXTENSION = "sportello.cobrowse.broker"


class Sink(Protocol):
    def put(self, message: str) -> None: ...


class Subscription:
    """Messages of one channel for one reader; ``close`` it when the stream ends.

    The messages go to ``sink``: by default a thread-safe queue read with ``get`` (a stream
    held by a worker thread); an event loop's stream passes a sink that hands them to the loop.
    """

    def __init__(self, fanout: LocalFanout, channel: str, sink: Sink | None = None) -> None:
        self.channel = channel
        self.queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.sink: Sink = self.queue if sink is None else sink
        self._fanout = fanout

    def get(self, timeout: float) -> str | None:
        """The next message, or None after ``timeout`` seconds without one."""
        try:
            return self.queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def close(self) -> None:
        self._fanout.remove(self)


class LocalFanout:
    """Channel -> the queues of the readers in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers: dict[str, set[Subscription]] = defaultdict(set)

    def add(self, channel: str, sink: Sink | None = None) -> Subscription:
        subscription = Subscription(self, channel, sink)
        with self._lock:
            self._readers[channel].add(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            readers = self._readers.get(subscription.channel)
            if readers is not None:
                readers.discard(subscription)
                if not readers:
                    del self._readers[subscription.channel]

    def deliver(self, channel: str, message: str) -> None:
        with self._lock:
            readers = list(self._readers.get(channel, ()))
        for reader in readers:
            reader.sink.put(message)

    @property
    def readers(self) -> int:
        with self._lock:
            return sum(len(r) for r in self._readers.values())


class Broker(Protocol):
    local: LocalFanout

    def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str, sink: Sink | None = None) -> Subscription: ...


class InProcessBroker:
    """For a single process (the SQLite demo, tests): publishing is delivering."""

    def __init__(self) -> None:
        self.local = LocalFanout()

    def publish(self, channel: str, message: str) -> None:
        self.local.deliver(channel, message)

    def subscribe(self, channel: str, sink: Sink | None = None) -> Subscription:
        return self.local.add(channel, sink)


class RedisBroker:
    """Publishes through Redis; one listener thread per process feeds the local readers."""

    def __init__(self, client: Any, subscriber: Callable[[], Any]) -> None:
        self.redis = client
        self.local = LocalFanout()
        self._subscriber = subscriber
        self._ready = threading.Event()
        self._started = False
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()

    def publish(self, channel: str, message: str) -> None:
        try:
            self.redis.publish(PREFIX + channel, message)
        except Exception:  # the database copy reaches the streams at their next check
            log.warning("cobrowse: Redis publish failed on %s", channel, exc_info=True)

    def subscribe(self, channel: str, sink: Sink | None = None) -> Subscription:
        subscription = self.local.add(channel, sink)
        self._ensure_listener()
        # Until the pattern subscription is confirmed a publish could pass unseen; the stream
        # also replays from the database, so waiting briefly is enough.
        self._ready.wait(timeout=5)
        return subscription

    def _ensure_listener(self) -> None:
        with self._start_lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._listen, name="cobrowse-redis", daemon=True).start()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            client = self._subscriber()
            pubsub: Any = client.pubsub()
            try:
                pubsub.psubscribe(PREFIX + "*")
                for item in pubsub.listen():
                    kind = item.get("type")
                    if kind == "psubscribe":
                        self._ready.set()
                    elif kind == "pmessage":
                        channel = _text(item["channel"])[len(PREFIX) :]
                        self.local.deliver(channel, _text(item["data"]))
                    if self._stopping.is_set():
                        break
            except Exception:
                log.warning("cobrowse: Redis listener lost its connection", exc_info=True)
                self._ready.clear()
                self._stopping.wait(1)
            finally:
                try:
                    pubsub.close()
                    client.close()
                except Exception:  # noqa: S110 - closing a broken connection
                    pass

    def stop(self) -> None:
        self._stopping.set()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def broker(app: Flask) -> Broker:
    """The app's broker, made on first use: Redis when configured, else in-process."""
    found: Broker | None = app.extensions.get(EXTENSION)
    if found is None:
        client = redis_client(app)
        made: Broker = (
            RedisBroker(client, lambda: redis_subscriber(app))
            if client is not None
            else InProcessBroker()
        )
        found = app.extensions.setdefault(EXTENSION, made)
    return found
