"""The one place where a redirect target taken from a request is judged.

Every ``next`` (login, logout, language switch, OIDC, desk) goes through ``safe_target``: only a
relative path on this site, in plain printable ASCII, that means the same thing to every
parser. Browsers are lenient where servers are strict — they drop tabs and newlines, read a
backslash as a slash and ``/%09/host`` as ``//host`` — so anything a browser could read as
another site is refused, never "cleaned". The value that passed is returned unchanged and is
the one to send.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 1024
HOME = "/"

# RFC 3986 path, query and fragment characters, percent escapes included; nothing else.
_ALLOWED = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?#]*")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def safe_target(value: object, default: str = HOME) -> str:
    """``value`` if it is a safe same-site path, else ``default``. Never raises."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return default
    if not _ALLOWED.fullmatch(value) or value.startswith("//"):
        return default
    if "%" in value and len(_ESCAPE.findall(value)) != value.count("%"):
        return default  # a lone '%' or a bad escape: parsers disagree on what it means
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    path = parts.path
    decoded = unquote(path)
    if decoded != path:
        # An escape in the path may hide a slash, a backslash or a control character; a
        # legitimate path of ours never needs one.
        return default
    if any(segment in (".", "..") for segment in path.split("/")):
        return default
    return value
