"""Payments shared by every service: the citizen's notices, the online checkout, receipts."""

from __future__ import annotations

from ..features import Feature, Mount
from ..notifications.kinds import Kind
from .views import bp

FEATURE = Feature(
    name="payments",
    mounts=(Mount(bp, "citizen", "/area-personale/pagamenti"),),
    notification_kinds=(
        Kind("receipt_issued", "updates"),
        Kind("notice_expiring", "reminders"),
    ),
)
