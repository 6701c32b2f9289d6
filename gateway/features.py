"""Features declare themselves: one manifest per slice, one list of slices.

Each ``gateway/<feature>/feature.py`` defines ``FEATURE = Feature(...)``: its blueprints (with
their access rule, URL prefix and SPID level area), outbox topics, payment hooks, form choice
providers and submit handlers, timeline and notification kinds, the legacy services it reads,
its CLI commands, its services and what it shows in the citizen's personal area. ``FEATURES``
below names the slices; ``create_app`` mounts them and every registry of the gateway
(``registry()``) is built from them, so nothing depends on which modules a process happened
to import. Adding a service is one folder and one line here.

The manifest lives in ``feature.py`` rather than the package's ``__init__``: importing an
operations module of a slice must not import its views (and, through them, half the gateway).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask
    from sqlalchemy.orm import Session

    from connectors import SoapConnector
    from forms import Choice

    from .models import Notice, Payment, Transaction
    from .notifications.kinds import Kind
    from .outbox import Handler
    from .payments.hooks import AmountDue
    from .transactions.operations import Actor

# The slices of the gateway, in the order their blueprints are mounted.
FEATURES = (
    "core",
    "auth",
    "citizen",
    "fines",
    "payments",
    "verify",
    "audit",
    "counter",
    "forms_web",
    "school",
    "desk",
    "health",
    "notifications",
    "help",
    "cobrowse",
    "demo",
)

PaidHandler = Callable[["Session", "Transaction", "Payment", "Actor"], None]
PayableCheck = Callable[["Notice"], "AmountDue | None"]
SubmitHandler = Callable[..., None]
OutboxFactory = Callable[["Flask"], "Handler"]


@dataclass(frozen=True)
class Mount:
    """A blueprint, the access rule guarding all its routes, and where it is mounted."""

    blueprint: Blueprint
    access: str
    url_prefix: str | None = None
    area: str | None = None  # SPID level area (gateway/levels.py); default: the access rule's


@dataclass(frozen=True)
class Link:
    """A way in to a feature's pages: a card of the service catalogue or a personal-area link."""

    label: Any  # lazy strings
    endpoint: str
    description: Any = None
    values: Mapping[str, str] = field(default_factory=dict)  # url_for arguments
    testid: str | None = None


@dataclass(frozen=True)
class Service:
    """A service of the public catalogue: its card and its service page (scheda servizio).

    The page follows the Designers Italia model for municipalities: who the service is for,
    how to do it, what is needed, times and deadlines, what it costs, then "Access the
    service" (``access``, whose page asks for a login where it needs one). Every text is a
    lazy string; ``how`` and ``needs`` are lists shown as steps and bullets.
    """

    slug: str  # its page is /servizi/<slug>
    label: Any
    description: Any
    access: Link
    audience: Any
    how: tuple[Any, ...]
    needs: tuple[Any, ...]
    times: Any
    cost: Any
    topic: Any = None  # the catalogue's grouping: "Education", "Health", ...


@dataclass(frozen=True)
class Action:
    """A labelled address on a page: a call to action, a download."""

    label: str
    url: str


@dataclass(frozen=True)
class AreaItem:
    """One entry of a tab of the citizen's personal area, as the feature that owns it shows it.

    Texts are already in the reader's language (the section runs in the request). ``status``
    is a key of the area's status badges (``gateway/citizen/status.py``; None: no badge).
    ``waiting`` marks what the citizen has to do (confirm, pay): it comes first, on the
    overview and in its tab, with ``action`` as its one call to action. ``when`` orders the
    entries that wait (soonest first); ``details`` are (label, value) pairs.
    """

    title: str
    status: str | None = None
    url: str | None = None
    code: str | None = None  # what people quote: a reference, a notice or booking code
    details: tuple[tuple[str, str], ...] = ()
    action: Action | None = None
    downloads: tuple[Action, ...] = ()
    waiting: bool = False
    when: datetime | date | None = None
    kind: str = ""  # what the entry is, for the page's markup ("notice", "receipt", ...)


@dataclass(frozen=True)
class AreaSection:
    """What a feature shows in one tab of the citizen's personal area.

    ``tab`` is one of the area's tabs (``gateway/citizen/tabs.py``); ``items(session,
    fiscal_code)`` lists the citizen's entries from the feature's own tables (never a legacy
    system: the area must open when one is down). ``count``, if given, is the number the tab's
    badge shows for this section (unread messages); otherwise the badge counts what waits.
    """

    tab: str
    name: str  # names the section in the page's markup: "transactions", "notices", ...
    heading: Any  # lazy strings
    empty: Any
    items: Callable[[Session, str], Sequence[AreaItem]]
    count: Callable[[Session, str], int] | None = None
    layout: str = "cards"  # or "table": code, title, status and each detail in columns
    link: Link | None = None  # what to do next, under the entries: "Book an appointment"


@dataclass(frozen=True)
class LegacyService:
    """A legacy system a feature reads: its connector class and, in plain words, its name."""

    name: str
    connector: type[SoapConnector]
    label: Any  # a lazy string: "the regional health record"


