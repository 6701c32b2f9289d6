"""Verify a Sportello seal with python-cwt only, as docs/seal.md tells an outside verifier.

Run with the interpreter of its own environment (cwt 3.3 and cbor2 < 6, base45):
``verify_with_cwt.py SEAL_TEXT PUBLIC_KEY_PEM_FILE``. Prints the claims as JSON (bytes as
hex) and exits 0 when the seal verifies, 1 otherwise. Imports nothing of Sportello.
"""

import hashlib
import json
import sys

import base45
import cbor2
from cryptography.hazmat.primitives import serialization
from cwt import COSE, COSEKey

PREFIX = "SP1:"


def main(seal: str, pem_file: str) -> int:
    with open(pem_file, "rb") as f:
        pem = f.read()
    public = serialization.load_pem_public_key(pem)
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kid = hashlib.sha256(spki).digest()[:8]  # docs/seal.md: key id derivation
    if not seal.startswith(PREFIX):
        print("no SP1: prefix", file=sys.stderr)
        return 1
    message = base45.b45decode(seal[len(PREFIX) :])
    key = COSEKey.from_pem(pem, alg="ES256", kid=kid)
    try:
        payload = COSE.new().decode(message, key)
    except Exception as e:  # any failure is "does not verify"
        print(f"does not verify: {e}", file=sys.stderr)
        return 1
    claims = cbor2.loads(payload)
    shown = {k: v.hex() if isinstance(v, bytes) else v for k, v in claims.items()}
    print(json.dumps({"kid": kid.hex(), "claims": shown}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
