"""Log in and out: the identity provider picker, and the end of the session."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ..access import current_identity

bp = Blueprint("auth", __name__, template_folder="templates")


def safe_next(default: str = "/area-personale/") -> str:
    """Only a path on this site; never an absolute or protocol-relative address."""
    target = request.values.get("next", default)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.get("/accedi")
def login_page() -> str:
    providers = current_app.extensions.get("sportello.identity_providers", [])
    return render_template(
        "auth/login.html",
        providers=providers,
        next=safe_next(),
        identity=current_identity(),
        expired=bool(session.get("expired")),
    )


@bp.post("/esci")
def logout() -> Response:
    session.destroy()  # type: ignore[attr-defined]
    return redirect(url_for("core.home"))
