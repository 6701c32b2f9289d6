"""Connects the libraries to the gateway: outbox handlers, connectors, readiness checks."""

from __future__ import annotations

from flask import Flask

from .outbox import OutboxHandlers


def outbox_handlers(app: Flask) -> OutboxHandlers:
    """The delivery function of every outbox topic, bound to this app's connectors."""
    handlers = app.extensions.get("sportello.outbox_handlers")
    if handlers is None:
        handlers = OutboxHandlers()
        app.extensions["sportello.outbox_handlers"] = handlers
    return handlers
