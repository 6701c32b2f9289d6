"""Service-provider settings: plain data, checked once when built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from identity.errors import ConfigurationError

SPID_ATTRIBUTES = ("fiscalNumber", "name", "familyName", "dateOfBirth", "email")
Comparison = Literal["exact", "minimum", "better", "maximum"]


@dataclass(frozen=True)
class Organization:
    """The `md:Organization` of the metadata (all in Italian, `xml:lang="it"`)."""

    name: str
    display_name: str
    url: str


@dataclass(frozen=True)
class ContactPerson:
    """The SPID `ContactPerson contactType="other"` of a public-sector service provider."""

    ipa_code: str
    email: str
    phone: str | None = None  # "+39..." without spaces
    public: bool = True


@dataclass(frozen=True)
class SPSettings:
    """Everything the service provider needs; URLs are absolute and as the browser sees them.

    `clock_skew_seconds` is the tolerance on every time check. `authn_comparison` goes into
    `RequestedAuthnContext`; with "minimum" a higher SpidL than requested is accepted, with
    "exact" only the requested one.
    """

    entity_id: str
    base_url: str
    acs_url: str
    slo_url: str
    certificate_pem: str
    private_key_pem: str
    organization: Organization
    contact: ContactPerson
    requested_attributes: tuple[str, ...] = SPID_ATTRIBUTES
    attribute_service_name: str = "Servizi online"
    clock_skew_seconds: int = 30
    authn_comparison: Comparison = "minimum"
    request_validity_seconds: int = 600
    extra_acs_urls: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("entity_id", "base_url", "acs_url", "slo_url"):
            value = getattr(self, name)
            if not re.match(r"^https?://[^\s]+$", value):
                raise ConfigurationError(f"SPSettings.{name} must be an absolute URL: {value!r}")
        if self.contact.phone is not None and not re.fullmatch(r"\+39\d{6,12}", self.contact.phone):
            raise ConfigurationError("SPSettings.contact.phone must look like +39... (no spaces)")
        if "@" not in self.contact.email:
            raise ConfigurationError("SPSettings.contact.email is not an e-mail address")
        if not self.contact.ipa_code:
            raise ConfigurationError("SPSettings.contact.ipa_code is required for a public SP")
        if not 0 <= self.clock_skew_seconds <= 300:
            raise ConfigurationError("SPSettings.clock_skew_seconds must be within 0..300")
        if self.authn_comparison not in ("exact", "minimum", "better", "maximum"):
            raise ConfigurationError(f"bad authn_comparison {self.authn_comparison!r}")
        try:
            cert = x509.load_pem_x509_certificate(self.certificate_pem.encode())
            key = load_pem_private_key(self.private_key_pem.encode(), password=None)
        except ValueError as e:
            raise ConfigurationError(f"SP certificate or key does not load: {e}") from e
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
            raise ConfigurationError("the SP key must be RSA of at least 2048 bits")
        if cert.public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
            raise ConfigurationError("the SP certificate does not match the SP private key")
