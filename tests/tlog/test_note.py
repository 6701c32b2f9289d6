"""Signed notes, checkpoints and cosignatures against golang.org/x/mod/sumdb/note's example
(Ed25519 is deterministic: signing its text with its key gives its signature) and the key ids
of transparency-dev/formats' cosignature tests."""

from __future__ import annotations

import pytest

from tlog import note

PETER_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_NOTE = (
    PETER_TEXT
    + "\n— PeterNeumann "
    + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
    + "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
COSIGNATURE_KEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"


def test_signing_reproduces_the_go_example():
    signer = note.Signer.parse(PETER_SIGNER)
    assert signer.encoded() == PETER_SIGNER
    assert signer.verifier.encoded() == PETER_VERIFIER
    assert note.sign_note(PETER_TEXT, signer).encoded() == PETER_NOTE


def test_the_go_example_verifies_and_a_changed_text_does_not():
    verifier = note.Verifier.parse(PETER_VERIFIER)
    parsed = note.parse_note(PETER_NOTE)
    assert parsed.text == PETER_TEXT
    assert parsed.signed_by(verifier) is not None
    forged = note.parse_note(PETER_NOTE.replace("cryptography", "cryptographY"))
    assert forged.signed_by(verifier) is None


def test_cosignature_key_ids_are_computed_with_their_algorithm():
    verifier = note.Verifier.parse(COSIGNATURE_KEY)
    assert verifier.algorithm == note.COSIGNATURE_V1
    assert verifier.encoded() == COSIGNATURE_KEY


@pytest.mark.parametrize(
    "key",
    [
        PETER_VERIFIER.replace("c74f20a3", "c74f20a4"),
        PETER_VERIFIER[:-1],
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys_are_refused(key):
    with pytest.raises(note.NoteError):
        note.Verifier.parse(key)


def test_checkpoint_round_trip_and_cosignature():
    log = note.Signer.generate("example.org/audit")
    witness = note.Signer.generate("witness.example.org", note.COSIGNATURE_V1)
    body = note.Checkpoint("example.org/audit", 8, bytes(range(32))).text()
    signed = note.sign_note(body, log)
    opened, checkpoint = note.open_checkpoint(signed.encoded(), log.verifier, "example.org/audit")
    assert checkpoint.size == 8 and checkpoint.root == bytes(range(32))
    cosigned = note.cosign(opened, witness, 1_700_000_000)
    again = note.parse_note(cosigned.encoded())
    assert again.signed_by(log.verifier) is not None
    assert again.signed_by(witness.verifier) is not None
    other = note.Signer.generate("witness.example.org", note.COSIGNATURE_V1)
    assert again.signed_by(other.verifier) is None
    with pytest.raises(note.NoteError):
        note.open_checkpoint(signed.encoded(), log.verifier, "another.origin")
    with pytest.raises(note.NoteError):
        note.open_checkpoint(signed.encoded(), witness.verifier, "example.org/audit")


@pytest.mark.parametrize(
    "data",
    [
        "",
        "text\n",
        "text\n\n",
        "text\n\nno dash\n",
        "text\n\n— name\n",
        "text\n\n— name !!!!\n",
        "text\r\n\n— name AAAAAAAA\n",
        b"\xff\n\n\xe2\x80\x94 n AAAAAAAA\n",
    ],
)
def test_malformed_notes_are_refused(data):
    with pytest.raises(note.NoteError):
        note.parse_note(data)


@pytest.mark.parametrize(
    "text",
    [
        "o\n",
        "o\n01\nAAAA\n",
        "o\n1\nAAAA\n",
        "\n1\n" + "A" * 43 + "=\n",
        "o\n1\n" + "A" * 43 + "=\n\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(note.NoteError):
        note.Checkpoint.parse(text)
