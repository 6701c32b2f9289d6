"""Payments shared by every service: the citizen's notices, the online checkout, receipts."""

from __future__ import annotations

from ..features import Feature, Mount
from ..notifications.kinds import Kind
from .area import AREA_SECTIONS
from .reconcile import bp as reconcile
from .views import bp

FEATURE = Feature(
    name="payments",
    mounts=(
        Mount(bp, "citizen", "/area-personale/pagamenti"),
        Mount(reconcile, "clerk", "/sportello-assistito/riconciliazione"),
    ),
    notification_kinds=(
        Kind("receipt_issued", "updates"),
        Kind("notice_expiring", "reminders"),
    ),
    area_sections=AREA_SECTIONS,
)
