"""TEST-ONLY keys and certificates shipped for the demo and the tests.

They are public (they are in the repository): anything signed with them proves nothing. A
production configuration must refuse them; `is_test_certificate` tells them apart. Regenerate the
SP pair with::

    python -m identity.keys --out identity/testdata --stem sp-TEST-ONLY --ipa-code c_x000 \
        --entity-id http://localhost:5000/saml/metadata --organization "Comune di Villanova" \
        --locality Villanova --days 7300 --bits 2048

and the federation pair (the signer of the test IdP's metadata) with
``python -m identity.testdata.federation``.
"""

from __future__ import annotations

from importlib.resources import files

from cryptography import x509


def _read(package: str, name: str) -> str:
    return files(package).joinpath(name).read_text(encoding="ascii")


def sp_key_pem() -> str:
    """The TEST-ONLY SP private key (PEM)."""
    return _read(__name__, "sp-TEST-ONLY-key.pem")


def sp_cert_pem() -> str:
    """The TEST-ONLY SP certificate (PEM)."""
    return _read(__name__, "sp-TEST-ONLY-cert.pem")


def idp_key_pem() -> str:
    """The TEST-ONLY key of the built-in test IdP (PEM)."""
    return _read("identity.testidp", "data/idp-TEST-ONLY-key.pem")


def idp_cert_pem() -> str:
    """The TEST-ONLY certificate of the built-in test IdP (PEM)."""
    return _read("identity.testidp", "data/idp-TEST-ONLY-cert.pem")


def federation_key_pem() -> str:
    """The TEST-ONLY key of the test federation operator, which signs IdP metadata (PEM)."""
    return _read(__name__, "federation-TEST-ONLY-key.pem")


def federation_cert_pem() -> str:
    """The TEST-ONLY certificate of the test federation operator (PEM)."""
    return _read(__name__, "federation-TEST-ONLY-cert.pem")


def is_test_certificate(cert_pem: str) -> bool:
    """True if `cert_pem` is one of the shipped TEST-ONLY certificates (same public key)."""
    try:
        key = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    except ValueError:
        return False
    shipped = (sp_cert_pem(), idp_cert_pem(), federation_cert_pem())
    return any(x509.load_pem_x509_certificate(p.encode()).public_key() == key for p in shipped)
