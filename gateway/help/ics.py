"""An appointment as an iCalendar file (RFC 5545), written by hand.

Lines end with CRLF and are folded at 75 octets (never inside a UTF-8 sequence) with CRLF
followed by one space; text values escape backslash, semicolon, comma and new lines. Times
are UTC ("Z"), which every calendar converts to its own zone. A moved appointment keeps its
UID and raises SEQUENCE; a cancelled one is published with STATUS:CANCELLED and METHOD:CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Organizer:
    """The body that publishes the event: in PRODID and as the event's ORGANIZER."""

    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    organizer: Organizer
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    url: str
    sequence: int = 0
    cancelled: bool = False
    stamp: datetime | None = None


def escape_text(value: str) -> str:
    """TEXT value escaping of RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets joined by CRLF + space."""
    data = line.encode("utf-8")
    chunks: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # do not split a multi-byte character
            cut -= 1
        chunks.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with the space that folding adds
    chunks.append(data)
    return "\r\n ".join(chunk.decode("utf-8") for chunk in chunks)


def _param(value: str) -> str:
    """A quoted parameter value: RFC 5545 allows no DQUOTE or control character in it."""
    return "".join(c for c in value if c != '"' and ord(c) >= 32)


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: CalendarEvent) -> bytes:
    """The whole VCALENDAR with one VEVENT, as UTF-8 bytes with CRLF line ends."""
    stamp = event.stamp or datetime.now(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(event.organizer.name.replace('//', '/'))}//Sportello//IT",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if event.cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f'ORGANIZER;CN="{_param(event.organizer.name)}":mailto:{event.organizer.email}',
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"LOCATION:{escape_text(event.location)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"URL:{event.url}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
