"""The audit log: plain appends, the sequencer, signed checkpoints kept outside the database,
and ``flask audit verify`` against them. Tampering is tried on PostgreSQL as a database
administrator would: rows, nodes and the head rewritten together."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from gateway.audit import append_audit, entry_bytes
from gateway.audit.keys import audit_settings
from gateway.audit.sequencer import sequence
from gateway.db import db
from gateway.models import AuditCheckpoint, AuditEntry, AuditHead, AuditNode, ClinicalAccess
from tests.gateway.audit_support import assert_log_intact, sequence_now, verify_now
from tlog import merkle
from tlog.note import Checkpoint, parse_note

PG = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def fill(session: Session, n: int = 5, action: str = "login") -> list[AuditEntry]:
    entries = [
        append_audit(
            session,
            actor="citizen:RSSMRA80A01H501U",
            action=action,
            subject="RSSMRA80A01H501U",
            channel="web",
            data={"i": i, "ip": "127.0.0.1"},
        )
        for i in range(n)
    ]
    session.commit()
    return entries


def test_an_intact_log_verifies_against_its_checkpoint_file(app: Flask, session: Session) -> None:
    fill(session)
    report = assert_log_intact(app)
    assert report.entries == 5 and report.filed == 1 and report.latest_filed == 5
    lines = audit_settings(app).checkpoint_file.read_text().splitlines()
    body = Checkpoint.parse(parse_note(json.loads(lines[-1])["note"]).text)
    assert body.origin == audit_settings(app).origin and body.size == 5
    leaves = [
        merkle.leaf_hash(entry_bytes(e))
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.position))
    ]
    assert body.root == merkle.root_of(leaves)


def test_an_empty_log_verifies(app: Flask) -> None:
    assert verify_now(app).ok


def test_appends_wait_for_the_sequencer_and_get_positions_in_order(
    app: Flask, session: Session
) -> None:
    entries = fill(session, 3)
    assert [e.position for e in entries] == [None, None, None]
    result = sequence_now(app)
    assert result.sequenced == 3 and result.size == 3 and result.checkpoint == 3
    session.expire_all()
    assert [session.get(AuditEntry, e.seq).position for e in entries] == [0, 1, 2]
    fill(session, 2)
    again = sequence(db.session_factory(app), audit_settings(app))
    # Two new entries, well below the entry threshold and inside the interval: no checkpoint.
    assert again.sequenced == 2 and again.size == 5 and again.checkpoint is None


def test_a_checkpoint_is_signed_when_the_interval_has_passed(app: Flask, session: Session) -> None:
    fill(session, 1)
    sequence_now(app)
    fill(session, 1)
    first = session.get(AuditCheckpoint, 1)
    first.signed_at -= timedelta(hours=1)
    session.commit()
    result = sequence(db.session_factory(app), audit_settings(app))
    assert result.checkpoint == 2


def test_cli_sequences_and_verifies(app: Flask, session: Session) -> None:
    fill(session)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["audit", "sequence", "--once", "--checkpoint"])
    assert done.exit_code == 0 and "tree of 5, checkpoint of 5" in done.output
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 5 entries" in ok.output
    session.execute(text("UPDATE audit_entry SET data = :d WHERE position = 2"), {"d": '{"i":9}'})
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN" in broken.output
    assert "another root hash" in broken.output


def _broken(app: Flask, *words: str) -> None:
    report = verify_now(app)
    assert not report.ok
    joined = " | ".join(report.problems)
    for word in words:
        assert word in joined, joined


def _rebuild_nodes_and_head(session: Session) -> None:
    """What an administrator who knows RFC 9162 does after changing entries: recompute
    every node and the head from the entries as they now are."""
    session.execute(delete(AuditNode))
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.position)).all()
    stored: dict[tuple[int, int], bytes] = {}
    for e in entries:
        e.position = None
    session.flush()
    for position, e in enumerate(entries):
        e.position = position
        for lv, ix, h in merkle.completed_nodes(
            position, merkle.leaf_hash(entry_bytes(e)), lambda a, b: stored[a, b]
        ):
            stored[lv, ix] = h
            session.add(AuditNode(level=lv, index=ix, hash=h))
    root = merkle.root_from_frontier(len(entries), lambda a, b: stored[a, b])
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=len(entries), last_hash=root.hex())
    )
    session.execute(delete(AuditCheckpoint))
    session.commit()


@PG
def test_tamper_edit_a_row(app: Flask, session: Session) -> None:
    fill(session)
    sequence_now(app)
    session.execute(text("UPDATE audit_entry SET actor = 'forged' WHERE position = 1"))
    session.commit()
    _broken(app, "another root hash", "stored tree node")


@PG
def test_tamper_edit_a_row_and_recompute_every_hash_from_there(
    app: Flask, session: Session
) -> None:
    fill(session)
    sequence_now(app)
    session.execute(text("UPDATE audit_entry SET data = :d WHERE position = 3"), {"d": '{"i":42}'})
    session.commit()
    _rebuild_nodes_and_head(session)
    # Nodes, head and stored checkpoints agree with the rows again; the file does not.
    _broken(app, "checkpoint of 5 entries (file line 1): the entries give another root hash")


@PG
def test_tamper_delete_a_row(app: Flask, session: Session) -> None:
    fill(session)
    sequence_now(app)
    session.execute(text("DELETE FROM audit_entry WHERE position = 2"))
    session.commit()
    _broken(app, "tree position 2 has no entry")


@PG
def test_tamper_truncate_the_tail_and_fix_the_head(app: Flask, session: Session) -> None:
    fill(session)
    sequence_now(app)
    session.execute(text("DELETE FROM audit_entry WHERE position >= 3"))
    session.commit()
    _rebuild_nodes_and_head(session)
    _broken(app, "checkpoint of 5 entries (file line 1): the log holds only 3")


@PG
def test_tamper_delete_everything_and_reset_the_head(app: Flask, session: Session) -> None:
    fill(session)
    sequence_now(app)
    for table in ("audit_entry", "audit_node", "audit_checkpoint"):
        session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    session.execute(text("UPDATE audit_head SET seq = 0"))
    session.commit()
    _broken(app, "the log holds only 0")


@PG
def test_tamper_insert_a_forged_entry_in_the_middle(app: Flask, session: Session) -> None:
    fill(session)
    sequence_now(app)
    session.execute(text("UPDATE audit_entry SET position = position + 10 WHERE position >= 2"))
    session.execute(text("UPDATE audit_entry SET position = position - 9 WHERE position >= 12"))
    forged = AuditEntry(
        at=session.scalar(select(func.min(AuditEntry.at))),
        actor="citizen:RSSMRA80A01H501U",
        action="login",
        subject="RSSMRA80A01H501U",
        channel="web",
        data="{}",
        position=2,
    )
    session.add(forged)
    session.commit()
    _rebuild_nodes_and_head(session)
    _broken(app, "the entries give another root hash")


@PG
def test_tamper_delete_an_access_log_row(app: Flask, session: Session) -> None:
    entry = fill(session, 1, action="health.consult_list")[0]
    session.add(
        ClinicalAccess(
            patient_cf="RSSMRA80A01H501U",
            clinician_cf="BNCLRA70A41H501X",
            clinician_name="Laura Bianchi",
            role="clinician",
            facility="ASL",
            registry_number="1",
            action="list",
            document_ids=[],
            basis="consent",
            audit_seq=entry.seq,
        )
    )
    session.commit()
    assert_log_intact(app)
    session.execute(delete(ClinicalAccess))
    session.commit()
    _broken(app, f"audit entry {entry.seq} (access-log row) has no record")


def test_a_record_without_its_entry_is_reported(app: Flask, session: Session) -> None:
    session.add(
        ClinicalAccess(
            patient_cf="RSSMRA80A01H501U",
            clinician_cf="BNCLRA70A41H501X",
            clinician_name="Laura Bianchi",
            role="clinician",
            facility="ASL",
            registry_number="1",
            action="list",
            document_ids=[],
            basis="consent",
            audit_seq=999,
        )
    )
    session.commit()
    _broken(app, "has no audit entry (entry 999 is gone)")


def test_concurrent_appends_some_rolled_back_make_one_tree(app: Flask) -> None:
    """Threads append in concurrent transactions (every third rolled back) while two
    sequencers run: no gap, no duplicate position, and the tree verifies."""
    errors: list[BaseException] = []
    committed: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def appender(k: int) -> None:
        try:
            for i in range(15):
                with db.fresh_session(app) as s:
                    e = append_audit(
                        s, actor=f"t{k}", action="x", subject="s", channel="system", data={"i": i}
                    )
                    if i % 3 == 2:
                        s.rollback()
                        continue
                    s.commit()
                    with lock:
                        committed.append(e.seq)
        except BaseException as e:  # collected and re-raised in the main thread
            errors.append(e)

    def sequencer() -> None:
        try:
            while not stop.is_set():
                sequence(db.session_factory(app), audit_settings(app))
        except BaseException as e:
            errors.append(e)

    appenders = [threading.Thread(target=appender, args=(k,)) for k in range(6)]
    sequencers = [threading.Thread(target=sequencer) for _ in range(2)]
    for t in appenders + sequencers:
        t.start()
    for t in appenders:
        t.join()
    stop.set()
    for t in sequencers:
        t.join()
    assert not errors, errors
    report = assert_log_intact(app)
    assert report.entries == len(committed) == 60
    with db.fresh_session(app) as s:
        rows = s.execute(select(AuditEntry.seq, AuditEntry.position)).all()
    assert sorted(seq for seq, _ in rows) == sorted(committed)
    assert sorted(p for _, p in rows if p is not None) == list(range(60))
