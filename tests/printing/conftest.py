"""Seal keys for the printing tests. Every key here is a TEST KEY, generated per run."""

import pytest

from printing.keys import PrivateKey, generate_key
from printing.seal import SealSigner, SealVerifier


@pytest.fixture(scope="session")
def seal_key() -> PrivateKey:
    """TEST KEY: the issuer's current seal key, generated for this test run only."""
    return generate_key()


@pytest.fixture(scope="session")
def other_key() -> PrivateKey:
    """TEST KEY: a key the verifier does not know (another issuer)."""
    return generate_key()


@pytest.fixture(scope="session")
def signer(seal_key: PrivateKey) -> SealSigner:
    return SealSigner(seal_key)


@pytest.fixture(scope="session")
def verifier(seal_key: PrivateKey) -> SealVerifier:
    return SealVerifier.from_public_keys([seal_key.public_key()])
