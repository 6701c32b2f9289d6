"""The payment data of a pagoPA notice: one part per notice code.

Each code gets the "Banche e altri canali" slip (QR code, amount and due day, recipient,
creditor, subject, CBILL, notice code, creditor fiscal code) and, when the creditor has a
postal account, the "Bollettino Postale PA" (account, holder, the same data and Poste's data
matrix, ``codes.build_poste_datamatrix``). A fine with an alternative code for its reduced
amount prints that code first, with its own amount and last day. When the parts of a code
do not fit under what is already on the page, they start on a new page together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.codes import build_payment_payload, build_poste_datamatrix, parse_notice_code
from printing.fonts import FONT, pdf_text
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, PAGE_WIDTH, Sheet
from printing.qr import draw_datamatrix
from printing.texts import DocumentLanguage

if TYPE_CHECKING:
    from printing.notice import NoticeData

NOTICE_QR_SIZE = 30 * mm  # the pagoPA layout asks for at least 25 mm; 30 mm scans from further
NOTICE_QR_VERSION = 4  # fits the longest payload (52 characters, byte mode) at level M
DATAMATRIX_SIZE = 25 * mm  # the guidelines' size of the Poste data matrix
SLIP_GAP = 3 * mm
_ROW = 12.8  # points per row of 9.5-point text


@dataclass(frozen=True)
class PaymentCode:
    """One notice code as printed: its amount, its last day and whether it is the
    alternative code of the reduced amount."""

    notice_code: str
    amount_cents: int
    last_day: date
    alternative: bool = False


def payment_codes(data: NoticeData) -> tuple[PaymentCode, ...]:
    main = PaymentCode(data.notice_code, data.amount_cents, data.due_date)
    if data.alternative is None:
        return (main,)
    alt = data.alternative
    return (PaymentCode(alt.notice_code, alt.amount_cents, alt.last_day, alternative=True), main)


def _amount_label(code: PaymentCode, lang: DocumentLanguage) -> str:
    pgettext = lang.pgettext
    day = lang.date(code.last_day)
    if code.alternative:
        return pgettext("pagoPA notice", "30%% off by %(day)s", day=day)
    return pgettext("pagoPA notice", "Full amount by %(day)s", day=day)


def _common_rows(
    data: NoticeData, code: PaymentCode, lang: DocumentLanguage
) -> list[tuple[str, str]]:
    pgettext = lang.pgettext
    return [
        (pgettext("pagoPA notice", "Recipient"), data.payer_name),
        (pgettext("pagoPA notice", "Payee"), data.creditor_name),
        (pgettext("pagoPA notice", "Payment description"), data.subject),
    ]


def _pagopa_rows(
    data: NoticeData, code: PaymentCode, lang: DocumentLanguage
) -> list[tuple[str, str]]:
    pgettext = lang.pgettext
    rows = [(_amount_label(code, lang), lang.money(code.amount_cents))]
    rows += _common_rows(data, code, lang)
    if data.cbill_code:
        rows.append((pgettext("pagoPA notice", "CBILL code"), data.cbill_code))
    rows += [
        (pgettext("pagoPA notice", "Notice code"), parse_notice_code(code.notice_code).formatted),
        (pgettext("pagoPA notice", "Payee tax code"), data.creditor_fiscal_code),
    ]
    return rows


def _poste_rows(
    data: NoticeData, code: PaymentCode, lang: DocumentLanguage
) -> list[tuple[str, str]]:
    pgettext = lang.pgettext
    return [
        (pgettext("pagoPA notice", "On postal account no."), data.postal_account),
        (pgettext("pagoPA notice", "Account holder"), data.postal_holder or data.creditor_name),
        *_common_rows(data, code, lang),
        (pgettext("pagoPA notice", "Notice code"), parse_notice_code(code.notice_code).formatted),
        (pgettext("pagoPA notice", "Type"), "P1"),
        (pgettext("pagoPA notice", "Payee tax code"), data.creditor_fiscal_code),
        (pgettext("pagoPA notice", "Euro"), lang.money(code.amount_cents)),
    ]


def _box_height(rows: int, symbol: float) -> float:
    """Enough for the box of ``rows`` rows (two of them wrapped) beside a ``symbol``."""
    return max(symbol + 20 * mm, (rows + 2) * _ROW + 12 * mm)


def _code_height(data: NoticeData) -> float:
    height = _box_height(8, NOTICE_QR_SIZE) + SLIP_GAP
    if data.postal_account:
        height += _box_height(9, DATAMATRIX_SIZE) + SLIP_GAP
    return height


def _box(
    sheet: Sheet,
    title: str,
    note: str,
    rows: list[tuple[str, str]],
    symbol: float,
    draw_symbol: Callable[[float, float], object],
) -> None:
    """A rounded box: title and note on top, the symbol on the left, the rows beside it; as
    tall as the longer of the two."""
    top = sheet.y
    sheet.y = top - 3 * mm
    sheet.line(title, size=9.5, bold=True, x=MARGIN + 4 * mm)
    sheet.line(note, size=8, x=MARGIN + 4 * mm, colour=GREY)
    body = sheet.y - 2 * mm
    draw_symbol(MARGIN + 6 * mm, body - 4 * mm)
    sheet.y = body
    right = MARGIN + symbol + 14 * mm
    labels = max(stringWidth(pdf_text(label), FONT, 9.5) for label, _ in rows)
    sheet.rows(
        rows,
        size=9.5,
        x=right,
        width=PAGE_WIDTH - MARGIN - right - 4 * mm,
        label_width=min(max(labels + 4 * mm, 45 * mm), 80 * mm),
    )
    bottom = min(sheet.y - 2 * mm, body - 4 * mm - symbol - 5 * mm)
    sheet.canvas.setStrokeColorRGB(*ACCENT)
    sheet.canvas.setLineWidth(1)
    sheet.canvas.roundRect(MARGIN, bottom, CONTENT_WIDTH, top - bottom, 3 * mm, stroke=1, fill=0)
    sheet.y = bottom - SLIP_GAP


def _pagopa_slip(sheet: Sheet, data: NoticeData, code: PaymentCode, lang: DocumentLanguage) -> None:
    pgettext = lang.pgettext
    payload = build_payment_payload(code.notice_code, data.creditor_fiscal_code, code.amount_cents)
    _box(
        sheet,
        pgettext("pagoPA notice", "Banks and other channels"),
        pgettext(
            "pagoPA notice", "Scan the QR Code with your payment app or use the data printed here."
        ),
        _pagopa_rows(data, code, lang),
        NOTICE_QR_SIZE,
        lambda x, top: sheet.qr(payload, NOTICE_QR_SIZE, x=x, top=top, version=NOTICE_QR_VERSION),
    )


def _poste_slip(sheet: Sheet, data: NoticeData, code: PaymentCode, lang: DocumentLanguage) -> None:
    pgettext = lang.pgettext
    content = build_poste_datamatrix(
        notice_code=code.notice_code,
        postal_account=data.postal_account,
        amount_cents=code.amount_cents,
        creditor_fiscal_code=data.creditor_fiscal_code,
        payer_fiscal_code=data.payer_fiscal_code,
        payer_name=data.payer_name,
        subject=data.subject,
    )
    note = data.postal_authorization or pgettext(
        "pagoPA notice", "Pay at the Post Office or with the data matrix code."
    )
    _box(
        sheet,
        pgettext("pagoPA notice", "Bollettino Postale PA"),
        note,
        _poste_rows(data, code, lang),
        DATAMATRIX_SIZE,
        lambda x, top: draw_datamatrix(
            sheet.canvas, content, x, top - DATAMATRIX_SIZE, DATAMATRIX_SIZE
        ),
    )


def write_slips(
    sheet: Sheet, data: NoticeData, lang: DocumentLanguage, new_page: Callable[[], None]
) -> None:
    """The payment data part: every code's slips, each code's together on one page."""
    height = _code_height(data)
    title_height = 14 * mm
    if sheet.y - title_height - height < MARGIN:
        new_page()
    sheet.space(3 * mm)
    sheet.line(
        lang.pgettext("pagoPA notice", "Payment details").upper(),
        size=10,
        bold=True,
        colour=ACCENT,
    )
    sheet.space(1 * mm)
    for index, code in enumerate(data.codes):
        if index and sheet.y - height < MARGIN:
            new_page()
        _pagopa_slip(sheet, data, code, lang)
        if data.postal_account:
            _poste_slip(sheet, data, code, lang)
