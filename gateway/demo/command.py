"""``flask demo``: migrate, seed and serve the whole gateway on this machine."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import db
from ..migrate import upgrade
from .seed import seed_demo


def prepare_demo_database() -> None:
    upgrade(db.engine(current_app))
    with db.fresh_session(current_app) as session:
        if seed_demo(session):
            session.commit()


@click.command("seed", help="Add the demo data to the database (idempotent).")
@with_appcontext
def seed_command() -> None:
    prepare_demo_database()
    click.echo("demo data ready")


@click.command("demo", help="Migrate, seed and serve the demo (at SPORTELLO_BASE_URL).")
@with_appcontext
def demo_command() -> None:
    from werkzeug.serving import run_simple

    from connectors.simulators import start_simulators

    config = current_app.config["SPORTELLO"]
    prepare_demo_database()
    sim_url = urlsplit(config.simulators_url)
    try:
        simulators = start_simulators(
            sim_url.hostname or "127.0.0.1",
            sim_url.port or 8088,
            username=config.connector_user,
            password=config.connector_password,
        )
    except OSError as e:
        raise click.ClickException(
            f"cannot start the legacy simulators on {config.simulators_url} ({e}): "
            "is another demo running? Set SPORTELLO_SIMULATORS_URL to another port."
        ) from e
    from ..config import INSTANCE_DIR
    from ..notifications.demo import start_demo_mail

    try:
        mail = start_demo_mail(config, INSTANCE_DIR / "mail")
    except OSError as e:
        simulators.stop()
        raise click.ClickException(
            f"cannot start the local mail server on {config.smtp_host}:{config.smtp_port} ({e}): "
            "set SPORTELLO_SMTP_PORT to another port."
        ) from e
    # The SAML endpoints are absolute URLs: serve exactly where SPORTELLO_BASE_URL says.
    site = urlsplit(config.base_url)
    base = config.base_url.rstrip("/")
    click.echo(
        "\nSportello demo\n"
        f"  Portal:            {base}/\n"
        f"  Log in (test IdP): {base}/accedi  (pick 'Sportello Test IdP', then a test user)\n"
        f"  Legacy simulators: {simulators.base_url}/fines?wsdl  /school?wsdl  /health?wsdl\n"
        f"  Health/readiness:  {base}/healthz  {base}/readyz\n"
        f"  Database:          {config.database_url}\n"
    )
    click.echo(mail.banner)
    from ..counter.demo import demo_banner, start_outbox_worker

    click.echo(demo_banner(base) + "\n")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    outbox_worker = start_outbox_worker(app)
    witness = _start_witness(app, config, base)
    try:
        run_simple(
            site.hostname or "127.0.0.1",
            site.port or 5000,
            app,
            threaded=True,
            use_reloader=False,
            use_debugger=False,
        )
    finally:
        outbox_worker.set()
        witness.set()
        mail.stop()
        simulators.stop()


def _start_witness(app: Any, config: Any, base: str) -> Any:
    """The demo's witness, in a thread: cosigns the log's checkpoints as they come."""
    from ..audit.keys import audit_settings, demo_witness_key
    from ..audit.witness import start_demo_witness
    from ..config import INSTANCE_DIR

    click.echo(f"  Audit log:         {base}/.well-known/sportello-audit/checkpoint (cosigned)\n")
    return start_demo_witness(
        f"{base}/.well-known/sportello-audit",
        audit_settings(app).verifier,
        demo_witness_key(config),
        INSTANCE_DIR / f"audit-witness-{config.profile}-state.json",
    )
