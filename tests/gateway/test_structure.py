"""The shape of the code: libraries stay framework-free; every route has an access rule."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask

from gateway.access import ACCESS_RULES, access_rule

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ("identity", "connectors", "forms", "printing", "tlog")
FORBIDDEN = ("flask", "gateway")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_libraries_never_import_flask_or_gateway() -> None:
    offenders = []
    for lib in LIBRARIES:
        for path in (ROOT / lib).rglob("*.py"):
            for name in imported_modules(path):
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_layering_check_itself_catches_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import request\n")
    assert "flask" in imported_modules(bad)


def test_every_route_belongs_to_a_blueprint_with_an_access_rule(app: Flask) -> None:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if access_rule(app, rule.endpoint) not in ACCESS_RULES:
            missing.append(rule.rule)
    assert missing == []


def test_a_route_without_access_rule_is_refused(app: Flask) -> None:
    """Defence in depth: a view added outside ``register`` answers 403, not its content."""

    @app.get("/undeclared")
    def undeclared() -> str:
        return "secret"

    response = app.test_client().get("/undeclared")
    assert response.status_code == 403 and b"secret" not in response.data
