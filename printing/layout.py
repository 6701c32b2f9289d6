"""A small top-down page writer over a reportlab canvas, shared by every document."""

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import FONT, FONT_BOLD, pdf_text
from printing.qr import draw_qr

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GREY = (0.35, 0.35, 0.35)
ACCENT = (0.0, 0.36, 0.6)


class Flow:
    """Top-down text flow: what a page writer builds on its own ``line``, ``rule`` and
    ``ensure`` (``Sheet`` over a reportlab canvas, ``printing.page.Page`` straight as PDF)."""

    y: float

    def ensure(self, height: float) -> None:
        raise NotImplementedError

    def line(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        x: float = MARGIN,
        colour: tuple[float, float, float] = (0, 0, 0),
        advance: bool = True,
    ) -> None:
        raise NotImplementedError

    def rule(self, colour: tuple[float, float, float] = ACCENT) -> None:
        raise NotImplementedError

    def space(self, height: float) -> None:
        self.y -= height

    def paragraph(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        x: float = MARGIN,
        width: float = CONTENT_WIDTH,
        colour: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        """Text wrapped to `width`, line by line (so a long paragraph may cross a page)."""
        font = FONT_BOLD if bold else FONT
        for part in simpleSplit(pdf_text(text), font, size, width):
            self.line(part, size=size, bold=bold, x=x, colour=colour)

    def heading(self, text: str, *, size: float = 11) -> None:
        self.ensure(size * 3)
        self.space(size * 0.4)
        self.line(text, size=size, bold=True, colour=ACCENT)
        self.rule()

    def rows(
        self,
        pairs: Iterable[tuple[str, str]],
        *,
        size: float = 10,
        label_width: float = 55 * mm,
        x: float = MARGIN,
        width: float = CONTENT_WIDTH,
    ) -> None:
        """Label/value lines: the label in grey, the value wrapped in the remaining width."""
        value_width = width - label_width
        for label, value in pairs:
            parts = simpleSplit(pdf_text(value), FONT_BOLD, size, value_width) or [""]
            self.ensure(size * 1.35 * len(parts))
            self.line(label, size=size, x=x, colour=GREY, advance=False)
            for part in parts:
                self.line(part, size=size, bold=True, x=x + label_width)


class Sheet(Flow):
    """Writes A4 pages from the top down; starts a new page when the next block does not fit.

    Every string goes through `pdf_text`, so callers pass plain Unicode.
    """

    def __init__(
        self,
        *,
        title: str,
        lang: str,
        subject: str = "",
        keywords: str = "",
        author: str = "Sportello",
    ) -> None:
        self._buffer = io.BytesIO()
        # invariant=True drops the creation date and random document id: same data, same bytes.
        self.canvas = Canvas(self._buffer, pagesize=A4, invariant=True, pageCompression=1)
        self.canvas.setTitle(pdf_text(title))
        self.canvas.setAuthor(pdf_text(author))
        self.canvas.setCreator("Sportello printing")
        self.canvas.setSubject(pdf_text(subject))
        self.canvas.setKeywords(pdf_text(keywords))
        self.lang = lang
        self.y = PAGE_HEIGHT - MARGIN

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` points still fit above the bottom margin."""
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.y = PAGE_HEIGHT - MARGIN

    def line(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        x: float = MARGIN,
        colour: tuple[float, float, float] = (0, 0, 0),
        advance: bool = True,
    ) -> None:
        """One line of text whose top is at the cursor."""
        self.ensure(size * 1.3)
        self.canvas.setFillColorRGB(*colour)
        self.canvas.setFont(FONT_BOLD if bold else FONT, size)
        self.canvas.drawString(x, self.y - size, pdf_text(text))
        if advance:
            self.y -= size * 1.35

    def rule(self, colour: tuple[float, float, float] = ACCENT) -> None:
        self.canvas.setStrokeColorRGB(*colour)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(MARGIN, self.y + 2, PAGE_WIDTH - MARGIN, self.y + 2)
        self.space(4)

    def qr(
        self, data: str, size: float, *, x: float, top: float, version: int | None = None
    ) -> int:
        """A QR code `size` points wide whose symbol's top edge is at `top` (quiet zone outside)."""
        return draw_qr(self.canvas, data, x, top - size, size, version=version)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
