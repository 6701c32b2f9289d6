"""The log's signing key and the settings of its checkpoints.

The key that signs checkpoints is never in the database: production reads it from
SPORTELLO_AUDIT_LOG_KEY_FILE (a C2SP signer key, ``PRIVATE+KEY+<origin>+<id>+<key>``, made
with ``python -m gateway.audit.keys``); its name is the log's origin. The demo and the tests
make one in the instance folder the first time, as for the seal key. A rotated key's verifier
key goes to SPORTELLO_AUDIT_RETIRED_KEYS so that older checkpoints still verify.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app

from tlog.note import COSIGNATURE_V1, ED25519, NoteError, Signer, Verifier

from ..config import INSTANCE_DIR, Config, ConfigurationError


@dataclass(frozen=True)
class AuditSettings:
    signer: Signer
    retired: tuple[Verifier, ...]
    witnesses: tuple[Verifier, ...]
    checkpoint_file: Path
    every_seconds: int
    every_entries: int

    @property
    def origin(self) -> str:
        return self.signer.name

    @property
    def verifier(self) -> Verifier:
        return self.signer.verifier

    @property
    def log_verifiers(self) -> tuple[Verifier, ...]:
        return (self.verifier, *self.retired)


def default_origin(base_url: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"{host}/sportello-audit"


def _demo_key_file(config: Config) -> Path:
    path = INSTANCE_DIR / f"audit-log-{config.profile}-key.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Signer.generate(default_origin(config.base_url)).encoded() + "\n")
        path.chmod(0o600)
    return path


def demo_witness_key(config: Config) -> Signer:
    """The demo's own witness (run by ``flask demo``): a cosignature key in the instance
    folder, trusted by the demo gateway when no witness is configured."""
    path = INSTANCE_DIR / f"audit-witness-{config.profile}-key.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Signer.generate("witness.demo.sportello", COSIGNATURE_V1).encoded() + "\n")
        path.chmod(0o600)
    return Signer.parse(path.read_text())


def _verifiers(variable: str, value: str, algorithm: int) -> tuple[Verifier, ...]:
    keys = []
    for text in Config.split(value):
        try:
            key = Verifier.parse(text)
        except NoteError as e:
            raise ConfigurationError(f"{variable}: {text!r} is not a verifier key ({e})") from e
        if key.algorithm != algorithm:
            raise ConfigurationError(f"{variable}: {text!r} is a key of another kind")
        keys.append(key)
    return tuple(keys)


def load_settings(config: Config) -> AuditSettings:
    key_path = (
        Path(config.audit_log_key_file) if config.audit_log_key_file else _demo_key_file(config)
    )
    try:
        signer = Signer.parse(key_path.read_text())
    except (OSError, NoteError) as e:
        raise ConfigurationError(
            f"SPORTELLO_AUDIT_LOG_KEY_FILE: cannot read a log signer key from {key_path} ({e})"
        ) from e
    if signer.algorithm != ED25519:
        raise ConfigurationError("SPORTELLO_AUDIT_LOG_KEY_FILE holds a witness key, not a log key")
    if config.audit_checkpoint_file:
        checkpoint_file = Path(config.audit_checkpoint_file)
    elif config.profile == "test":
        # Each test app has a database of its own, so a file of its own.
        checkpoint_file = Path(tempfile.mkdtemp(prefix="sportello-audit-")) / "checkpoints.jsonl"
    else:
        checkpoint_file = INSTANCE_DIR / f"audit-checkpoints-{config.profile}.jsonl"
    if config.audit_checkpoint_seconds < 1 or config.audit_checkpoint_entries < 1:
        raise ConfigurationError(
            "SPORTELLO_AUDIT_CHECKPOINT_SECONDS and SPORTELLO_AUDIT_CHECKPOINT_ENTRIES are at "
            "least 1"
        )
    return AuditSettings(
        signer=signer,
        retired=_verifiers("SPORTELLO_AUDIT_RETIRED_KEYS", config.audit_retired_keys, ED25519),
        witnesses=_verifiers(
            "SPORTELLO_AUDIT_WITNESS_KEYS", config.audit_witness_keys, COSIGNATURE_V1
        )
        or ((demo_witness_key(config).verifier,) if config.profile == "demo" else ()),
        checkpoint_file=checkpoint_file,
        every_seconds=config.audit_checkpoint_seconds,
        every_entries=config.audit_checkpoint_entries,
    )


def init_audit(app: Flask) -> None:
    app.extensions["sportello.audit"] = load_settings(app.config["SPORTELLO"])


def audit_settings(app: Flask | None = None) -> AuditSettings:
    return (app or current_app).extensions["sportello.audit"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.audit.keys",
        description="Make the audit log's signing key, or a witness's cosigning key.",
    )
    parser.add_argument("--name", required=True, help="the log's origin, or the witness's name")
    parser.add_argument("--out", required=True, type=Path, help="the private key file to write")
    parser.add_argument("--witness", action="store_true", help="a witness key (cosignature/v1)")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} exists: not overwritten", file=sys.stderr)
        return 2
    try:
        signer = Signer.generate(args.name, COSIGNATURE_V1 if args.witness else ED25519)
    except NoteError as e:
        print(str(e), file=sys.stderr)
        return 2
    args.out.write_text(signer.encoded() + "\n")
    args.out.chmod(0o600)
    print(signer.verifier.encoded())
    return 0


if __name__ == "__main__":
    sys.exit(main())
