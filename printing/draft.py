"""The printed draft of a form: what was filled so far and the code to resume it anywhere."""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm

from printing.errors import DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, Sheet
from printing.texts import check_lang, format_date, format_datetime, text

DRAFT_QR_SIZE = 30 * mm


@dataclass(frozen=True)
class DraftSheet:
    """A draft to print. `resume_url` is the full link the QR code opens, e.g.
    `https://servizi.comune.villanova.it/riprendi/K7QM-3XPA`; `fields` are label/value pairs
    in the caller's language, in form order.
    """

    service_title: str
    fields: tuple[tuple[str, str], ...]
    resume_code: str
    resume_url: str
    expires_at: date
    applicant_name: str = ""
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.resume_code or not self.resume_url.startswith(("https://", "http://")):
            raise DocumentDataError("a draft sheet needs a resume code and an http(s) resume URL")


def render_draft(draft: DraftSheet, lang: str = "it") -> bytes:
    """Render the draft sheet as A4 PDF; long field lists continue on further pages."""
    check_lang(lang)
    title = text(lang, "draft.title")
    sheet = Sheet(title=f"{title}: {draft.service_title}", lang=lang, subject=draft.service_title)
    sheet.line(title, size=12, bold=True, colour=ACCENT)
    sheet.paragraph(draft.service_title, size=16, bold=True)
    if draft.applicant_name:
        sheet.line(draft.applicant_name, size=11)
    if draft.created_at is not None:
        created = format_datetime(draft.created_at, lang)
        sheet.line(f"{text(lang, 'draft.created')} {created}", size=9, colour=GREY)
    sheet.paragraph(text(lang, "draft.not_submitted"), size=9.5, colour=GREY)
    sheet.space(4 * mm)

    # The code block comes first: it is what the citizen brings to the desk or counter.
    sheet.ensure(DRAFT_QR_SIZE + 12 * mm)
    top = sheet.y - 4 * mm
    sheet.qr(draft.resume_url, DRAFT_QR_SIZE, x=MARGIN + 4 * mm, top=top)
    text_x = MARGIN + DRAFT_QR_SIZE + 14 * mm
    sheet.y = top
    sheet.line(text(lang, "draft.resume_code"), size=10, x=text_x, colour=GREY)
    sheet.line(draft.resume_code, size=28, bold=True, x=text_x)
    sheet.space(2 * mm)
    expires = format_date(draft.expires_at, lang)
    sheet.line(f"{text(lang, 'draft.expires')} {expires}", size=11, bold=True, x=text_x)
    sheet.y = min(sheet.y, top - DRAFT_QR_SIZE) - 6 * mm

    sheet.heading(text(lang, "draft.how"))
    for key in ("draft.how_online", "draft.how_desk", "draft.how_counter"):
        sheet.paragraph(
            "• " + text(lang, key, url=draft.resume_url),
            size=10,
            x=MARGIN + 3 * mm,
            width=CONTENT_WIDTH - 3 * mm,
        )
    sheet.heading(text(lang, "draft.fields"))
    if draft.fields:
        sheet.rows(draft.fields, size=10, label_width=70 * mm)
    else:
        sheet.line(text(lang, "draft.empty"), size=10, colour=GREY)
    return sheet.finish()
