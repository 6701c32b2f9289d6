"""The feedback box's one POST, and the staff's page of answers per page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from ..db import db
from ..formatting import format_average
from ..ratelimit import rate_limited
from .box import DETAIL, RATING, REASON, SENT, current_box, parse_rating, parse_reason
from .operations import latest_comments, record_feedback, scores
from .pages import MAX_COMMENT, known_page, page_title, reason_label

public = Blueprint("feedback", __name__, template_folder="templates")
staff = Blueprint("feedback_staff", __name__, template_folder="templates")


@public.app_context_processor
def _box() -> dict[str, Any]:
    # Every page may draw the box; base.html asks for it only where it is shown.
    return {"feedback_box": current_box}


@public.post("/valutazione")
@rate_limited("feedback")
def submit() -> Response:
    """Store an answer about a known page, then show that page again with the thanks."""
    page = known_page(request.form.get("page", ""))
    rating = parse_rating(request.form.get(RATING))
    reason = parse_reason(request.form.get(REASON))
    comment = " ".join(request.form.get(DETAIL, "").split())
    if page is None or rating is None or reason is None:
        raise BadRequest("feedback: unknown page, rating or reason")
    if len(comment) > MAX_COMMENT or not comment.isprintable():
        raise BadRequest("feedback: detail too long or not text")
    record_feedback(
        db.session,
        page=page,
        rating=rating,
        reason=reason,
        comment=comment,
        locale=str(get_locale() or "it"),
    )
    db.session.commit()
    return redirect(f"{request.script_root}{page}?{RATING}={SENT}#feedback", code=303)


@staff.get("/")
def summary() -> str:
    """How many answers each page had and their average, then the latest comments."""
    return render_template(
        "feedback/summary.html",
        scores=scores(db.session),
        comments=latest_comments(db.session),
        page_title=page_title,
        reason_label=reason_label,
        average=format_average,
    )
