"""Make the TEST-ONLY key and certificate of the built-in test IdP.

    python -m identity.testidp.keys [--out identity/testidp/data]

writes idp-TEST-ONLY-key.pem and idp-TEST-ONLY-cert.pem (self-signed, RSA 2048, 20 years).
They are public test material: never trust this IdP outside the demo and the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from identity.keys import write_pair


def make_test_idp_certificate(
    common_name: str = "Sportello test IdP - TEST ONLY",
    *,
    days: int = 7300,
    not_before: dt.datetime | None = None,
) -> tuple[bytes, bytes]:
    """(key PEM, cert PEM) for a test IdP; `not_before`/`days` allow making expired ones."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TEST ONLY - not a real IdP"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )
    start = not_before or dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m identity.testidp.keys", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args(argv)
    key_path, cert_path = write_pair(args.out, *make_test_idp_certificate(), stem="idp-TEST-ONLY")
    key_path.chmod(0o644)  # public test material, shipped as package data
    print(f"wrote {key_path} and {cert_path}")


if __name__ == "__main__":
    main()
