"""A form posted after the session expired keeps what the citizen typed.

The post cannot be served (nobody is logged in, and the CSRF secret went with the session),
so before anything else looks at it the answers are stored on the server for this browser (a
random cookie, only its hash stored) and the citizen is asked to log in again; back on the
form, logged in, the answers come back once. The page carried an HMAC of the fiscal code of
the person it was shown to (``owner_tag``): whoever logs in next in that browser gets the
answers only if they are that person, else they are dropped unseen. Uploaded files are not
kept: the citizen attaches them again.

Only a post that carried the expired session's cookie is kept: that cookie is SameSite=Lax, so
another site's form cannot plant answers in a citizen's browser.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import (
    Response,
    after_this_request,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask.sansio.app import App
from flask_babel import gettext as _
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from ..db import db
from ..models import KeptAnswers, utcnow
from ..sessions import COOKIE_NAME as SESSION_COOKIE

COOKIE = "sportello_kept"
FIELD = "kept_owner"
KEPT_FOR = timedelta(hours=1)
FORM_ENDPOINTS = frozenset(
    {"forms_web.new", "forms_web.new_step", "forms_web.edit", "forms_web.edit_step"}
)
# The privacy box is ticked again before sending: an acknowledgement is the sending post's.
NOT_ANSWERS = frozenset({"csrf_token", "action", FIELD, "privacy_ack"})
MAX_VALUES, MAX_VALUE = 200, 10_000
_TAG = re.compile(r"[0-9a-f]{64}")


def owner_tag(fiscal_code: str) -> str:
    """What the form page carries to say whose answers it will hold (reveals nothing)."""
    key = current_app.config["SPORTELLO"].secret_key.encode()
    return hmac.new(key, f"kept-answers\n{fiscal_code}".encode(), hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cross_site() -> bool:
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def keep_expired_post() -> BaseResponse | None:
    """Before every other check: a form of a citizen whose session expired is kept (above)."""
    if request.method != "POST" or request.endpoint not in FORM_ENDPOINTS:
        return None
    if not session.get("expired") or _cross_site():
        return None
    tag = request.form.get(FIELD, "")
    if not _TAG.fullmatch(tag):
        return None
    answers = [
        [name, value[:MAX_VALUE]]
        for name, value in request.form.items(multi=True)
        if name not in NOT_ANSWERS
    ][:MAX_VALUES]
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.fresh_session(current_app) as s:
        s.execute(delete(KeptAnswers).where(KeptAnswers.expires_at < now))
        s.add(
            KeptAnswers(
                id_hash=_hash(token),
                path=request.path,
                owner_tag=tag,
                answers=answers,
                expires_at=now + KEPT_FOR,
            )
        )
        s.commit()
    flash(
        _(
            "Your session had expired. Log in again: what you typed is kept and comes back"
            " in the form."
        ),
        "warning",
    )
    response = redirect(url_for("auth.login_page", next=request.path), 303)
    # The dead session's cookie goes, so that the login page reads the message just flashed.
    response.delete_cookie(SESSION_COOKIE, path="/")
    config = current_app.config["SPORTELLO"]
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(KEPT_FOR.total_seconds()),
        httponly=True,
        secure=config.secure_cookies,
        samesite="Lax",
        path="/",
    )
    return response


def take_kept(fiscal_code: str) -> MultiDict[str, str] | None:
    """The answers kept in this browser for this form and this person, once; None if none.

    Whatever is found is deleted, shown or not, and the cookie goes with the response."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None

    @after_this_request
    def _forget(response: Response) -> Response:
        response.delete_cookie(COOKIE, path="/")
        return response

    with db.fresh_session(current_app) as s:
        row = s.get(KeptAnswers, _hash(token))
        if row is None:
            return None
        s.delete(row)
        s.commit()
        mine = hmac.compare_digest(row.owner_tag, owner_tag(fiscal_code))
        if not mine or row.path != request.path or row.expires_at < utcnow():
            return None
        return MultiDict([(str(name), str(value)) for name, value in row.answers])


def install(app: App) -> None:
    """Run ``keep_expired_post`` before the CSRF check and the access guard."""
    app.before_request_funcs.setdefault(None, []).insert(0, keep_expired_post)
