"""pagoPA payment codes: notice codes, the creditor's numeric fiscal code and the QR payload.

The notice code (*codice avviso*) follows the current pagoPA format, aux digit 3::

    3 | segregation code (2) | IUV base (13) | check digits (2)

where the check digits are the first 16 digits, read as one number, modulo 93, zero-padded.
The IUV is the last 17 digits. Because 10 is invertible modulo 93 and every single-digit change
moves the number by d·10^k with 0 < |d| < 10, every single substitution and every adjacent
transposition is detected; two substitutions that add a multiple of 93 are not (see the tests).
"""

import re
import unicodedata
from dataclasses import dataclass

from printing.errors import InvalidFiscalCode, InvalidNoticeCode, InvalidPaymentPayload

AUX_DIGIT = "3"
NOTICE_CHECK_MODULUS = 93
PAYMENT_PAYLOAD_PREFIX = "PAGOPA"
PAYMENT_PAYLOAD_VERSION = "002"

_NOTICE_RE = re.compile(r"[0-9]{18}")
_FISCAL_RE = re.compile(r"[0-9]{11}")
_AMOUNT_RE = re.compile(r"[0-9]{1,10}")
_MAX_AMOUNT_CENTS = 10**10 - 1


@dataclass(frozen=True)
class NoticeCode:
    """A checked pagoPA notice code (aux digit 3)."""

    segregation: str
    base: str
    check: str

    @property
    def code(self) -> str:
        """The 18 digits, as printed in the QR payload and typed at a counter."""
        return AUX_DIGIT + self.iuv

    @property
    def iuv(self) -> str:
        """The IUV (Identificativo Univoco di Versamento): the last 17 digits."""
        return self.segregation + self.base + self.check

    @property
    def formatted(self) -> str:
        return format_notice_code(self.code)

    def __str__(self) -> str:
        return self.code


def _notice_check(first16: str) -> str:
    return f"{int(first16) % NOTICE_CHECK_MODULUS:02d}"


def make_notice_code(segregation: str, base13: str) -> str:
    """Build the 18-digit notice code from a 2-digit segregation code and a 13-digit IUV base."""
    if not re.fullmatch(r"[0-9]{2}", segregation):
        raise InvalidNoticeCode("the segregation code must be 2 digits")
    if not re.fullmatch(r"[0-9]{13}", base13):
        raise InvalidNoticeCode("the IUV base must be 13 digits")
    first16 = AUX_DIGIT + segregation + base13
    return first16 + _notice_check(first16)


def parse_notice_code(code: str) -> NoticeCode:
    """Parse a notice code as typed or printed: spaces (e.g. groups of four) are ignored.

    Raises `InvalidNoticeCode` if it is not 18 ASCII digits, the aux digit is not 3, or the
    check digits do not match.
    """
    digits = code.replace(" ", "").strip()
    if not _NOTICE_RE.fullmatch(digits):
        raise InvalidNoticeCode("a notice code has 18 digits")
    if digits[0] != AUX_DIGIT:
        raise InvalidNoticeCode(f"only notice codes with aux digit {AUX_DIGIT} are supported")
    if _notice_check(digits[:16]) != digits[16:]:
        raise InvalidNoticeCode("the check digits of the notice code do not match")
    return NoticeCode(segregation=digits[1:3], base=digits[3:16], check=digits[16:])


def check_notice_code(code: str) -> bool:
    """True if `code` parses as a notice code (see `parse_notice_code`)."""
    try:
        parse_notice_code(code)
    except InvalidNoticeCode:
        return False
    return True


def format_notice_code(code: str) -> str:
    """Group a valid notice code in fours for print: `3012 3456 7890 1234 56`."""
    digits = parse_notice_code(code).code
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _fiscal_check_digit(first10: str) -> str:
    total = 0
    for position, char in enumerate(first10, start=1):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def make_creditor_fiscal_code(first10: str) -> str:
    """Append the check digit to the first 10 digits of a numeric fiscal code / partita IVA."""
    if not re.fullmatch(r"[0-9]{10}", first10):
        raise InvalidFiscalCode("give the first 10 digits of the fiscal code")
    return first10 + _fiscal_check_digit(first10)


