"""The state of the feedback box on the page being shown, read from its query string.

The box goes one step at a time, as plain forms: the stars (a GET form to the page itself),
the follow-up question (GET again, carrying the stars), then the optional detail, which is
the one POST and stores the answer; after it the page shows the thanks. Nothing changes on
the server before that POST, so the first two steps need neither a session nor a token, and
with JavaScript the same forms are sent with fetch and the box is swapped in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, request

from .pages import REASON_IDS, REASONS, Reason, is_positive, page_path

RATING = "valutazione"  # query and form field: 1-5, or SENT after the answer was stored
REASON = "motivo"
DETAIL = "dettaglio"
SENT = "inviata"


@dataclass(frozen=True)
class Box:
    """What the box shows: ``step`` is ``rate``, ``reason``, ``detail`` or ``thanks``."""

    page: str
    step: str
    rating: int | None = None
    reason: str | None = None

    @property
    def positive(self) -> bool:
        return self.rating is not None and is_positive(self.rating)

    @property
    def choices(self) -> tuple[tuple[str, Any], ...]:
        """The follow-up question's choices for this rating: (id, label)."""
        return tuple((r.id, _label(r, self.positive)) for r in REASONS)


def _label(reason: Reason, positive: bool) -> Any:
    return reason.positive if positive else reason.negative


def parse_rating(value: str | None) -> int | None:
    """1 to 5 written as one digit, else None."""
    if value is not None and len(value) == 1 and value in "12345":
        return int(value)
    return None


def parse_reason(value: str | None) -> str | None:
    return value if value in REASON_IDS else None


def current_box() -> Box | None:
    """The box of the page this request shows, or None when the page has no box.

    A query value that is not exactly one of the expected ones starts the box again from the
    stars: the box never fails a page.
    """
    if g.get("database_unavailable"):  # the 503 page: no answer could be stored now
        return None
    page = page_path(request.endpoint, request.view_args)
    if page is None:
        return None
    raw = request.args.get(RATING)
    if raw == SENT:
        return Box(page, "thanks")
    rating = parse_rating(raw)
    if rating is None:
        return Box(page, "rate")
    reason = parse_reason(request.args.get(REASON))
    if reason is None:
        return Box(page, "reason", rating)
    return Box(page, "detail", rating, reason)
