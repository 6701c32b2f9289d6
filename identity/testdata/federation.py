"""Make the TEST-ONLY federation signer: the stand-in for AgID / the Ministry of the Interior.

    python -m identity.testdata.federation [--out identity/testdata]

writes federation-TEST-ONLY-key.pem and federation-TEST-ONLY-cert.pem (self-signed, RSA 2048,
20 years). The key signs the test IdP's metadata as a federation operator signs its registry,
so that the demo and the tests load the test IdP through the same signature check as a real
federation entry. Public test material: a production configuration must never trust it.
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

STEM = "federation-TEST-ONLY"


def make_federation_certificate(
    common_name: str = "Sportello test federation - TEST ONLY", *, days: int = 7300
) -> tuple[bytes, bytes]:
    """(key PEM, cert PEM) of a metadata-signing federation operator, for tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TEST ONLY - not a real federation"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m identity.testdata.federation", description=__doc__
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args(argv)
    key_path, cert_path = write_pair(args.out, *make_federation_certificate(), stem=STEM)
    key_path.chmod(0o644)  # public test material, shipped as package data
    print(f"wrote {key_path} and {cert_path}")


if __name__ == "__main__":
    main()
