"""Errors raised by the printing library.

Every error derives from `PrintingError`. The subclasses say what the caller should do:
`CodeError` means the input (a code typed or scanned by someone) is wrong and must be corrected;
`SealError` means a seal cannot be trusted; `DocumentDataError` is a bug in the caller's data.
"""


class PrintingError(Exception):
    """Base class of every error of the printing library."""


class CodeError(PrintingError, ValueError):
    """A payment code, fiscal code or QR payload is malformed or fails its check digits."""


class InvalidNoticeCode(CodeError):
    """The pagoPA notice code is not 18 digits with aux digit 3 and correct check digits."""


class InvalidFiscalCode(CodeError):
    """The creditor's numeric fiscal code is not 11 digits with a correct check digit."""


class InvalidPaymentPayload(CodeError):
    """The pagoPA QR payload does not follow `PAGOPA|002|notice|fiscal code|cents`."""


class Base45Error(CodeError):
    """The text is not valid Base45 (RFC 9285)."""


class SealError(PrintingError):
    """A verification seal cannot be trusted; show the reason, never the claims."""


class MalformedSeal(SealError):
    """The text is not a seal of ours: wrong prefix, bad Base45, bad CBOR or COSE structure."""


class SealNotFound(MalformedSeal):
    """No code in the document carries a seal."""


class UnknownKey(SealError):
    """The seal names a key id the verifier does not hold (another issuer, or a retired key)."""


class TamperedSeal(SealError):
    """The signature does not match: the claims or the signature were changed."""


class DocumentDataError(PrintingError, ValueError):
    """The data given to a document renderer is inconsistent (a caller bug, not a user error)."""


class InvalidSealKey(PrintingError):
    """A seal key cannot be used: not P-256, unreadable PEM/JWK, or a key id that does not match.

    A configuration error: fix the key files, retrying will not help.
    """


class UnreadableDocument(PrintingError):
    """The bytes given to the reader are not a PDF that can be rendered."""
