"""The standalone proof checker's own Ed25519 (RFC 8032) agrees with cryptography's and with
golang.org/x/mod/sumdb/note's published example signature."""

from __future__ import annotations

import base64
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.tlog.test_note import PETER_NOTE, PETER_TEXT, PETER_VERIFIER
from tlog import note

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_proof.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_audit_proof", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_go_example_checks_out(script: ModuleType) -> None:
    public = note.Verifier.parse(PETER_VERIFIER).public_key
    blob = base64.b64decode(PETER_NOTE.rsplit(" ", 1)[1])
    assert script.ed25519_verify(public, PETER_TEXT.encode(), blob[4:])
    assert not script.ed25519_verify(public, PETER_TEXT.encode() + b" ", blob[4:])


def test_it_agrees_with_cryptography(script: ModuleType) -> None:
    for i in range(10):
        signer = note.Signer.generate("k")
        message = bytes([i]) * i
        signature = signer.sign(message)
        public = signer.verifier.public_key
        assert script.ed25519_verify(public, message, signature)
        bent = bytes([signature[0] ^ 1]) + signature[1:]
        assert not script.ed25519_verify(public, message, bent)
        assert not script.ed25519_verify(public, message, signature[:63])


def test_a_checkpoint_with_another_signer_is_refused(script: ModuleType) -> None:
    log = note.Signer.generate("example.org/log")
    other = note.Signer.generate("example.org/log")
    signed = note.sign_note(note.Checkpoint("example.org/log", 1, bytes(32)).text(), other)
    with pytest.raises(script.ProofFailed):
        script.check_checkpoint(signed.encoded(), log.verifier.encoded())
    good = note.sign_note(note.Checkpoint("example.org/log", 1, bytes(32)).text(), log)
    assert script.check_checkpoint(good.encoded(), log.verifier.encoded())[1] == 1
