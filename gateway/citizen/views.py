"""The citizen's personal area: their transactions and each one's timeline."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import require_identity
from ..db import db
from ..timeline import describe
from ..transactions import operations

bp = Blueprint("citizen", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    identity = require_identity()
    transactions = operations.list_for_subject(db.session, identity.fiscal_code)
    return render_template("citizen/home.html", identity=identity, transactions=transactions)


@bp.get("/pratiche/<reference:reference>")
def timeline(reference: str) -> str:
    identity = require_identity()
    tx = operations.get_by_reference(db.session, reference, subject_cf=identity.fiscal_code)
    entries = [describe(e) for e in tx.events]
    return render_template("citizen/timeline.html", identity=identity, tx=tx, entries=entries)
