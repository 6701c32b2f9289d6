"""Logging in and out: SPID/CIE (SAML) and OpenID Connect."""

from __future__ import annotations

from ..features import Feature, Mount
from .views import bp

FEATURE = Feature(name="auth", mounts=(Mount(bp, "public"),))
