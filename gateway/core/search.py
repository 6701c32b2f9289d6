"""Searching the service catalogue: every word of the query, in any of a service's texts.

The texts are the service's card and page (scheda servizio) in the language of the page, so an
Italian visitor finds "iscrizione" and an English one "enrolment". Case and accents do not
count ("UNIVERSITA" finds "università"), nor do spaces between words. A service whose name
holds every word comes first, then one whose summary does, then the rest, each group in the
catalogue's order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..features import Service

MAX_QUERY = 100  # characters; a longer text is not a search


@dataclass(frozen=True)
class Query:
    """What the visitor asked: ``words`` to look for, or ``problem`` (``empty``, ``too_long``,
    ``not_text``) to tell them; ``text`` is the query as it is shown back."""

    text: str
    words: tuple[str, ...] = ()
    problem: str | None = None


def fold(text: str) -> str:
    """``text`` without case or accents: "Perché È" -> "perche e"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_query(raw: str | None) -> Query:
    """The query string's ``q``, checked: printable text of at most ``MAX_QUERY`` characters."""
    raw = raw or ""
    if len(raw) > MAX_QUERY:
        return Query(raw[:MAX_QUERY], problem="too_long")
    if not raw.isprintable():
        return Query("", problem="not_text")
    text = " ".join(raw.split())
    if not text:
        return Query("", problem="empty")
    return Query(text, words=tuple(dict.fromkeys(fold(text).split())))


def service_texts(service: Service) -> tuple[str, str, str]:
    """The service's name, its summary and the rest of its page, folded, in this request's
    language (the texts are lazy strings)."""
    rest = (
        service.topic,
        service.audience,
        *service.how,
        *service.needs,
        service.times,
        service.cost,
        service.access.label,
    )
    return (
        fold(str(service.label)),
        fold(str(service.description)),
        fold(" ".join(str(text) for text in rest if text is not None)),
    )


def search(services: Iterable[Service], query: Query) -> list[Service]:
    """The services holding every word of ``query``, the best matches first."""
    if not query.words:
        return []
    ranked: list[tuple[int, int, Service]] = []
    for position, service in enumerate(services):
        name, summary, rest = service_texts(service)
        everything = f"{name} {summary} {rest}"
        if not all(word in everything for word in query.words):
            continue
        if all(word in name for word in query.words):
            rank = 0
        elif all(word in f"{name} {summary}" for word in query.words):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, position, service))
    return [service for _, _, service in sorted(ranked, key=lambda item: item[:2])]
