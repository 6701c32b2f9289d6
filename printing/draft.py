"""The printed draft of a form: what was filled so far and the code to resume it anywhere."""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm

from printing.errors import DocumentDataError
from printing.layout import ACCENT, CONTENT_WIDTH, GREY, MARGIN, Sheet
from printing.texts import SOURCE, DocumentLanguage, check_language

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


def render_draft(draft: DraftSheet, lang: DocumentLanguage = SOURCE) -> bytes:
    """Render the draft sheet in ``lang`` as A4 PDF; long field lists continue on further
    pages."""
    lang = check_language(lang)
    _ = lang.gettext
    title = _("DRAFT APPLICATION")
    sheet = Sheet(
        title=f"{title}: {draft.service_title}", lang=lang.code, subject=draft.service_title
    )
    sheet.line(title, size=12, bold=True, colour=ACCENT)
    sheet.paragraph(draft.service_title, size=16, bold=True)
    if draft.applicant_name:
        sheet.line(draft.applicant_name, size=11)
    if draft.created_at is not None:
        created = _("Created on %(when)s", when=lang.datetime(draft.created_at))
        sheet.line(created, size=9, colour=GREY)
    sheet.paragraph(
        _("This draft has not been submitted and is not an application."),
        size=9.5,
        colour=GREY,
    )
    sheet.space(4 * mm)

    # The code block comes first: it is what the citizen brings to the desk or counter.
    sheet.ensure(DRAFT_QR_SIZE + 12 * mm)
    top = sheet.y - 4 * mm
    sheet.qr(draft.resume_url, DRAFT_QR_SIZE, x=MARGIN + 4 * mm, top=top)
    text_x = MARGIN + DRAFT_QR_SIZE + 14 * mm
    sheet.y = top
    sheet.line(_("Resume code"), size=10, x=text_x, colour=GREY)
    sheet.line(draft.resume_code, size=28, bold=True, x=text_x)
    sheet.space(2 * mm)
    expires = _("Valid until %(day)s", day=lang.date(draft.expires_at))
    sheet.line(expires, size=11, bold=True, x=text_x)
    sheet.y = min(sheet.y, top - DRAFT_QR_SIZE) - 6 * mm

    sheet.heading(_("How to continue"))
    for paragraph in (
        _("Online: scan the QR code or open %(url)s.", url=draft.resume_url),
        _(
            "At the municipal desk (Public Relations Office): show this sheet or give the "
            "resume code."
        ),
        _("At a partner counter (tobacconist, lottery outlet): give the code."),
    ):
        sheet.paragraph("• " + paragraph, size=10, x=MARGIN + 3 * mm, width=CONTENT_WIDTH - 3 * mm)
    sheet.heading(_("Details entered so far"))
    if draft.fields:
        sheet.rows(draft.fields, size=10, label_width=70 * mm)
    else:
        sheet.line(_("No details entered yet."), size=10, colour=GREY)
    return sheet.finish()
