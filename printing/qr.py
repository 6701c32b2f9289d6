"""QR codes and Data Matrix symbols drawn as vector paths on a reportlab canvas.

The symbol is encoded by zxing-cpp (C++): about 1 ms for a seal-sized code, where a
pure-Python encoder spent 20–80 ms choosing the mask. Modules are drawn in a scaled
coordinate system so every rectangle has small integer coordinates; the runs of dark modules
are the pieces of each row split on light modules, and their ``re`` operators are written as
those integers, the same text reportlab would write, without its per-number formatting (a
seal-sized code has over a thousand runs).
"""

import zxingcpp
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from printing.errors import DocumentDataError

QUIET_ZONE_MODULES = 4
DATAMATRIX_QUIET_ZONE_MODULES = 2  # ISO/IEC 16022 asks for one module; two is kinder
_DARK = 0
_LIGHT = b"\xff"
_TWO_VALUES = bytes([_DARK] + [255] * 255)  # every value but 0 is light (zxing-cpp writes 255)


def qr_modules(data: str, *, error: str = "m", version: int | None = None) -> list[bytes]:
    """The symbol's modules, one bytes row per line of modules (0 = dark), no quiet zone."""
    options: dict[str, object] = {"ec_level": error.upper()}
    if version is not None:
        options["version"] = version
    try:
        barcode = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, **options)
    except (ValueError, RuntimeError) as e:
        raise DocumentDataError(f"{len(data)} characters do not fit the QR code: {e}") from e
    return _modules(barcode)


def datamatrix_modules(data: str) -> list[bytes]:
    """The modules of a square ECC 200 Data Matrix symbol for ``data`` (0 = dark)."""
    try:
        barcode = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    except (ValueError, RuntimeError) as e:
        raise DocumentDataError(f"{len(data)} characters do not fit a data matrix: {e}") from e
    return _modules(barcode)


def _modules(barcode: zxingcpp.Barcode) -> list[bytes]:
    image = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    size = len(image)
    if image.shape != (size, size):
        raise DocumentDataError(f"the symbol is not square: {image.shape}")
    raw = image.tobytes()
    return [raw[i * size : (i + 1) * size] for i in range(size)]


def qr_runs(data: str, *, error: str = "m", version: int | None = None) -> tuple[int, list[str]]:
    """The symbol's size in modules and its dark runs as PDF ``re`` operators, in modules
    (origin at the symbol's bottom-left corner)."""
    rows = qr_modules(data, error=error, version=version)
    return len(rows), module_runs(rows)


def module_runs(rows: list[bytes]) -> list[str]:
    """The dark runs of a square symbol's rows as PDF ``re`` operators, in modules."""
    count = len(rows)
    runs = []
    for row_index, row in enumerate(rows):
        bottom = f" {count - row_index - 1} "
        start = 0
        for run in row.translate(_TWO_VALUES).split(_LIGHT):  # non-empty pieces: dark runs
            if run:
                runs.append(f"{start}{bottom}{len(run)} 1 re")
            start += len(run) + 1
    return runs


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
    rows = qr_modules(data, error=error, version=version)
    draw_modules(canvas, rows, x, y, size, quiet=QUIET_ZONE_MODULES)
    return (len(rows) - 17) // 4


def draw_datamatrix(canvas: Canvas, data: str, x: float, y: float, size: float) -> int:
    """Draw ``data`` as a Data Matrix ``size`` points wide, bottom-left at (x, y), with its
    quiet zone (2 modules) painted white outside. Returns the symbol's modules per side."""
    rows = datamatrix_modules(data)
    draw_modules(canvas, rows, x, y, size, quiet=DATAMATRIX_QUIET_ZONE_MODULES)
    return len(rows)


def draw_modules(
    canvas: Canvas, rows: list[bytes], x: float, y: float, size: float, *, quiet: int
) -> None:
    """Paint a square symbol's dark modules as one path of horizontal runs, ``size`` points
    wide, bottom-left at (x, y), on a white quiet zone of ``quiet`` modules around it."""
    count = len(rows)
    module = size / count
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(module, module)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(-quiet, -quiet, count + 2 * quiet, count + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # "n" starts the path as PDFPathObject does before its first operator.
    canvas.drawPath(PDFPathObject(code=["n", *module_runs(rows)]), stroke=0, fill=1)
    canvas.restoreState()
