"""Checks on the ID token (OpenID Connect Core 1.0 §3.1.3.7), each failure with its reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError

from identity.oidc.errors import ID_TOKEN_INVALID, NONCE_MISMATCH, OIDCAuthenticationError
from identity.oidc.provider import OpenIDProvider, ProviderMetadata
from identity.oidc.settings import OIDCSettings

_HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


def _invalid(detail: str) -> OIDCAuthenticationError:
    return OIDCAuthenticationError(ID_TOKEN_INVALID, detail)


def verify_id_token(
    id_token: str,
    *,
    settings: OIDCSettings,
    provider: OpenIDProvider,
    metadata: ProviderMetadata,
    nonce: str,
    access_token: str | None,
    now: float,
) -> dict[str, Any]:
    """The claims of `id_token` once its signature, issuer, audience, times and nonce check out.

    The algorithm must be one of `settings.id_token_algorithms` (and, when the provider lists
    them, one it declares); the key comes from the provider's JWKS by `kid`. `at_hash` is
    checked when present.
    """
    try:
        header = jws.extract_compact(id_token.encode("ascii")).headers()
    except (JoseError, UnicodeError, ValueError) as e:
        raise _invalid(f"not a compact JWS: {type(e).__name__}") from e
    alg = header.get("alg")
    allowed = set(settings.id_token_algorithms)
    if metadata.id_token_algorithms:
        allowed &= set(metadata.id_token_algorithms)
    if alg not in allowed:
        raise _invalid(f"algorithm {alg!r} not accepted")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise _invalid("kid is not a string")
    key = provider.signing_key(kid)
    try:
        claims = jwt.decode(id_token, key, algorithms=[alg]).claims
    except JoseError as e:
        raise _invalid(f"signature or payload refused: {type(e).__name__}") from e
    check_claims(claims, settings=settings, nonce=nonce, now=now)
    if "at_hash" in claims and access_token is not None:
        expected = half_hash(access_token, alg)
        if not hmac.compare_digest(str(claims["at_hash"]), expected):
            raise _invalid("at_hash does not match the access token")
    return claims


def check_claims(claims: dict[str, Any], *, settings: OIDCSettings, nonce: str, now: float) -> None:
    """`iss`, `aud`, `azp`, `exp`, `iat`, `sub` and `nonce` of a signature-checked ID token."""
    if claims.get("iss") != settings.issuer:
        raise _invalid(f"iss is {claims.get('iss')!r}")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if settings.client_id not in audiences:
        raise _invalid(f"aud {aud!r} does not include our client_id")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != settings.client_id:
        raise _invalid(f"azp is {azp!r}")
    skew = settings.clock_skew
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise _invalid("exp or iat missing or not a number")
    if now > exp + skew:
        raise _invalid(f"expired {now - exp:.0f} s ago")
    if iat > now + skew:
        raise _invalid(f"issued {iat - now:.0f} s in the future")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise _invalid("sub missing")
    got = claims.get("nonce")
    if not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
        raise OIDCAuthenticationError(NONCE_MISMATCH, "the ID token's nonce is not ours")


def half_hash(value: str, alg: str) -> str:
    """`at_hash`/`c_hash`: left half of the hash of `value` (hash size from `alg`), base64url."""
    digest = _HASHES.get(alg[-3:], hashlib.sha256)(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
