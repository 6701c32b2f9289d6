"""Migrations and models agree, and every migration goes down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask

from gateway.db import db
from gateway.migrate import downgrade, migration_status, upgrade
from gateway.models import Base


def test_models_match_the_migrated_schema(app: Flask) -> None:
    engine = db.engine(app)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_the_head(app: Flask) -> None:
    current, head = migration_status(db.engine(app))
    assert current == head and head is not None


def test_downgrade_to_base_and_upgrade_again(app: Flask) -> None:
    engine = db.engine(app)
    downgrade(engine, "base")
    assert migration_status(engine)[0] is None
    upgrade(engine)
    current, head = migration_status(engine)
    assert current == head


def test_the_audit_chain_becomes_the_first_leaves_of_the_tree(app: Flask) -> None:
    """0011 on a database whose audit chain has entries: they keep their content, take
    positions in sequence order, and the tree they make is the one the sequencer signs."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from gateway.audit import entry_bytes
    from gateway.models import AuditEntry
    from tests.gateway.audit_support import assert_log_intact
    from tlog import merkle

    engine = db.engine(app)
    downgrade(engine, "0010")
    prev = "0" * 64
    with engine.begin() as conn:
        for seq in (1, 2, 3):
            at = datetime(2026, 11, 30, 8, 0, seq, 123456, tzinfo=UTC)
            body = {
                "seq": seq,
                "at": at.isoformat(timespec="microseconds"),
                "actor": "citizen:RSSMRA80A01H501U",
                "action": "auth.login",
                "subject": "RSSMRA80A01H501U",
                "channel": "web",
                "data": json.dumps({"n": seq}),
            }
            canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
            conn.execute(
                text(
                    "INSERT INTO audit_entry (seq, at, actor, action, subject, channel, data, "
                    "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :subject, :channel, "
                    ":data, :prev, :hash)"
                ),
                {**body, "at": at.replace(tzinfo=None), "prev": prev, "hash": digest},
            )
            prev = digest
        conn.execute(text("UPDATE audit_head SET seq = 3, last_hash = :h"), {"h": prev})
    upgrade(engine)
    with db.fresh_session(app) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [(e.seq, e.position) for e in entries] == [(1, 0), (2, 1), (3, 2)]
        root = merkle.root_of([merkle.leaf_hash(entry_bytes(e)) for e in entries])
        assert s.execute(text("SELECT seq, last_hash FROM audit_head")).one() == (3, root.hex())
    # New entries take the next ids and positions; the whole tree verifies once signed.
    from gateway.audit import append_audit

    with db.fresh_session(app) as s:
        added = append_audit(s, actor="system", action="x", subject="s", channel="system")
        s.commit()
    assert added.seq == 4
    report = assert_log_intact(app)
    assert report.entries == 4
