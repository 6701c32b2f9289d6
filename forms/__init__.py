"""Form definitions, Italian validators, validation with every error at once, resume codes.

No HTML and no web framework here: the gateway renders forms for the web, `printing` on paper.
"""

from forms.errors import (
    DefinitionError,
    FormsError,
    InvalidResumeCode,
    InvalidValue,
    MissingChoices,
    UnknownService,
)
from forms.loader import load_definition, parse_definition
from forms.messages import MESSAGES, FieldError, field_error
from forms.model import Choice, Condition, Fee, FieldDefinition, FormDefinition, Step, Text
from forms.registry import FormRegistry
from forms.validation import (
    FieldState,
    ValidationResult,
    choices_for,
    display_value,
    field_states,
    summary,
    to_json,
    validate,
)

__all__ = [
    "MESSAGES",
    "Choice",
    "Condition",
    "DefinitionError",
    "Fee",
    "FieldDefinition",
    "FieldError",
    "FieldState",
    "FormDefinition",
    "FormRegistry",
    "FormsError",
    "InvalidResumeCode",
    "InvalidValue",
    "MissingChoices",
    "Step",
    "Text",
    "UnknownService",
    "ValidationResult",
    "choices_for",
    "display_value",
    "field_error",
    "field_states",
    "load_definition",
    "parse_definition",
    "summary",
    "to_json",
    "validate",
]
