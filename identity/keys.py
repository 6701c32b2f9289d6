"""SP signing key and certificate per SPID notice n.29 v3, with `cryptography` only.

    python -m identity.keys --out DIR --ipa-code c_x000 --entity-id https://sp.example/saml \
        --organization "Comune di Villanova" --locality Villanova [--days 730] [--bits 3072]

writes DIR/sp-key.pem (mode 0600) and DIR/sp-cert.pem. The certificate is self-signed, as SPID
expects of service-provider metadata keys.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

URI_OID = ObjectIdentifier("2.5.4.83")
AGID_CERT_POLICY = "1.3.76.16.6"
SPID_PUBLIC_SP_POLICY = "1.3.76.16.4.2.1"


def _policy(oid: str, notice: str) -> x509.PolicyInformation:
    return x509.PolicyInformation(
        ObjectIdentifier(oid), [x509.UserNotice(notice_reference=None, explicit_text=notice)]
    )


def make_sp_certificate(
    *,
    ipa_code: str,
    entity_id: str,
    organization: str,
    locality: str,
    common_name: str | None = None,
    days: int = 730,
    bits: int = 3072,
) -> tuple[bytes, bytes]:
    """New RSA key and self-signed certificate for a public-sector SP: (key PEM, cert PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name or organization),
            x509.NameAttribute(URI_OID, entity_id),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"PA:IT-{ipa_code}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
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
        .add_extension(
            x509.CertificatePolicies(
                [
                    _policy(AGID_CERT_POLICY, "agIDcert"),
                    _policy(SPID_PUBLIC_SP_POLICY, "cert_SP_Pub"),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def write_pair(out: Path, key_pem: bytes, cert_pem: bytes, stem: str) -> tuple[Path, Path]:
    """Write `<stem>-key.pem` (0600) and `<stem>-cert.pem` into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = out / f"{stem}-key.pem", out / f"{stem}-cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_pem)
    cert_path.write_bytes(cert_pem)
    return key_path, cert_path


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m identity.keys", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ipa-code", required=True)
    parser.add_argument("--entity-id", required=True)
    parser.add_argument("--organization", required=True)
    parser.add_argument("--locality", required=True)
    parser.add_argument("--common-name")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--bits", type=int, default=3072, choices=(2048, 3072, 4096))
    parser.add_argument("--stem", default="sp", help="file name prefix (default: sp)")
    args = parser.parse_args(argv)
    key_pem, cert_pem = make_sp_certificate(
        ipa_code=args.ipa_code,
        entity_id=args.entity_id,
        organization=args.organization,
        locality=args.locality,
        common_name=args.common_name,
        days=args.days,
        bits=args.bits,
    )
    key_path, cert_path = write_pair(args.out, key_pem, cert_pem, args.stem)
    print(f"wrote {key_path} and {cert_path}")


if __name__ == "__main__":
    main()
