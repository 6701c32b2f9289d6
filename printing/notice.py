"""The pagoPA payment notice (avviso di pagamento), with the traffic-fine variant.

The parts follow pagoPA's notice guidelines ("Avviso di pagamento pagoPA"): creditor and
addressee, what is paid, "Quanto e quando pagare?" (the amount windows of a fine: reduced,
full, increased), "Dove pagare?" with the standard texts (the IO app, in person), and the
payment data slip "Banche e altri canali" with "Rata unica entro il", the subject, the
creditor's CBILL code and the QR code. The public body's data (name, fiscal code, CBILL,
contacts) are parameters: they belong to the creditor, not to this module.
"""

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from printing.codes import build_payment_payload, parse_creditor_fiscal_code, parse_notice_code
from printing.errors import CodeError, DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, PAGE_WIDTH, Sheet
from printing.texts import SOURCE, DocumentLanguage, check_language

NOTICE_QR_SIZE = 30 * mm  # the pagoPA layout asks for at least 25 mm; 30 mm scans from further
NOTICE_QR_VERSION = 4  # fits the longest payload (52 characters, byte mode) at level M


@dataclass(frozen=True)
class NoticeData:
    """What a payment notice prints. Money in cents; `details` are label/value pairs.

    `details` carry what is being paid in the caller's language, e.g.
    `(("Verbale n.", "V/2026/001234"), ("Targa", "AB123CD"), ("Data violazione", "02/11/2026"))`.
    A reduced amount (e.g. a fine paid within 5 days) needs both `reduced_amount_cents` and
    `reduced_until`. The QR code carries `amount_cents`: at payment time the creditor's system
    tells the counter what is due on that day.
    """

    notice_code: str
    creditor_name: str
    creditor_fiscal_code: str
    payer_name: str
    payer_fiscal_code: str
    subject: str
    amount_cents: int
    due_date: date
    details: tuple[tuple[str, str], ...] = ()
    reduced_amount_cents: int | None = None
    reduced_until: date | None = None
    creditor_unit: str = ""
    cbill_code: str | None = None
    portal_url: str = ""
    # "Quanto e quando pagare?": (window, amount, period) rows in the notice's language.
    amount_table: tuple[tuple[str, str, str], ...] = ()
    creditor_contacts: str = ""  # e.g. "polizia.locale@comune.villanova.it — 0123 456789"
    payer_address: str = ""

    def __post_init__(self) -> None:
        try:
            parse_notice_code(self.notice_code)
            parse_creditor_fiscal_code(self.creditor_fiscal_code)
        except CodeError as e:
            raise DocumentDataError(f"notice data: {e}") from e
        if self.amount_cents <= 0:
            raise DocumentDataError("a notice amount must be positive")
        if (self.reduced_amount_cents is None) != (self.reduced_until is None):
            raise DocumentDataError("a reduced amount needs its deadline, and the other way round")
        if self.reduced_amount_cents is not None and not (
            0 < self.reduced_amount_cents < self.amount_cents
        ):
            raise DocumentDataError("the reduced amount must be positive and below the amount")

    @property
    def payment_payload(self) -> str:
        """The pagoPA QR payload printed on the notice."""
        return build_payment_payload(self.notice_code, self.creditor_fiscal_code, self.amount_cents)


