"""publiccode.yml, the card Developers Italia's reuse catalogue reads, is valid and true."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from gateway.config import Config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "publiccode-0.4.json").read_text("utf-8"))


def card() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def problems(document: dict[str, Any]) -> list[str]:
    validator = jsonschema_rs.Draft7Validator(SCHEMA)
    return [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_publiccode_matches_the_standard() -> None:
    assert problems(card()) == []


def test_what_a_schema_cannot_check() -> None:
    document = card()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert document["legal"]["license"] == pyproject["project"]["license"]["text"]
    assert document["localisation"]["availableLanguages"] == list(Config().locales)
    assert set(document["description"]) == set(Config().locales)
    if "releaseDate" in document:
        assert dt.date.fromisoformat(document["releaseDate"]) <= dt.date.today()
    assert document["name"] == pyproject["project"]["name"].capitalize()


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("legal"),
        lambda d: d.__setitem__("categories", ["pizza"]),
        lambda d: d.__setitem__("developmentStatus", "finished"),
        lambda d: d["description"]["it"].__setitem__("shortDescription", "x" * 151),
        lambda d: d["description"]["en"].__setitem__("longDescription", "too short"),
        lambda d: d["maintenance"].pop("contacts"),
    ],
    ids=["no legal", "bad category", "bad status", "long short", "short long", "no contacts"],
)
def test_the_schema_refuses_a_damaged_card(damage: Any) -> None:
    document = copy.deepcopy(card())
    damage(document)
    assert problems(document) != []
