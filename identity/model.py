"""The values `identity` hands to the gateway: who logged in, and how."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

Method = Literal["spid", "cie", "oidc"]


@dataclass(frozen=True)
class Identity:
    """A citizen authenticated by an identity provider.

    `fiscal_code` is upper case without the SPID `TINIT-` prefix. `name_id`, `name_qualifier` and
    `session_index` are what single logout needs; keep them in the web session.
    """

    fiscal_code: str
    name: str
    family_name: str
    date_of_birth: dt.date | None
    email: str | None
    spid_level: int
    idp_entity_id: str
    session_index: str | None
    name_id: str
    method: Method = "spid"
    name_qualifier: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for a web session); `from_dict` reads it back."""
        data = asdict(self)
        data["date_of_birth"] = self.date_of_birth.isoformat() if self.date_of_birth else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        """Inverse of `to_dict`."""
        values = dict(data)
        dob = values.get("date_of_birth")
        values["date_of_birth"] = dt.date.fromisoformat(dob) if dob else None
        return cls(**values)
