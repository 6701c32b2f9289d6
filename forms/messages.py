"""Catalogue of validation error codes with their Italian and English messages.

Codes are stable: the gateway, the API and the printed sheets may key on them. Messages are
`str.format` templates filled with the error's params; they speak to the citizen ("Inserisci..."),
never about the software.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Questo campo è obbligatorio.", "This field is required."),
    "text.format": ("Inserisci un testo.", "Please enter some text."),
    "text.invalid_chars": (
        "Il testo contiene caratteri non ammessi.",
        "The text contains characters that are not allowed.",
    ),
    "text.too_long": (
        "Il testo è troppo lungo: al massimo {max_length} caratteri (ne hai scritti {length}).",
        "The text is too long: at most {max_length} characters (you wrote {length}).",
    ),
    "text.too_short": (
        "Il testo è troppo breve: almeno {min_length} caratteri.",
        "The text is too short: at least {min_length} characters.",
    ),
    "choice.invalid": ("Scegli una delle opzioni proposte.", "Please pick one of the options."),
    "boolean.format": ("Rispondi sì o no.", "Please answer yes or no."),
    "integer.format": ("Inserisci un numero intero.", "Please enter a whole number."),
    "integer.min": ("Il numero minimo è {min}.", "The minimum is {min}."),
    "integer.max": ("Il numero massimo è {max}.", "The maximum is {max}."),
    "amount.format": (
        "Scrivi l'importo in euro, ad esempio 1.234,56.",
        "Please write the amount in euro, for example 1.234,56 (comma before the cents).",
    ),
    "amount.decimals": (
        "L'importo può avere al massimo due decimali.",
        "The amount may have at most two decimals.",
    ),
    "amount.negative": ("L'importo non può essere negativo.", "The amount cannot be negative."),
    "amount.min": ("L'importo minimo è {min}.", "The minimum amount is {min}."),
    "amount.max": ("L'importo massimo è {max}.", "The maximum amount is {max}."),
    "date.format": (
        "Scrivi la data come gg/mm/aaaa, ad esempio 31/01/2024.",
        "Please write the date as dd/mm/yyyy, for example 31/01/2024.",
    ),
    "date.invalid": ("Questa data non esiste.", "This date does not exist."),
    "date.future_not_allowed": (
        "La data non può essere nel futuro.",
        "The date cannot be in the future.",
    ),
    "date.past_not_allowed": (
        "La data non può essere nel passato.",
        "The date cannot be in the past.",
    ),
    "date.min_age": (
        "Occorre avere almeno {years} anni.",
        "You must be at least {years} years old.",
    ),
    "date.max_age": (
        "L'età non può superare {years} anni.",
        "The age cannot be over {years} years.",
    ),
    "date.too_early": (
        "La data non può essere precedente al {date}.",
        "The date cannot be before {date}.",
    ),
    "date.too_late": (
        "La data non può essere successiva al {date}.",
        "The date cannot be after {date}.",
    ),
    "cf.length": (
        "Il codice fiscale ha 16 caratteri (ne hai scritti {length}).",
        "The fiscal code has 16 characters (you wrote {length}).",
    ),
    "cf.format": (
        "Il codice fiscale non ha la forma corretta (6 lettere, 2 cifre, 1 lettera, ...).",
        "The fiscal code is not in the right form (6 letters, 2 digits, 1 letter, ...).",
    ),
    "cf.month": (
        "La lettera del mese di nascita ({letter}) non è valida.",
        "The letter for the month of birth ({letter}) is not valid.",
    ),
    "cf.day": (
        "Il giorno di nascita nel codice fiscale non è valido.",
        "The day of birth in the fiscal code is not valid.",
    ),
    "cf.check_char": (
        "Il codice fiscale non è corretto: controlla di averlo scritto bene.",
        "The fiscal code is not correct: please check you typed it right.",
    ),
    "iban.format": (
        "L'IBAN non ha la forma corretta.",
        "The IBAN is not in the right form.",
    ),
    "iban.country": (
        "Il codice paese dell'IBAN ({country}) non è riconosciuto.",
        "The IBAN country code ({country}) is not recognised.",
    ),
    "iban.length": (
        "L'IBAN di questo paese ha {expected} caratteri (ne hai scritti {length}).",
        "An IBAN of this country has {expected} characters (you wrote {length}).",
    ),
    "iban.checksum": (
        "L'IBAN non è corretto: controlla di averlo scritto bene.",
        "The IBAN is not correct: please check you typed it right.",
    ),
    "iban.national_check": (
        "Il CIN non corrisponde alle coordinate bancarie: controlla l'IBAN.",
        "The CIN does not match the bank details: please check the IBAN.",
    ),
    "plate.format": (
        "Scrivi la targa come AB123CD.",
        "Please write the plate as AB123CD.",
    ),
    "phone.format": (
        "Il numero di telefono non è valido.",
        "The phone number is not valid.",
    ),
    "phone.country": (
        "Indica un numero italiano (+39).",
        "Please give an Italian number (+39).",
    ),
    "phone.not_mobile": (
        "Indica un numero di cellulare.",
        "Please give a mobile number.",
    ),
    "phone.not_landline": (
        "Indica un numero di rete fissa.",
        "Please give a landline number.",
    ),
    "email.format": (
        "L'indirizzo e-mail non è valido.",
        "The e-mail address is not valid.",
    ),
    "email.too_long": (
        "L'indirizzo e-mail è troppo lungo (al massimo {max_length} caratteri).",
        "The e-mail address is too long (at most {max_length} characters).",
    ),
    "file.format": ("Il file non è stato ricevuto.", "The file was not received."),
    "file.name": (
        "Il nome del file non è valido (al massimo {max_length} caratteri, senza cartelle).",
        "The file name is not valid (at most {max_length} characters, no folders).",
    ),
    "file.empty": ("Il file è vuoto.", "The file is empty."),
    "file.too_large": (
        "Il file è troppo grande: al massimo {max_size}.",
        "The file is too large: at most {max_size}.",
    ),
    "file.content_type": (
        "Questo tipo di file non è ammesso. Tipi ammessi: {accepted}.",
        "This type of file is not allowed. Allowed types: {accepted}.",
    ),
    "file.extension": (
        "L'estensione del file non corrisponde al tipo (attese: {extensions}).",
        "The file extension does not match its type (expected: {extensions}).",
    ),
}


@dataclass(frozen=True)
class FieldError:
    """One error on one field: a stable code, the message in both languages, the params."""

    code: str
    message_it: str
    message_en: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The message in `lang` ("it" or "en"; anything else gets Italian)."""
        return self.message_en if lang == "en" else self.message_it


def field_error(code: str, params: dict[str, Any] | None = None) -> FieldError:
    """Build a `FieldError` from the catalogue; an unknown code is a bug, so KeyError."""
    params = dict(params or {})
    template_it, template_en = MESSAGES[code]
    return FieldError(code, template_it.format(**params), template_en.format(**params), params)
