"""The privacy notice a citizen reads before sending a request, and the record that they did.

The notice is the Ente's own (``legal.privacy_url`` of its record) or the gateway's built-in
``/privacy`` page. Sending needs the box "I have read the privacy notice" ticked in the very
post that sends; what was acknowledged (the notice's address, for the built-in page a digest
of its text, the language it was read in) and when is recorded in the data of the request's
``submitted`` (or ``confirmed``) event, written with the submission itself.

A clerk who sends a request for the citizen (at the desk, or in live help under a delegation)
ticks instead "the citizen has been given the privacy notice" (``GIVEN_FIELD``): the record then
names the clerk who gave it (``given_by``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..context import legal_url
from ..exceptions import InvalidInput
from ..models import utcnow
from .pages import base_url, lang

FIELD = "privacy_ack"
GIVEN_FIELD = "privacy_given"
BUILT_IN = "core/privacy.html"


class PrivacyNotAcknowledged(InvalidInput):
    """The request was sent without the box saying the privacy notice was read."""

    code = "PRIVACY_NOT_ACKNOWLEDGED"
    title = _l("Tick the box to say you have read the privacy notice.")


class PrivacyNotGiven(InvalidInput):
    """A clerk sent the request without the box saying the citizen was given the notice."""

    code = "PRIVACY_NOT_GIVEN"
    title = _l("Tick the box to say the citizen has been given the privacy notice.")


@dataclass(frozen=True)
class Acknowledgement:
    """What the citizen said they read: the notice's address, its text's digest if known."""

    notice_url: str
    notice_digest: str | None
    language: str
    at: datetime
    given_by: str | None = None  # the clerk (fiscal code) who gave it to the citizen

    def data(self) -> dict[str, dict[str, str]]:
        """What the submission's event records, under ``privacy_notice``."""
        data = {
            "url": self.notice_url,
            "language": self.language,
            "acknowledged_at": self.at.isoformat(),
        }
        if self.notice_digest:
            data["sha256"] = self.notice_digest
        if self.given_by:
            data["given_by"] = self.given_by
        return {"privacy_notice": data}


def notice_url() -> str:
    """Where the privacy notice is: the Ente's own, else the built-in page."""
    return legal_url("privacy")


def _built_in_digest() -> str:
    loader = current_app.jinja_env.loader
    assert loader is not None
    source, _filename, _uptodate = loader.get_source(current_app.jinja_env, BUILT_IN)
    return hashlib.sha256(source.encode()).hexdigest()


def _recorded(given_by: str | None = None) -> Acknowledgement:
    url = notice_url()
    own = url.startswith(("http://", "https://"))
    absolute = url if own else base_url().rstrip("/") + url
    return Acknowledgement(
        absolute, None if own else _built_in_digest(), lang(), utcnow(), given_by=given_by
    )


def acknowledgement(form: Mapping[str, str]) -> Acknowledgement | None:
    """The acknowledgement this post carries (the box ticked), or None."""
    return _recorded() if form.get(FIELD) == "on" else None


def given_by_clerk(form: Mapping[str, str], clerk_cf: str) -> Acknowledgement | None:
    """The clerk's statement, in this post, that the citizen was given the notice, or None."""
    return _recorded(given_by=clerk_cf) if form.get(GIVEN_FIELD) == "on" else None
