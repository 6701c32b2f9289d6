"""The public verify page for sealed documents, and the published seal keys (JWKS)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import get_locale

from printing import MalformedSeal, SealNotFound, TamperedSeal, UnknownKey, describe_claims
from printing.errors import UnreadableDocument

from ..audit.inclusion import receipt_inclusion
from ..db import db
from ..i18n import language
from ..payments.receipts import matches_stored_payment
from ..seals import seal_keys

bp = Blueprint("verify", __name__, template_folder="templates")

KEYS_PATH = "/.well-known/sportello-seal-keys.json"
MAX_SEAL_LENGTH = 2000


@dataclass
class Outcome:
    """What the page says: valid, tampered, unknown_key, malformed or no_seal."""

    result: str
    claims: list[tuple[str, str]] = field(default_factory=list)
    kid: str = ""
    matches_record: bool | None = None
    kind: str = ""
    audit_proof: str | None = None  # base64 of the payment's audit-log proof (JSON)


def check_seal(text: str, lang: str) -> Outcome:
    try:
        verified = seal_keys().verifier.verify(text)
    except UnknownKey:
        return Outcome("unknown_key")
    except TamperedSeal:
        return Outcome("tampered")
    except MalformedSeal:
        return Outcome("malformed")
    claims: dict[str, Any] = dict(verified.claims)
    kind = str(claims.get("typ", ""))
    matches = matches_stored_payment(db.session, claims) if kind == "receipt" else None
    proof = receipt_inclusion(db.session, str(claims["rid"])) if matches else None
    if proof is not None:
        proof = base64.b64encode(proof.encode()).decode()
    described = describe_claims(claims, language(lang))
    return Outcome("valid", described, verified.kid, matches, kind, proof)


def seal_from_pdf(data: bytes) -> str | None:
    from printing.verify import find_seal, read_codes

    try:
        return find_seal(read_codes(data))
    except (SealNotFound, UnreadableDocument):
        return None


@bp.route("/verifica", methods=["GET", "POST"])
def verify_page() -> str:
    outcome: Outcome | None = None
    if request.method == "POST":
        lang = str(get_locale() or "it")
        upload = request.files.get("document")
        text = (request.form.get("seal") or "").strip()
        if upload is not None and upload.filename:
            found = seal_from_pdf(upload.read())
            outcome = check_seal(found, lang) if found else Outcome("no_seal")
        elif text and len(text) <= MAX_SEAL_LENGTH:
            outcome = check_seal(text, lang)
        else:
            outcome = Outcome("malformed" if text else "no_seal")
    return render_template("verify/page.html", outcome=outcome, keys_path=KEYS_PATH)


@bp.get(KEYS_PATH)
def seal_keys_json() -> Response:
    """The public keys that check our seals (current and retired), as a JWK Set."""
    response = jsonify(seal_keys().jwks)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
