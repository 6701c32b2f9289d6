"""The citizen's personal area and the timeline of each transaction."""

from __future__ import annotations

from ..features import Feature, Mount
from .sections import TRANSACTIONS
from .views import bp

FEATURE = Feature(
    name="citizen",
    mounts=(Mount(bp, "citizen", "/area-personale"),),
    area_sections=(TRANSACTIONS,),
)
