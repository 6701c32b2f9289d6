"""The children's school records and the school certificate, with its stamp duty."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from connectors import SchoolConnector

from ..features import ChoiceProvider, Feature, LegacyService, Link, Mount
from .certificates import SERVICE, TOPIC, certificate_delivery
from .choices import children
from .handlers import certificate_request, stamp_duty_paid
from .views import bp

FEATURE = Feature(
    name="school",
    mounts=(Mount(bp, "citizen", "/area-personale/scuola"),),
    outbox={TOPIC: certificate_delivery},
    paid_handlers={SERVICE: (stamp_duty_paid,)},
    choice_providers={"children": ChoiceProvider("school", children)},
    submit_handlers={"school.certificate_request": certificate_request},
    timeline_kinds={
        "certificate_issued": _l("Certificate issued"),
        "certificate_delayed": _l("School registry not answering: the certificate will follow"),
        "certificate_refused": _l("The school registry refused the certificate"),
    },
    legacy_services=(LegacyService("school", SchoolConnector, _l("the regional school registry")),),
    services=(
        Link(
            _l("School certificates"),
            "forms_web.new",
            _l("Request an enrolment or attendance certificate for your children."),
            values={"service": "certificato_scolastico"},
        ),
    ),
    area_links=(Link(_l("School"), "school.records"),),
)
