"""The demo's commands: ``flask demo`` and ``flask seed``."""

from __future__ import annotations

from ..features import Feature
from .command import demo_command, seed_command

FEATURE = Feature(name="demo", commands=(demo_command, seed_command))
