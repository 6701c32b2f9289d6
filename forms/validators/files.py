"""Metadata of an uploaded file (name, content type, size); the bytes are the caller's business.

The gateway reads the upload, passes `{"name", "content_type", "size"}` and keeps the bytes only
if this check passes. The content type is the one the browser declared; the gateway should also
sniff the bytes before trusting it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from typing import Any

from forms.errors import InvalidValue

# Extensions expected for the content types a form may accept. A content type missing here is
# checked on its own, without an extension rule.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
    "application/xml": (".xml",),
    "application/pkcs7-mime": (".p7m",),
}
MAX_NAME_LENGTH = 200


def format_size(size: int) -> str:
    """Human size: "512 B", "300 KB", "5 MB" (powers of 1024, as file managers show them)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.3g} MB"


def clean_file_meta(value: Any, *, accept: Collection[str], max_size: int) -> dict[str, Any]:
    """Return `{"name", "content_type", "size"}` checked, or raise `InvalidValue`.

    Codes: `file.format` (not a mapping with those keys), `file.name` (empty, a path, control
    characters, too long), `file.empty`, `file.too_large`, `file.content_type`, `file.extension`.
    """
    if not isinstance(value, Mapping):
        raise InvalidValue("file.format")
    name, content_type, size = value.get("name"), value.get("content_type"), value.get("size")
    if not isinstance(name, str) or not isinstance(content_type, str):
        raise InvalidValue("file.format")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidValue("file.format")
    name = unicodedata.normalize("NFC", name.strip())
    if (
        not name
        or len(name) > MAX_NAME_LENGTH
        or any(c in "/\\" or unicodedata.category(c) == "Cc" for c in name)
        or name in {".", ".."}
    ):
        raise InvalidValue("file.name", max_length=MAX_NAME_LENGTH)
    if size == 0:
        raise InvalidValue("file.empty")
    if size > max_size:
        raise InvalidValue("file.too_large", max_size=format_size(max_size))
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in accept:
        raise InvalidValue("file.content_type", accepted=", ".join(sorted(accept)))
    extensions = EXTENSIONS.get(content_type)
    if extensions and not name.lower().endswith(extensions):
        raise InvalidValue("file.extension", extensions=", ".join(extensions))
    return {"name": name, "content_type": content_type, "size": size}
