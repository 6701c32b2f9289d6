"""Logos on printed documents: the creditor's (SVG or PNG, from its record) and pagoPA's mark.

SVG files are turned into reportlab drawings by svglib (vector all the way to the PDF, as the
notice guidelines ask of the creditor's logo); PNG files are embedded as images. A logo that
cannot be read is refused when it is loaded (`load_logo`), so that the gateway can check the
creditor's record at start-up instead of failing on the first notice.

The pagoPA mark (``assets/pagopa-logo.svg``) comes from PagoPA S.p.A.'s own design system;
``assets/README.md`` gives its source, its licence and the rule for using the mark.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from printing.errors import DocumentDataError

ASSETS = Path(__file__).parent / "assets"
PAGOPA_LOGO = ASSETS / "pagopa-logo.svg"
LOGO_SUFFIXES = (".svg", ".png")


@dataclass(frozen=True)
class Logo:
    """A loaded logo: a vector drawing or a raster image, with its natural size in points."""

    path: str
    width: float
    height: float
    drawing: Drawing | None = None
    image: ImageReader | None = None

    def draw(self, canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        """Draw the logo inside the box whose top-left corner is (x, top), keeping its shape:
        scaled to fit, against the box's top and left edges."""
        scale = min(width / self.width, height / self.height)
        shown_w, shown_h = self.width * scale, self.height * scale
        bottom = top - shown_h
        if self.image is not None:
            canvas.drawImage(self.image, x, bottom, shown_w, shown_h, mask="auto")
            return
        assert self.drawing is not None
        canvas.saveState()
        canvas.translate(x, bottom)
        canvas.scale(scale, scale)
        renderPDF.draw(self.drawing, canvas, 0, 0)
        canvas.restoreState()


def _svg(path: Path) -> Drawing:
    from svglib.svglib import svg2rlg

    # svglib logs what it cannot read instead of raising; its None is the refusal we need.
    logger = logging.getLogger("svglib.svglib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        drawing = svg2rlg(str(path), resolve_entities=False)
    except Exception as e:  # svglib raises what its XML and CSS parsers raise
        raise DocumentDataError(f"logo {path.name}: not a readable SVG file ({e})") from e
    finally:
        logger.setLevel(level)
    if drawing is None or not drawing.width or not drawing.height:
        raise DocumentDataError(f"logo {path.name}: not a readable SVG file")
    return drawing


def _png(path: Path) -> ImageReader:
    try:
        image = ImageReader(str(path))
        width, height = image.getSize()
    except Exception as e:  # Pillow raises several kinds for a broken image
        raise DocumentDataError(f"logo {path.name}: not a readable PNG file ({e})") from e
    if not width or not height:
        raise DocumentDataError(f"logo {path.name}: the image is empty")
    return image


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int) -> Logo:
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".svg":
        drawing = _svg(file)
        return Logo(path, float(drawing.width), float(drawing.height), drawing=drawing)
    if suffix == ".png":
        image = _png(file)
        width, height = image.getSize()
        return Logo(path, float(width), float(height), image=image)
    raise DocumentDataError(f"logo {file.name}: must be an .svg or .png file")


def load_logo(path: str | Path) -> Logo:
    """The logo in the SVG or PNG file at ``path``; raises `DocumentDataError` when the file
    is missing, of another type, or cannot be read. Loaded once per file version."""
    file = Path(path)
    try:
        mtime = file.stat().st_mtime_ns
    except OSError as e:
        raise DocumentDataError(f"logo {file.name}: cannot be read ({e.strerror})") from e
    return _load(str(file), mtime)


def pagopa_logo() -> Logo:
    """pagoPA's mark, for the header of a pagoPA payment notice (see ``assets/README.md``)."""
    return load_logo(PAGOPA_LOGO)
