"""``flask audit``: sequence the log, verify it against what is kept outside the database."""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from ..db import db
from .keys import audit_settings

log = logging.getLogger(__name__)


@click.group("audit", cls=AppGroup, help="The audit log (a signed Merkle tree).")
def audit_group() -> None:
    pass


@audit_group.command("sequence", help="Give new entries their tree positions, sign checkpoints.")
@click.option("--once", is_flag=True, help="Sequence what is waiting and exit.")
@click.option("--checkpoint", is_flag=True, help="Sign a checkpoint now if the tree grew.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
def audit_sequence(once: bool, checkpoint: bool, interval: float) -> None:
    from .sequencer import sequence

    factory = db.session_factory(current_app)
    settings = audit_settings(current_app)
    while True:
        try:
            result = sequence(factory, settings, force=checkpoint)
        except OperationalError as e:
            if once:
                raise
            log.warning("audit: database unavailable (%s); retrying", type(e).__name__)
            time.sleep(max(interval, 1.0))
            continue
        if once:
            made = f", checkpoint of {result.checkpoint}" if result.checkpoint else ""
            skipped = " (another sequencer holds the log)" if result.skipped else ""
            click.echo(f"sequenced {result.sequenced}: tree of {result.size}{made}{skipped}")
            return
        time.sleep(interval)


@audit_group.command("verify", help="Check the tree and the records against the checkpoints.")
def audit_verify() -> None:
    from .verify import verify_log

    settings = audit_settings(current_app)
    with db.fresh_session(current_app) as session:
        report = verify_log(session, settings)
    summary = (
        f"{report.entries} entries in the tree, {report.unsequenced} waiting; "
        f"{report.filed} checkpoints in {settings.checkpoint_file}"
        f" (latest {report.latest_filed}), {report.cosigned} cosignatures"
    )
    if report.ok:
        click.echo(f"audit log intact: {summary}")
        return
    click.echo(f"audit log BROKEN: {summary}", err=True)
    for problem in report.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


@audit_group.command("key", help="Print the log's note verifier key (for witnesses).")
def audit_key() -> None:
    click.echo(audit_settings(current_app).verifier.encoded())
