"""TEST identities of the built-in test IdP, read from `data/users.yaml` (the demo cast)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from identity.errors import ConfigurationError


@dataclass(frozen=True)
class TestUser:
    """One test identity; `attributes` uses SPID attribute names (fiscalNumber has TINIT-)."""

    __test__ = False  # a TEST identity, not a test case

    attributes: dict[str, str]
    role: str = ""

    @property
    def fiscal_code(self) -> str:
        """Fiscal code without the TINIT- prefix."""
        return self.attributes["fiscalNumber"].removeprefix("TINIT-")

    @property
    def display_name(self) -> str:
        """ "Mario Rossi"."""
        return f"{self.attributes.get('name', '')} {self.attributes.get('familyName', '')}".strip()


@cache
def _shipped_users() -> str:
    return files("identity.testidp").joinpath("data/users.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _entries(text: str) -> tuple[dict[str, Any], ...]:
    """The file's user entries, parsed once per process for each text (parsing is the cost)."""
    data = yaml.safe_load(text)
    return tuple(data.get("users", []))


def load_test_users(path: Path | None = None) -> list[TestUser]:
    """Users from `path`, or the shipped demo cast."""
    text = _shipped_users() if path is None else path.read_text(encoding="utf-8")
    users = []
    for entry in _entries(text):
        entry = {str(k): str(v) for k, v in entry.items()}
        role = entry.pop("role", "")
        if not entry.get("fiscalNumber", "").startswith("TINIT-"):
            raise ConfigurationError(f"test user without TINIT- fiscalNumber: {entry}")
        users.append(TestUser(attributes=entry, role=role))
    return users
