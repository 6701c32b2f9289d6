"""``flask demo``: migrate, seed and serve the whole gateway on this machine."""

from __future__ import annotations

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


@click.command("demo", help="Migrate, seed and serve the demo on localhost.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    prepare_demo_database()
    base = f"http://{host}:{port}"
    click.echo(
        "\nSportello demo\n"
        f"  Portal:            {base}/\n"
        f"  Personal area:     {base}/area-personale/\n"
        f"  Health/readiness:  {base}/healthz  {base}/readyz\n"
        f"  Database:          {current_app.config['SPORTELLO'].database_url}\n"
    )
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        threaded=True,  # type: ignore[attr-defined]
        use_reloader=False,
        use_debugger=False,
    )
