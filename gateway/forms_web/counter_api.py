"""Counter terminals read a printed draft: ``POST /counter/api/v1/drafts/summary``.

Signed like every counter call (``counter.signing``); the body is ``{"code": "...",
"lang": "it"}``. The answer is a read-only summary — the counter can show a draft, never change
or submit it. Guesses are throttled per terminal and overall; 429 carries Retry-After.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..counter.signing import authenticate
from ..db import db
from ..errors import problem
from ..i18n import supported
from ..ratelimit import check_limit
from ..security import csrf
from .errors import ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses
from .operations import draft_summary_for_counter

bp = Blueprint("counter_drafts", __name__)
csrf.exempt(bp)


@bp.post("/drafts/summary")
def draft_summary() -> Response:
    check_limit("counter_address")
    terminal = authenticate(current_app, db.session, request)
    check_limit("counter", f"terminal:{terminal.id}")
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    lang = body.get("lang") if isinstance(body, dict) else None
    if not isinstance(code, str):
        return problem(400, "INVALID_REQUEST", "The request body is not valid", "code is missing")
    try:
        summary = draft_summary_for_counter(
            db.session,
            code,
            client=f"terminal:{terminal.id}",
            lang=supported(lang if isinstance(lang, str) else None),
        )
    except (ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses) as e:
        db.session.commit()  # a failed guess counts even though the request fails
        extra = {"retry_after": e.retry_after} if isinstance(e, TooManyGuesses) else {}
        response = problem(e.status, e.code, str(e.title), e.user_message, **extra)
        if isinstance(e, TooManyGuesses):
            response.headers["Retry-After"] = str(e.retry_after)
        return response
    db.session.commit()
    return jsonify(summary)
