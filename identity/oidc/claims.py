"""From verified claims (ID token + userinfo) to an `Identity`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from identity.model import Identity
from identity.oidc.errors import LEVEL_TOO_LOW, MISSING_CLAIMS, OIDCAuthenticationError
from identity.oidc.settings import OIDCSettings

_FISCAL_CODE = re.compile(r"[A-Z0-9]{16}|[0-9]{11}")


def missing_claims(claims: dict[str, Any], settings: OIDCSettings) -> list[str]:
    """Names of the claims we need that `claims` lacks (empty strings count as missing)."""
    wanted = (settings.fiscal_code_claim, *settings.required_claims)
    return [name for name in wanted if not _text(claims.get(name))]


def spid_level(acr: object, settings: OIDCSettings) -> int:
    """The SPID level of `acr`, `settings.default_level` when absent or not in the mapping."""
    if isinstance(acr, str) and acr in settings.acr_levels:
        return settings.acr_levels[acr]
    return settings.default_level


def identity_from_claims(claims: dict[str, Any], settings: OIDCSettings) -> Identity:
    """The `Identity` (method "oidc") described by `claims`.

    The fiscal code loses a `TINIT-` prefix and is upper-cased; `birthdate` must be ISO
    (YYYY-MM-DD) when present. `idp_entity_id` is the issuer, `name_id` the subject.
    """
    missing = missing_claims(claims, settings)
    if missing:
        raise OIDCAuthenticationError(MISSING_CLAIMS, f"missing claims: {missing}")
    raw_code = _text(claims.get(settings.fiscal_code_claim)).upper()
    fiscal_code = raw_code.removeprefix("TINIT-")
    if not _FISCAL_CODE.fullmatch(fiscal_code):
        raise OIDCAuthenticationError(MISSING_CLAIMS, "fiscal code claim is malformed")
    birthdate = _text(claims.get("birthdate"))
    try:
        date_of_birth = dt.date.fromisoformat(birthdate) if birthdate else None
    except ValueError as e:
        raise OIDCAuthenticationError(MISSING_CLAIMS, "birthdate is not YYYY-MM-DD") from e
    level = spid_level(claims.get("acr"), settings)
    if level < settings.min_level:
        raise OIDCAuthenticationError(
            LEVEL_TOO_LOW, f"SpidL{level}, requested at least SpidL{settings.min_level}"
        )
    sid = claims.get("sid")
    return Identity(
        fiscal_code=fiscal_code,
        name=_text(claims.get("given_name")),
        family_name=_text(claims.get("family_name")),
        date_of_birth=date_of_birth,
        email=_text(claims.get("email")) or None,
        spid_level=level,
        idp_entity_id=settings.issuer,
        session_index=sid if isinstance(sid, str) else None,
        name_id=str(claims["sub"]),
        method="oidc",
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
