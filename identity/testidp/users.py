"""TEST identities of the built-in test IdP, read from `data/users.yaml` (the demo cast)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

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


def load_test_users(path: Path | None = None) -> list[TestUser]:
    """Users from `path`, or the shipped demo cast."""
    if path is None:
        text = files("identity.testidp").joinpath("data/users.yaml").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    users = []
    for entry in data.get("users", []):
        entry = {str(k): str(v) for k, v in entry.items()}
        role = entry.pop("role", "")
        if not entry.get("fiscalNumber", "").startswith("TINIT-"):
            raise ConfigurationError(f"test user without TINIT- fiscalNumber: {entry}")
        users.append(TestUser(attributes=entry, role=role))
    return users
