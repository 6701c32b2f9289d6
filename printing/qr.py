"""QR codes drawn as vector paths on a reportlab canvas."""

import segno
from reportlab.pdfgen.canvas import Canvas

from printing.errors import DocumentDataError

QUIET_ZONE_MODULES = 4


def draw_qr(
    canvas: Canvas,
    data: str,
    x: float,
    y: float,
    size: float,
    *,
    error: str = "m",
    version: int | None = None,
) -> int:
    """Draw `data` as a QR code whose symbol is `size` points wide, bottom-left at (x, y).

    The quiet zone (4 modules) is painted white *outside* that square: leave room for it.
    The dark modules are one path of horizontal runs, which keeps the page small and quick.
    Returns the QR version used.
    """
    try:
        qr = segno.make_qr(data, error=error, version=version, boost_error=False)
    except segno.DataOverflowError as e:
        raise DocumentDataError(f"{len(data)} characters do not fit the QR code") from e
    matrix = qr.matrix
    count = len(matrix)
    module = size / count
    quiet = QUIET_ZONE_MODULES * module
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(x + start * module, top, (column - start) * module, module)
            else:
                column += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return int(qr.version)
