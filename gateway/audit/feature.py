"""The audit log's public endpoints (checkpoints, key, proofs, cosignatures)."""

from __future__ import annotations

from ..features import Feature, Mount
from .views import bp

FEATURE = Feature(name="audit", mounts=(Mount(bp, "public"),))
