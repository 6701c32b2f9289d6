"""The retention job deletes each kind of expired row, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.config import ConfigurationError
from gateway.db import db
from gateway.models import (
    IdempotencyRecord,
    KeptAnswers,
    OutboxMessage,
    RateLimitBucket,
    ResumeGuess,
    SamlAssertionSeen,
    SamlRequest,
    SharedMessage,
    SharedProposal,
    SharedSession,
    TerminalNonce,
    WebSession,
    utcnow,
)
from gateway.retention import periods, purge

ROOT = Path(__file__).resolve().parents[2]


def seed(session: Session, now: datetime) -> None:
    """One row of each kind past its period and one still within it."""
    day = timedelta(days=1)
    for n, (seen, created) in enumerate([(now - day, now - day), (now, now)]):
        session.add(WebSession(id_hash=f"{n:064d}", data={}, created_at=created, last_seen_at=seen))
    for n, expires in enumerate([now - timedelta(minutes=1), now + timedelta(minutes=30)]):
        session.add(
            KeptAnswers(id_hash=f"{n:064d}", path="/", owner_tag="0" * 64, expires_at=expires)
        )
    for n, expires in enumerate([now - 2 * day, now + timedelta(minutes=5)]):
        session.add(
            SamlRequest(
                request_id=f"_r{n}",
                relay_state=f"rs{n}",
                idp_entity_id="https://idp.example",
                level=2,
                issue_instant=expires - timedelta(minutes=10),
                next_url="/",
                expires_at=expires,
            )
        )
        session.add(SamlAssertionSeen(key=f"a{n}", expires_at=expires))
        session.add(TerminalNonce(terminal_id="TAB-0001", nonce=f"n{n}" * 8, expires_at=expires))
        session.add(RateLimitBucket(key=f"login:x:{n}", count=1, expires_at=expires))
    for n, created in enumerate([now - 8 * day, now - 6 * day]):
        session.add(
            IdempotencyRecord(
                scope="TAB-0001",
                key=f"k{n}",
                fingerprint="f" * 64,
                status_code=200,
                body="{}",
                created_at=created,
            )
        )
    for at in [now - 2 * day, now - timedelta(hours=1)]:
        session.add(ResumeGuess(client="10.0.0.1", at=at))
    for n, (status, delivered) in enumerate(
        [("delivered", now - 31 * day), ("delivered", now - 29 * day), ("failed", None)]
    ):
        session.add(
            OutboxMessage(
                topic="notify.email",
                key=f"m{n}",
                payload={},
                status=status,
                delivered_at=delivered,
                created_at=now - 40 * day,
            )
        )
    for ended in [now - 31 * day, now - 29 * day, None]:
        shared = SharedSession(
            citizen_cf="RSSMRA80A01H501U", state="ended" if ended else "active", ended_at=ended
        )
        session.add(shared)
        session.flush()
        session.add(SharedMessage(session_id=shared.id, kind="joined", data={}))
        session.add(
            SharedProposal(
                session_id=shared.id, kind="field", field="x", value="y", proposed_by="clerk"
            )
        )
    session.commit()


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_purge_deletes_each_expired_kind_and_keeps_the_rest(app: Flask, session: Session) -> None:
    now = utcnow()
    seed(session, now)
    purged = purge(db.session_factory(app), app.config["SPORTELLO"], now=now)
    assert purged == {
        "web_sessions": 1,
        "saml_requests": 1,
        "saml_assertions": 1,
        "kept_answers": 1,
        "terminal_nonces": 1,
        "rate_limit_buckets": 1,
        "idempotency_records": 1,
        "resume_guesses": 1,
        "outbox_delivered": 1,
        "live_help_messages": 1,
        "live_help_proposals": 1,
    }
    session.expire_all()
    for model, left in [
        (WebSession, 1), (KeptAnswers, 1), (SamlRequest, 1), (SamlAssertionSeen, 1),
        (TerminalNonce, 1),
        (RateLimitBucket, 1), (IdempotencyRecord, 1), (ResumeGuess, 1), (OutboxMessage, 2),
        (SharedMessage, 2), (SharedProposal, 2), (SharedSession, 3),
    ]:  # fmt: skip
        assert count(session, model) == left, model.__name__
    assert purge(db.session_factory(app), app.config["SPORTELLO"], now=now) == dict.fromkeys(
        purged, 0
    )


def test_periods_are_configurable_and_refused_by_name(app: Flask) -> None:
    from dataclasses import replace

    config = app.config["SPORTELLO"]
    assert periods(replace(config, retention="idempotency=14"))["idempotency"] == 14
    for bad in ("idempotency=0", "audit=10", "outbox"):
        with pytest.raises(ConfigurationError, match="SPORTELLO_RETENTION"):
            periods(replace(config, retention=bad))


def test_flask_jobs_run_once_purges_and_reports(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    with db.fresh_session(app) as s:
        seed(s, utcnow())
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "gateway", "jobs", "run", "--once"],
        env={
            "PATH": "/usr/bin:/bin",
            "SPORTELLO_PROFILE": "test",
            "SPORTELLO_DATABASE_URL": database_url,
            "SPORTELLO_INSTANCE_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "purged: web_sessions 1" in result.stdout and "reminders:" in result.stdout
