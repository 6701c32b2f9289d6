"""The outbox's delivery functions, bound to one app: one per topic a feature declares."""

from __future__ import annotations

from flask import Flask

from .features import registry
from .outbox import OutboxHandlers


def outbox_handlers(app: Flask) -> OutboxHandlers:
    """The delivery function of every outbox topic, bound to this app's connectors."""
    handlers = app.extensions.get("sportello.outbox_handlers")
    if handlers is None:
        handlers = OutboxHandlers()
        for topic, factory in registry().outbox.items():
            handlers.register(topic, factory(app))
        app.extensions["sportello.outbox_handlers"] = handlers
    return handlers
