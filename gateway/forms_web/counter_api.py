"""Counter terminals read a printed draft: ``POST /counter/api/v1/drafts/summary``.

Signed like every counter call (``counter.signing``); the body is ``{"code": "...",
"lang": "it"}``. The answer is a read-only summary — the counter can show a draft, never change
or submit it. Guesses are throttled per terminal and overall; 429 carries Retry-After.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..counter.api import signed_terminal
from ..counter.contract import json_body
from ..db import db
from ..errors import problem
from ..i18n import supported
from ..security import csrf
from .errors import ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses
from .operations import draft_summary_for_counter

bp = Blueprint("counter_drafts", __name__)
csrf.exempt(bp)


@bp.post("/drafts/summary")
def draft_summary() -> Response:
    terminal = signed_terminal()
    body = json_body(request, "DraftSummaryRequest")
    try:
        summary = draft_summary_for_counter(
            db.session,
            body["code"],
            client=f"terminal:{terminal.id}",
            lang=supported(body.get("lang")),
        )
    except (ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses) as e:
        db.session.commit()  # a failed guess counts even though the request fails
        extra = {"retry_after": e.retry_after} if isinstance(e, TooManyGuesses) else {}
        response = problem(e.status, e.code, e.user_message, **extra)
        if isinstance(e, TooManyGuesses):
            response.headers["Retry-After"] = str(e.retry_after)
        return response
    db.session.commit()
    return jsonify(summary)
