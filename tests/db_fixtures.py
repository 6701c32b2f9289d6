"""Test databases: a migrated SQLite file per test, and one PostgreSQL database per run.

PostgreSQL is the production database, so the gateway tests run on both. When PostgreSQL is
not reachable the PostgreSQL variants are skipped with the reason — except under CI=true,
where they must run and fail loudly.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from gateway.db import make_engine
from gateway.migrate import upgrade
from gateway.models import Base

PG_ADMIN_URL = os.environ.get(
    "SPORTELLO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_unavailable_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as e:  # any failure to connect means "not available here"
        return f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).render_as_string()}: {e}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, migrated, dropped at the end."""
    reason = _pg_unavailable_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    name = f"sportello_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def truncate_postgres(engine: Engine) -> None:
    """Empty every table, restart every sequence and reset the audit head.

    DELETE, not TRUNCATE: on tables this small TRUNCATE costs about a second (it replaces
    each table's files), DELETE a few milliseconds. The session runs as a replica so that
    no trigger fires: the append-only triggers of the timeline and the foreign keys are for
    the application, not for emptying a test database.
    """
    existing = set(inspect(engine).get_table_names())
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            conn.execute(table.delete())
        sequences = conn.execute(
            text("SELECT schemaname, sequencename FROM pg_sequences WHERE schemaname = 'public'")
        ).all()
        for schema, sequence in sequences:
            conn.execute(text("SELECT setval(:s, 1, false)"), {"s": f'"{schema}"."{sequence}"'})
        conn.execute(
            text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :g)"), {"g": "0" * 64}
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each gateway test runs once on SQLite and once on PostgreSQL, on an empty database."""
    if request.param == "sqlite":
        path = tmp_path / "sportello.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    truncate_postgres(engine)
    engine.dispose()
