"""Base45 (RFC 9285), COSE_Sign1 seals, keys and key sets."""

import json
import zlib
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from printing_factories import create_receipt_data

from printing.base45 import ALPHABET, b45decode, b45encode
from printing.errors import (
    Base45Error,
    DocumentDataError,
    InvalidSealKey,
    MalformedSeal,
    SealError,
    TamperedSeal,
    UnknownKey,
)
from printing.keys import (
    PrivateKey,
    export_jwks,
    generate_key,
    key_id,
    load_jwks,
    load_private_key_pem,
    load_public_key_pem,
    private_key_to_pem,
    public_key_to_pem,
)
from printing.receipt import receipt_claims
from printing.seal import SEAL_PREFIX, SealSigner, SealVerifier, seal_key_id

# --- Base45 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_rfc9285_vectors(raw: bytes, encoded: str) -> None:
    assert b45encode(raw) == encoded
    assert b45decode(encoded) == raw


@pytest.mark.parametrize(
    "bad",
    [
        "GGW",  # 16 + 16*45 + 32*45^2 = 65536: one past two bytes
        ":::",  # the largest triplet, 91124
        "Z:",  # 35 + 44*45 = 2015: past one byte
        "QED8WEX",  # length 3n+1
        "qed8wex0",  # lower case is not in the alphabet
        "QED8WEX0!",
    ],
)
def test_base45_rejects_invalid_text(bad: str) -> None:
    with pytest.raises(Base45Error):
        b45decode(bad)


@given(st.binary(max_size=300))
def test_base45_round_trip(data: bytes) -> None:
    encoded = b45encode(data)
    assert set(encoded) <= set(ALPHABET)
    assert len(encoded) == len(data) // 2 * 3 + len(data) % 2 * 2
    assert b45decode(encoded) == data


# --- helpers to forge seals -------------------------------------------------------------------


def _cose_parts(seal: str) -> list[Any]:
    message = cbor2.loads(b45decode(seal[len(SEAL_PREFIX) :]))
    return list(message.value)


def _reassemble(parts: list[Any], *, tag: int | None = 18) -> str:
    item = cbor2.CBORTag(tag, parts) if tag is not None else parts
    return SEAL_PREFIX + b45encode(cbor2.dumps(item))


def _with_claims_changed(seal: str, **changes: Any) -> str:
    """The same protected header and signature over different claims."""
    parts = _cose_parts(seal)
    claims = cbor2.loads(parts[2])
    claims.update(changes)
    parts[2] = cbor2.dumps(claims, canonical=True)
    return _reassemble(parts)


# --- COSE_Sign1 seals -------------------------------------------------------------------------


def test_seal_round_trip(signer: SealSigner, verifier: SealVerifier) -> None:
    claims = receipt_claims(create_receipt_data())
    seal = signer.seal(claims)
    assert seal.startswith("SP1:")
    verified = verifier.verify(seal)
    assert verified.claims == claims
    assert verified.kid == signer.kid == key_id(signer.public_key)


def test_seal_is_a_tagged_cose_sign1_with_protected_es256_and_kid(signer: SealSigner) -> None:
    message = cbor2.loads(b45decode(signer.seal({"a": 1})[4:]))
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert cbor2.loads(protected) == {1: -7, 4: bytes.fromhex(signer.kid)}
    assert unprotected == {}
    assert cbor2.loads(payload) == {"a": 1}
    assert len(signature) == 64


@settings(max_examples=40)
@given(
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.integers(), st.text(max_size=20), st.binary(max_size=32), st.booleans()),
        max_size=8,
    )
)
def test_any_plain_claims_round_trip(
    signer: SealSigner, verifier: SealVerifier, claims: dict[str, Any]
) -> None:
    assert verifier.verify(signer.seal(claims)).claims == claims


@pytest.mark.parametrize(
    "changes",
    [{"amt": 1}, {"rid": "RIC-2026-000124"}, {"h": bytes(32)}, {"nc": "300000000000000003"}],
)
def test_changed_claims_are_tampered(
    signer: SealSigner, verifier: SealVerifier, changes: dict[str, Any]
) -> None:
    seal = signer.seal(receipt_claims(create_receipt_data()))
    with pytest.raises(TamperedSeal):
        verifier.verify(_with_claims_changed(seal, **changes))


def test_seal_from_another_key_is_unknown(other_key: PrivateKey, verifier: SealVerifier) -> None:
    seal = SealSigner(other_key).seal(receipt_claims(create_receipt_data()))
    with pytest.raises(UnknownKey):
        verifier.verify(seal)


def test_another_key_claiming_our_kid_is_tampered(
    signer: SealSigner, other_key: PrivateKey, verifier: SealVerifier
) -> None:
    forged = SealSigner(other_key).sign_cose({"amt": 1})
    parts = list(cbor2.loads(forged).value)
    parts[0] = cbor2.dumps({1: -7, 4: bytes.fromhex(signer.kid)})
    with pytest.raises(TamperedSeal):
        verifier.verify(_reassemble(parts))


