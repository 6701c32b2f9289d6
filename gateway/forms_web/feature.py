"""Forms on every channel: the web forms, drafts and resume codes, the counter's draft API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..features import Feature, Link, Mount
from ..notifications.kinds import Kind
from .area import TO_CONFIRM
from .counter_api import bp as counter_drafts
from .views import bp

FEATURE = Feature(
    name="forms_web",
    mounts=(
        Mount(bp, "citizen"),
        Mount(counter_drafts, "terminal", "/counter/api/v1"),
    ),
    notification_kinds=(Kind("prepared_for_confirmation", "updates"),),
    area_links=(Link(_l("Resume a draft"), "forms_web.resume"),),
    area_sections=(TO_CONFIRM,),
)
