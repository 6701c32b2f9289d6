"""Form definitions, Italian validators, validation with every error at once, resume codes.

No HTML and no web framework here: the gateway renders forms for the web, `printing` on paper.
No translations either: every text is an English message id, shown in the language the caller
gives (`FormLanguage`).
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
from forms.messages import MESSAGES, N_, FieldError, FormLanguage, Money, field_error
from forms.model import Choice, Condition, Fee, FieldDefinition, FormDefinition, Step
from forms.registry import FormRegistry
from forms.validation import (
    FieldState,
    ValidationResult,
    choice_label,
    choice_labels,
    choices_for,
    display_value,
    field_states,
    summary,
    to_json,
    validate,
)

__all__ = [
    "MESSAGES",
    "N_",
    "Choice",
    "Condition",
    "DefinitionError",
    "Fee",
    "FieldDefinition",
    "FieldError",
    "FieldState",
    "FormDefinition",
    "FormLanguage",
    "FormRegistry",
    "FormsError",
    "InvalidResumeCode",
    "InvalidValue",
    "MissingChoices",
    "Money",
    "Step",
    "UnknownService",
    "ValidationResult",
    "choice_label",
    "choice_labels",
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
