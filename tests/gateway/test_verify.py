"""The public verify page and the published seal keys; offline verification with them."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import cbor2
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.keys import audit_settings
from gateway.models import Document
from gateway.seals import seal_keys
from printing import SEAL_PREFIX, SealSigner, generate_key
from printing.base45 import b45decode, b45encode
from printing.verify import main as verify_cli

from .audit_support import sequence_now
from .pages import token_in
from .payments_factories import create_fine_notice, terminal_client


def with_claim(seal: str, name: str, value: object) -> str:
    """The same seal (key id, signature) over claims with one value changed."""
    message = cbor2.loads(b45decode(seal[len(SEAL_PREFIX) :]))
    protected, unprotected, payload, signature = message.value
    claims = cbor2.loads(payload)
    claims[name] = value
    forged = cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature])
    return SEAL_PREFIX + b45encode(cbor2.dumps(forged))


def paid_receipt(app: Flask, session: Session) -> Document:
    notice = create_fine_notice(app)
    assert terminal_client(app, session, terminal_id="TAB-0001").pay(notice).status_code == 200
    return session.scalars(select(Document).where(Document.kind == "receipt")).one()


def post_verify(client: FlaskClient, **data: object) -> tuple[str, str]:
    form = client.get("/verifica").get_data(as_text=True)
    page = client.post(
        "/verifica",
        data={"csrf_token": token_in(form), **data},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    result = re.search(r'data-testid="verify-result" data-result="([a-z_]+)"', page)
    assert result, page
    return result.group(1), page


def test_an_uploaded_receipt_is_valid_and_matches_the_payment(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    receipt = paid_receipt(app, session)
    result, page = post_verify(
        client, document=(io.BytesIO(receipt.content), "ricevuta.pdf", "application/pdf")
    )
    assert result == "valid"
    assert "Corrisponde al pagamento registrato" in page
    assert "Tabaccheria Centrale" in page and "121,10" in page
    assert 'data-testid="audit-inclusion"' not in page  # no signed checkpoint yet


def test_a_verified_receipt_shows_its_payment_in_the_signed_log(
    app: Flask, client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    receipt = paid_receipt(app, session)
    sequence_now(app)
    result, page = post_verify(
        client, document=(io.BytesIO(receipt.content), "ricevuta.pdf", "application/pdf")
    )
    assert result == "valid" and "inclusa nel registro firmato" in page
    found = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]+)"', page)
    assert found
    saved = tmp_path / "receipt-proof.json"
    saved.write_bytes(base64.b64decode(found.group(1)))
    key = audit_settings(app).verifier.encoded()
    script = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_proof.py"
    checked = subprocess.run(
        [sys.executable, str(script), str(saved), "--key", key],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert json.loads(saved.read_text())["entry"].find(receipt_id(receipt)) > 0


def receipt_id(receipt: Document) -> str:
    assert receipt.seal
    return str(
        dict(cbor2.loads(cbor2.loads(b45decode(receipt.seal[len(SEAL_PREFIX) :])).value[2]))["rid"]
    )


def test_tampered_unknown_and_malformed_seals(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    receipt = paid_receipt(app, session)
    assert receipt.seal
    seal = receipt.seal
    verifier_claims = dict(seal_keys(app).verifier.verify(seal).claims)
    for claim, value in (("amt", 1), ("rid", "RIC-2026-9999999")):
        result, page = post_verify(client, seal=with_claim(seal, claim, value))
        assert result == "tampered" and "Sigillo alterato" in page

    forger = SealSigner(generate_key())
    assert post_verify(client, seal=forger.seal(verifier_claims))[0] == "unknown_key"
    assert post_verify(client, seal="not a seal")[0] == "malformed"
    assert post_verify(client, document=(io.BytesIO(b"%PDF-1.4 junk"), "x.pdf"))[0] == "no_seal"


def test_a_seal_signed_by_us_that_disagrees_with_the_record_is_flagged(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    receipt = paid_receipt(app, session)
    assert receipt.seal
    claims = dict(seal_keys(app).verifier.verify(receipt.seal).claims)
    claims["amt"] = 1  # as if someone had obtained a seal over other data
    result, page = post_verify(client, seal=seal_keys(app).signer.seal(claims))
    assert result == "valid" and "NON corrisponde" in page


def test_keys_endpoint_and_offline_verification(
    app: Flask, client: FlaskClient, session: Session, tmp_path: Path, capsys: object
) -> None:
    receipt = paid_receipt(app, session)
    answer = client.get("/.well-known/sportello-seal-keys.json")
    jwks = answer.get_json()
    assert answer.headers["Cache-Control"].startswith("public")
    assert [k["kid"] for k in jwks["keys"]] == [seal_keys(app).signer.kid]
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(jwks))
    pdf = tmp_path / "ricevuta.pdf"
    pdf.write_bytes(receipt.content)
    assert verify_cli([str(pdf), "--keys", str(keys)]) == 0
    other = tmp_path / "other.json"
    from printing import export_jwks

    other.write_text(json.dumps(export_jwks([generate_key().public_key()])))
    assert verify_cli([str(pdf), "--keys", str(other)]) == 2
