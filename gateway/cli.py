"""Command-line interface: ``flask db``, ``flask audit``, ``flask outbox``, ``flask demo``."""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from .db import db

log = logging.getLogger(__name__)


def register_cli(app: Flask) -> None:
    app.cli.add_command(db_group)
    from .audit.commands import audit_group

    app.cli.add_command(audit_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(jobs_group)
    # Each feature's own commands (flask counter, flask demo, ...) come with its manifest.


@click.group("db", cls=AppGroup, help="Database schema (Alembic migrations).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database to the latest revision.")
@click.option("--revision", default="heads")
def db_upgrade(revision: str) -> None:
    from .migrate import upgrade

    upgrade(db.engine(current_app), revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade", help="Migrate the database down to a revision.")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from .migrate import downgrade

    downgrade(db.engine(current_app), revision)
    click.echo(f"database at {revision}")


@db_group.command("current", help="Print the current and the latest revision.")
def db_current() -> None:
    from .migrate import migration_status

    current, head = migration_status(db.engine(current_app))
    click.echo(f"current: {current}  head: {head}")
    if current != head:
        sys.exit(1)


@click.group("outbox", cls=AppGroup, help="Deliveries to legacy systems.")
def outbox_group() -> None:
    pass


@outbox_group.command("work", help="Deliver due messages, forever or once.")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
@click.option(
    "--first-retry",
    type=click.FloatRange(min=0.05, max=3600),
    default=2.0,
    show_default=True,
    help="Seconds before a failed delivery is tried again; each next wait doubles (to 15 min).",
)
def outbox_work(once: bool, interval: float, first_retry: float) -> None:
    from .audit.keys import audit_settings
    from .audit.sequencer import sequence
    from .outbox import deliver_due
    from .wiring import outbox_handlers

    handlers = outbox_handlers(current_app)
    factory = db.session_factory(current_app)
    audit = audit_settings(current_app)
    while True:
        try:
            stats = deliver_due(factory, handlers, first_retry=first_retry)
            # The worker is also an audit sequencer (several may run: one at a time works).
            sequence(factory, audit)
        except OperationalError as e:
            # The database is unreachable (a restart, a failover): wait and poll again
            # rather than die. Messages claimed when it went away are redelivered when their
            # lease expires; receivers are idempotent on the message key.
            if once:
                raise
            log.warning("outbox: database unavailable (%s); retrying", type(e).__name__)
            time.sleep(max(interval, 1.0))
            continue
        if stats.claimed:
            click.echo(
                f"claimed {stats.claimed}: delivered {stats.delivered}, "
                f"retry {stats.retried}, failed {stats.failed}"
            )
        if once:
            return
        time.sleep(interval)


@click.group("jobs", cls=AppGroup, help="Scheduled work: retention purge and reminders.")
def jobs_group() -> None:
    pass


@jobs_group.command("run", help="Purge expired rows and write due reminders, forever or once.")
@click.option("--once", is_flag=True, help="Run once and exit (for a cron or a CronJob).")
def jobs_run(once: bool) -> None:
    from .notifications.jobs import run_due
    from .retention import purge

    config = current_app.config["SPORTELLO"]
    factory = db.session_factory(current_app)
    while True:
        try:
            purged = purge(factory, config)
            reminders = run_due(factory)
        except OperationalError as e:
            if once:
                raise
            log.warning("jobs: database unavailable (%s); retrying", type(e).__name__)
            time.sleep(30)
            continue
        gone = ", ".join(f"{name} {n}" for name, n in purged.items() if n) or "nothing"
        click.echo(
            f"purged: {gone}; reminders: {reminders.notices} notices, "
            f"{reminders.appointments} appointments"
        )
        if once:
            return
        time.sleep(config.jobs_interval_seconds)
