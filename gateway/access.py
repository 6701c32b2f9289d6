"""Who is asking: the identity in the session, and the access rule of every blueprint.

Every blueprint is registered with an access rule (``register``); a test fails if a route
escapes this. Rules are checked on every request, never only at login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, g, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from .exceptions import Forbidden, StepUpRequired, Unauthenticated
from .levels import DEFAULT_LEVELS, required_level

if TYPE_CHECKING:
    from .transactions.operations import Actor

ACCESS_RULES = ("public", "citizen", "clerk", "clinician", "privacy_officer", "terminal")
PERSON_RULES = ("citizen", "clerk", "clinician", "privacy_officer")


@dataclass(frozen=True)
class SessionIdentity:
    """The logged-in person as the gateway sees them in a request."""

    fiscal_code: str
    name: str
    family_name: str
    method: str = "spid"
    level: int = 1
    roles: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.name} {self.family_name}".strip()

    def actor(
        self, kind: str = "citizen", channel: str = "web", on_behalf_of: str | None = None
    ) -> Actor:
        """This person as the author of timeline events and audit entries."""
        from .transactions.operations import Actor

        return Actor(
            kind=kind,
            id=self.fiscal_code,
            name=self.full_name,
            channel=channel,
            on_behalf_of=on_behalf_of,
        )

    def name_as(self, role: str) -> str:
        """The name the gateway keeps for this person in ``role`` (else their SPID name)."""
        from .db import db
        from .models import RoleAssignment

        display = db.session.scalar(
            select(RoleAssignment.display_name).where(
                RoleAssignment.fiscal_code == self.fiscal_code, RoleAssignment.role == role
            )
        )
        return display or self.full_name

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> SessionIdentity:
        return cls(
            fiscal_code=data["fiscal_code"],
            name=data.get("name", ""),
            family_name=data.get("family_name", ""),
            method=data.get("method", "spid"),
            level=int(data.get("level", 0)),
            roles=tuple(data.get("roles", ())),
        )


def current_identity() -> SessionIdentity | None:
    """The logged-in person with the roles the gateway grants them *now* (read per request)."""
    if "identity" not in g:
        data = session.get("identity") if session else None
        if g.get("database_unavailable"):
            data = None
        if data:
            from dataclasses import replace

            from .db import db
            from .models import RoleAssignment

            roles = db.session.scalars(
                select(RoleAssignment.role).where(
                    RoleAssignment.fiscal_code == data["fiscal_code"],
                    RoleAssignment.active.is_(True),
                )
            ).all()
            g.identity = replace(SessionIdentity.from_session(data), roles=tuple(sorted(roles)))
        else:
            g.identity = None
    return g.identity


def require_identity() -> SessionIdentity:
    identity = current_identity()
    if identity is None:
        raise Unauthenticated()
    return identity


def register(
    app: Flask, blueprint: Blueprint, *, access: str, area: str | None = None, **options: Any
) -> None:
    """Register a blueprint with the access rule that guards all its routes.

    ``area`` names the SPID level policy of its pages (``gateway/levels.py``); by default the
    area of the access rule (citizen, clerk, clinician), none for public and terminal pages.
    """
    if access not in ACCESS_RULES:
        raise ValueError(f"unknown access rule {access!r} for blueprint {blueprint.name}")
    if area is None and access in PERSON_RULES:
        area = "privacy" if access == "privacy_officer" else access
    if area is not None and area not in DEFAULT_LEVELS:
        raise ValueError(f"unknown level area {area!r} for blueprint {blueprint.name}")
    rules: dict[str, str] | None = app.extensions.get("sportello.access")
    if rules is None:
        rules = app.extensions["sportello.access"] = {}
        app.extensions["sportello.areas"] = {}
        app.before_request(_guard)
    rules[blueprint.name] = access
    if area is not None:
        app.extensions["sportello.areas"][blueprint.name] = area
    app.register_blueprint(blueprint, **options)


def access_rule(app: Flask, endpoint: str) -> str | None:
    """The access rule of the blueprint that serves ``endpoint`` (None: not declared)."""
    return app.extensions.get("sportello.access", {}).get(endpoint.rpartition(".")[0])


def _guard() -> Response | None:
    from flask import current_app

    if request.endpoint is None or request.endpoint == "static":
        return None
    access = access_rule(current_app, request.endpoint)
    if access is None:
        raise Forbidden(detail=f"endpoint {request.endpoint} has no access rule")
    needed = required_level(current_app, request.endpoint)
    if access not in PERSON_RULES and not needed:
        return None  # public pages, or terminals that authenticate each request themselves
    from .errors import wants_problem_json

    if g.get("database_unavailable"):
        # The session could not be read: this person's page cannot be served, say so plainly.
        from sqlalchemy.exc import OperationalError

        raise OperationalError("session store", None, RuntimeError("database unavailable"))
    identity = current_identity()
    if identity is None:
        if access not in PERSON_RULES:
            return None
        if wants_problem_json():
            raise Unauthenticated()
        return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
    if access in PERSON_RULES and access != "citizen" and access not in identity.roles:
        raise Forbidden(detail=f"{access} role required")
    if identity.level < needed:
        if wants_problem_json() or request.method != "GET":
            raise StepUpRequired(
                _("This page needs a login with SPID level %(level)s.", level=needed),
                required_level=needed,
                current_level=identity.level,
            )
        return redirect(url_for("auth.step_up", next=request.full_path.rstrip("?")))
    return None
