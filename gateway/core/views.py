"""Public pages and probes: home, service catalogue and pages, language switch, probes."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from sqlalchemy import text
from werkzeug.wrappers import Response

from ..access import current_identity
from ..db import db
from ..ente import current_ente
from ..features import Service, registry
from ..migrate import migration_status
from ..redirects import safe_target
from .search import MAX_QUERY, Query, parse_query, search

bp = Blueprint("core", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    return render_template("core/home.html", identity=current_identity())


@bp.get("/ente/logo")
def ente_logo() -> Response:
    """The body's logo (the file its record names, at most 512 KiB, checked when the record
    loaded), read whole: no file stays open for a client that reads slowly or not at all."""
    ente = current_ente()
    reply = Response(Path(ente.logo).read_bytes(), mimetype=ente.logo_type)
    reply.cache_control.public = True
    reply.cache_control.max_age = 3600
    return reply


# The gateway's own legal pages, linked from the footer when the body's record names none.
@bp.get("/privacy")
def privacy() -> str:
    return render_template("core/privacy.html")


@bp.get("/dichiarazione-accessibilita")
def accessibility() -> str:
    return render_template("core/accessibility.html")


@bp.get("/note-legali")
def legal_notes() -> str:
    return render_template("core/legal_notes.html")


@bp.get("/servizi/")
def services() -> str:
    """The service catalogue, by topic; ``q`` keeps the services whose words contain it."""
    query = parse_query(request.args.get("q"))
    if query.problem in ("too_long", "not_text"):
        abort(400)
    found = search(registry().services, query) if query.words else list(registry().services)
    topics: dict[str, list[Service]] = {}
    for service in found:
        topics.setdefault(str(service.topic or ""), []).append(service)
    return render_template(
        "core/services.html", query=query.text, topics=sorted(topics.items()), found=found
    )


@bp.get("/cerca")
def site_search() -> tuple[str, int]:
    """The site search (the header's): the services whose texts hold every word of ``q``."""
    query = parse_query(request.args.get("q"))
    if "q" not in request.args:  # the search page itself, before any search
        query = Query("")
    found = search(registry().services, query)
    status = 400 if query.problem in ("too_long", "not_text") else 200
    return render_template(
        "core/search.html", query=query, found=found, max_query=MAX_QUERY
    ), status


@bp.get("/servizi/<service:slug>")
def service(slug: str) -> str:
    """The service page (scheda servizio): who, how, what is needed, when, how much."""
    found = registry().service(slug)
    if found is None:
        abort(404)
    return render_template("core/service.html", service=found)


@bp.get("/lingua/<locale:code>")
def switch_language(code: str) -> Response:
    """Remember the chosen language and go back where the user was (same site only)."""
    if code in current_app.config["SPORTELLO"].locales:
        session["lang"] = code
    return redirect(safe_target(request.args.get("next")))


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready when the database answers and its schema is at the head migration.

    The check uses the side pool, not the requests' own: an instance whose request pool is
    busy under load is still ready (taking it out of rotation would only load the others
    more); a database that does not answer, or an old schema, is not.
    """
    checks: dict[str, object] = {}
    ready = True
    try:
        with db.side_session(current_app._get_current_object()) as s:  # type: ignore[attr-defined]
            s.execute(text("SELECT 1"))
            checks["database"] = "up"
            current, head = migration_status(s.connection())
            checks["migrations"] = {"current": current, "head": head}
            if current != head:
                ready = False
    except Exception as e:  # any failure to reach the database means not ready
        current_app.logger.warning("readiness: database check failed: %s", type(e).__name__)
        checks["database"] = "down"
        ready = False
    for name, state in current_app.extensions.get("sportello.readiness", {}).items():
        checks[name] = state()
    return jsonify(status="ready" if ready else "not_ready", checks=checks), (200 if ready else 503)
