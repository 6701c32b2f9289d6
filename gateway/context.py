"""Values every template can use: the locale, the identity, the login address."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from .access import SessionIdentity, current_identity
from .ente import current_ente
from .i18n import default_locale, offered_languages, shown_title
from .payments.notices import shown_description
from .timeline import state_label


def init_template_context(app: Flask) -> None:
    # Globals, not context values: macros imported without the context use them too.
    app.jinja_env.globals.update(shown_title=shown_title, shown_description=shown_description)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        def login_url() -> str:
            try:
                return url_for("auth.login_page", next=request.full_path.rstrip("?"))
            except BuildError:
                return url_for("core.home")

        from .features import registry

        locale = str(get_locale() or default_locale())
        ente = current_ente()
        return {
            "ente": ente,
            "ente_name": ente.shown_name(locale),
            "legal_url": legal_url,
            "feature_services": registry().services,
            "area_links": registry().area_links,
            "login_method_label": login_method_label,
            "current_locale": locale,
            "offered_languages": offered_languages(),
            "identity": current_identity(),
            "login_url": login_url,
            "state_label": state_label,
        }


def legal_url(page: str) -> str:
    """The body's own privacy notice, accessibility statement or legal notes, or the
    gateway's built-in page when the record names none."""
    legal = current_ente().legal
    own = {
        "privacy": legal.privacy_url,
        "accessibility": legal.accessibility_url,
        "legal_notes": legal.legal_notes_url,
    }[page]
    return own or url_for(f"core.{page}")


def login_method_label(identity: SessionIdentity) -> str:
    """How this session logged in, as the header says it: "accesso con SPID livello 2"."""
    if identity.method == "cie":
        return _("logged in with CIE")
    if identity.method == "oidc":
        return _("logged in with OpenID Connect, level %(level)s", level=identity.level)
    return _("logged in with SPID level %(level)s", level=identity.level)