def _parties(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    _ = lang.gettext
    column = CONTENT_WIDTH / 2
    sheet.ensure(30 * mm)
    top = sheet.y
    bottoms = []
    for index, (title, name, extra, code) in enumerate(
        (
            (_("CREDITOR"), data.creditor_name, data.creditor_unit, data.creditor_fiscal_code),
            (_("ADDRESSEE"), data.payer_name, data.payer_address, data.payer_fiscal_code),
        )
    ):
        x = MARGIN + index * column
        sheet.y = top
        sheet.line(title, size=8.5, bold=True, x=x, colour=ACCENT)
        sheet.paragraph(name, size=11, bold=True, x=x, width=column - 6 * mm)
        if extra:
            sheet.line(extra, size=9.5, x=x)
        sheet.line(_("Fiscal code %(code)s", code=code), size=9.5, x=x, colour=GREY)
        if index == 0 and data.creditor_contacts:
            sheet.paragraph(data.creditor_contacts, size=8.5, x=x, width=column - 6 * mm)
        bottoms.append(sheet.y)
    sheet.y = min(bottoms)


def _amounts(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    _ = lang.gettext
    sheet.space(2 * mm)
    if data.amount_table:
        sheet.heading(_("HOW MUCH AND WHEN TO PAY?"))
        sheet.rows(
            [(f"{amount}", f"{window}, {period}") for window, amount, period in data.amount_table],
            size=10,
        )
        sheet.paragraph(
            _(
                "The amount due is updated automatically when you pay: you always pay what is "
                "due on that day."
            ),
            size=8.5,
            colour=GREY,
        )
        return
    sheet.line(
        _(
            "Amount %(amount)s by %(day)s",
            amount=lang.money(data.amount_cents),
            day=lang.date(data.due_date),
        ),
        size=14,
        bold=True,
    )
    if data.reduced_amount_cents is not None and data.reduced_until is not None:
        sheet.line(
            _(
                "Reduced amount %(amount)s if you pay by %(day)s",
                amount=lang.money(data.reduced_amount_cents),
                day=lang.date(data.reduced_until),
            ),
            size=12,
            bold=True,
            colour=ACCENT,
        )
        sheet.paragraph(
            _(
                "The amount due is updated automatically when you pay: you always pay what is "
                "due on that day."
            ),
            size=8.5,
            colour=GREY,
        )


def _where_to_pay(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    _ = lang.gettext
    # pagoPA's standard texts (notice guidelines, "Dove pagare?"), translated verbatim.
    sheet.heading(_("Where to pay?"))
    sheet.line(_("PAY WITH THE IO APP"), size=9.5, bold=True)
    sheet.paragraph(
        _(
            "or on the website of %(creditor)s, through your Home Banking, with your payment "
            "app or through the other enabled channels.",
            creditor=data.creditor_name,
        ),
        size=9,
    )
    sheet.space(1.5 * mm)
    sheet.line(_("PAY IN PERSON"), size=9.5, bold=True)
    sheet.paragraph(
        _(
            "at Banks and ATMs, in Post Offices and Postal Points, in Bars, Newsagents, "
            "Lottery outlets, Supermarkets, Tobacconists and other Enabled Operators."
        ),
        size=9,
    )


def _payment_slip(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    """The bottom slip: QR code on the left, the codes a counter types on the right."""
    _ = lang.gettext
    code = parse_notice_code(data.notice_code)
    rows = [
        (
            _("Single instalment by %(day)s", day=lang.date(data.due_date)),
            lang.money(data.amount_cents),
        ),
        (_("Addressee"), data.payer_name),
        (_("Creditor"), data.creditor_name),
        (_("Subject of the payment"), data.subject),
    ]
    if data.cbill_code:
        rows.append((_("CBILL code"), data.cbill_code))
    rows += [
        (_("Notice code"), code.formatted),
        (_("Creditor fiscal code"), data.creditor_fiscal_code),
    ]
    height = max(NOTICE_QR_SIZE + 16 * mm, (len(rows) * 13 + 30))
    sheet.ensure(height + 10 * mm)
    sheet.space(4 * mm)
    sheet.line(_("PAYMENT DATA"), size=9.5, bold=True, colour=ACCENT)
    sheet.line(_("Banks and other channels"), size=9, bold=True)
    sheet.paragraph(
        _("Scan the QR code with your payment app or use the data beside it."),
        size=8.5,
        colour=GREY,
    )
    top = sheet.y - 2 * mm
    sheet.canvas.setStrokeColorRGB(*ACCENT)
    sheet.canvas.setLineWidth(1)
    sheet.canvas.roundRect(MARGIN, top - height, CONTENT_WIDTH, height, 3 * mm, stroke=1, fill=0)
    sheet.qr(
        data.payment_payload,
        NOTICE_QR_SIZE,
        x=MARGIN + 8 * mm,
        top=top - 8 * mm,
        version=NOTICE_QR_VERSION,
    )
    sheet.y = top - 5 * mm
    right = MARGIN + NOTICE_QR_SIZE + 18 * mm
    sheet.rows(
        rows, size=9.5, x=right, width=PAGE_WIDTH - MARGIN - right - 4 * mm, label_width=58 * mm
    )
    sheet.y = top - height


def render_notice(data: NoticeData, lang: DocumentLanguage = SOURCE) -> bytes:
    """Render the payment notice in ``lang`` as a one-page A4 PDF (more pages only for very
    long details)."""
    lang = check_language(lang)
    title = lang.gettext("PAYMENT NOTICE")
    sheet = Sheet(
        title=f"{title} {data.notice_code}",
        lang=lang.code,
        subject=data.subject,
        author=data.creditor_name,
    )
    sheet.line(title, size=17, bold=True, colour=ACCENT)
    sheet.space(3 * mm)
    _parties(sheet, data, lang)
    sheet.heading(lang.gettext("WHAT YOU ARE PAYING"))
    sheet.paragraph(data.subject, size=10, bold=True)
    sheet.rows(data.details, size=10)
    _amounts(sheet, data, lang)
    _where_to_pay(sheet, data, lang)
    _payment_slip(sheet, data, lang)
    return sheet.finish()
