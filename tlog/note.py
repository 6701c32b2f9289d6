"""C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
witness cosignatures (c2sp.org/tlog-cosignature, ``cosignature/v1``), with Ed25519.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
``— <key name> <base64(key id ‖ signature)>``. The key id is the first four bytes of
SHA-256(key name ‖ "\\n" ‖ algorithm byte ‖ public key): 0x01 for a log's Ed25519 note key,
0x04 for a witness's cosignature key, whose signature also carries the time it was made
(8 bytes, big-endian seconds) and covers ``cosignature/v1\\ntime <t>\\n`` ‖ checkpoint body.
A verifier key reads ``<name>+<hex key id>+<base64(algorithm ‖ public key)>``; a signer key
``PRIVATE+KEY+<name>+<hex key id>+<base64(algorithm ‖ seed)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "— "
MAX_NOTE_BYTES = 1 << 16
_NAME = re.compile(r"[^\s+]+")
_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class NoteError(ValueError):
    """A note, a key or a checkpoint is malformed, or a signature does not verify."""


def _b64decode(text: str) -> bytes:
    if not _B64.fullmatch(text) or len(text) % 4:
        raise NoteError("not canonical base64")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as e:
        raise NoteError("not base64") from e


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise NoteError(f"bad key name {name!r}")
    return name


@dataclass(frozen=True)
class Verifier:
    """A public key that checks one signer's lines in a note."""

    name: str
    algorithm: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    def encoded(self) -> str:
        """The verifier key string, as published."""
        raw = bytes([self.algorithm]) + self.public_key
        return f"{self.name}+{self.key_id.hex()}+{_b64(raw)}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        name, sep, rest = text.strip().partition("+")
        hex_id, sep2, material = rest.partition("+")
        if not sep or not sep2 or not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise NoteError("a verifier key reads name+keyid+key")
        raw = _b64decode(material)
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("only Ed25519 note and cosignature keys are known")
        verifier = cls(_check_name(name), raw[0], raw[1:])
        if verifier.key_id.hex() != hex_id:
            raise NoteError("the key id does not match the key")
        return verifier

    def check(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key with its name: signs notes (0x01) or cosigns checkpoints (0x04)."""

    name: str
    algorithm: int
    seed: bytes

    @property
    def verifier(self) -> Verifier:
        key = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return Verifier(self.name, self.algorithm, key.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def encoded(self) -> str:
        raw = bytes([self.algorithm]) + self.seed
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{_b64(raw)}"

    @classmethod
    def generate(cls, name: str, algorithm: int = ED25519) -> Signer:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(_check_name(name), algorithm, seed)

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key reads PRIVATE+KEY+name+keyid+key")
        raw = _b64decode(parts[4])
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("only Ed25519 note and cosignature keys are known")
        signer = cls(_check_name(parts[2]), raw[0], raw[1:])
        if signer.verifier.key_id.hex() != parts[3]:
            raise NoteError("the key id does not match the key")
        return signer

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    blob: bytes

    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {_b64(self.key_id + self.blob)}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def encoded(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def signed_by(self, verifier: Verifier) -> Signature | None:
        """The signature of ``verifier`` that verifies, if the note carries one."""
        for s in self.signatures:
            if s.name == verifier.name and s.key_id == verifier.key_id:
                if verifier.algorithm == COSIGNATURE_V1:
                    if len(s.blob) != 72:
                        continue
                    (timestamp,) = struct.unpack(">Q", s.blob[:8])
                    message = cosigned_message(self.text, timestamp)
                    if verifier.check(message, s.blob[8:]):
                        return s
                elif verifier.check(self.text.encode(), s.blob):
                    return s
        return None

    def with_signature(self, signature: Signature) -> Note:
        return Note(self.text, (*self.signatures, signature))


def parse_note(data: str | bytes) -> Note:
    """Split a signed note into its text and signature lines (none is verified here)."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_NOTE_BYTES:
        raise NoteError("note too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NoteError("a note is UTF-8") from e
    if "\r" in text or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("control characters in a note")
    body, sep, sigs = text.rpartition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise NoteError("a signed note ends with its signature lines")
    signatures = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash")
        name, space, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        blob = _b64decode(b64) if space else b""
        if len(blob) < 5:
            raise NoteError("a signature is a key id and the signature bytes")
        signatures.append(Signature(_check_name(name), blob[:4], blob[4:]))
    if not signatures:
        raise NoteError("a signed note has at least one signature")
    return Note(body + "\n", tuple(signatures))


def sign_note(text: str, signer: Signer) -> Note:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if signer.algorithm != ED25519:
        raise NoteError("a note is signed with a note key")
    return Note(text, (Signature(signer.name, signer.verifier.key_id, signer.sign(text.encode())),))


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode()


def cosign(note: Note, witness: Signer, timestamp: int) -> Note:
    """Add a witness's cosignature/v1 over the checkpoint in ``note``."""
    if witness.algorithm != COSIGNATURE_V1:
        raise NoteError("a cosignature needs a cosignature key")
    blob = struct.pack(">Q", timestamp) + witness.sign(cosigned_message(note.text, timestamp))
    return note.with_signature(Signature(witness.name, witness.verifier.key_id, blob))


@dataclass(frozen=True)
class Checkpoint:
    """The body of a signed tree head: origin, tree size, root hash (and extension lines)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), _b64(self.root), *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash")
        origin, size, root, *extensions = lines[:-1]
        if not origin or not re.fullmatch(r"0|[1-9][0-9]{0,19}", size) or int(size) >= 1 << 64:
            raise NoteError("bad checkpoint origin or size (a uint64)")
        digest = _b64decode(root)
        if len(digest) != 32 or any(not e for e in extensions):
            raise NoteError("bad checkpoint root hash or extension")
        return cls(origin, int(size), digest, tuple(extensions))


def open_checkpoint(data: str | bytes, log: Verifier, origin: str) -> tuple[Note, Checkpoint]:
    """Parse a signed checkpoint and check the log's signature and the origin line."""
    note = parse_note(data)
    if note.signed_by(log) is None:
        raise NoteError("the checkpoint is not signed by the log's key")
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != origin:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return note, checkpoint
