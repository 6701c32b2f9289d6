"""Connectors to the legacy SOAP services (fines, school registry, shared health record).

Each facade returns frozen dataclasses and raises only `ConnectorError` subclasses. The SOAP
contracts and their simulators live in `connectors.simulators`.
"""

from connectors.base import ConnectorSettings, SoapConnector
from connectors.errors import (
    AuthenticationFailed,
    CircuitOpen,
    ConnectorError,
    Invalid,
    NotFound,
    Rejected,
    Unavailable,
)
from connectors.fines import (
    AmountWindow,
    Fine,
    FinePayment,
    FinesConnector,
    PaymentAck,
    PaymentRecord,
)
from connectors.health import (
    Allergy,
    CareRelationships,
    ChronicCondition,
    Episode,
    Facility,
    GeneralPractitioner,
    Guardian,
    HealthConnector,
    HealthDocument,
    HealthDocumentRef,
    Medication,
    PatientSummary,
    Practitioner,
    Ward,
)
from connectors.school import (
    Absences,
    CertificateRecord,
    Grade,
    School,
    SchoolConnector,
    Student,
    StudentRecord,
)

__all__ = [
    "Absences",
    "Allergy",
    "AmountWindow",
    "AuthenticationFailed",
    "CareRelationships",
    "CertificateRecord",
    "ChronicCondition",
    "CircuitOpen",
    "ConnectorError",
    "ConnectorSettings",
    "Episode",
    "Facility",
    "Fine",
    "FinePayment",
    "FinesConnector",
    "GeneralPractitioner",
    "Grade",
    "Guardian",
    "HealthConnector",
    "HealthDocument",
    "HealthDocumentRef",
    "Invalid",
    "Medication",
    "NotFound",
    "PatientSummary",
    "PaymentAck",
    "PaymentRecord",
    "Practitioner",
    "Rejected",
    "School",
    "SchoolConnector",
    "SoapConnector",
    "Student",
    "StudentRecord",
    "Unavailable",
    "Ward",
]
