"""Database engines and sessions: one session per request, and a small pool on the side.

The request's session holds a connection from the main pool for the whole request. The short
writes a request makes *besides* its own work — rate-limit counters, spent nonces, the SAML
replay cache — use ``side_session``, on a second engine with a pool of its own: if they
shared the main pool, N concurrent requests holding N connections could each wait forever
for an (N+1)th. A pool that stays empty too long raises TimeoutError: a 503, not a stall.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

_SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")
POOL_TIMEOUT_SECONDS = 10
SIDE_POOL = {"pool_size": 5, "max_overflow": 15, "pool_timeout": POOL_TIMEOUT_SECONDS}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs to be correct under concurrency.

    SQLite (the demo database) runs reads outside any transaction and opens a transaction with
    ``BEGIN IMMEDIATE`` — which takes the single write lock at once — just before the first
    write or the first ``SELECT … FOR UPDATE``. So read-modify-write code written for
    PostgreSQL (lock the row with FOR UPDATE, then change it) is serialised on SQLite too,
    and a read never blocks a writer. pysqlite's own transaction handling is turned off for
    that, as SQLAlchemy's documentation describes.
    """
    if url.startswith("sqlite"):
        if not in_memory(url):
            kwargs.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "before_cursor_execute")
        def _sqlite_lock_before_write(
            conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
        ) -> None:
            if cursor.connection.in_transaction:
                return
            compiled = getattr(context, "compiled", None)
            wants_lock = getattr(getattr(compiled, "statement", None), "_for_update_arg", None)
            if wants_lock is not None or statement.lstrip()[:7].upper().startswith(_SQLITE_WRITES):
                cursor.execute("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
    return create_engine(url, **kwargs)


def insert_ignoring_duplicates(
    session: Session, table: Table, unique: tuple[str, ...]
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT … ON CONFLICT (unique) DO NOTHING`` in the session's own dialect (both
    PostgreSQL and SQLite have it): a row whose unique key exists is skipped, with no read
    before and no error after."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique))


def in_memory(url: str) -> bool:
    return url.startswith("sqlite") and make_url(url).database in (None, "", ":memory:")


class Database:
    """Flask extension: engine and session factory, attached with ``init_app``."""

    def init_app(self, app: Flask) -> None:
        url = app.config["SPORTELLO"].database_url
        engine = make_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        app.extensions["sportello.db"] = (engine, factory)
        # An in-memory database exists once per engine: its side writes go to the same one.
        side = engine if in_memory(url) else make_engine(url, **SIDE_POOL)
        app.extensions["sportello.db.side"] = (
            side,
            sessionmaker(bind=side, expire_on_commit=False),
        )
        app.teardown_appcontext(self._close_session)
        # Views commit what they mean to keep. Whatever is still open when the response leaves
        # is rolled back here, before the session cookie is saved on another connection.
        app.after_request(self._end_request_session)

    @staticmethod
    def engine(app: Flask) -> Engine:
        return app.extensions["sportello.db"][0]

    @staticmethod
    def side_factory(app: Flask) -> sessionmaker[Session]:
        """Sessions for the short writes a request makes beside its own (see the module)."""
        return app.extensions["sportello.db.side"][1]

    @staticmethod
    def dispose(app: Flask) -> None:
        """Close every pooled connection of the app (tests, shutdown)."""
        for engine in {app.extensions["sportello.db"][0], app.extensions["sportello.db.side"][0]}:
            engine.dispose()

    @staticmethod
    def session_factory(app: Flask) -> sessionmaker[Session]:
        return app.extensions["sportello.db"][1]

    @property
    def session(self) -> Session:
        """The request's session, opened on first use and closed at teardown."""
        from flask import current_app

        if "db_session" not in g:
            g.db_session = self.session_factory(current_app._get_current_object())()  # type: ignore[attr-defined]
        return g.db_session

    @staticmethod
    def _end_request_session(response: Any) -> Any:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        return response

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    @contextmanager
    def side_session(self, app: Flask) -> Iterator[Session]:
        session = self.side_factory(app)()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def fresh_session(self, app: Flask) -> Iterator[Session]:
        """A session outside any request (CLI, workers), closed at the end of the block."""
        session = self.session_factory(app)()
        try:
            yield session
        finally:
            session.close()


db = Database()
