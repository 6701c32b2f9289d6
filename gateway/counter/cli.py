"""``flask counter``: register, disable and re-enable partner terminals, reset their secrets."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import db
from ..models import Terminal
from . import terminals


@click.group("counter", cls=AppGroup, help="Partner counter terminals.")
def counter_group() -> None:
    pass


def _secret_key() -> str:
    return str(current_app.config["SPORTELLO"].secret_key)


@counter_group.command("add-terminal", help="Register a terminal and print its secret once.")
@click.argument("terminal_id")
@click.option("--network", required=True, help="Partner network, e.g. 'Rete Punti Esempio'.")
@click.option("--shop", "shop_name", required=True, help="Shop name, e.g. 'Tabaccheria Centrale'.")
@click.option("--address", required=True, help="Shop address.")
def add_terminal(terminal_id: str, network: str, shop_name: str, address: str) -> None:
    with db.fresh_session(current_app) as session:
        try:
            terminal, secret = terminals.add_terminal(
                session,
                secret_key=_secret_key(),
                terminal_id=terminal_id.upper(),
                network=network,
                shop_name=shop_name,
                shop_address=address,
            )
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        session.commit()
        click.echo(f"terminal {terminal.id} registered")
        click.echo(f"secret (shown only now, give it to the counter): {secret}")


def _set_active(terminal_id: str, active: bool) -> None:
    with db.fresh_session(current_app) as session:
        try:
            terminals.set_active(session, terminal_id.upper(), active)
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        session.commit()
    click.echo(f"terminal {terminal_id.upper()} {'enabled' if active else 'disabled'}")


@counter_group.command("disable-terminal", help="Refuse every request of a terminal from now on.")
@click.argument("terminal_id")
def disable_terminal(terminal_id: str) -> None:
    _set_active(terminal_id, False)


@counter_group.command("enable-terminal", help="Accept a disabled terminal again.")
@click.argument("terminal_id")
def enable_terminal(terminal_id: str) -> None:
    _set_active(terminal_id, True)


@counter_group.command("reset-secret", help="Give a terminal a new secret (printed once).")
@click.argument("terminal_id")
def reset_secret(terminal_id: str) -> None:
    with db.fresh_session(current_app) as session:
        try:
            secret = terminals.reset_secret(session, _secret_key(), terminal_id.upper())
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        session.commit()
    click.echo(f"new secret of {terminal_id.upper()}: {secret}")


@counter_group.command("list", help="The registered terminals.")
def list_terminals() -> None:
    with db.fresh_session(current_app) as session:
        rows = session.scalars(select(Terminal).order_by(Terminal.id)).all()
    if not rows:
        click.echo("no terminals", err=True)
        sys.exit(1)
    for t in rows:
        state = "active" if t.active else "DISABLED"
        click.echo(f"{t.id}\t{state}\t{t.network}\t{t.shop_name}, {t.shop_address}")
