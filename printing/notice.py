"""The pagoPA payment notice (avviso di pagamento), with the traffic-fine variant.

The parts follow pagoPA's notice guidelines ("Avviso di pagamento pagoPA", v3): the header
with pagoPA's mark, the title, the subject and the creditor's logo; creditor and recipient;
what is paid; "Quanto e quando pagare?" (the amount windows of a fine: 30% off, reduced,
increased); "Dove pagare?" with the standard texts; then the payment data, one part per
notice code ("Banche e altri canali" with its QR code, and the "Bollettino Postale PA" with
its data matrix when the creditor has a postal account: see ``notice_slips``). The standard
texts are the guidelines' own, in Italian and English, from the catalogue (context
"pagoPA notice"). The public body's data are parameters: they belong to the creditor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from printing.codes import build_payment_payload, parse_creditor_fiscal_code, parse_notice_code
from printing.errors import CodeError, DocumentDataError
from printing.fonts import FONT_BOLD, pdf_text
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Sheet
from printing.logos import load_logo, pagopa_logo
from printing.notice_slips import PaymentCode, payment_codes, write_slips
from printing.texts import SOURCE, DocumentLanguage, check_language

PAGOPA_LOGO_WIDTH = 20 * mm
CREDITOR_LOGO_BOX = 24 * mm  # the guidelines' box is 30 mm; 24 keeps a fine on one page
HEADER_HEIGHT = 24 * mm
WINDOW_RULES = ("reduced", "base", "increased")


@dataclass(frozen=True)
class NoticeWindow:
    """One period of a debt whose amount changes with time: ``rule`` is ``reduced`` (30% off,
    within 5 days of notification), ``base`` (the fine's reduced measure, 6th to 60th day) or
    ``increased`` (afterwards); ``last_day`` None for the open-ended last period."""

    rule: str
    amount_cents: int
    first_day: date
    last_day: date | None = None


@dataclass(frozen=True)
class AlternativeCode:
    """A second notice code for the reduced amount of the same debt (SEND's alternative code,
    or the second page the guidelines ask for when a Poste slip carries a fixed amount)."""

    notice_code: str
    amount_cents: int
    last_day: date


@dataclass(frozen=True)
class NoticeData:
    """What a payment notice prints. Money in cents; `details` are label/value pairs.

    `details` carry what is being paid in the caller's language, e.g.
    `(("Verbale n.", "V/2026/001234"), ("Targa", "AB123CD"), ("Data violazione", "02/11/2026"))`.
    A reduced amount of a notice without `windows` needs both `reduced_amount_cents` and
    `reduced_until`. The QR code carries `amount_cents`: at payment time the creditor's system
    tells the counter what is due on that day. `creditor_logo` is the path of an SVG or PNG
    file; `postal_account` adds the Poste slip (its holder is `postal_holder`, by default the
    creditor; `postal_authorization` is Poste's "AUT. DB/..." when the creditor has one).
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
    windows: tuple[NoticeWindow, ...] = ()
    alternative: AlternativeCode | None = None
    creditor_contacts: str = ""  # e.g. "polizia.locale@comune.villanova.it — 0123 456789"
    payer_address: str = ""
    creditor_logo: str = ""
    postal_account: str = ""
    postal_holder: str = ""
    postal_authorization: str = ""

    def __post_init__(self) -> None:
        try:
            parse_notice_code(self.notice_code)
            parse_creditor_fiscal_code(self.creditor_fiscal_code)
            if self.alternative is not None:
                parse_notice_code(self.alternative.notice_code)
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
        for window in self.windows:
            if window.rule not in WINDOW_RULES or window.amount_cents <= 0:
                raise DocumentDataError(f"an amount window must be one of {WINDOW_RULES}")
        if self.alternative is not None:
            if self.alternative.notice_code == self.notice_code:
                raise DocumentDataError("the alternative code must differ from the notice code")
            if self.alternative.amount_cents <= 0:
                raise DocumentDataError("the alternative code's amount must be positive")
        if self.postal_account and not self.postal_account.isdigit():
            raise DocumentDataError("a postal account is digits only")

    @property
    def payment_payload(self) -> str:
        """The pagoPA QR payload of the notice's own code."""
        return build_payment_payload(self.notice_code, self.creditor_fiscal_code, self.amount_cents)

    @property
    def codes(self) -> tuple[PaymentCode, ...]:
        """Every notice code the PDF prints, with its amount and last day, in print order."""
        return payment_codes(self)


def _header(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    """pagoPA's mark, the title and the subject; the creditor's logo in the top right corner
    (the guidelines repeat the header on every page)."""
    top = sheet.y
    logo = pagopa_logo()
    logo.draw(sheet.canvas, MARGIN, top, PAGOPA_LOGO_WIDTH, PAGOPA_LOGO_WIDTH)
    if data.creditor_logo:
        box = CREDITOR_LOGO_BOX
        load_logo(data.creditor_logo).draw(sheet.canvas, PAGE_WIDTH - MARGIN - box, top, box, box)
    text_x = MARGIN + PAGOPA_LOGO_WIDTH + 5 * mm
    width = PAGE_WIDTH - MARGIN - CREDITOR_LOGO_BOX - 5 * mm - text_x
    sheet.line(
        lang.pgettext("pagoPA notice", "Payment notice").upper(), size=16, bold=True, x=text_x
    )
    sheet.paragraph(data.subject, size=10.5, x=text_x, width=width)
    sheet.y = min(sheet.y, top - HEADER_HEIGHT)


def _parties(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    pgettext, _ = lang.pgettext, lang.gettext
    column = CONTENT_WIDTH / 2
    sheet.ensure(30 * mm)
    top = sheet.y
    bottoms = []
    for index, (title, name, extra, code) in enumerate(
        (
            (
                pgettext("pagoPA notice", "Payee").upper(),
                data.creditor_name,
                data.creditor_unit,
                data.creditor_fiscal_code,
            ),
            (
                pgettext("pagoPA notice", "Recipient").upper(),
                data.payer_name,
                data.payer_address,
                data.payer_fiscal_code,
            ),
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


def window_texts(rule: str, lang: DocumentLanguage) -> tuple[str, str]:
    """The guidelines' name of an amount window and its period, in ``lang``."""
    pgettext = lang.pgettext
    if rule == "reduced":
        return (
            pgettext("pagoPA notice", "%(percent)s%% off", percent=30),
            pgettext("pagoPA notice", "Within 5 days from the notification"),
        )
    if rule == "base":
        return (
            pgettext("pagoPA notice", "Reduced amount"),
            pgettext("pagoPA notice", "From the 6th to the 60th day from the notification"),
        )
    return (
        pgettext("pagoPA notice", "Increased amount"),
        pgettext("pagoPA notice", "From the 61st day from the notification"),
    )


def _window_rows(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    _ = lang.gettext
    right = PAGE_WIDTH - MARGIN
    for window in data.windows:
        name, period = window_texts(window.rule, lang)
        if window.last_day is not None:
            days = _("until %(day)s", day=lang.date(window.last_day))
        else:
            days = _("from %(day)s", day=lang.date(window.first_day))
        sheet.ensure(24)
        amount = pdf_text(lang.money(window.amount_cents))
        sheet.canvas.setFont(FONT_BOLD, 11)
        sheet.canvas.setFillColorRGB(0, 0, 0)
        sheet.canvas.drawRightString(right, sheet.y - 11, amount)
        sheet.line(name, size=10, bold=True)
        sheet.line(f"{period} ({days})", size=8.5, colour=GREY)
        sheet.space(1.5)


def _amounts(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    _, pgettext = lang.gettext, lang.pgettext
    sheet.heading(pgettext("pagoPA notice", "How much and when to pay?").upper())
    if data.windows:
        _window_rows(sheet, data, lang)
        sheet.line(pgettext("pagoPA notice", "How are deadlines calculated?"), size=8, bold=True)
        sheet.paragraph(
            pgettext(
                "pagoPA notice",
                "The day of notification is not counted. If the due date is a Sunday (or a "
                "public holiday), you can also pay on the next working day.",
            ),
            size=8,
            colour=GREY,
        )
    else:
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
        pgettext(
            "pagoPA notice",
            "During the payment, if allowed by the payee, the amount may be updated "
            "automatically and be subject to decreases (in case of discounts or credit notes) "
            "or increases (in case of penalties, interest, etc.).",
        ),
        size=8,
        colour=GREY,
    )


def _where_to_pay(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    pgettext = lang.pgettext
    # pagoPA's standard texts ("Dove pagare?", Italy), verbatim: they must not be altered.
    sheet.heading(pgettext("pagoPA notice", "Where to pay?").upper())
    sheet.line(pgettext("pagoPA notice", "Pay with the IO app").upper(), size=9.5, bold=True)
    sheet.paragraph(
        pgettext(
            "pagoPA notice",
            "or with %(creditor)s website, your Home Banking, payment app or the other "
            "affiliated channels.",
            creditor=data.creditor_name,
        ),
        size=9,
    )
    sheet.space(1.5 * mm)
    sheet.line(pgettext("pagoPA notice", "Pay locally").upper(), size=9.5, bold=True)
    sheet.paragraph(
        pgettext(
            "pagoPA notice",
            "at banks and ATMs, in post offices, cafés, news stands, betting and tobacco "
            "Shops, supermarkets and other affiliated merchants.",
        ),
        size=9,
    )


def new_page(sheet: Sheet, data: NoticeData, lang: DocumentLanguage) -> None:
    """Continue on a new page that starts with the header, as the guidelines ask."""
    sheet.canvas.showPage()
    sheet.y = PAGE_HEIGHT - MARGIN
    _header(sheet, data, lang)


def render_notice(data: NoticeData, lang: DocumentLanguage = SOURCE) -> bytes:
    """Render the payment notice in ``lang`` as an A4 PDF: one page, or one more for the
    payment data of a second code or a Poste slip that do not fit."""
    lang = check_language(lang)
    title = lang.pgettext("pagoPA notice", "Payment notice")
    sheet = Sheet(
        title=f"{title} {data.notice_code}",
        lang=lang.code,
        subject=data.subject,
        author=data.creditor_name,
    )
    _header(sheet, data, lang)
    _parties(sheet, data, lang)
    sheet.heading(lang.pgettext("pagoPA notice", "Payment description").upper())
    sheet.rows(data.details, size=10)
    _amounts(sheet, data, lang)
    _where_to_pay(sheet, data, lang)
    write_slips(sheet, data, lang, lambda: new_page(sheet, data, lang))
    return sheet.finish()
