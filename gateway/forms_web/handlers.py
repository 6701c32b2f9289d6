"""What happens when a form is submitted: the service's handler, found by convention.

A definition's ``handler: school.certificate_request`` names the function
``certificate_request`` in ``gateway/school/handlers.py``. It runs in the submitting database
transaction with the cleaned answers, after the transaction moved to ``submitted``; a service
without a handler simply stays submitted for the office to process.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from forms import FormDefinition

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
    """The handler function named by the definition, or None if the service has none."""
    if not definition.handler:
        return None
    package, _, name = definition.handler.rpartition(".")
    module_name = f"gateway.{package}.handlers"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name not in (module_name, f"gateway.{package}"):
            raise
        return None
    handler: SubmitHandler | None = getattr(module, name, None)
    return handler
