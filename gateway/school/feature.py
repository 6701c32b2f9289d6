"""The children's school records and the school certificate, with its stamp duty."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from connectors import SchoolConnector

from ..features import ChoiceProvider, Feature, LegacyService, Link, Mount, Service
from .area import CERTIFICATES
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
        Service(
            slug="certificato_scolastico",
            label=_l("School certificates"),
            description=_l("Request an enrolment or attendance certificate for your children."),
            access=Link(
                _l("Request a certificate"),
                "forms_web.new",
                values={"service": "certificato_scolastico"},
            ),
            topic=_l("Education"),
            audience=_l(
                "Parents and guardians of pupils enrolled in a school of the region, for"
                " themselves or through a delegation."
            ),
            how=(
                _l("Log in with SPID or CIE and start the request."),
                _l("Choose your child, the kind of certificate and what it is for."),
                _l("Pay the stamp duty online, or declare the exemption that applies."),
                _l(
                    "Download the sealed certificate from your area; its QR code lets anyone"
                    " check it."
                ),
            ),
            needs=(
                _l("SPID or CIE."),
                _l("Your child's fiscal code, known to the school registry."),
                _l("For an exemption, the law or the use that grants it."),
            ),
            times=_l(
                "The certificate is issued as soon as the stamp duty is paid, usually within"
                " minutes; when the school registry does not answer it follows within a"
                " working day."
            ),
            cost=_l("€16.00 of stamp duty, unless the use of the certificate is exempt."),
        ),
    ),
    area_links=(Link(_l("School"), "school.records"),),
    area_sections=(CERTIFICATES,),
)
