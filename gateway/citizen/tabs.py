"""The tabs of the citizen's personal area and what the features put in them.

The tabs are the area's own (the Designers Italia model for municipalities): an overview, then
Pratiche, Pagamenti, Documenti, Appuntamenti, Messaggi, each at its own address. Their contents
come from the features' manifests (``Feature.area_sections``), each section listing the
citizen's entries from that feature's own tables; this module only gathers them, puts what
waits for the citizen first and counts the tabs' badges. It imports no other feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Session

from ..features import AreaItem, AreaSection, registry


@dataclass(frozen=True)
class Tab:
    """A tab: its address (``/area-personale/<slug>``), its label, its badge's words."""

    slug: str
    label: Any  # a lazy string
    badge_text: Callable[[int], str] | None = None  # read by screen readers after the label


def _waiting_transactions(n: int) -> str:
    return ngettext("%(num)d transaction waits for you", "%(num)d transactions wait for you", n)


def _payments_to_make(n: int) -> str:
    return ngettext("%(num)d payment to make", "%(num)d payments to make", n)


def _unread_messages(n: int) -> str:
    return ngettext("%(num)d unread message", "%(num)d unread messages", n)


TABS = (
    Tab("pratiche", _l("Transactions"), _waiting_transactions),
    Tab("pagamenti", _l("Payments"), _payments_to_make),
    Tab("documenti", _l("Documents")),
    Tab("appuntamenti", _l("Appointments")),
    Tab("posta", _l("Messages"), _unread_messages),  # /messaggi is the inbox page itself
)
TAB_SLUGS = tuple(tab.slug for tab in TABS)


@dataclass
class Shown:
    """One section of a tab as the page shows it: the entries that do not wait, in order."""

    section: AreaSection
    items: list[AreaItem]
    waited: bool = False  # some of its entries are shown among those that wait, above


@dataclass
class TabContent:
    tab: Tab
    waiting: list[AreaItem] = field(default_factory=list)
    sections: list[Shown] = field(default_factory=list)
    badge: int = 0

    @property
    def badge_text(self) -> str | None:
        if not self.badge or self.tab.badge_text is None:
            return None
        return self.tab.badge_text(self.badge)


@dataclass
class Area:
    """Every tab's content for one citizen, gathered once per page."""

    tabs: dict[str, TabContent]

    @property
    def waiting(self) -> list[AreaItem]:
        """What waits for the citizen in every tab, the soonest first."""
        return by_urgency(item for content in self.tabs.values() for item in content.waiting)


def _moment(value: datetime | date | None) -> datetime:
    if value is None:
        return datetime.max.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.max, tzinfo=UTC)


def by_urgency(items: Any) -> list[AreaItem]:
    """``items`` soonest ``when`` first; those without a date last, in their order."""
    return sorted(items, key=lambda item: _moment(item.when))


def gather(session: Session, fiscal_code: str) -> Area:
    """Run every feature's sections for ``fiscal_code``; unknown tabs are refused (ValueError)."""
    tabs = {tab.slug: TabContent(tab) for tab in TABS}
    for section in registry().area_sections:
        if section.tab not in tabs:
            raise ValueError(f"area section {section.heading!r} names no tab: {section.tab!r}")
        content = tabs[section.tab]
        items = list(section.items(session, fiscal_code))
        waiting = [item for item in items if item.waiting]
        content.waiting.extend(waiting)
        rest = [item for item in items if not item.waiting]
        content.sections.append(Shown(section, rest, waited=bool(waiting)))
        content.badge += section.count(session, fiscal_code) if section.count else len(waiting)
    for content in tabs.values():
        content.waiting = by_urgency(content.waiting)
    return Area(tabs)
