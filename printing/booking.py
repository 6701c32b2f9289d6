"""The appointment sheet: when and where, and the booking code the desk reads from its QR code."""

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm

from printing.errors import DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, Sheet
from printing.texts import check_lang, format_date

BOOKING_QR_SIZE = 32 * mm

# The sheet's own wording (the shared catalogue in `printing.texts` is for payment documents).
TEXTS = {
    "it": {
        "title": "PRENOTAZIONE APPUNTAMENTO",
        "code": "Codice di prenotazione",
        "when": "Data e ora",
        "where": "Ufficio",
        "address": "Indirizzo",
        "desk": "Sportello",
        "who": "Prenotato da",
        "topic": "Argomento",
        "how": "Cosa fare",
        "how_show": (
            "Presentati qualche minuto prima con un documento di identità e mostra questo "
            "foglio, o comunica il codice di prenotazione."
        ),
        "how_manage": "Per spostare o annullare l'appuntamento: {url}",
        "qr": "Il codice QR contiene il codice di prenotazione.",
        "at": "ore",
    },
    "en": {
        "title": "APPOINTMENT BOOKING",
        "code": "Booking code",
        "when": "Date and time",
        "where": "Office",
        "address": "Address",
        "desk": "Desk",
        "who": "Booked by",
        "topic": "Topic",
        "how": "What to do",
        "how_show": (
            "Arrive a few minutes early with an identity document and show this sheet, or "
            "give the booking code."
        ),
        "how_manage": "To move or cancel the appointment: {url}",
        "qr": "The QR code holds the booking code.",
        "at": "at",
    },
}


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

    def __post_init__(self) -> None:
        if not self.code or self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise DocumentDataError("a booking needs its code and timezone-aware times")
        if self.ends_at <= self.starts_at:
            raise DocumentDataError("a booking must end after it starts")


def _text(lang: str, key: str, **values: str) -> str:
    wording = TEXTS[check_lang(lang)][key]
    return wording.format(**values) if values else wording


def render_booking(booking: BookingSheet, lang: str = "it") -> bytes:
    """Render the appointment sheet as a one-page A4 PDF."""
    check_lang(lang)
    title = _text(lang, "title")
    sheet = Sheet(title=f"{title} {booking.display_code}", lang=lang, subject=booking.office_name)
    sheet.line(title, size=12, bold=True, colour=ACCENT)
    sheet.paragraph(booking.office_name, size=16, bold=True)
    sheet.space(4 * mm)

    sheet.ensure(BOOKING_QR_SIZE + 12 * mm)
    top = sheet.y - 4 * mm
    sheet.qr(booking.code, BOOKING_QR_SIZE, x=MARGIN + 4 * mm, top=top)
    text_x = MARGIN + BOOKING_QR_SIZE + 14 * mm
    sheet.y = top
    sheet.line(_text(lang, "code"), size=10, x=text_x, colour=GREY)
    sheet.line(booking.display_code, size=28, bold=True, x=text_x)
    sheet.space(2 * mm)
    when = (
        f"{format_date(booking.starts_at.date(), lang)} {_text(lang, 'at')} "
        f"{booking.starts_at:%H:%M}–{booking.ends_at:%H:%M}"
    )
    sheet.line(when, size=14, bold=True, x=text_x)
    sheet.line(_text(lang, "qr"), size=8.5, x=text_x, colour=GREY)
    sheet.y = min(sheet.y, top - BOOKING_QR_SIZE) - 6 * mm

    rows = [
        (_text(lang, "when"), when),
        (_text(lang, "where"), booking.office_name),
        (_text(lang, "address"), booking.office_address),
        (_text(lang, "desk"), booking.desk_name),
        (_text(lang, "who"), booking.citizen_name),
        (_text(lang, "topic"), booking.topic),
    ]
    sheet.rows([(label, value) for label, value in rows if value], size=10.5)
    sheet.heading(_text(lang, "how"))
    for paragraph in (_text(lang, "how_show"), _text(lang, "how_manage", url=booking.manage_url)):
        sheet.paragraph("• " + paragraph, size=10, x=MARGIN + 3 * mm, width=CONTENT_WIDTH - 3 * mm)
    return sheet.finish()
