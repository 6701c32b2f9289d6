"""The home page, the language switch and the probes."""

from __future__ import annotations

from ..features import Feature, Mount
from .views import bp

FEATURE = Feature(name="core", mounts=(Mount(bp, "public"),))
