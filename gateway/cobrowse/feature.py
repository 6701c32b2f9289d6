"""Live help: a shared view of one transaction between a citizen and a clerk on the phone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..features import Feature, Mount
from ..notifications.kinds import Kind
from .citizen_views import bp as citizen
from .clerk_views import bp as clerk

FEATURE = Feature(
    name="cobrowse",
    mounts=(
        Mount(citizen, "citizen", "/area-personale/assistenza-live"),
        Mount(clerk, "clerk", "/sportello/live"),
    ),
    timeline_kinds={
        "cobrowse_started": _l("Live help session started"),
        "cobrowse_proposed": _l("The clerk proposed an answer"),
        "cobrowse_accepted": _l("The citizen accepted the clerk's proposal"),
        "cobrowse_rejected": _l("The citizen rejected the clerk's proposal"),
        "cobrowse_ended": _l("Live help session ended"),
    },
    notification_kinds=(Kind("cobrowse_invitation", "updates"),),
)
