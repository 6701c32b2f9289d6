"""Mounts every feature's blueprints with their access rules (declared in the manifests)."""

from __future__ import annotations

from flask import Flask

from .features import mount_features


def register_all(app: Flask) -> None:
    mount_features(app)
