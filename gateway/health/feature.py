"""Shared health records: the patient's (or a guardian's) pages, clinicians, the privacy officer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from connectors import HealthConnector

from ..features import Feature, LegacyService, Link, Mount, Service
from ..notifications.kinds import Kind
from .clinical import bp as clinical
from .patient import bp as patient
from .privacy import bp as privacy

FEATURE = Feature(
    name="health",
    mounts=(
        Mount(patient, "citizen", "/area-personale/salute", area="health"),
        Mount(clinical, "clinician", "/clinico"),
        Mount(privacy, "privacy_officer", "/privacy/emergenze"),
    ),
    timeline_kinds={
        "health_consent_given": _l("Consent to consult your health record given"),
        "health_consent_withdrawn": _l("Consent to consult your health record withdrawn"),
        "health_document_obscured": _l("Health document hidden from clinicians"),
        "health_document_unobscured": _l("Health document shown again to clinicians"),
        "health_break_glass": _l("Emergency access to your health record by a clinician"),
        "health_break_glass_reviewed": _l("Emergency access reviewed by the privacy officer"),
        "health_clinician_named": _l("Clinician allowed to consult the health record"),
        "health_clinician_unnamed": _l("Clinician no longer allowed to consult the health record"),
    },
    notification_kinds=(
        Kind("break_glass_access", "security"),
        Kind("break_glass_unjustified", "security"),
    ),
    legacy_services=(LegacyService("health", HealthConnector, _l("the regional health record")),),
    services=(
        Service(
            slug="fascicolo_sanitario",
            label=_l("Health records"),
            description=_l("See your health documents and decide who may consult them."),
            access=Link(_l("Health records"), "health.overview"),
            topic=_l("Health"),
            audience=_l("Whoever is assisted by the regional health service."),
            how=(
                _l("Log in with SPID or CIE at level 2."),
                _l("Read your documents: reports, prescriptions, discharge letters."),
                _l(
                    "Give or withdraw your consent to the clinicians who treat you, and see"
                    " every access to your record."
                ),
            ),
            needs=(_l("SPID at level 2 or CIE."),),
            times=_l("Documents appear as soon as the clinician who wrote them files them."),
            cost=_l("Free of charge."),
        ),
    ),
    area_links=(Link(_l("Health records"), "health.overview", testid="link-health"),),
)
