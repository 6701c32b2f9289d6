"""The feature manifests: every slice declares itself, and nothing plugs in any other way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Blueprint, Flask

from forms import FormRegistry
from gateway import create_app
from gateway.db import db
from gateway.features import (
    FEATURES,
    DuplicateEntry,
    Feature,
    Mount,
    build_registry,
    installed,
    load_features,
    registry,
)
from gateway.notifications.kinds import Kind

from ..conftest import make_config

GATEWAY = Path(__file__).resolve().parents[2] / "gateway"
TEMPLATES = GATEWAY / "notifications" / "templates" / "messages"

# Module-level calls that are not registrations in a central list: a blueprint's own route or
# CSRF exemption, index definitions, logging set-up, and the live-help publisher that only acts
# on what its own module put in a session.
ALLOWED_TOP_LEVEL_CALLS = (
    "bp.add_url_rule(",
    "csrf.exempt(bp)",
    "Index(",
    "logging.getLogger(",
    "event.listen(Session, 'after_commit', _publish)",
    "event.listen(Session, 'after_rollback', _forget)",
)


def test_every_feature_folder_is_listed_once_and_every_listed_feature_has_a_manifest() -> None:
    folders = {p.parent.name for p in GATEWAY.glob("*/feature.py")}
    assert folders == set(FEATURES)
    assert len(FEATURES) == len(set(FEATURES))
    assert [f.name for f in load_features()] == list(FEATURES)


def test_every_blueprint_is_mounted_by_a_feature(app: Flask) -> None:
    mounted = {m.blueprint.name for f in registry().features for m in f.mounts}
    assert set(app.blueprints) == mounted
    access = app.extensions["sportello.access"]
    for feature in registry().features:
        for mount in feature.mounts:
            assert access[mount.blueprint.name] == mount.access


def test_nothing_registers_itself_at_import_time() -> None:
    found = []
    for path in sorted(GATEWAY.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                call = ast.unparse(node.value)
                if not call.startswith(ALLOWED_TOP_LEVEL_CALLS):
                    found.append(f"{path.relative_to(GATEWAY)}:{node.lineno} {call[:60]}")
    assert found == []


def test_every_notification_kind_has_its_templates_and_every_template_a_kind() -> None:
    """One template per kind (its words translated in the catalogues), no language folders."""
    kinds = set(registry().notification_kinds)
    files = {p.stem for p in TEMPLATES.glob("*.txt")} - {"email_footer"}
    assert files == kinds
    assert not [p for p in TEMPLATES.iterdir() if p.is_dir()]


def test_forms_name_only_declared_handlers_and_providers() -> None:
    declared = registry()
    for definition in FormRegistry.load():
        if definition.handler:
            assert definition.handler in declared.submit_handlers, definition.id
        for name in definition.providers:
            provider = declared.choice_providers[name]
            assert provider.service in declared.legacy_services, (definition.id, name)


def test_every_owner_is_a_listed_feature() -> None:
    names = set(FEATURES)
    assert set(registry().owner.values()) <= names
    for service in registry().legacy_services:
        assert registry().owner["legacy_services", service] in names


def test_two_features_cannot_claim_the_same_entry() -> None:
    kind = Kind("receipt_issued", "updates")
    with pytest.raises(DuplicateEntry, match="receipt_issued"):
        build_registry((*load_features(), Feature(name="copy", notification_kinds=(kind,))))
    with pytest.raises(DuplicateEntry, match=r"fines\.register_payment"):
        build_registry(
            (
                *load_features(),
                Feature(name="copy", outbox={"fines.register_payment": lambda app: print}),
            )
        )


def test_an_installed_feature_plugs_in_with_its_manifest_alone(
    database_url: str, simulators: object
) -> None:
    """A slice from outside gateway/: its page, its level area, its timeline kind."""
    probe = Blueprint("probe_service", __name__)

    @probe.get("/")
    def home() -> str:
        return "probe"

    feature = Feature(
        name="probe",
        mounts=(Mount(probe, "public", "/probe"),),
        timeline_kinds={"probe_done": "Probe done"},
    )
    with installed(feature):
        app = create_app(make_config(database_url, simulators_url=simulators.base_url))  # type: ignore[attr-defined]
        try:
            assert app.test_client().get("/probe/").get_data(as_text=True) == "probe"
            from gateway.timeline import kind_label

            assert kind_label("probe_done") == "Probe done"
        finally:
            db.dispose(app)
    assert "probe_done" not in registry().timeline_kinds
