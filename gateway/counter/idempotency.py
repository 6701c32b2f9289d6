"""Idempotency-Key handling: the same key and request get the same stored answer.

The answer is stored in the same database transaction as the change it reports, so a
terminal that lost the response and retries gets exactly what the first call decided. Two
calls with the same key at the same moment meet on the unique (scope, key) row: the second
one waits for the first and then replays its answer. Refusals that will stay true (4xx
whose error is ``lasting``: a paid notice, a wrong amount) are stored too, in their own
transaction; refusals whose cause can pass (another terminal holding the notice, a code not
issued yet) and failures of ours or of a partner (5xx) are not, so a retry with the same key
can succeed once the cause is gone.

A first call (nearly every call) costs one statement here, the record's insert: the
operation runs first, and only when the record cannot be inserted, or the operation is
refused, is the stored answer looked up. A repeated call therefore runs its operation again
inside a transaction that is then rolled back: whatever it did is undone, and the answer is
the stored one, exactly as if it had been looked up first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..exceptions import SportelloError
from ..models import IdempotencyRecord
from ..payments.errors import IdempotencyKeyMissing, IdempotencyKeyReused

MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join((method.encode(), path.encode(), body))).hexdigest()


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyMissing()
    return key


def _stored(session: Session, scope: str, key: str, fp: str) -> Answer | None:
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.fingerprint != fp:
        raise IdempotencyKeyReused()
    return Answer(record.status_code, json.loads(record.body), replayed=True)


def _record(scope: str, key: str, fp: str, answer: Answer) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=scope,
        key=key,
        fingerprint=fp,
        status_code=answer.status,
        body=json.dumps(answer.body, sort_keys=True),
    )


def run_idempotent(
    session: Session,
    *,
    scope: str,
    key: str,
    fp: str,
    operation: Callable[[], Answer],
    refusal: Callable[[SportelloError], Answer],
) -> Answer:
    """Run ``operation`` once per (scope, key) and commit; replay the stored answer after.

    ``refusal`` turns a domain error into the answer (stored only when the error is
    ``lasting``). Raises IdempotencyKeyReused when the key was used for another request;
    errors with status 500+ propagate unstored (the operation's work rolled back first, so a
    stored answer, if any, is replayed instead).
    """
    try:
        answer = operation()
        session.add(_record(scope, key, fp, answer))
        session.flush()
        session.commit()
        return answer
    except IntegrityError:
        session.rollback()
        found = _stored(session, scope, key, fp)
        if found is None:
            raise
        return found
    except SportelloError as e:
        session.rollback()
        found = _stored(session, scope, key, fp)
        if found is not None:
            return found
        if e.status >= 500:
            raise
        answer = refusal(e)
        if not e.lasting:
            return answer
        try:
            session.add(_record(scope, key, fp, answer))
            session.commit()
        except IntegrityError:
            session.rollback()
            found = _stored(session, scope, key, fp)
            if found is None:
                raise
            return found
        return answer
