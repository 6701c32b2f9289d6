"""The SPID level each area of the gateway needs: the server's policy, never the browser's.

Every blueprint belongs to an *area* (declared where it is registered, ``gateway/views.py``); a
view may name a stricter area of its own with ``@requires_area("breakglass")``. The level an
area needs comes from ``DEFAULT_LEVELS``, overridden by ``SPORTELLO_SPID_LEVELS``
(``health=3,breakglass=3``). A login asks the IdP for the level of the page it leads to; a
session below the level of the page it opens is asked to log in again at that level
(step-up). CIE always counts as level 3 (card and PIN).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app
from werkzeug.exceptions import HTTPException

DEFAULT_LEVELS: Mapping[str, int] = {
    "citizen": 1,  # personal area, messages, appointments, fines, school, forms
    "delegations": 2,  # letting a clerk act on one's behalf
    "health": 2,  # one's own (or a ward's) health record and its consent
    "clerk": 2,  # the clerks' desk, queue and live help
    "clinician": 2,  # a patient's records
    "breakglass": 2,  # emergency access without consent (3 where the region requires it)
    "privacy": 2,  # the privacy officer's review of emergency accesses
}

F = TypeVar("F", bound=Callable[..., Any])


def parse_levels(text: str) -> dict[str, int]:
    """``"health=3,clerk=2"`` → the policy; ValueError naming what is wrong."""
    levels = dict(DEFAULT_LEVELS)
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        area, sep, value = part.partition("=")
        area = area.strip()
        if not sep or area not in DEFAULT_LEVELS or value.strip() not in ("1", "2", "3"):
            raise ValueError(
                f"{part!r}: expected area=level with an area among {', '.join(DEFAULT_LEVELS)} "
                "and a level 1, 2 or 3"
            )
        levels[area] = int(value)
    return levels


def init_levels(app: Flask) -> None:
    from .config import ConfigurationError

    config = app.config["SPORTELLO"]
    try:
        app.extensions["sportello.levels"] = parse_levels(config.spid_levels)
    except ValueError as e:
        raise ConfigurationError(f"SPORTELLO_SPID_LEVELS: {e}") from e


def requires_area(area: str) -> Callable[[F], F]:
    """Mark a view as belonging to a stricter area than its blueprint's."""
    if area not in DEFAULT_LEVELS:
        raise ValueError(f"unknown area {area!r}")

    def mark(view: F) -> F:
        view.sportello_area = area  # type: ignore[attr-defined]
        return view

    return mark


def policy(app: Flask | None = None) -> Mapping[str, int]:
    app = app or current_app
    return app.extensions.get("sportello.levels", DEFAULT_LEVELS)


def area_of(app: Flask, endpoint: str) -> str | None:
    """The area whose level ``endpoint`` needs: the view's own, else its blueprint's."""
    view = app.view_functions.get(endpoint)
    own = getattr(view, "sportello_area", None)
    if own:
        return str(own)
    areas: dict[str, str] = app.extensions.get("sportello.areas", {})
    return areas.get(endpoint.rpartition(".")[0])


def required_level(app: Flask, endpoint: str | None) -> int:
    """The SPID level ``endpoint`` needs (0: none, a public page)."""
    if not endpoint:
        return 0
    area = area_of(app, endpoint)
    return policy(app).get(area, 0) if area else 0


def required_level_for_path(app: Flask, path: str) -> int:
    """The level of the page a (checked, same-site) path leads to; 0 when it matches none."""
    adapter = app.url_map.bind("localhost")
    target = path.split("?", 1)[0].split("#", 1)[0]
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(target, method=method)
        except HTTPException:
            continue
        return required_level(app, str(endpoint))
    return 0


def effective_level(method: str, level: int) -> int:
    """CIE is card + PIN: level 3 whatever the response says."""
    return 3 if method == "cie" else level