def parse_creditor_fiscal_code(code: str) -> str:
    """The 11-digit fiscal code without surrounding spaces, or raise `InvalidFiscalCode`."""
    digits = code.strip()
    if not _FISCAL_RE.fullmatch(digits):
        raise InvalidFiscalCode("a creditor fiscal code has 11 digits")
    if _fiscal_check_digit(digits[:10]) != digits[10]:
        raise InvalidFiscalCode("the check digit of the creditor fiscal code does not match")
    return digits


def check_creditor_fiscal_code(code: str) -> bool:
    """True if `code` is 11 digits whose last digit is the check digit of the first ten."""
    try:
        parse_creditor_fiscal_code(code)
    except InvalidFiscalCode:
        return False
    return True


@dataclass(frozen=True)
class PaymentPayload:
    """The content of the QR code on a pagoPA notice."""

    notice_code: str
    creditor_fiscal_code: str
    amount_cents: int


def build_payment_payload(notice_code: str, creditor_fiscal_code: str, amount_cents: int) -> str:
    """Build `PAGOPA|002|<notice code>|<creditor fiscal code>|<amount in cents>`.

    The amount has at least two digits (the specification's minimum) and at most ten.
    """
    code = parse_notice_code(notice_code).code
    fiscal = parse_creditor_fiscal_code(creditor_fiscal_code)
    if not 0 < amount_cents <= _MAX_AMOUNT_CENTS:
        raise InvalidPaymentPayload("the amount must be between 1 cent and 10 digits of cents")
    fields = (PAYMENT_PAYLOAD_PREFIX, PAYMENT_PAYLOAD_VERSION, code, fiscal, f"{amount_cents:02d}")
    return "|".join(fields)


def parse_payment_payload(payload: str) -> PaymentPayload:
    """Parse a scanned pagoPA QR payload strictly: no spaces, no extra fields, valid codes.

    Raises `InvalidPaymentPayload` (chained to the code error when a code fails its check).
    """
    parts = payload.split("|")
    if len(parts) != 5:
        raise InvalidPaymentPayload("a pagoPA payload has five fields separated by '|'")
    prefix, version, notice, fiscal, amount = parts
    if prefix != PAYMENT_PAYLOAD_PREFIX or version != PAYMENT_PAYLOAD_VERSION:
        raise InvalidPaymentPayload("not a pagoPA payload of version 002")
    if not _NOTICE_RE.fullmatch(notice):
        raise InvalidPaymentPayload("the notice code field must be 18 digits")
    if not _AMOUNT_RE.fullmatch(amount) or int(amount) == 0:
        raise InvalidPaymentPayload("the amount must be 1 to 10 digits of cents, not zero")
    try:
        code = parse_notice_code(notice).code
        fiscal = parse_creditor_fiscal_code(fiscal)
    except (InvalidNoticeCode, InvalidFiscalCode) as e:
        raise InvalidPaymentPayload(str(e)) from e
    if fiscal != parts[3]:
        raise InvalidPaymentPayload("the creditor fiscal code field must be 11 digits")
    return PaymentPayload(notice_code=code, creditor_fiscal_code=fiscal, amount_cents=int(amount))


# --- The Poste slip (Bollettino Postale PA) ---------------------------------------------
#
# Its data matrix carries a fixed-width string of 256 characters, defined by Poste Italiane's
# "Manuale della stampa in proprio" and read by pagoPA's own IO app (pagopa/io-app,
# ``decodePosteDataMatrix``: notice code at [15:33], amount at [49:59], creditor fiscal code
# at [66:77]):
#
#   codfase=NBPA;                    acceptance phase (13)
#   18 <notice code>                 field length, then the 18 digits
#   12 <postal account>              the account number, zero-padded to 12 digits
#   10 <amount>                      the amount in cents, zero-padded to 10 digits
#   3 896                            document type: 896, Bollettino Postale PA
#   1 P1                             slip id 1, payment phase P1
#   <creditor fiscal code>           11
#   <payer fiscal code>              16, space-padded
#   <payer name>                     40, space-padded
#   <subject>                        110, space-padded
#   <filler>                         12 spaces
#   A                                end mark

