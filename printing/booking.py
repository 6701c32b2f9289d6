"""The appointment sheet: when and where, and the booking code the desk reads from its QR code."""

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm

from printing.errors import DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, Sheet
from printing.texts import SOURCE, DocumentLanguage, check_language

BOOKING_QR_SIZE = 32 * mm


@dataclass(frozen=True)
class BookingSheet:
    """An appointment to print. `code` is the compact booking code (what the QR holds),
    `display_code` the same grouped for reading; times are timezone-aware and printed in
    their own zone (pass them in local time)."""

    code: str
    display_code: str
    office_name: str
    office_address: str
    desk_name: str
    starts_at: datetime
    ends_at: datetime
    citizen_name: str
    topic: str
    manage_url: str
    issuer: str = ""  # the body whose office it is, printed at the top

    def __post_init__(self) -> None:
        if not self.code or self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise DocumentDataError("a booking needs its code and timezone-aware times")
        if self.ends_at <= self.starts_at:
            raise DocumentDataError("a booking must end after it starts")


def render_booking(booking: BookingSheet, lang: DocumentLanguage = SOURCE) -> bytes:
    """Render the appointment sheet in ``lang`` as a one-page A4 PDF."""
    lang = check_language(lang)
    _ = lang.gettext
    title = _("APPOINTMENT BOOKING")
    sheet = Sheet(
        title=f"{title} {booking.display_code}",
        lang=lang.code,
        subject=booking.office_name,
        author=booking.issuer or "Sportello",
    )
    if booking.issuer:
        sheet.line(booking.issuer, size=10, bold=True, colour=GREY)
    sheet.line(title, size=12, bold=True, colour=ACCENT)
    sheet.paragraph(booking.office_name, size=16, bold=True)
    sheet.space(4 * mm)

    sheet.ensure(BOOKING_QR_SIZE + 12 * mm)
    top = sheet.y - 4 * mm
    sheet.qr(booking.code, BOOKING_QR_SIZE, x=MARGIN + 4 * mm, top=top)
    text_x = MARGIN + BOOKING_QR_SIZE + 14 * mm
    sheet.y = top
    sheet.line(_("Booking code"), size=10, x=text_x, colour=GREY)
    sheet.line(booking.display_code, size=28, bold=True, x=text_x)
    sheet.space(2 * mm)
    when = _(
        "%(day)s at %(start)s–%(end)s",
        day=lang.date(booking.starts_at),
        start=lang.time(booking.starts_at),
        end=lang.time(booking.ends_at),
    )
    sheet.line(when, size=14, bold=True, x=text_x)
    sheet.line(_("The QR code holds the booking code."), size=8.5, x=text_x, colour=GREY)
    sheet.y = min(sheet.y, top - BOOKING_QR_SIZE) - 6 * mm

    rows = [
        (_("Date and time"), when),
        (_("Office"), booking.office_name),
        (_("Address"), booking.office_address),
        (_("Desk"), booking.desk_name),
        (_("Booked by"), booking.citizen_name),
        (_("Topic"), booking.topic),
    ]
    sheet.rows([(label, value) for label, value in rows if value], size=10.5)
    sheet.heading(_("What to do"))
    for paragraph in (
        _(
            "Arrive a few minutes early with an identity document and show this sheet, or "
            "give the booking code."
        ),
        _("To move or cancel the appointment: %(url)s", url=booking.manage_url),
    ):
        sheet.paragraph("• " + paragraph, size=10, x=MARGIN + 3 * mm, width=CONTENT_WIDTH - 3 * mm)
    return sheet.finish()
