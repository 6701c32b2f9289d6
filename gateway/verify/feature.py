"""Public verification of sealed documents."""

from __future__ import annotations

from ..features import Feature, Mount
from .views import bp

FEATURE = Feature(name="verify", mounts=(Mount(bp, "public"),))
