"""Traffic fines: the citizen's fines, their notices, and the fines system told of payments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from connectors import FinesConnector

from ..features import ChoiceProvider, Feature, LegacyService, Link, Mount, Service
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
        Service(
            slug="multe",
            label=_l("Traffic fines"),
            description=_l("See your fines and pay them online or at a tobacconist."),
            access=Link(_l("Traffic fines"), "fines.fines"),
            topic=_l("Mobility"),
            audience=_l(
                "Whoever received a traffic fine from the municipal police as the driver or the"
                " owner of the vehicle."
            ),
            how=(
                _l("Log in with SPID or CIE and open your fines."),
                _l("Choose the fine: you see the amount due today and until when it holds."),
                _l(
                    "Pay online with pagoPA, or print the notice and pay it at a tobacconist or"
                    " another partner counter."
                ),
                _l("The receipt reaches your messages; the municipal police are told at once."),
            ),
            needs=(
                _l("SPID or CIE."),
                _l("A payment card, or the printed notice for a counter."),
            ),
            times=_l(
                "Paid within 5 days of notification, the fine is reduced by 30%. After 60 days"
                " the amount grows; the page of each fine says what applies today."
            ),
            cost=_l("The amount of the fine; paying online costs no fee to the municipality."),
        ),
    ),
    area_links=(Link(_l("Traffic fines"), "fines.fines"),),
)
