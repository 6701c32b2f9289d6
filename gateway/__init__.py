"""Sportello gateway: the Flask application that wires the libraries together."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask

from .config import Config

# The exit status of a refused configuration (gateway.wsgi turns it into gunicorn's 3).
BOOT_ERROR = 2


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    """Build the application for ``config`` (default: the profile named in the environment).

    Extensions are created unbound in their modules and attached here with ``init_app``.
    Built from the environment (``config`` None), a configuration that cannot be used ends
    the process with one line naming the variable to set, not a traceback.
    """
    if config is not None:
        return _build(config)
    from identity.errors import ConfigurationError as IdentityConfigurationError

    from .config import ConfigurationError

    try:
        return _build(Config.from_env(**overrides))
    except (ConfigurationError, IdentityConfigurationError) as e:
        print(f"sportello: configuration refused: {e}", file=sys.stderr, flush=True)
        raise SystemExit(BOOT_ERROR) from None


def _build(config: Config) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(
        SPORTELLO=config,
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_content_length,
        TESTING=config.testing,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=config.secure_cookies,
        BABEL_DEFAULT_LOCALE=config.default_locale,
        BABEL_TRANSLATION_DIRECTORIES="translations",
        JSON_SORT_KEYS=False,
        PREFERRED_URL_SCHEME="https" if config.secure_cookies else "http",
    )

    from .db import db
    from .errors import register_error_handlers
    from .i18n import init_i18n
    from .identifiers import init_identifiers
    from .levels import init_levels
    from .logs import configure_logging, init_request_ids
    from .security import init_security
    from .sessions import DatabaseSessionInterface

    configure_logging(config.log_level, config.log_json)
    db.init_app(app)
    app.session_interface = DatabaseSessionInterface(db)
    init_request_ids(app)
    init_i18n(app)
    init_identifiers(app)
    init_security(app)
    init_levels(app)
    register_error_handlers(app)

    from .context import init_template_context

    init_template_context(app)

    from . import views

    views.register_all(app)

    from .audit.keys import init_audit
    from .auth.providers import init_identity
    from .legacy import init_legacy
    from .ratelimit import init_rate_limits
    from .redis_store import init_redis
    from .seals import init_seals

    init_redis(app)
    init_identity(app)
    init_legacy(app)
    init_seals(app)
    init_audit(app)
    init_rate_limits(app)

    from .cli import register_cli

    register_cli(app)

    if config.trusted_proxies:
        from .proxies import behind_proxies

        # Outermost, so that every part of the app (the mounted test IdP too) sees the client.
        app.wsgi_app = behind_proxies(app.wsgi_app, config.trusted_proxies)  # type: ignore[method-assign,assignment]

    if config.auto_migrate:
        from .migrate import upgrade

        upgrade(db.engine(app))
    return app
