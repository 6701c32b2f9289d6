"""Demo partner terminals. Their secrets are demo values, printed by ``flask demo``."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy.orm import Session

from ..ente import current_ente, demo_ente
from ..models import Terminal
from .terminals import add_terminal

log = logging.getLogger(__name__)

# Demo-only secrets (the demo runs on localhost with the demo secret key).
DEMO_TERMINALS = (
    (
        "TAB-0001",
        "Rete Punti Esempio",
        "Tabaccheria Centrale",
        "via Roma 12, {city}",
        "demo-tab-0001-secret",
    ),
    (
        "TAB-0002",
        "Rete Punti Esempio",
        "Bar Tabacchi della Stazione",
        "piazza della Stazione 3, {city}",
        "demo-tab-0002-secret",
    ),
    (
        "EDI-0001",
        "Rete Edicole Esempio",
        "Edicola del Corso",
        "corso Italia 40, {city}",
        "demo-edi-0001-secret",
    ),
)


def seed_counter(session: Session, secret_key: str | None = None) -> None:
    """Register the demo terminals that are not there yet, in the body's town."""
    from flask import has_app_context

    secret_key = secret_key or demo_secret_key()
    city = (current_ente() if has_app_context() else demo_ente()).address.city
    for terminal_id, network, shop, address, secret in DEMO_TERMINALS:
        if session.get(Terminal, terminal_id) is None:
            add_terminal(
                session,
                secret_key=secret_key,
                terminal_id=terminal_id,
                network=network,
                shop_name=shop,
                shop_address=address.format(city=city),
                secret=secret,
            )


def demo_secret_key() -> str:
    """The key terminal secrets are sealed with: the app's, or the demo key outside an app."""
    from flask import current_app, has_app_context

    from ..config import DEMO_SECRET_KEY

    if has_app_context():
        return str(current_app.config["SPORTELLO"].secret_key)
    return DEMO_SECRET_KEY


def demo_banner(base_url: str) -> str:
    lines = [f"  Web terminal:      {base_url}/sportello-convenzionato/"]
    for terminal_id, _network, shop, _address, secret in DEMO_TERMINALS[:1]:
        lines.append(f"    {terminal_id} ({shop}), secret: {secret}")
    lines.append(f"  Verify a receipt:  {base_url}/verifica")
    return "\n".join(lines)


def start_outbox_worker(app: Flask, interval: float = 2.0) -> threading.Event:
    """Deliver the outbox in a background thread (the demo's stand-in for ``flask outbox
    work``); set the returned event to stop it."""
    from ..audit.keys import audit_settings
    from ..audit.sequencer import sequence
    from ..db import db
    from ..outbox import deliver_due
    from ..wiring import outbox_handlers

    stop = threading.Event()
    audit = audit_settings(app)
    handlers = outbox_handlers(app)
    factory = db.session_factory(app)

    def run() -> None:
        while not stop.wait(interval):
            try:
                with app.app_context():
                    deliver_due(factory, handlers)
                    sequence(factory, audit)  # the audit log's sequencer, as in the worker
            except Exception:  # keep the demo's worker alive; the outbox keeps the message
                log.exception("demo outbox worker: delivery round failed")

    threading.Thread(target=run, name="demo-outbox", daemon=True).start()
    return stop