def test_malformed_seals(signer: SealSigner, verifier: SealVerifier) -> None:
    seal = signer.seal(receipt_claims(create_receipt_data()))
    parts = _cose_parts(seal)
    kid = bytes.fromhex(signer.kid)
    malformed = {
        "truncated": seal[:-10],
        "truncated to a valid Base45 length": seal[: 4 + (len(seal) - 4) // 3 * 3 - 3],
        "no prefix": seal[4:],
        "other prefix": "SP2:" + seal[4:],
        "garbled characters": seal[:40] + "abc!" + seal[44:],
        "empty": "SP1:",
        "trailing bytes": SEAL_PREFIX + b45encode(b45decode(seal[4:]) + b"\x00"),
        "untagged": _reassemble(parts, tag=None),
        "wrong tag": _reassemble(parts, tag=98),
        "three parts": _reassemble(parts[:3]),
        "kid only unprotected": _reassemble([cbor2.dumps({1: -7}), {4: kid}, *parts[2:]]),
        "ES384 header": _reassemble([cbor2.dumps({1: -35, 4: kid}), {}, *parts[2:]]),
        "short kid": _reassemble([cbor2.dumps({1: -7, 4: kid[:4]}), {}, *parts[2:]]),
        "DER signature": _reassemble([*parts[:3], b"\x30" + parts[3]]),
        "payload not bytes": _reassemble([parts[0], {}, {"amt": 1}, parts[3]]),
    }
    for name, text in malformed.items():
        with pytest.raises(MalformedSeal):
            verifier.verify(text)
            pytest.fail(f"{name} was accepted")


@pytest.fixture(scope="module")
def one_seal(signer: SealSigner) -> str:
    """One seal for every example: ECDSA signatures differ each time, examples must not."""
    return signer.seal(receipt_claims(create_receipt_data()))


@settings(max_examples=150)
@given(st.data())
def test_no_single_character_change_verifies(
    one_seal: str, verifier: SealVerifier, data: st.DataObject
) -> None:
    seal = one_seal
    position = data.draw(st.integers(min_value=0, max_value=len(seal) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != seal[position]))
    with pytest.raises(SealError):
        verifier.verify(seal[:position] + replacement + seal[position + 1 :])


def test_seal_key_id_reads_the_protected_kid(signer: SealSigner) -> None:
    assert seal_key_id(signer.seal({"a": 1})) == signer.kid


def test_claims_must_be_plain_data(signer: SealSigner) -> None:
    with pytest.raises(DocumentDataError):
        signer.seal({1: "numeric names are not allowed"})  # type: ignore[dict-item]
    with pytest.raises(DocumentDataError):
        signer.seal({"x": object()})


def test_zlib_would_save_little_on_a_receipt_seal(signer: SealSigner) -> None:
    # Why seals are not compressed: the signature and the hash are random bytes.
    cose = signer.sign_cose(receipt_claims(create_receipt_data()))
    saved = len(cose) - len(zlib.compress(cose, 9))
    assert saved < 0.06 * len(cose)


# --- keys and rotation --------------------------------------------------------------------------


def test_key_rotation_keeps_old_seals_valid(seal_key: PrivateKey) -> None:
    new_key = generate_key()
    old_seal = SealSigner(seal_key).seal({"rid": "old"})
    new_seal = SealSigner(new_key).seal({"rid": "new"})
    verifier = SealVerifier.from_public_keys([seal_key.public_key(), new_key.public_key()])
    assert verifier.verify(old_seal).kid == key_id(seal_key.public_key())
    assert verifier.verify(new_seal).kid == key_id(new_key.public_key())
    assert verifier.verify(old_seal).kid != verifier.verify(new_seal).kid
    retired = SealVerifier.from_public_keys([new_key.public_key()])
    with pytest.raises(UnknownKey):
        retired.verify(old_seal)


def test_jwks_export_and_load(seal_key: PrivateKey, other_key: PrivateKey) -> None:
    jwks = export_jwks([seal_key.public_key(), other_key.public_key()])
    published = json.loads(json.dumps(jwks))
    assert {jwk["kid"] for jwk in published["keys"]} == {
        key_id(seal_key.public_key()),
        key_id(other_key.public_key()),
    }
    assert all(jwk["kty"] == "EC" and jwk["crv"] == "P-256" for jwk in published["keys"])
    verifier = SealVerifier(load_jwks(published))
    assert verifier.verify(SealSigner(other_key).seal({"a": 1})).claims == {"a": 1}


def test_jwks_with_a_lying_kid_is_refused(seal_key: PrivateKey) -> None:
    jwks = export_jwks([seal_key.public_key()])
    jwks["keys"][0]["kid"] = "0011223344556677"
    with pytest.raises(InvalidSealKey):
        load_jwks(jwks)
    with pytest.raises(InvalidSealKey):
        load_jwks({"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]})


def test_pem_round_trip(seal_key: PrivateKey) -> None:
    public = load_public_key_pem(public_key_to_pem(seal_key.public_key()))
    assert key_id(public) == key_id(seal_key.public_key())
    for password in (None, b"test-only-password"):
        loaded = load_private_key_pem(private_key_to_pem(seal_key, password), password)
        assert key_id(loaded.public_key()) == key_id(seal_key.public_key())
    with pytest.raises(InvalidSealKey):
        load_private_key_pem(private_key_to_pem(seal_key, b"test-only-password"), b"wrong")
    with pytest.raises(InvalidSealKey):
        load_public_key_pem(b"-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")


def test_only_p256_keys(seal_key: PrivateKey) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(InvalidSealKey):
        SealSigner(p384)
    with pytest.raises(InvalidSealKey):
        load_private_key_pem(private_key_to_pem(p384))
    with pytest.raises(InvalidSealKey):
        SealSigner(seal_key, kid="0011223344556677")
    with pytest.raises(InvalidSealKey):
        SealVerifier({"0011223344556677": seal_key.public_key()})