@dataclass(frozen=True)
class ChoiceProvider:
    """Options of a form field that come from a legacy system, for one subject."""

    service: str
    options: Callable[[str], list[Choice]]


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity: one manifest, one object
class Feature:
    """What one slice adds to the gateway. Every field is optional but the name."""

    name: str
    mounts: tuple[Mount, ...] = ()
    outbox: Mapping[str, OutboxFactory] = field(default_factory=dict)
    paid_handlers: Mapping[str, tuple[PaidHandler, ...]] = field(default_factory=dict)
    payable_checks: Mapping[str, tuple[PayableCheck, ...]] = field(default_factory=dict)
    choice_providers: Mapping[str, ChoiceProvider] = field(default_factory=dict)
    submit_handlers: Mapping[str, SubmitHandler] = field(default_factory=dict)
    timeline_kinds: Mapping[str, Any] = field(default_factory=dict)
    notification_kinds: tuple[Kind, ...] = ()
    legacy_services: tuple[LegacyService, ...] = ()
    commands: tuple[click.Command, ...] = ()
    services: tuple[Service, ...] = ()  # the public service catalogue
    area_links: tuple[Link, ...] = ()  # shortcuts in the citizen's personal area
    area_sections: tuple[AreaSection, ...] = ()  # what it shows in the personal area's tabs


class DuplicateEntry(RuntimeError):
    """Two features declare the same topic, kind, provider, handler or service."""


@dataclass(frozen=True)
class Registry:
    """Everything the features declared, merged; each entry remembers its feature."""

    features: tuple[Feature, ...]
    outbox: Mapping[str, OutboxFactory]
    paid_handlers: Mapping[str, tuple[PaidHandler, ...]]
    payable_checks: Mapping[str, tuple[PayableCheck, ...]]
    choice_providers: Mapping[str, ChoiceProvider]
    submit_handlers: Mapping[str, SubmitHandler]
    timeline_kinds: Mapping[str, Any]
    notification_kinds: Mapping[str, Kind]
    legacy_services: Mapping[str, LegacyService]
    owner: Mapping[tuple[str, str], str]  # (registry, key) -> feature name

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(service for feature in self.features for service in feature.services)

    def service(self, slug: str) -> Service | None:
        """The catalogue's service at /servizi/``slug``, or None."""
        return next((s for s in self.services if s.slug == slug), None)

    @property
    def area_links(self) -> tuple[Link, ...]:
        return tuple(link for feature in self.features for link in feature.area_links)

    @property
    def area_sections(self) -> tuple[AreaSection, ...]:
        return tuple(section for feature in self.features for section in feature.area_sections)


def build_registry(features: tuple[Feature, ...]) -> Registry:
    """Merge the manifests; DuplicateEntry when two features claim the same key."""
    owner: dict[tuple[str, str], str] = {}
    merged: dict[str, dict[str, Any]] = {
        name: {}
        for name in (
            "outbox",
            "paid_handlers",
            "payable_checks",
            "choice_providers",
            "submit_handlers",
            "timeline_kinds",
            "notification_kinds",
            "legacy_services",
        )
    }

    def add(registry: str, key: str, value: Any, feature: Feature, *, append: bool = False) -> None:
        if append:  # several features may react to the same service's payment
            merged[registry][key] = (*merged[registry].get(key, ()), *value)
            owner.setdefault((registry, key), feature.name)
            return
        if (registry, key) in owner:
            raise DuplicateEntry(
                f"{registry} {key!r} declared by both {owner[registry, key]} and {feature.name}"
            )
        owner[registry, key] = feature.name
        merged[registry][key] = value

    names: set[str] = set()
    for feature in features:
        if feature.name in names:
            raise DuplicateEntry(f"feature {feature.name!r} listed twice")
        names.add(feature.name)
        for registry in ("outbox", "choice_providers", "submit_handlers", "timeline_kinds"):
            for key, value in getattr(feature, registry).items():
                add(registry, key, value, feature)
        for registry in ("paid_handlers", "payable_checks"):
            for key, value in getattr(feature, registry).items():
                add(registry, key, value, feature, append=True)
        for kind in feature.notification_kinds:
            add("notification_kinds", kind.name, kind, feature)
        for service in feature.legacy_services:
            add("legacy_services", service.name, service, feature)
        for catalogued in feature.services:  # one page per address
            if ("services", catalogued.slug) in owner:
                raise DuplicateEntry(
                    f"service page {catalogued.slug!r} declared by both"
                    f" {owner['services', catalogued.slug]} and {feature.name}"
                )
            owner["services", catalogued.slug] = feature.name
    return Registry(features=features, owner=owner, **merged)


def load_features(names: tuple[str, ...] = FEATURES) -> tuple[Feature, ...]:
    """The manifests of ``names``: ``gateway.<name>.feature.FEATURE`` each."""
    loaded = []
    for name in names:
        module = importlib.import_module(f"gateway.{name}.feature")
        feature: Feature = module.FEATURE
        if feature.name != name:
            raise DuplicateEntry(f"gateway/{name}/feature.py declares feature {feature.name!r}")
        loaded.append(feature)
    return tuple(loaded)


_EXTRA: tuple[Feature, ...] = ()


@cache
def _registry(extra: tuple[Feature, ...]) -> Registry:
    return build_registry(load_features() + extra)


def registry() -> Registry:
    """The gateway's registries, built once per process from ``FEATURES`` (and any features
    ``installed`` on top)."""
    return _registry(_EXTRA)


@contextmanager
def installed(*features: Feature) -> Iterator[Registry]:
    """Add features to the process's registry for the duration of the block.

    For a deployment's own slices loaded from outside ``gateway/``, and for the tests' probe
    services; an app built inside the block also mounts their blueprints.
    """
    global _EXTRA
    before = _EXTRA
    _EXTRA = before + features
    try:
        yield registry()
    finally:
        _EXTRA = before


def mount_features(app: Flask) -> None:
    """Register every feature's blueprints with their access rules, and its commands."""
    from .access import register

    for feature in registry().features:
        for mount in feature.mounts:
            options = {"url_prefix": mount.url_prefix} if mount.url_prefix else {}
            register(app, mount.blueprint, access=mount.access, area=mount.area, **options)
        for command in feature.commands:
            app.cli.add_command(command)
