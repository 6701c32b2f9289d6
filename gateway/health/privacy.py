"""The privacy officer of the health authority reviews every emergency access (break-glass).

Only this role sees the list, with patients' fiscal codes and the clinicians' reasons; each
look at it and each mark is in the audit log, and the patient sees the outcome.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from forms import InvalidValue
from forms.validators import clean_choice, clean_text

from ..access import require_identity
from ..db import db
from ..exceptions import InvalidInput
from ..models import utcnow
from ..transactions.operations import Actor
from . import records
from .consultations import break_glass_grants, consultations_per_grant
from .operations import REVIEW_OUTCOMES
from .review import review_break_glass, review_list_viewed

bp = Blueprint("privacy", __name__, template_folder="templates")
NOTE_MAX_LENGTH = 1000


def _officer() -> Actor:
    identity = require_identity()
    return identity.actor("privacy_officer")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"review_label": records.review_label}


@bp.get("/")
def review() -> str:
    officer = _officer()
    grants = break_glass_grants(db.session)
    review_list_viewed(db.session, officer, len(grants))
    db.session.commit()
    return render_template(
        "health/privacy_review.html",
        grants=grants,
        uses=consultations_per_grant(db.session, [g.id for g in grants]),
        now=utcnow(),
        note_max=NOTE_MAX_LENGTH,
    )


@bp.post("/<id:grant_id>/esito")
def mark(grant_id: int) -> BaseResponse:
    officer = _officer()
    try:
        outcome = clean_choice(request.form.get("outcome", ""), REVIEW_OUTCOMES)
        note = clean_text(
            request.form.get("note", ""), min_length=0, max_length=NOTE_MAX_LENGTH, multiline=True
        )
    except InvalidValue as e:
        raise InvalidInput(records.field_message(e), detail=f"review {e.code}") from e
    review_break_glass(db.session, officer, grant_id, outcome, note)
    db.session.commit()
    flash(_("Review recorded: the patient sees it in their access log."), "success")
    return redirect(url_for(".review") + f"#grant-{grant_id}")
