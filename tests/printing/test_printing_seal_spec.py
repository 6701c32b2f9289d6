"""docs/seal.md is the seal's specification: its test vectors verify, and a third-party COSE
library (python-cwt, in its own environment: it needs cbor2 < 6) verifies our seals."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from printing_factories import create_receipt_data

from printing.claims import canonical_data
from printing.keys import key_id
from printing.receipt import receipt_claims, render_receipt
from printing.seal import SealSigner, SealVerifier
from printing.verify import read_codes

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "docs" / "seal-vectors"
SPEC = ROOT / "docs" / "seal.md"
COSE_PYTHON = ROOT / ".venv-cose" / "bin" / "python"
THIRD_PARTY = Path(__file__).parent / "third_party" / "verify_with_cwt.py"
IN_CI = os.environ.get("CI", "").lower() == "true"


def vector() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VECTORS / "receipt.json").read_text("utf-8"))
    return loaded


def third_party_verify(seal: str, pem: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not COSE_PYTHON.exists():
        message = "python-cwt's environment is missing: run tools/setup.sh --test"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    key_file = tmp_path / "seal-key.pem"
    key_file.write_bytes(pem)
    return subprocess.run(
        [str(COSE_PYTHON), str(THIRD_PARTY), seal, str(key_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_vector_verifies_and_its_parts_agree() -> None:
    v = vector()
    public = serialization.load_pem_public_key(v["public_key_pem"].encode())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert v["kid"] == hashlib.sha256(spki).digest()[:8].hex() == key_id(public)
    verified = SealVerifier({v["kid"]: public}).verify(v["seal"])
    shown = {k: x.hex() if isinstance(x, bytes) else x for k, x in verified.claims.items()}
    assert shown == v["claims"]
    assert hashlib.sha256(v["canonical_data"].encode()).hexdigest() == v["claims"]["h"]
    assert canonical_data(create_receipt_data()).decode() == v["canonical_data"]
    assert {k: x for k, x in receipt_claims(create_receipt_data()).items() if k != "h"} == {
        k: x for k, x in v["claims"].items() if k != "h"
    }
    from printing.base45 import b45decode

    cose = b45decode(v["seal"].removeprefix("SP1:"))
    assert cose.hex() == v["cose_sign1_hex"] and v["protected_header_hex"] in v["cose_sign1_hex"]
    # The published test key is the one that signed it.
    private = serialization.load_pem_private_key(
        (VECTORS / "TEST-ONLY-key.pem").read_bytes(), password=None
    )
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert key_id(private.public_key()) == v["kid"]


def test_the_specification_names_every_claim() -> None:
    text = SPEC.read_text("utf-8")
    for claim in receipt_claims(create_receipt_data()):
        assert f"| `{claim}` " in text, claim
    for field in json.loads(canonical_data(create_receipt_data())):
        assert f"`{field}`" in text, field


def test_python_cwt_verifies_a_receipt_we_print(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    data = create_receipt_data()
    pdf, _seal = render_receipt(data, SealSigner(key))
    seal = next(code for code in read_codes(pdf) if code.startswith("SP1:"))  # from the page
    checked = third_party_verify(seal, pem, tmp_path)
    assert checked.returncode == 0, checked.stderr
    answer = json.loads(checked.stdout)
    assert answer["kid"] == key_id(key.public_key())
    expected = {k: x.hex() if isinstance(x, bytes) else x for k, x in receipt_claims(data).items()}
    assert answer["claims"] == expected

    tampered = seal[:40] + ("A" if seal[40] != "A" else "B") + seal[41:]
    assert third_party_verify(tampered, pem, tmp_path).returncode == 1
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    other_pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert third_party_verify(seal, other_pem, tmp_path).returncode == 1


def test_python_cwt_verifies_the_published_vector(tmp_path: Path) -> None:
    v = vector()
    checked = third_party_verify(v["seal"], v["public_key_pem"].encode(), tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == {"kid": v["kid"], "claims": v["claims"]}


def test_the_third_party_script_imports_nothing_of_ours() -> None:
    source = THIRD_PARTY.read_text("utf-8")
    assert "printing" not in source and "gateway" not in source
    assert sys.executable != str(COSE_PYTHON)
