"""Binds a pending login to the browser that started it (no login CSRF, no session swap).

Starting a login sets a random *binder* in a dedicated cookie and stores only its hash with the
pending request; the ACS and the OIDC callback accept an answer only from a browser that shows
the binder of that very request. The session cookie cannot do this job: it is ``SameSite=Lax``,
so a real IdP's cross-site POST to the ACS arrives without it. The binder cookie is
``SameSite=None; Secure`` behind https (``__Host-`` prefixed, so a sibling site cannot plant
one) and ``Lax`` on the plain-http demo, where the test IdP is on the same site.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import Request
from werkzeug.wrappers import Response

from ..config import Config

LIFETIME_SECONDS = 600  # as long as a pending request is valid
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def cookie_name(config: Config) -> str:
    return "__Host-sportello-login" if config.secure_cookies else "sportello_login"


def binder_of(request: Request, config: Config) -> str | None:
    """This browser's binder, if it sent a well-formed one."""
    value = request.cookies.get(cookie_name(config))
    return value if value and _SHAPE.fullmatch(value) else None


def new_or_current(request: Request, config: Config) -> str:
    """Keep the binder of a login under way in another tab; else a fresh one."""
    return binder_of(request, config) or secrets.token_urlsafe(32)


def binder_hash(binder: str) -> str:
    return hashlib.sha256(binder.encode()).hexdigest()


def matches(binder: str | None, stored_hash: str | None) -> bool:
    """True only when the browser's binder is the one stored with the pending request."""
    if not binder or not stored_hash:
        return False
    return hmac.compare_digest(binder_hash(binder), stored_hash)


def set_cookie(response: Response, binder: str, config: Config) -> None:
    response.set_cookie(
        cookie_name(config),
        binder,
        max_age=LIFETIME_SECONDS,
        path="/",
        httponly=True,
        secure=config.secure_cookies,
        samesite="None" if config.secure_cookies else "Lax",
    )


def clear_cookie(response: Response, config: Config) -> None:
    response.delete_cookie(
        cookie_name(config),
        path="/",
        httponly=True,
        secure=config.secure_cookies,
        samesite="None" if config.secure_cookies else "Lax",
    )
