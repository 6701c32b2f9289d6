"""The citizen's personal area: an overview, a tab per kind of thing, the timelines."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import require_identity
from ..db import db
from ..timeline import describe
from ..transactions import operations
from .status import Status, status_of
from .tabs import TAB_SLUGS, TABS, gather

bp = Blueprint("citizen", __name__, template_folder="templates")

RECENT = 5  # transactions on the overview; the Pratiche tab has them all


@bp.app_template_global("status_of")
def _status_of(key: str | None) -> Status | None:
    """For ``macros/status.html``, on any page of any feature."""
    return status_of(key)


@bp.get("/")
def home() -> str:
    """What waits for the citizen first (to confirm, to pay), then shortcuts and recent work."""
    identity = require_identity()
    area = gather(db.session, identity.fiscal_code)
    transactions = next(
        s.items for s in area.tabs["pratiche"].sections if s.section.name == "transactions"
    )
    return render_template(
        "citizen/home.html", identity=identity, area=area, recent=transactions[:RECENT]
    )


@bp.get(f"/<any({', '.join(TAB_SLUGS)}):tab>")
def tab(tab: str) -> str:
    identity = require_identity()
    area = gather(db.session, identity.fiscal_code)
    shown = next(t for t in TABS if t.slug == tab)
    return render_template("citizen/tab.html", identity=identity, area=area, current=shown)


@bp.get("/pratiche/<reference:reference>")
def timeline(reference: str) -> str:
    identity = require_identity()
    tx = operations.get_by_reference(db.session, reference, subject_cf=identity.fiscal_code)
    entries = [describe(e) for e in tx.events]
    return render_template("citizen/timeline.html", identity=identity, tx=tx, entries=entries)
