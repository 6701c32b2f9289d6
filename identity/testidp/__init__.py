"""Built-in TEST identity provider (demo and tests only; its key is public)."""

from identity.testidp.app import TestIdPApp
from identity.testidp.idp import AuthnRequestInfo, TestIdP, TestIdPError, TestIdPSettings
from identity.testidp.responses import DROP, ResponseOptions
from identity.testidp.users import TestUser, load_test_users

__all__ = [
    "DROP",
    "AuthnRequestInfo",
    "ResponseOptions",
    "TestIdP",
    "TestIdPApp",
    "TestIdPError",
    "TestIdPSettings",
    "TestUser",
    "load_test_users",
]
