"""Seal keys: P-256 key pairs, PEM files, key ids and the published key set (JWKS).

The key id is the first 8 bytes of the SHA-256 of the public key's SubjectPublicKeyInfo DER,
written as 16 hex digits. It is derived, never configured, so a key set cannot lie about it.
"""

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from printing.errors import InvalidSealKey

PublicKey = ec.EllipticCurvePublicKey
PrivateKey = ec.EllipticCurvePrivateKey

_COORDINATE_BYTES = 32


def generate_key() -> PrivateKey:
    """Generate a new P-256 private key for signing seals."""
    return ec.generate_private_key(ec.SECP256R1())


def _require_p256(key: object) -> None:
    if not isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        raise InvalidSealKey("seal keys must be elliptic-curve keys")
    if not isinstance(key.curve, ec.SECP256R1):
        raise InvalidSealKey("seal keys must be on the P-256 curve")


def key_id(public_key: PublicKey) -> str:
    """The key id: hex of the first 8 bytes of sha256(SubjectPublicKeyInfo DER)."""
    _require_p256(public_key)
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).digest()[:8].hex()


def private_key_to_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_private_key_pem(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Load a P-256 private key from PEM; raises `InvalidSealKey` on anything else."""
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise InvalidSealKey("cannot read the private seal key PEM") from e
    _require_p256(key)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def public_key_to_pem(key: PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key_pem(data: bytes) -> PublicKey:
    """Load a P-256 public key from PEM (SubjectPublicKeyInfo); raises `InvalidSealKey`."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise InvalidSealKey("cannot read the public seal key PEM") from e
    _require_p256(key)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """One JWK (RFC 7517/7518) for a P-256 public key, with our key id."""
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(_COORDINATE_BYTES, "big")),
        "y": _b64url(numbers.y.to_bytes(_COORDINATE_BYTES, "big")),
        "kid": key_id(key),
        "use": "sig",
        "alg": "ES256",
    }


def export_jwks(public_keys: Iterable[PublicKey]) -> dict[str, list[dict[str, str]]]:
    """The key set the gateway publishes: `{"keys": [jwk, ...]}`, current and retired keys."""
    return {"keys": [public_key_to_jwk(key) for key in public_keys]}


def load_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Read one EC P-256 JWK; its `kid`, if present, must be the key id derived from the key."""
    try:
        if jwk["kty"] != "EC" or jwk["crv"] != "P-256":
            raise InvalidSealKey("seal keys must be EC P-256 JWKs")
        x = int.from_bytes(_b64url_decode(jwk["x"]), "big")
        y = int.from_bytes(_b64url_decode(jwk["y"]), "big")
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidSealKey("cannot read a JWK of the key set") from e
    if "kid" in jwk and jwk["kid"] != key_id(key):
        raise InvalidSealKey(f"JWK kid {jwk['kid']!r} does not match its key")
    return key


def load_jwks(jwks: Mapping[str, Any]) -> dict[str, PublicKey]:
    """Read a key set as exported by `export_jwks`: returns {key id: public key}."""
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise InvalidSealKey("a key set is an object with a 'keys' list")
    loaded = [load_jwk(jwk) for jwk in keys]
    return {key_id(key): key for key in loaded}
