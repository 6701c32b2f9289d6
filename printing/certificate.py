"""School certificates (enrolment, attendance) carrying a verification seal."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.units import mm

from printing import claims as c
from printing.errors import DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, PAGE_WIDTH, Sheet
from printing.seal import SealSigner
from printing.texts import N_, SOURCE, DocumentLanguage, check_language

CERTIFICATE_SEAL_SIZE = 40 * mm


class CertificateKind(enum.StrEnum):
    ENROLMENT = "enrolment"
    ATTENDANCE = "attendance"


@dataclass(frozen=True)
class StampDuty:
    """Stamp duty (imposta di bollo): paid (amount and payment reference) or an exemption."""

    amount_cents: int = 0
    payment_reference: str = ""
    exemption: str = ""

    def __post_init__(self) -> None:
        paid = self.amount_cents > 0 and bool(self.payment_reference)
        if paid == bool(self.exemption) or self.amount_cents < 0:
            raise DocumentDataError(
                "stamp duty is either paid (amount and reference) or exempt (legal reference)"
            )

    @classmethod
    def paid(cls, amount_cents: int, payment_reference: str) -> "StampDuty":
        return cls(amount_cents=amount_cents, payment_reference=payment_reference)

    @classmethod
    def exempt(cls, exemption: str) -> "StampDuty":
        return cls(exemption=exemption)


@dataclass(frozen=True)
class CertificateData:
    """What a school certificate prints and seals; `issued_at` must be timezone-aware."""

    certificate_number: str
    kind: CertificateKind
    school_name: str
    school_code: str
    school_address: str
    student_name: str
    student_fiscal_code: str
    student_birth_date: date
    student_birth_place: str
    class_name: str
    school_year: str
    purpose: str
    stamp_duty: StampDuty
    issued_at: datetime
    place: str
    signatory: str

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise DocumentDataError("issued_at must be timezone-aware")
        if not (self.certificate_number and self.school_code and self.student_fiscal_code):
            raise DocumentDataError("a certificate needs its number, school code and subject")


def certificate_claims(data: CertificateData) -> dict[str, Any]:
    """The claims sealed on a certificate (names in `printing.claims`)."""
    return {
        c.TYPE: "certificate",
        "num": data.certificate_number,
        "kind": data.kind.value,
        "sub": data.student_fiscal_code,
        "sch": data.school_code,
        c.AT: c.utc_iso(data.issued_at),
        c.HASH: c.data_digest(data),
    }


def certificate_matches(claims: Mapping[str, Any], data: CertificateData) -> bool:
    """True if verified seal claims are exactly those of this certificate record."""
    return dict(claims) == certificate_claims(data)


TITLES = {
    CertificateKind.ENROLMENT: N_("CERTIFICATE OF ENROLMENT"),
    CertificateKind.ATTENDANCE: N_("CERTIFICATE OF ATTENDANCE"),
}
BODIES = {
    CertificateKind.ENROLMENT: N_(
        "This is to certify that the pupil %(student)s, born in %(birth_place)s on "
        "%(birth_date)s, fiscal code %(fiscal_code)s, is enrolled for the school year %(year)s "
        "in class %(class_name)s of this school."
    ),
    CertificateKind.ATTENDANCE: N_(
        "This is to certify that the pupil %(student)s, born in %(birth_place)s on "
        "%(birth_date)s, fiscal code %(fiscal_code)s, regularly attends class %(class_name)s "
        "of this school in the school year %(year)s."
    ),
}


def _stamp_text(duty: StampDuty, lang: DocumentLanguage) -> str:
    if duty.exemption:
        return lang.gettext("Exempt from stamp duty: %(exemption)s.", exemption=duty.exemption)
    return lang.gettext(
        "Stamp duty of %(amount)s paid electronically, ref. %(reference)s.",
        amount=lang.money(duty.amount_cents),
        reference=duty.payment_reference,
    )


def render_certificate(
    data: CertificateData, signer: SealSigner, lang: DocumentLanguage = SOURCE
) -> tuple[bytes, str]:
    """Render the certificate PDF in ``lang`` and return it with its seal text (also in the
    PDF keywords)."""
    lang = check_language(lang)
    _ = lang.gettext
    seal = signer.seal(certificate_claims(data))
    title = _(TITLES[data.kind])
    sheet = Sheet(
        title=f"{title} {data.certificate_number}", lang=lang.code, subject=title, keywords=seal
    )
    sheet.line(data.school_name, size=14, bold=True, colour=ACCENT)
    sheet.line(data.school_address, size=9.5, colour=GREY)
    sheet.line(_("School code %(code)s", code=data.school_code), size=9.5, colour=GREY)
    sheet.space(2 * mm)
    sheet.rule()
    sheet.space(10 * mm)
    sheet.line(title, size=16, bold=True)
    number = _("Certificate no. %(number)s", number=data.certificate_number)
    sheet.line(number, size=10, colour=GREY)
    sheet.space(8 * mm)
    body = _(
        BODIES[data.kind],
        student=data.student_name,
        birth_place=data.student_birth_place,
        birth_date=lang.date(data.student_birth_date),
        fiscal_code=data.student_fiscal_code,
        year=data.school_year,
        class_name=data.class_name,
    )
    sheet.paragraph(body, size=11.5)
    sheet.space(4 * mm)
    sheet.paragraph(
        _(
            "This certificate is issued at the request of the person concerned for: %(purpose)s.",
            purpose=data.purpose,
        ),
        size=11,
    )
    sheet.space(4 * mm)
    sheet.paragraph(_stamp_text(data.stamp_duty, lang), size=9.5)
    sheet.paragraph(
        _(
            "This certificate may not be submitted to public administrations or private "
            "operators of public services (art. 40 DPR 445/2000)."
        ),
        size=8.5,
        colour=GREY,
    )
    sheet.space(8 * mm)
    sheet.line(f"{data.place}, {lang.date(data.issued_at)}", size=11)
    sheet.space(4 * mm)
    sheet.ensure(CERTIFICATE_SEAL_SIZE + 16 * mm)
    top = sheet.y
    sheet.line(data.signatory, size=11, x=PAGE_WIDTH / 2 + 10 * mm)
    sheet.y = top - 6 * mm
    sheet.qr(seal, CERTIFICATE_SEAL_SIZE, x=MARGIN + 4 * mm, top=sheet.y)
    text_x = MARGIN + CERTIFICATE_SEAL_SIZE + 14 * mm
    sheet.y -= CERTIFICATE_SEAL_SIZE / 2
    sheet.paragraph(
        _(
            "Electronically sealed document: the QR code lets anyone check that it is "
            "authentic and unaltered."
        ),
        size=8.5,
        x=text_x,
        width=CONTENT_WIDTH - (text_x - MARGIN),
    )
    sheet.line(f"kid {signer.kid}", size=7.5, x=text_x, colour=GREY)
    return sheet.finish(), seal
