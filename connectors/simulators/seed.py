"""Seed data files, parsed once per process (a reset must be cheap: tests reset before each)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def seed(name: str) -> Any:
    """The parsed `data/<name>.yaml`. Shared between callers: treat it as read-only."""
    return yaml.load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
