"""The audit chain detects any edited, deleted or inserted entry."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from gateway.audit import append_audit, verify_chain
from gateway.db import db
from gateway.models import AuditEntry


def fill(session: Session, n: int = 5) -> None:
    for i in range(n):
        append_audit(
            session,
            actor="citizen:RSSMRA80A01H501U",
            action="login",
            subject="RSSMRA80A01H501U",
            channel="web",
            data={"i": i, "ip": "127.0.0.1"},
        )
    session.commit()


def test_an_intact_chain_verifies(session: Session) -> None:
    fill(session)
    report = verify_chain(session)
    assert report.ok and report.entries == 5


def test_an_empty_chain_verifies(session: Session) -> None:
    assert verify_chain(session).ok


@pytest.mark.parametrize("column", ["data", "actor", "action", "subject", "channel"])
def test_editing_any_field_is_detected(session: Session, column: str) -> None:
    fill(session)
    session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values({column: "forged"}))
    session.commit()
    report = verify_chain(session)
    assert not report.ok
    assert report.broken_at == 3
    assert report.entries == 2


def test_editing_with_a_recomputed_hash_breaks_the_next_link(session: Session) -> None:
    fill(session)
    session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(hash="f" * 64))
    session.commit()
    report = verify_chain(session)
    assert not report.ok and report.broken_at == 2


def test_deleting_an_entry_is_detected(session: Session) -> None:
    fill(session)
    session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    session.commit()
    report = verify_chain(session)
    assert not report.ok and report.broken_at == 4 and "missing" in report.reason


def test_deleting_the_last_entry_is_detected(session: Session) -> None:
    fill(session)
    session.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
    session.commit()
    report = verify_chain(session)
    assert not report.ok and "head" in report.reason


def test_concurrent_appends_keep_one_chain(app: Flask) -> None:
    """Four threads appending at once still produce one unbroken chain."""
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(10):
                with db.fresh_session(app) as s:
                    append_audit(
                        s, actor=f"t{k}", action="x", subject="s", channel="system", data={"i": i}
                    )
                    s.commit()
        except BaseException as e:  # collected and re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with db.fresh_session(app) as s:
        report = verify_chain(s)
    assert report.ok and report.entries == 40


def test_cli_reports_a_hand_edited_row(app: Flask, session: Session) -> None:
    fill(session)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 5 entries" in ok.output
    session.execute(text("UPDATE audit_entry SET data = :d WHERE seq = 2"), {"d": '{"i":99}'})
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry 2" in broken.output
