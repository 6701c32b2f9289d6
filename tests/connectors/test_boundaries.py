"""connectors/ is a plain library: it never imports the web framework or the gateway."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "connectors"
FORBIDDEN = {"flask", "gateway"}  # werkzeug (Flask's own HTTP toolkit) is allowed


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_module_imports_no_framework(path: Path) -> None:
    assert not imported_roots(path) & FORBIDDEN


def test_the_walker_sees_imports() -> None:
    assert {"zeep", "requests"} <= imported_roots(PACKAGE / "base.py")
