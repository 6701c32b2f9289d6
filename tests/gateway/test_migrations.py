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
