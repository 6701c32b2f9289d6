"""The Server-Sent Events stream of a shared session, for the citizen or the clerk.

Under gunicorn's gthread workers an open stream holds one worker thread, so a stream is bounded:
it ends after ``stream_seconds`` and the browser's EventSource reconnects with
``Last-Event-ID``; the events it missed are replayed from the database. Every
``keepalive_seconds`` the stream sends a comment (proxies drop silent connections, and a
failed write is how the stream learns the browser left); every ``check_seconds`` it checks
that the viewer may still see the session, ends an idle session, and replays from the
database anything a lost pub/sub message left out. No database connection is held between
those checks: 200 open streams must not take 200 pooled connections.

The same stream runs on an event loop too (``gateway.streams``, the stream server of the
production shape): the view only decides who may see what (``StreamGrant``) and
``event_stream_async`` does on the loop what ``event_stream`` does in a thread, so an open
page costs a socket and a queue, not a thread.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass

from flask import Flask, Response, request

from ..db import db
from ..identifiers import valid_id
from ..models import SharedMessage, SharedSession
from .broker import broker
from .live import LiveSettings, channel, live_settings, message_json, messages_after
from .operations import ENDED, end_if_idle

Viewer = Callable[[SharedSession], bool]
# Where a view leaves its grant for the stream server (the WSGI environ of the request).
GRANT_KEY = "sportello.stream_grant"


@dataclass(frozen=True)
class StreamGrant:
    """What a view decided: this viewer may follow this shared session from this event on."""

    app: Flask
    session_id: int
    may_see: Viewer
    last_event_id: int


def stream_response(grant: StreamGrant) -> Response:
    """The event stream of ``grant``: streamed by this worker's thread under WSGI; a stream
    server that dispatched the request (``gateway.streams``) finds the grant and streams it
    on its event loop instead, without starting this body."""
    request.environ[GRANT_KEY] = grant
    body = event_stream(grant.app, grant.session_id, grant.may_see, grant.last_event_id)
    return Response(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def sse(message_id: int, kind: str, payload: str) -> str:
    return f"id: {message_id}\nevent: {kind}\ndata: {payload}\n\n"


def _frame(message: SharedMessage) -> str:
    return sse(message.id, message.kind, message_json(message))


def _check(app: Flask, session_id: int, may_see: Viewer, after: int) -> tuple[bool, list[str]]:
    """(still open for this viewer, frames of the stored events after ``after``)."""
    # The request's context is gone while a response streams: ending an idle session
    # publishes through the app's broker, so give it the app's context.
    with app.app_context(), db.fresh_session(app) as session:
        shared = session.get(SharedSession, session_id)
        if shared is None or not may_see(shared):
            return False, []
        if end_if_idle(session, shared, live_settings(app)):
            session.commit()
        frames = [_frame(m) for m in messages_after(session, session_id, after)]
        return shared.state != ENDED, frames


def _last_id(frames: list[str], current: int) -> int:
    for frame in reversed(frames):
        return int(frame.split("\n", 1)[0].removeprefix("id: "))
    return current


def _opening(session_id: int) -> str:
    return f"retry: 2000\n: stream of shared session {session_id}\n\n"


KEEPALIVE = ": keep-alive\n\n"


class _Pace:
    """The clock and the bookkeeping of one stream, without its waits: the thread's stream
    and the event loop's drive the same one, so both send the same frames at the same times.
    """

    def __init__(self, settings: LiveSettings, sent: int) -> None:
        self.settings = settings
        self.sent = sent  # the id of the last event sent
        started = time.monotonic()
        self.next_beat = started + settings.keepalive_seconds
        self.next_check = started + settings.check_seconds
        self.deadline = started + settings.stream_seconds

    def wait(self) -> float | None:
        """How long to wait for a message; None once the stream's time is up."""
        now = time.monotonic()
        return None if now >= self.deadline else min(self.next_beat, self.deadline) - now

    def quiet(self) -> str:
        """After a wait with no message: "" (nothing is due yet), "beat" (a keep-alive) or
        "check" (the database check, then a keep-alive)."""
        now = time.monotonic()
        if now < self.next_beat:
            return ""
        if now >= self.next_check:
            self.next_check = now + self.settings.check_seconds
            return "check"
        return "beat"

    def checked(self, frames: list[str]) -> None:
        self.sent = _last_id(frames, self.sent)

    def beat(self) -> str:
        self.next_beat = time.monotonic() + self.settings.keepalive_seconds
        return KEEPALIVE

    def message(self, raw: str) -> tuple[str | None, bool]:
        """A published message: its frame (None if already sent), and whether it ends the
        stream."""
        item = json.loads(raw)
        if item["id"] <= self.sent:
            return None, False
        self.sent = item["id"]
        return sse(item["id"], item["kind"], raw), item["kind"] == "ended"


