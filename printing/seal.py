"""Verification seals: signed claims that fit in a QR code and can be checked offline.

The design follows the EU Digital COVID Certificate: the claims are a CBOR map, signed as a
COSE_Sign1 message (RFC 9052, CBOR tag 18) with ES256 on P-256, the key id in the protected
header; the message is Base45-encoded (RFC 9285) so that the QR code uses alphanumeric mode,
and prefixed with `SP1:`.

Unlike the certificate we do not zlib-compress: 64 bytes of a seal are the signature and 32 the
document hash, all random, and the short claims hardly repeat; deflate saves a few percent on a
receipt seal (measured in the tests) — not worth a second parser of untrusted input and its
decompression-bomb guard. The prefix would change (`SP2:`) if that ever changed.
"""

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from printing.base45 import b45decode, b45encode
from printing.errors import (
    Base45Error,
    DocumentDataError,
    InvalidSealKey,
    MalformedSeal,
    TamperedSeal,
    UnknownKey,
)
from printing.keys import PrivateKey, PublicKey, key_id

SEAL_PREFIX = "SP1:"

_COSE_SIGN1_TAG = 18
_HEADER_ALG = 1
_HEADER_KID = 4
_ALG_ES256 = -7
_KID_BYTES = 8
_COORDINATE_BYTES = 32
_DECODE_ERRORS = (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError)


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    # RFC 9052 §4.4: the signature covers the protected header and the payload, never the
    # unprotected header, so the kid must be protected or it could be swapped.
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _loads_exact(data: bytes) -> Any:
    """Decode exactly one CBOR item; trailing bytes make the message malformed."""
    stream = io.BytesIO(data)
    item = cbor2.CBORDecoder(stream, allow_duplicate_keys=False, max_depth=16).decode()
    if stream.tell() != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return item


class SealSigner:
    """Signs claims into seal text with one P-256 private key."""

    def __init__(self, private_key: PrivateKey, kid: str | None = None) -> None:
        if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
            private_key.curve, ec.SECP256R1
        ):
            raise InvalidSealKey("seals are signed with a P-256 private key")
        derived = key_id(private_key.public_key())
        if kid is not None and kid != derived:
            raise InvalidSealKey("the key id given does not match the private key")
        self._key = private_key
        self.kid = derived
        self._protected = cbor2.dumps(
            {_HEADER_ALG: _ALG_ES256, _HEADER_KID: bytes.fromhex(derived)}
        )

    @property
    def public_key(self) -> PublicKey:
        return self._key.public_key()

    def sign_cose(self, claims: Mapping[str, Any]) -> bytes:
        """The tagged COSE_Sign1 message over the CBOR-encoded claims (canonical encoding)."""
        if not all(isinstance(name, str) for name in claims):
            raise DocumentDataError("claim names must be strings")
        try:
            payload = cbor2.dumps(dict(claims), canonical=True)
        except (cbor2.CBOREncodeError, TypeError, ValueError) as e:
            raise DocumentDataError("claims must be CBOR-encodable plain data") from e
        der = self._key.sign(_sig_structure(self._protected, payload), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")
        message = [self._protected, {}, payload, signature]
        return cbor2.dumps(cbor2.CBORTag(_COSE_SIGN1_TAG, message))

    def seal(self, claims: Mapping[str, Any]) -> str:
        """Seal text for a QR code: `SP1:` + Base45(COSE_Sign1). Claim names are strings."""
        return SEAL_PREFIX + b45encode(self.sign_cose(claims))


@dataclass(frozen=True)
class VerifiedSeal:
    """Claims whose signature checked out, and the id of the key that signed them."""

    claims: Mapping[str, Any] = field(hash=False)
    kid: str


@dataclass(frozen=True)
class _CoseSign1:
    protected: bytes
    kid: str
    payload: bytes
    signature: bytes


def _parse_cose(text: str) -> _CoseSign1:
    if not text.startswith(SEAL_PREFIX):
        raise MalformedSeal(f"a seal starts with {SEAL_PREFIX!r}")
    try:
        raw = b45decode(text[len(SEAL_PREFIX) :])
        message = _loads_exact(raw)
    except (Base45Error, *_DECODE_ERRORS) as e:
        raise MalformedSeal("the seal is not a readable COSE message") from e
    if not isinstance(message, cbor2.CBORTag) or message.tag != _COSE_SIGN1_TAG:
        raise MalformedSeal("the seal is not a tagged COSE_Sign1 message")
    parts = message.value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise MalformedSeal("a COSE_Sign1 message has four parts")
    protected, unprotected, payload, signature = parts
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Mapping)
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise MalformedSeal("the COSE_Sign1 parts have the wrong types")
    try:
        header = _loads_exact(protected)
    except _DECODE_ERRORS as e:
        raise MalformedSeal("the protected header is not CBOR") from e
    if not isinstance(header, Mapping) or header.get(_HEADER_ALG) != _ALG_ES256:
        raise MalformedSeal("the seal is not signed with ES256")
    kid = header.get(_HEADER_KID)
    if not isinstance(kid, bytes) or len(kid) != _KID_BYTES:
        raise MalformedSeal("the protected header has no 8-byte key id")
    if len(signature) != 2 * _COORDINATE_BYTES:
        raise MalformedSeal("an ES256 signature is 64 bytes")
    return _CoseSign1(protected=protected, kid=kid.hex(), payload=payload, signature=signature)


def seal_key_id(text: str) -> str:
    """The key id a seal claims to be signed with (unverified); raises `MalformedSeal`."""
    return _parse_cose(text).kid


class SealVerifier:
    """Verifies seals against a set of public keys, by key id.

    Keep retired keys in the set: seals they signed stay valid while new seals use the new key.
    """

    def __init__(self, keys: Mapping[str, PublicKey]) -> None:
        for kid, key in keys.items():
            if key_id(key) != kid:
                raise InvalidSealKey(f"key id {kid!r} does not match its public key")
        self._keys = dict(keys)

    @classmethod
    def from_public_keys(cls, keys: Iterable[PublicKey]) -> "SealVerifier":
        return cls({key_id(key): key for key in keys})

    def verify(self, text: str) -> VerifiedSeal:
        """Check a seal and return its claims.

        Raises `MalformedSeal` (not a seal of ours), `UnknownKey` (a key we do not hold) or
        `TamperedSeal` (the signature does not cover these bytes).
        """
        cose = _parse_cose(text)
        key = self._keys.get(cose.kid)
        if key is None:
            raise UnknownKey(f"no seal key with id {cose.kid}")
        r = int.from_bytes(cose.signature[:_COORDINATE_BYTES], "big")
        s = int.from_bytes(cose.signature[_COORDINATE_BYTES:], "big")
        try:
            key.verify(
                encode_dss_signature(r, s),
                _sig_structure(cose.protected, cose.payload),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature as e:
            raise TamperedSeal("the seal's signature does not match its content") from e
        try:
            claims = _loads_exact(cose.payload)
        except _DECODE_ERRORS as e:  # signed by us yet unreadable: a bug on the issuing side
            raise MalformedSeal("the signed claims are not CBOR") from e
        if not isinstance(claims, Mapping) or not all(isinstance(k, str) for k in claims):
            raise MalformedSeal("the signed claims are not a map with string names")
        return VerifiedSeal(claims=dict(claims), kid=cose.kid)
