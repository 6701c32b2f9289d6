"""Registers every feature's blueprint with its access rule (one place to read them all)."""

from __future__ import annotations

from flask import Flask

from .access import register


def register_all(app: Flask) -> None:
    from .auth.views import bp as auth
    from .citizen.views import bp as citizen
    from .core.views import bp as core

    register(app, core, access="public")
    register(app, auth, access="public")
    register(app, citizen, access="citizen", url_prefix="/area-personale")