def event_stream(app: Flask, session_id: int, may_see: Viewer, last_event_id: int) -> Iterator[str]:
    """Replay what the browser missed, then live events until the session ends or the
    stream's time is up. ``may_see`` re-checks the viewer's right at every keep-alive."""
    settings = live_settings(app)
    subscription = broker(app).subscribe(channel(session_id))
    try:
        yield _opening(session_id)
        is_open, frames = _check(app, session_id, may_see, last_event_id)
        pace = _Pace(settings, _last_id(frames, last_event_id))
        yield from frames
        if not is_open:
            return
        while (wait := pace.wait()) is not None:
            raw = subscription.get(wait)
            if raw is None:
                due = pace.quiet()
                if due == "check":
                    is_open, frames = _check(app, session_id, may_see, pace.sent)
                    pace.checked(frames)
                    yield from frames
                    if not is_open:
                        return
                if due:
                    yield pace.beat()
                continue
            shown, over = pace.message(raw)
            if shown:
                yield shown
            if over:
                return
    finally:
        subscription.close()


class _LoopSink:
    """Hands a message from the broker's thread to a queue of the stream's event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def put(self, message: str) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, message)


async def event_stream_async(grant: StreamGrant) -> AsyncGenerator[str, None]:
    """``event_stream`` on an event loop: the database checks run in the loop's threads, the
    waits are the loop's. Same frames, same bounds, same re-checks of the viewer's right."""
    app, session_id, may_see = grant.app, grant.session_id, grant.may_see
    settings = live_settings(app)
    sink = _LoopSink(asyncio.get_running_loop())
    subscription = await asyncio.to_thread(broker(app).subscribe, channel(session_id), sink)
    try:
        yield _opening(session_id)
        is_open, frames = await asyncio.to_thread(
            _check, app, session_id, may_see, grant.last_event_id
        )
        pace = _Pace(settings, _last_id(frames, grant.last_event_id))
        for frame in frames:
            yield frame
        if not is_open:
            return
        while (wait := pace.wait()) is not None:
            try:
                raw = await asyncio.wait_for(sink.queue.get(), wait)
            except TimeoutError:
                due = pace.quiet()
                if due == "check":
                    is_open, frames = await asyncio.to_thread(
                        _check, app, session_id, may_see, pace.sent
                    )
                    pace.checked(frames)
                    for frame in frames:
                        yield frame
                    if not is_open:
                        return
                if due:
                    yield pace.beat()
                continue
            shown, over = pace.message(raw)
            if shown:
                yield shown
            if over:
                return
    finally:
        subscription.close()


def parse_last_event_id(header: str | None, query: str | None) -> int:
    """The browser sends ``Last-Event-ID`` on reconnection; a page may pass ``?after=``.

    Only a row id counts (``valid_id``: ASCII digits, within the column; ``str.isdigit``
    would take "²", which ``int`` then refuses); anything else means from the start.
    """
    for value in (header, query):
        event_id = valid_id(value.strip()) if value else None
        if event_id is not None:
            return event_id
    return 0
