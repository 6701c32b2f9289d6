"""One A4 page written straight as PDF: the receipt's fast path.

`Page` lays text out exactly as `layout.Sheet` does (same positions, fonts, colours, the same
content-stream operators, number formatting by reportlab's own `fp_str`) but writes the
document itself: the objects that never change (catalog, page tree, the two standard fonts)
are built once per process, and each document adds only its content stream, its
information dictionary and the cross-reference table. reportlab's general machinery
(a canvas, a text object per line, the generic object serializer) is what made a receipt
cost several milliseconds; this is about a quarter of that.

Only one page: a block that does not fit raises `PageFull`, and the caller renders the
document with `Sheet` instead (a receipt of many notices).
"""

import hashlib
import zlib

from reportlab.lib.rl_accel import escapePDF, fp_str

from printing.fonts import FONT, FONT_BOLD, pdf_text
from printing.layout import ACCENT, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Flow
from printing.qr import QUIET_ZONE_MODULES, qr_runs

_FONT_NAMES = {FONT: "/F1", FONT_BOLD: "/F2"}
_ENCODING = "cp1252"  # WinAnsiEncoding, as the font objects declare (see printing.fonts)
# The objects every page shares: catalog, page tree, page, fonts. 6 and 7 are per document.
_STATIC = [
    b"<< /Type /Catalog /Pages 2 0 R /PageMode /UseNone >>",
    b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>",
    (
        "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 "
        + fp_str(PAGE_WIDTH, PAGE_HEIGHT)
        + " ] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> /ProcSet [ /PDF /Text ] >>"
        " /Rotate 0 /Contents 6 0 R >>"
    ).encode(),
    b"<< /Type /Font /Subtype /Type1 /Name /F1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type1 /Name /F2 /BaseFont /Helvetica-Bold"
    b" /Encoding /WinAnsiEncoding >>",
]
_HEADER = b"%PDF-1.4\n%\x93\x8c\x8b\x9e Sportello printing\n"


def _objects_bytes() -> tuple[bytes, list[int]]:
    out = bytearray(_HEADER)
    offsets = []
    for number, body in enumerate(_STATIC, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return bytes(out), offsets


_PREFIX, _PREFIX_OFFSETS = _objects_bytes()


class PageFull(Exception):
    """The next block does not fit on the one page."""


def _colour(rgb: tuple[float, float, float]) -> str:
    return fp_str(*rgb)


def _text_string(text: str) -> bytes:
    """A PDF text string for the information dictionary: literal when ASCII, else UTF-16."""
    if text.isascii():
        return b"(" + escapePDF(text).encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class Page(Flow):
    """`layout.Sheet`'s writing methods on one page whose operators are kept as text."""

    def __init__(
        self,
        *,
        title: str,
        lang: str,
        subject: str = "",
        keywords: str = "",
        author: str = "Sportello",
    ) -> None:
        self.info = {
            "Title": pdf_text(title),
            "Author": pdf_text(author),
            "Subject": pdf_text(subject),
            "Keywords": pdf_text(keywords),
        }
        self.lang = lang
        self.y = PAGE_HEIGHT - MARGIN
        self._ops: list[str] = []

    def ensure(self, height: float) -> None:
        if self.y - height < MARGIN:
            raise PageFull()

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
        self.ensure(size * 1.3)
        font = _FONT_NAMES[FONT_BOLD if bold else FONT]
        escaped = escapePDF(pdf_text(text).encode(_ENCODING))
        self._ops += (
            f"{_colour(colour)} rg",
            f"BT {font} {fp_str(size)} Tf {fp_str(size * 1.2)} TL ET",
            f"BT 1 0 0 1 {fp_str(x, self.y - size)} Tm ({escaped}) Tj T* ET",
        )
        if advance:
            self.y -= size * 1.35

    def rule(self, colour: tuple[float, float, float] = ACCENT) -> None:
        y = self.y + 2
        self._ops += (
            f"{_colour(colour)} RG",
            ".6 w",
            f"n {fp_str(MARGIN, y)} m {fp_str(PAGE_WIDTH - MARGIN, y)} l S",
        )
        self.space(4)

    def qr(
        self, data: str, size: float, *, x: float, top: float, version: int | None = None
    ) -> int:
        """As `Sheet.qr`: the symbol `size` points wide, its top edge at `top`."""
        count, runs = qr_runs(data, version=version)
        module = size / count
        quiet = QUIET_ZONE_MODULES
        self._ops += (
            "q",
            f"{fp_str(module, 0, 0, module, x, top - size)} cm",
            "1 1 1 rg",
            f"n {-quiet} {-quiet} {count + 2 * quiet} {count + 2 * quiet} re f*",
            "0 0 0 rg",
            "n " + " ".join(runs),
            "f*",
            "Q",
        )
        return (count - 17) // 4

    def finish(self) -> bytes:
        """The PDF: the shared objects, then this page's content and information."""
        # Level 1: a receipt's stream (mostly the seal's QR runs) compresses to ~5 KB in 0.05
        # ms, against ~4 KB in 0.3 ms at the default level.
        content = zlib.compress("\n".join(self._ops).encode(_ENCODING), 1)
        info = b"<< " + b" ".join(
            b"/%s %s" % (key.encode(), _text_string(value)) for key, value in self.info.items()
        )
        info += b" /Creator (Sportello printing) /Producer (Sportello printing) >>"
        out = bytearray(_PREFIX)
        offsets = list(_PREFIX_OFFSETS)
        offsets.append(len(out))
        out += b"6 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        out += content + b"\nendstream\nendobj\n"
        offsets.append(len(out))
        out += b"7 0 obj\n" + info + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        # Same data, same bytes: the file identifier is a digest of what the page says.
        digest = hashlib.md5(content + info, usedforsecurity=False).hexdigest().encode()
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R /ID [ <%s> <%s> ] >>\n" % (
            len(offsets) + 1,
            digest,
            digest,
        )
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)
