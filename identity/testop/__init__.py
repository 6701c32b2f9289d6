"""Built-in TEST OpenID provider (demo and tests only; anyone can log in as anyone)."""

from identity.testop.app import TestOPApp
from identity.testop.provider import Tampering, TestOP, TestOPClient
from identity.testop.server import RunningOP, start_test_op

__all__ = ["RunningOP", "Tampering", "TestOP", "TestOPApp", "TestOPClient", "start_test_op"]
