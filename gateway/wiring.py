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
        from .fines.delivery import register_fines_delivery

        register_fines_delivery(app, handlers)
        from .notifications.delivery import register_notifications_delivery

        register_notifications_delivery(app, handlers)
        from .school.certificates import register_school_delivery

        register_school_delivery(app, handlers)
    return handlers
