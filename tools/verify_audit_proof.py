#!/usr/bin/env python3
"""Check a Sportello audit inclusion proof offline, with the Python standard library only.

    python3 verify_audit_proof.py PROOF.json [--key 'origin+keyid+base64key']

PROOF.json is the file the gateway hands out (format ``sportello-audit-inclusion/v1``: the
log's verifier key, a signed checkpoint, the entry's index, the entry's canonical JSON and
the audit path). The script checks, in order: the checkpoint's Ed25519 signature (C2SP signed
note) with the log key — give ``--key`` with the key published at
``/.well-known/sportello-audit/key`` (or by your municipality) so as not to trust the file's
own — then that SHA-256(0x00 ‖ entry) with the path leads to the checkpoint's root hash
(RFC 9162, 2.1.3.2). Exit status 0 when both hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys

# Ed25519 verification, RFC 8032 section 5.1.7 (the reference arithmetic of section 6).
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _I % _P
    if (x * x - x2) % _P:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_G = (_GX, _GY, 1, _GX * _GY % _P)
Point = tuple[int, int, int, int]


def _add(a: Point, b: Point) -> Point:
    e1 = (a[1] - a[0]) * (b[1] - b[0]) % _P
    e2 = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c = 2 * a[3] * b[3] * _D % _P
    d = 2 * a[2] * b[2] % _P
    e, f, g, h = e2 - e1, d - c, d + c, e2 + e1
    return (e * f, g * h, f * g, e * h)


def _mul(s: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while s:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(data: bytes) -> Point | None:
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little")
    return _equal(_mul(s, _G), _add(r, _mul(h % _L, a)))


# RFC 9162 inclusion proof verification, 2.1.3.2.
def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


class ProofFailed(Exception):
    pass


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ProofFailed(f"not base64: {text[:20]!r}") from e


def parse_key(key: str) -> tuple[str, bytes, bytes]:
    """name, key id, Ed25519 public key of a note verifier key."""
    name, _, rest = key.strip().partition("+")
    key_id, _, material = rest.partition("+")
    raw = _b64(material)
    if len(raw) != 33 or raw[0] != 1 or len(key_id) != 8:
        raise ProofFailed("the log key is not an Ed25519 note verifier key")
    digest = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if digest.hex() != key_id:
        raise ProofFailed("the log key's id does not match the key")
    return name, digest, raw[1:]


def check_checkpoint(note: str, key: str) -> tuple[str, int, bytes]:
    """The checkpoint's origin, size and root, once its signature by ``key`` verified."""
    name, key_id, public = parse_key(key)
    text, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise ProofFailed("the checkpoint is not a signed note")
    text += "\n"
    for line in signatures.splitlines():
        who, _, blob = line.removeprefix("— ").partition(" ")
        raw = _b64(blob) if line.startswith("— ") else b""
        if who == name and raw[:4] == key_id and ed25519_verify(public, text.encode(), raw[4:]):
            break
    else:
        raise ProofFailed("the checkpoint is not signed by the log key")
    lines = text.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise ProofFailed("the signed text is not a checkpoint")
    if lines[0] != name:
        raise ProofFailed(f"the checkpoint is for {lines[0]!r}, the key for {name!r}")
    root = _b64(lines[2])
    if len(root) != 32:
        raise ProofFailed("the checkpoint's root is not a SHA-256 hash")
    return lines[0], int(lines[1]), root


def verify(document: dict, key: str | None) -> str:
    if document.get("format") != "sportello-audit-inclusion/v1":
        raise ProofFailed("not a sportello-audit-inclusion/v1 document")
    if key is not None and key.strip() != document.get("log_key", "").strip():
        raise ProofFailed("the document names another log key than the one given")
    origin, size, root = check_checkpoint(document["checkpoint"], key or document["log_key"])
    index = document["index"]
    if not isinstance(index, int):
        raise ProofFailed("the index is not a number")
    leaf = hashlib.sha256(b"\x00" + document["entry"].encode("utf-8")).digest()
    path = [_b64(p) for p in document["proof"]]
    if root_from_inclusion(index, size, leaf, path) != root:
        raise ProofFailed("the entry and the path do not lead to the checkpoint's root")
    return f"entry {index} is included in the checkpoint of {size} entries of {origin}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("proof", help="the proof file (JSON)")
    parser.add_argument("--key", help="the log's published note verifier key")
    args = parser.parse_args(argv)
    try:
        with open(args.proof, encoding="utf-8") as f:
            document = json.load(f)
        print("OK:", verify(document, args.key))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ProofFailed) as e:
        print("NOT VERIFIED:", e, file=sys.stderr)
        return 1
    if args.key is None:
        print("(the log key was the file's own: compare it with the published one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