POSTE_PHASE = "codfase=NBPA;"
POSTE_DOCUMENT_TYPE = "896"
POSTE_DATAMATRIX_LENGTH = 256
_POSTE_TEXT_FIELDS = (("payer fiscal code", 16), ("payer name", 40), ("subject", 110))
_ACCOUNT_RE = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class PosteDataMatrix:
    """The content of the data matrix of a Bollettino Postale PA."""

    notice_code: str
    postal_account: str  # 12 digits, zero-padded
    amount_cents: int
    creditor_fiscal_code: str
    payer_fiscal_code: str
    payer_name: str
    subject: str


def poste_text(text: str, width: int) -> str:
    """``text`` as the slip's fixed-width field carries it: letters folded to plain ASCII
    (à -> a), anything else but printable ASCII as a space, cut and padded to ``width``."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = "".join(c if " " <= c <= "~" else " " for c in folded)
    return " ".join(plain.split())[:width].ljust(width)


def build_poste_datamatrix(
    *,
    notice_code: str,
    postal_account: str,
    amount_cents: int,
    creditor_fiscal_code: str,
    payer_fiscal_code: str,
    payer_name: str,
    subject: str,
) -> str:
    """The 256 characters of the Poste slip's data matrix (see the layout above)."""
    code = parse_notice_code(notice_code).code
    fiscal = parse_creditor_fiscal_code(creditor_fiscal_code)
    if not _ACCOUNT_RE.fullmatch(postal_account):
        raise InvalidPaymentPayload("a postal account has 1 to 12 digits")
    if not 0 < amount_cents <= _MAX_AMOUNT_CENTS:
        raise InvalidPaymentPayload("the amount must be between 1 cent and 10 digits of cents")
    if not re.fullmatch(r"[A-Z0-9]{11}|[A-Z0-9]{16}", payer_fiscal_code):
        raise InvalidPaymentPayload("the payer's fiscal code has 16 (or 11) letters and digits")
    content = "".join(
        (
            POSTE_PHASE,
            "18",
            code,
            "12",
            postal_account.zfill(12),
            "10",
            f"{amount_cents:010d}",
            "3",
            POSTE_DOCUMENT_TYPE,
            "1P1",
            fiscal,
            poste_text(payer_fiscal_code, 16),
            poste_text(payer_name, 40),
            poste_text(subject, 110),
            " " * 12,
            "A",
        )
    )
    assert len(content) == POSTE_DATAMATRIX_LENGTH
    return content


def parse_poste_datamatrix(content: str) -> PosteDataMatrix:
    """Read a scanned Poste data matrix strictly; raises `InvalidPaymentPayload`."""
    match = re.fullmatch(
        r"codfase=NBPA;18([0-9]{18})12([0-9]{12})10([0-9]{10})3896"
        r"1P1([0-9]{11})([ -~]{16})([ -~]{40})([ -~]{110}) {12}A",
        content,
    )
    if match is None:
        raise InvalidPaymentPayload("not the 256 characters of a Bollettino Postale PA")
    notice, account, amount, fiscal, payer_cf, name, subject = match.groups()
    try:
        code = parse_notice_code(notice).code
        fiscal = parse_creditor_fiscal_code(fiscal)
    except (InvalidNoticeCode, InvalidFiscalCode) as e:
        raise InvalidPaymentPayload(str(e)) from e
    if int(amount) == 0:
        raise InvalidPaymentPayload("the amount must not be zero")
    return PosteDataMatrix(
        notice_code=code,
        postal_account=account,
        amount_cents=int(amount),
        creditor_fiscal_code=fiscal,
        payer_fiscal_code=payer_cf.rstrip(),
        payer_name=name.rstrip(),
        subject=subject.rstrip(),
    )
