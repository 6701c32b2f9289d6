"""The citizen's delegations: who may act for them at the desk, and revoking one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..access import require_identity
from ..db import db
from ..forms_web.catalogue import form_registry
from ..models import utcnow
from . import operations as ops

bp = Blueprint("delegations", __name__, template_folder="templates")


@bp.get("/")
def given() -> str:
    identity = require_identity()
    return render_template(
        "desk/delegations.html",
        delegations=ops.delegations_given(db.session, identity.fiscal_code),
        now=utcnow(),
        # The services by their names: a service no longer offered keeps its id.
        service_names={d.id: _(d.title) for d in form_registry()},
    )


@bp.post("/<id:delegation_id>/revoca")
def revoke(delegation_id: int) -> Response:
    identity = require_identity()
    ops.revoke_delegation(
        db.session,
        delegation_id,
        by=f"citizen:{identity.fiscal_code}",
        citizen_cf=identity.fiscal_code,
    )
    db.session.commit()
    flash(_("Delegation revoked: the clerk can no longer act for you."), "success")
    return redirect(url_for("delegations.given"))
