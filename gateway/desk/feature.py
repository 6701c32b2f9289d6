"""The clerk's desk (assisted digital) and the delegations citizens give."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..features import Feature, Link, Mount
from .delegations import bp as delegations
from .views import bp as desk

FEATURE = Feature(
    name="desk",
    mounts=(
        Mount(delegations, "citizen", "/area-personale/deleghe", area="delegations"),
        Mount(desk, "clerk", "/sportello-assistito"),
    ),
    area_links=(Link(_l("Delegations"), "delegations.given"),),
)
