"""Traffic fines: the citizen's fines, their notices, and the fines system told of payments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from connectors import FinesConnector

from ..features import ChoiceProvider, Feature, LegacyService, Link, Mount
from ..notifications.kinds import Kind
from .choices import open_fines
from .delivery import payment_delivery
from .operations import SERVICE, TOPIC, check_fine_still_owed, queue_for_fines_system
from .views import bp

FEATURE = Feature(
    name="fines",
    mounts=(Mount(bp, "citizen", "/area-personale/multe"),),
    outbox={TOPIC: payment_delivery},
    paid_handlers={SERVICE: (queue_for_fines_system,)},
    payable_checks={SERVICE: (check_fine_still_owed,)},
    choice_providers={"fines": ChoiceProvider("fines", open_fines)},
    notification_kinds=(Kind("reduced_amount_ending", "reminders"),),
    legacy_services=(
        LegacyService("fines", FinesConnector, _l("the municipal police's fines system")),
    ),
    services=(
        Link(
            _l("Traffic fines"),
            "fines.fines",
            _l("See your fines and pay them online or at a tobacconist."),
        ),
    ),
    area_links=(Link(_l("Traffic fines"), "fines.fines"),),
)
