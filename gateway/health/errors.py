"""Refusals of the health slice, each with a stable code and its HTTP status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import Conflict, Forbidden, NotFound


class ConsultationNotAllowed(Forbidden):
    """No consent and no active break-glass: the clinician may not consult this record."""

    code = "HEALTH_CONSENT_REQUIRED"
    title = _l("The patient has not allowed consultation of their record.")


class HealthDocumentNotFound(NotFound):
    """Missing, someone else's, or obscured: all three look exactly alike to the caller."""

    code = "HEALTH_DOCUMENT_NOT_FOUND"
    title = _l("This document does not exist or is not available.")


class BreakGlassNotNeeded(Conflict):
    """The patient's consent already allows consultation: there is no emergency to declare."""

    code = "HEALTH_BREAK_GLASS_NOT_NEEDED"
    title = _l("The patient's consent already allows consultation.")


def document_not_found(detail: str = "") -> HealthDocumentNotFound:
    """The one refusal for a document the caller may not see, whatever the real cause."""
    return HealthDocumentNotFound(detail=detail)
