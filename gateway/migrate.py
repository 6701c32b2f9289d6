"""Alembic migrations run programmatically: ``flask db upgrade`` and the demo use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def head_revision() -> str | None:
    """The code's latest revision(s), comma-separated if the history has several heads."""
    return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads())) or None


def _current(conn: Connection) -> str | None:
    return ",".join(sorted(MigrationContext.configure(conn).get_current_heads())) or None


def migration_status(bind: Engine | Connection) -> tuple[str | None, str | None]:
    """The database's current revision(s) and the code's head revision(s)."""
    if isinstance(bind, Connection):
        return _current(bind), head_revision()
    with bind.connect() as conn:
        return _current(conn), head_revision()
