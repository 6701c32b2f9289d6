"""The appointment sheet: its QR code holds the booking code; the wording follows the language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from printing_factories import ENGLISH, ITALIAN

from printing.booking import BookingSheet, render_booking
from printing.errors import DocumentDataError
from printing.verify import read_codes

ROME = ZoneInfo("Europe/Rome")


def create_booking(**overrides: object) -> BookingSheet:
    values: dict[str, object] = {
        "code": "AB3K7MQ",
        "display_code": "AB3K-7MQ",
        "office_name": "Ufficio Relazioni con il Pubblico (URP)",
        "office_address": "Piazza del Municipio 1, Villanova",
        "desk_name": "Sportello URP 2",
        "starts_at": datetime(2026, 12, 3, 10, 40, tzinfo=ROME),
        "ends_at": datetime(2026, 12, 3, 11, 0, tzinfo=ROME),
        "citizen_name": "Mario Rossi",
        "topic": "Cambio di residenza: quali documenti servono?",
        "manage_url": "https://servizi.comune.villanova.it/area-personale/aiuto/AB3K7MQ",
    }
    values.update(overrides)
    return BookingSheet(**values)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(document[0].get_textpage().get_text_bounded().split())
    finally:
        document.close()


def test_the_qr_code_holds_the_booking_code_and_the_sheet_says_when_and_where() -> None:
    booking = create_booking()
    pdf = render_booking(booking, ITALIAN)
    assert read_codes(pdf) == ["AB3K7MQ"]
    text = pdf_text(pdf)
    for expected in (
        "PRENOTAZIONE APPUNTAMENTO",
        "AB3K-7MQ",
        "03/12/2026 ore 10:40",
        "Sportello URP 2",
    ):
        assert expected in text, expected
    assert booking.manage_url in text


def test_english_wording_and_the_same_data_gives_the_same_bytes() -> None:
    booking = create_booking(desk_name="")
    pdf = render_booking(booking, ENGLISH)
    text = pdf_text(pdf)
    assert "APPOINTMENT BOOKING" in text and "03/12/2026 at 10:40–11:00" in text
    assert "Desk" not in text  # no desk, no empty row
    assert render_booking(booking, ENGLISH) == pdf


def test_bad_bookings_are_refused() -> None:
    naive = datetime(2026, 12, 3, 10, 40)
    with pytest.raises(DocumentDataError):
        create_booking(starts_at=naive)
    with pytest.raises(DocumentDataError):
        create_booking(ends_at=datetime(2026, 12, 3, 10, 0, tzinfo=ROME))
    with pytest.raises(DocumentDataError):
        render_booking(create_booking(), "fr")  # type: ignore[arg-type]
