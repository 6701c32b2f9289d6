"""The payment receipt issued at a counter (or online), sealed with the issuer's key."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm

from printing import claims as c
from printing.codes import parse_creditor_fiscal_code, parse_notice_code
from printing.errors import CodeError, DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, Sheet
from printing.page import Page, PageFull
from printing.seal import SealSigner
from printing.texts import N_, ROME, SOURCE, DocumentLanguage, check_language

RECEIPT_SEAL_SIZE = 40 * mm  # a version 10-11 code stays readable by phone cameras at this size


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


@dataclass(frozen=True)
class ReceiptLine:
    """One notice of a receipt that pays several in one counter transaction."""

    notice_code: str
    subject: str
    amount_cents: int
    payer_name: str = ""


@dataclass(frozen=True)
class ReceiptData:
    """What a receipt prints and seals. Money in cents; `paid_at` must be timezone-aware."""

    receipt_id: str
    notice_code: str
    creditor_name: str
    creditor_fiscal_code: str
    subject: str
    amount_cents: int
    paid_at: datetime
    shop_name: str
    shop_address: str
    terminal_id: str
    payment_method: PaymentMethod
    transaction_ref: str
    payer_name: str = ""
    payer_fiscal_code: str = ""
    fee_cents: int = 0
    # Several notices paid at once: each line, the first being `notice_code`, the amounts
    # adding up to `amount_cents`. Empty for one notice (and then not in the hash).
    lines: tuple[ReceiptLine, ...] = field(default=(), metadata={"omit_when_empty": True})

    def __post_init__(self) -> None:
        try:
            parse_notice_code(self.notice_code)
            parse_creditor_fiscal_code(self.creditor_fiscal_code)
        except CodeError as e:
            raise DocumentDataError(f"receipt data: {e}") from e
        if self.amount_cents <= 0 or self.fee_cents < 0:
            raise DocumentDataError("a receipt needs a positive amount and no negative fee")
        if self.paid_at.tzinfo is None:
            raise DocumentDataError("paid_at must be timezone-aware")
        if not (self.receipt_id and self.terminal_id and self.transaction_ref):
            raise DocumentDataError("a receipt needs its id, terminal id and transaction reference")
        if self.lines:
            try:
                for line in self.lines:
                    parse_notice_code(line.notice_code)
            except CodeError as e:
                raise DocumentDataError(f"receipt line: {e}") from e
            if self.lines[0].notice_code != self.notice_code or any(
                line.amount_cents <= 0 for line in self.lines
            ):
                raise DocumentDataError("receipt lines: the first is the notice, amounts positive")
            if sum(line.amount_cents for line in self.lines) != self.amount_cents:
                raise DocumentDataError("receipt lines do not add up to the amount")


def receipt_claims(data: ReceiptData) -> dict[str, Any]:
    """The claims sealed on a receipt (names in `printing.claims`)."""
    return {
        c.TYPE: "receipt",
        "rid": data.receipt_id,
        "nc": data.notice_code,
        "cf": data.creditor_fiscal_code,
        c.AMOUNT: data.amount_cents,
        c.AT: c.utc_iso(data.paid_at),
        "tid": data.terminal_id,
        "shop": data.shop_name,
        "pay": c.mask_payer(data.payer_name, data.payer_fiscal_code),
        "pm": data.payment_method.value,
        "ref": data.transaction_ref,
        c.HASH: c.data_digest(data),
    }


def receipt_matches(claims: Mapping[str, Any], data: ReceiptData) -> bool:
    """True if verified seal claims are exactly those of this receipt record."""
    return dict(claims) == receipt_claims(data)


# How each method reads on the receipt (translated when printed).
METHOD_LABELS = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.CARD: N_("Payment card"),
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.OTHER: N_("Other"),
}


def paid_at_as_printed(paid_at: datetime, lang: DocumentLanguage) -> str:
    """The moment of payment on Rome's clock, to the second and with its offset, e.g.
    "23/11/2026 10:15:42 (UTC+01:00)": exactly the `paid_at` the data hash covers."""
    local = paid_at.astimezone(ROME)
    offset = local.strftime("%z")
    return f"{lang.date(local.date())} {local:%H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def render_receipt(
    data: ReceiptData, signer: SealSigner, lang: DocumentLanguage = SOURCE
) -> tuple[bytes, str]:
    """Render the receipt PDF in ``lang`` and return it with its seal text.

    The seal is in the QR code and, for convenience, in the PDF keywords; verifiers must read
    the QR code, since metadata can be rewritten without touching the printed page.

    A receipt that fits one page (every receipt of one notice) is written by `page.Page`,
    the fast path of the counter; a longer one (a cart of many notices) by `layout.Sheet`.
    Both lay the page out alike.
    """
    lang = check_language(lang)
    seal = signer.seal(receipt_claims(data))
    document = {
        "title": f"{lang.gettext('PAYMENT RECEIPT')} {data.receipt_id}",
        "lang": lang.code,
        "subject": data.subject,
        "keywords": seal,
        "author": data.creditor_name,
    }
    try:
        page = Page(**document)
        _draw(page, data, seal, signer, lang)
        return page.finish(), seal
    except PageFull:
        sheet = Sheet(**document)
        _draw(sheet, data, seal, signer, lang)
        return sheet.finish(), seal


def _draw(
    sheet: Page | Sheet, data: ReceiptData, seal: str, signer: SealSigner, lang: DocumentLanguage
) -> None:
    _ = lang.gettext
    title = _("PAYMENT RECEIPT")
    sheet.line(title, size=17, bold=True, colour=ACCENT)
    sheet.line(_("Receipt no. %(number)s", number=data.receipt_id), size=11, bold=True)
    sheet.space(3 * mm)

    sheet.heading(_("Payment"))
    sheet.paragraph(data.subject, size=10.5, bold=True)
    payer = data.payer_name
    if data.payer_fiscal_code:
        payer = f"{payer} ({data.payer_fiscal_code})" if payer else data.payer_fiscal_code
    rows = [(_("Creditor"), f"{data.creditor_name} ({data.creditor_fiscal_code})")]
    if data.lines:
        sheet.rows(
            [
                (
                    parse_notice_code(line.notice_code).formatted,
                    f"{line.subject} — {lang.money(line.amount_cents)}",
                )
                for line in data.lines
            ]
        )
    else:
        rows.append((_("Notice code"), parse_notice_code(data.notice_code).formatted))
    if payer:
        rows.append((lang.pgettext("receipt", "Payer"), payer))
    rows.append((_("Amount"), lang.money(data.amount_cents)))
    if data.fee_cents:
        rows += [
            (_("Fee"), lang.money(data.fee_cents)),
            (_("Total paid"), lang.money(data.amount_cents + data.fee_cents)),
        ]
    sheet.rows(rows)

    sheet.heading(_("Place of payment"))
    sheet.rows(
        [
            (_("Date and time"), paid_at_as_printed(data.paid_at, lang)),
            (_("Shop"), data.shop_name),
            (_("Address"), data.shop_address),
            (_("Terminal"), data.terminal_id),
            (_("Payment method"), _(METHOD_LABELS[data.payment_method])),
            (_("Transaction reference"), data.transaction_ref),
        ]
    )

    sheet.ensure(RECEIPT_SEAL_SIZE + 16 * mm)
    sheet.space(8 * mm)
    top = sheet.y
    sheet.qr(seal, RECEIPT_SEAL_SIZE, x=MARGIN + 4 * mm, top=top)
    sheet.y = top
    text_x = MARGIN + RECEIPT_SEAL_SIZE + 14 * mm
    sheet.paragraph(
        _(
            "The QR code holds an electronic seal: check that this receipt is authentic by "
            "scanning it with the verification app or on the portal's verification page."
        ),
        size=9,
        x=text_x,
        width=CONTENT_WIDTH - (text_x - MARGIN),
    )
    sheet.line(f"kid {signer.kid}", size=7.5, x=text_x, colour=GREY)
