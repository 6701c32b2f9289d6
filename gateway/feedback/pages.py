"""Which pages carry the feedback box, and the box's questions.

A page is known by the route that served it: its endpoint is one of ``PAGES`` and its
variables passed that route's converters (a service page's slug is also in the catalogue).
The path stored with an answer is the one the URL map builds again from that endpoint and
those variables, so a client can name a page only by a path the gateway itself would serve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.routing.exceptions import RoutingException

from ..features import registry

MAX_PATH = 200  # the column's width; no page of the gateway comes near it
MAX_COMMENT = 200  # characters of the optional detail, as the Designers Italia model says

# The content pages of the Designers Italia model that ask "how clear is this page?": the
# home, the catalogue, every service page, the help page and the legal pages. Forms, the
# personal area and the staff pages do not: they are steps of a service, not information.
PAGES: Mapping[str, Any] = {
    "core.home": _l("Home"),
    "core.services": _l("Services"),
    "core.service": None,  # the service's own name
    "help.home": _l("Need help?"),
    "verify.verify_page": _l("Verify a document"),
    "core.privacy": _l("Privacy policy"),
    "core.accessibility": _l("Accessibility statement"),
    "core.legal_notes": _l("Legal notes"),
}


@dataclass(frozen=True)
class Reason:
    """An answer to the follow-up question; the same id reads positively or negatively."""

    id: str
    positive: Any
    negative: Any


# The follow-up question's choices, as the model words them; ratings 4 and 5 are positive.
REASONS = (
    Reason(
        "clear", _l("The instructions were clear"), _l("Sometimes the instructions were not clear")
    ),
    Reason(
        "complete",
        _l("The instructions were complete"),
        _l("Sometimes the instructions were not complete"),
    ),
    Reason(
        "progress",
        _l("I always understood that I was proceeding correctly"),
        _l("Sometimes I did not understand whether I was proceeding correctly"),
    ),
    Reason("technical", _l("I had no technical problems"), _l("I had technical problems")),
    Reason("other", _l("Other"), _l("Other")),
)
REASON_IDS = frozenset(reason.id for reason in REASONS)


def is_positive(rating: int) -> bool:
    return rating >= 4


def reason_label(reason_id: str, rating: int) -> Any:
    """The words the visitor chose, as they read them."""
    for reason in REASONS:
        if reason.id == reason_id:
            return reason.positive if is_positive(rating) else reason.negative
    return reason_id


def _adapter() -> MapAdapter:
    # Paths inside the application, whatever prefix a proxy serves it under.
    return current_app.url_map.bind("localhost", script_name="/")


def page_path(endpoint: str | None, values: Mapping[str, Any] | None) -> str | None:
    """The path of a page that carries the box, or None for any other page."""
    if endpoint not in PAGES:
        return None
    values = dict(values or {})
    if endpoint == "core.service" and registry().service(str(values.get("slug"))) is None:
        return None
    path = _adapter().build(endpoint, values)
    return path if len(path) <= MAX_PATH else None


def known_page(path: str) -> str | None:
    """``path`` if it is exactly the path of a page that carries the box, else None."""
    if not path.startswith("/") or len(path) > MAX_PATH or not path.isprintable():
        return None
    try:
        endpoint, values = _adapter().match(path, method="GET")
    except (HTTPException, RoutingException):  # no such page, or one that redirects elsewhere
        return None
    return path if page_path(str(endpoint), values) == path else None


def page_title(path: str) -> Any:
    """What the staff page calls a stored page: the service's name or the page's title."""
    try:
        endpoint, values = _adapter().match(path, method="GET")
    except (HTTPException, RoutingException):  # a page that has since gone away
        return path
    if endpoint == "core.service":
        service = registry().service(str(values.get("slug")))
        return service.label if service else path
    return PAGES.get(str(endpoint)) or path
