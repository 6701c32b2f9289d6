"""Languages: Italian first, English too; chosen by the user, else by Accept-Language."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel

babel = Babel()


def select_locale() -> str:
    from flask import current_app

    config = current_app.config["SPORTELLO"]
    chosen = session.get("lang") if session else None
    if chosen in config.locales:
        return str(chosen)
    best = request.accept_languages.best_match(config.locales)
    return best or config.default_locale


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Rome")
