"""The appointment's calendar file follows RFC 5545: CRLF, folding at 75 octets, escaping."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gateway.help.ics import CalendarEvent, Organizer, calendar, escape_text, fold


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def event(**overrides: object) -> CalendarEvent:
    values: dict[str, object] = {
        "organizer": Organizer("Comune di Villanova", "urp@comune.villanova.example"),
        "uid": "help-AB3K7MQ@servizi.comune.villanova.it",
        "starts_at": datetime(2026, 12, 3, 10, 40, tzinfo=ZoneInfo("Europe/Rome")),
        "ends_at": datetime(2026, 12, 3, 11, 0, tzinfo=ZoneInfo("Europe/Rome")),
        "summary": "Appuntamento: Ufficio Relazioni con il Pubblico (URP)",
        "location": "URP, Piazza del Municipio 1, Villanova",
        "description": "Codice AB3K-7MQ; argomento: «residenza», più\nuna seconda riga " * 3,
        "url": "https://servizi.comune.villanova.it/area-personale/aiuto/AB3K7MQ",
        "stamp": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return CalendarEvent(**values)  # type: ignore[arg-type]


def test_lines_end_with_crlf_and_fold_within_75_octets_without_splitting_characters() -> None:
    data = calendar(event())
    text = data.decode("utf-8")  # a character split by folding would not decode
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the description was folded
    unfolded = unfold(text).split("\r\n")
    assert "DTSTART:20261203T094000Z" in unfolded and "DTEND:20261203T100000Z" in unfolded
    description = next(line for line in unfolded if line.startswith("DESCRIPTION:"))
    assert description == "DESCRIPTION:" + escape_text(event().description)
    assert "\\;" in description and "\\n" in description and "«residenza»" in description


def test_a_moved_or_cancelled_appointment_keeps_its_uid() -> None:
    moved = unfold(calendar(event(sequence=2)).decode())
    cancelled = unfold(calendar(event(sequence=3, cancelled=True)).decode())
    assert "SEQUENCE:2\r\n" in moved and "STATUS:CONFIRMED" in moved
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
    uid = "UID:help-AB3K7MQ@servizi.comune.villanova.it"
    assert uid in moved and uid in cancelled


def test_folding_and_escaping_rules() -> None:
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"
    assert fold("é" * 40).split("\r\n ")[0].encode() == ("é" * 37).encode()
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    with pytest.raises(ValueError):
        calendar(event(starts_at=datetime(2026, 12, 3, 10, 40)))
