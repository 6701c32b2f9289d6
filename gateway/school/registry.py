"""The regional school registry, as this app reaches it."""

from __future__ import annotations

from flask import Flask

from connectors import SchoolConnector

from ..legacy import connector


def school_registry(app: Flask | None = None) -> SchoolConnector:
    """This app's connector of the school registry (the current app's by default)."""
    return connector("school", SchoolConnector, app)
