"""What happens when a form is submitted: the handler the service's feature declares.

A definition's ``handler: school.certificate_request`` names an entry of a feature's
``submit_handlers``. It runs in the submitting database transaction with the cleaned answers,
after the transaction moved to ``submitted``; a definition without a handler simply stays
submitted for the office to process, and one naming a handler nobody declares is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from forms import FormDefinition

from ..features import registry
from ..models import Transaction
from .filler import Filler


class SubmitHandler(Protocol):
    def __call__(
        self,
        session: Session,
        *,
        definition: FormDefinition,
        transaction: Transaction,
        cleaned: Mapping[str, Any],
        filler: Filler,
    ) -> None: ...


def submit_handler(definition: FormDefinition) -> SubmitHandler | None:
    """The handler a feature registered under the definition's name, or None if it has none."""
    if not definition.handler:
        return None
    handler: SubmitHandler | None = registry().submit_handlers.get(definition.handler)
    if handler is None:
        raise LookupError(
            f"form {definition.id!r} names handler {definition.handler!r}, which no feature "
            "declares (gateway/<feature>/feature.py submit_handlers)"
        )
    return handler
