"""The gateway's seal keys: one current signing key, older public keys kept for verification.

Production reads the signing key from SPORTELLO_SEAL_KEY_FILE and the retired public keys from
SPORTELLO_SEAL_RETIRED_KEYS (comma-separated PEM files), so keys rotate without invalidating
documents already printed. The demo and the tests make a key in the instance folder (or a
temporary one) the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from printing.keys import (
    export_jwks,
    generate_key,
    load_private_key_pem,
    load_public_key_pem,
    private_key_to_pem,
)
from printing.seal import SealSigner, SealVerifier

from .config import INSTANCE_DIR, Config


@dataclass(frozen=True)
class SealKeys:
    signer: SealSigner
    verifier: SealVerifier
    jwks: dict[str, Any]


def _demo_key_file(config: Config) -> Path:
    path = INSTANCE_DIR / f"seal-{config.profile}-key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(private_key_to_pem(generate_key()))
        path.chmod(0o600)
    return path


def init_seals(app: Flask) -> None:
    config: Config = app.config["SPORTELLO"]
    key_path = Path(config.seal_key_file) if config.seal_key_file else _demo_key_file(config)
    private_key = load_private_key_pem(key_path.read_bytes())
    signer = SealSigner(private_key)
    public_keys = [signer.public_key] + [
        load_public_key_pem(Path(p).read_bytes()) for p in Config.split(config.seal_retired_keys)
    ]
    app.extensions["sportello.seals"] = SealKeys(
        signer=signer,
        verifier=SealVerifier.from_public_keys(public_keys),
        jwks=export_jwks(public_keys),
    )


def seal_keys(app: Flask | None = None) -> SealKeys:
    return (app or current_app).extensions["sportello.seals"]
