"""The feedback box of the content pages (Designers Italia model) and the staff's report."""

from __future__ import annotations

from ..features import Feature, Mount
from .views import public, staff

FEATURE = Feature(
    name="feedback",
    mounts=(
        Mount(public, "public"),
        Mount(staff, "clerk", "/sportello-assistito/valutazioni"),
    ),
)
