"""Service-provider settings: plain data, checked once when built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
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
    """The public body as the metadata's contact: SPID `contactType="other"`, CIE `administrative`.

    SPID uses `ipa_code`, `email`, `phone` and `public`. The CIE federation also registers where
    the body has its legal seat and its tax identifiers (CIE technical manual, "Informazioni di
    censimento e contatto"): `municipality` is the cadastral (Belfiore) code of the comune, as
    `H501` for Rome, or the post code abroad, and CIE metadata cannot be built without it;
    `province` is the two-letter car-plate abbreviation (`EE` abroad); `country` is ISO 3166-1
    alpha-2; `fiscal_code` is the body's 11-digit numeric fiscal code; `vat_number` carries its
    country prefix (`IT` + 11 digits); `ipa_category` is the IPA category (`L6`: comuni).
    """

    ipa_code: str
    email: str
    phone: str | None = None  # "+39..." without spaces
    public: bool = True
    municipality: str | None = None
    province: str | None = None
    country: str = "IT"
    fiscal_code: str | None = None
    vat_number: str | None = None
    ipa_category: str | None = None

    def __post_init__(self) -> None:
        italian = self.country == "IT"
        if not re.fullmatch(r"[A-Z]{2}", self.country):
            raise ConfigurationError(
                f"ContactPerson.country must be ISO 3166-1 alpha-2, like IT: {self.country!r}"
            )
        if self.municipality is not None:
            pattern = r"[A-Z][0-9]{3}" if italian else r"[A-Za-z0-9][A-Za-z0-9 -]{0,15}"
            if not re.fullmatch(pattern, self.municipality):
                raise ConfigurationError(
                    "ContactPerson.municipality must be the cadastral code of the comune (one "
                    f"capital letter and three digits, like H501): {self.municipality!r}"
                    if italian
                    else f"ContactPerson.municipality must be a post code: {self.municipality!r}"
                )
        if self.province is not None and not re.fullmatch(
            r"[A-Z]{2}" if italian else "EE", self.province
        ):
            raise ConfigurationError(
                "ContactPerson.province must be the two capital letters of the province "
                f"(EE abroad): {self.province!r}"
            )
        if self.fiscal_code is not None and not _numeric_code_ok(self.fiscal_code):
            raise ConfigurationError(
                "ContactPerson.fiscal_code must be the 11-digit fiscal code of the body, with "
                f"its check digit: {self.fiscal_code!r}"
            )
        if self.vat_number is not None:
            if self.vat_number.startswith("IT"):
                valid = _numeric_code_ok(self.vat_number[2:])
            else:
                valid = re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", self.vat_number) is not None
            if not valid:
                raise ConfigurationError(
                    "ContactPerson.vat_number must be the VAT number with its country prefix "
                    f"and no spaces (IT + 11 digits with the check digit): {self.vat_number!r}"
                )
        if self.ipa_category is not None and not re.fullmatch(r"[A-Z0-9]{1,8}", self.ipa_category):
            raise ConfigurationError(
                f"ContactPerson.ipa_category must be an IPA category code, like L6: "
                f"{self.ipa_category!r}"
            )


def _numeric_code_ok(code: str) -> bool:
    """True for 11 ASCII digits ending in the check digit of the first ten.

    The numeric fiscal code of an entity and the Italian VAT number share this check digit.
    """
    if not re.fullmatch(r"[0-9]{11}", code):
        return False
    total = 0
    for position, char in enumerate(code[:10]):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10 == int(code[10])


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
        check_key_pair(self.certificate_pem, self.private_key_pem)


@lru_cache(maxsize=16)
def check_key_pair(certificate_pem: str, private_key_pem: str) -> None:
    """Raise ConfigurationError unless the SP's certificate and key load and belong together.

    Checked once per process for each pair: loading an RSA key checks it, which is costly,
    and every app of the process (each test, each worker restart) starts with the same pair.
    A refused pair is not cached: it raises again each time.
    """
    try:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
        key = load_pem_private_key(private_key_pem.encode(), password=None)
    except ValueError as e:
        raise ConfigurationError(f"SP certificate or key does not load: {e}") from e
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ConfigurationError("the SP key must be RSA of at least 2048 bits")
    if cert.public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
        raise ConfigurationError("the SP certificate does not match the SP private key")
