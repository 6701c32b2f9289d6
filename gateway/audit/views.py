"""The log's public face: checkpoints, the verifier key, proofs, and witnesses' cosignatures.

Every answer is plain data for machines (text/plain notes, JSON proofs) with CORS open, as
transparency logs publish; nothing here needs a session or a CSRF token.
"""

from __future__ import annotations

import base64
import logging
import re

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from tlog.merkle import ProofError

from ..db import db
from ..exceptions import InvalidInput, NotFound
from ..security import csrf
from .checkpoints import (
    CosignatureRefused,
    accept_cosignature,
    append_to_file,
    latest,
    latest_cosigned,
    published,
)
from .keys import audit_settings
from .tree import consistency_proof, inclusion_proof

log = logging.getLogger(__name__)
bp = Blueprint("audit", __name__, url_prefix="/.well-known/sportello-audit")
csrf.exempt(bp)

_NUMBER = re.compile(r"0|[1-9][0-9]{0,15}")
MAX_COSIGNED_BYTES = 1 << 16


def _text(body: str, max_age: int = 10) -> Response:
    response = Response(body, mimetype="text/plain")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _number(name: str) -> int:
    raw = request.args.get(name, "")
    if not _NUMBER.fullmatch(raw):
        raise InvalidInput(
            _("The parameter %(name)s must be a whole number.", name=name), detail=name
        )
    return int(raw)


def _b64(proof: list[bytes]) -> list[str]:
    return [base64.b64encode(p).decode() for p in proof]


@bp.get("/checkpoint")
def checkpoint() -> Response:
    """The latest signed checkpoint, with the cosignatures it has received so far."""
    row = latest(db.session)
    if row is None:
        raise NotFound(_("The audit log has no checkpoint yet."))
    return _text(published(row))


@bp.get("/checkpoint/cosigned")
def cosigned_checkpoint() -> Response:
    """The latest checkpoint that a witness cosigned."""
    row = latest_cosigned(db.session)
    if row is None or row.cosigned is None:
        raise NotFound(_("No checkpoint of the audit log has been cosigned yet."))
    return _text(row.cosigned)


@bp.get("/key")
def verifier_key() -> Response:
    """The log's note verifier key (name+key id+base64 key), then any retired ones."""
    settings = audit_settings()
    keys = [settings.verifier.encoded(), *(k.encoded() for k in settings.retired)]
    return _text("\n".join(keys) + "\n", max_age=3600)


@bp.get("/proof/inclusion")
def inclusion() -> Response:
    index, size = _number("index"), _number("size")
    try:
        proof = inclusion_proof(db.session, index, size)
    except ProofError as e:
        raise InvalidInput(
            _("There is no entry %(index)s in a tree of %(size)s.", index=index, size=size),
            detail=str(e),
        ) from e
    return _proof({"index": index, "size": size}, proof)


@bp.get("/proof/consistency")
def consistency() -> Response:
    old, new = _number("from"), _number("to")
    try:
        proof = consistency_proof(db.session, old, new)
    except ProofError as e:
        raise InvalidInput(
            _("There is no consistency proof from %(old)s to %(new)s.", old=old, new=new),
            detail=str(e),
        ) from e
    return _proof({"from": old, "to": new}, proof)


def _proof(asked: dict[str, int], proof: list[bytes]) -> Response:
    """A proof as JSON (its hashes in base64), readable by a verifier on any origin."""
    response = jsonify({**asked, "proof": _b64(proof)})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.post("/cosignature")
def cosignature() -> tuple[str, int]:
    """A witness hands back a checkpoint it cosigned; kept if it is one of ours and the
    cosignature is a known witness's."""
    if (request.content_length or 0) > MAX_COSIGNED_BYTES:
        raise InvalidInput(_("The cosigned checkpoint is too large."))
    data = request.get_data(cache=False)[: MAX_COSIGNED_BYTES + 1]
    if len(data) > MAX_COSIGNED_BYTES:
        raise InvalidInput(_("The cosigned checkpoint is too large."))
    settings = audit_settings()
    try:
        row = accept_cosignature(db.session, settings, data)
    except CosignatureRefused as e:
        db.session.rollback()
        raise InvalidInput(_("The cosigned checkpoint was not accepted."), detail=str(e)) from e
    cosigned = row.cosigned
    db.session.commit()
    if cosigned is not None:
        try:
            append_to_file(settings.checkpoint_file, cosigned)
        except OSError as e:
            log.error("audit: cosigned checkpoint NOT filed in %s: %s", settings.checkpoint_file, e)
    return "", 204
