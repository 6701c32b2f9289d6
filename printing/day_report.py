"""The end-of-day report of a counter: what each terminal took that day, line by line."""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm

from printing.layout import ACCENT, GREY, MARGIN, Sheet
from printing.texts import SOURCE, DocumentLanguage, check_language


@dataclass(frozen=True)
class DayReportLine:
    """One payment of the day. Money in cents; `paid_at` timezone-aware."""

    paid_at: datetime
    terminal_id: str
    notice_code: str
    subject: str
    amount_cents: int
    payment_method: str
    transaction_ref: str
    receipt_id: str


@dataclass(frozen=True)
class DayReport:
    """The report of `day` for one terminal or one shop (its terminals)."""

    day: date
    shop_name: str
    shop_address: str
    terminal_ids: tuple[str, ...]
    lines: tuple[DayReportLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def totals_by_method(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line.payment_method] = totals.get(line.payment_method, 0) + line.amount_cents
        return totals


def render_day_report(
    report: DayReport, method_labels: dict[str, str], lang: DocumentLanguage = SOURCE
) -> bytes:
    """The report as a PDF in ``lang``; ``method_labels`` name the payment methods."""
    lang = check_language(lang)
    _ = lang.gettext
    title = _("END-OF-DAY REPORT")
    sheet = Sheet(title=f"{title} {report.day.isoformat()}", lang=lang.code)
    sheet.line(title, size=17, bold=True, colour=ACCENT)
    sheet.line(lang.date(report.day), size=11, bold=True)
    sheet.space(3 * mm)
    sheet.rows(
        [
            (_("Place of payment"), f"{report.shop_name}, {report.shop_address}"),
            (_("Terminals"), ", ".join(report.terminal_ids)),
            (_("Payments"), str(len(report.lines))),
            (_("Total"), lang.money(report.total_cents)),
        ]
        + [
            (method_labels.get(method, method), lang.money(cents))
            for method, cents in sorted(report.totals_by_method().items())
        ]
    )
    sheet.heading(_("Payments"))
    if not report.lines:
        sheet.line(_("No payments on this day."), colour=GREY)
    for line in report.lines:
        sheet.rows(
            [
                (
                    f"{lang.time(line.paid_at)} {line.terminal_id}",
                    f"{line.notice_code} — {lang.money(line.amount_cents)} — "
                    f"{method_labels.get(line.payment_method, line.payment_method)}",
                ),
                ("", f"{line.subject} ({line.receipt_id}, {line.transaction_ref})"),
            ],
            size=9,
            label_width=40 * mm,
            x=MARGIN,
        )
    return sheet.finish()


CSV_HEADER = (
    "paid_at",
    "terminal_id",
    "notice_code",
    "subject",
    "amount_cents",
    "payment_method",
    "transaction_ref",
    "receipt_id",
)


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not read as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def day_report_rows(report: DayReport) -> list[tuple[str, ...]]:
    """The report as CSV rows (header first): ISO times in UTC, amounts in cents; text cells
    that a spreadsheet would take for a formula start with an apostrophe."""
    rows: list[tuple[str, ...]] = [CSV_HEADER]
    for line in report.lines:
        rows.append(
            (
                line.paid_at.isoformat(),
                line.terminal_id,
                line.notice_code,
                _cell(line.subject),
                str(line.amount_cents),
                line.payment_method,
                _cell(line.transaction_ref),
                line.receipt_id,
            )
        )
    return rows
