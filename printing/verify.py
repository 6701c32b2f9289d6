"""Read the 2D codes printed in a PDF and verify its seal, offline.

Command line::

    python -m printing.verify FILE.pdf (--keys keys.json | --key pub.pem)

prints VALID, TAMPERED or UNKNOWN KEY with the claims; exit status 0 valid, 1 tampered,
malformed or no seal found, 2 unknown key, 3 unreadable file or bad arguments.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pypdfium2 as pdfium
import zxingcpp

from printing.claims import describe_claims
from printing.errors import (
    InvalidSealKey,
    MalformedSeal,
    SealNotFound,
    TamperedSeal,
    UnknownKey,
    UnreadableDocument,
)
from printing.keys import load_jwks, load_public_key_pem
from printing.seal import SEAL_PREFIX, SealVerifier, VerifiedSeal

SCAN_DPI = 200
_MM_PER_INCH = 25.4

EXIT_VALID, EXIT_INVALID, EXIT_UNKNOWN_KEY, EXIT_USAGE = 0, 1, 2, 3


@dataclass(frozen=True)
class ScannedCode:
    """A QR code found on a rendered page; sizes in pixels at `dpi` and in millimetres."""

    text: str
    page: int
    left: int
    top: int
    width_px: int
    height_px: int
    dpi: int
    ec_level: str = ""
    version: str = ""
    format: str = "QRCode"  # zxing-cpp's name of the symbology: QRCode, DataMatrix, Code128...

    @property
    def width_mm(self) -> float:
        return self.width_px * _MM_PER_INCH / self.dpi

    @property
    def height_mm(self) -> float:
        return self.height_px * _MM_PER_INCH / self.dpi


def _qr_version(extra: object) -> str:
    return str(extra.get("Version", "")) if isinstance(extra, dict) else ""


def scan_codes(
    pdf_bytes: bytes, dpi: int = SCAN_DPI, *, every_format: bool = False
) -> list[ScannedCode]:
    """Render every page in grey at `dpi` and decode its QR codes (with ``every_format``, its
    codes of any symbology zxing-cpp reads: data matrix, barcodes...), page by page, top to
    bottom.

    Raises `UnreadableDocument` if the bytes are not a PDF pdfium can open.
    """
    try:
        document = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as e:
        raise UnreadableDocument("the file is not a readable PDF") from e
    found: list[ScannedCode] = []
    try:
        for page_index in range(len(document)):
            page = document[page_index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            codes = (
                zxingcpp.read_barcodes(image)
                if every_format
                else zxingcpp.read_barcodes(image, formats=formats)
            )
            for code in sorted(codes, key=lambda c: (c.position.top_left.y, c.position.top_left.x)):
                p = code.position
                xs = (p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x)
                ys = (p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y)
                found.append(
                    ScannedCode(
                        text=code.text,
                        page=page_index,
                        left=min(xs),
                        top=min(ys),
                        width_px=max(xs) - min(xs) + 1,
                        height_px=max(ys) - min(ys) + 1,
                        dpi=dpi,
                        ec_level=code.ec_level,
                        version=_qr_version(code.extra),
                        format=code.format.name,
                    )
                )
    finally:
        document.close()
    return found


def read_codes(pdf_bytes: bytes) -> list[str]:
    """The texts of every QR code printed in the PDF, in page order (see `scan_codes`)."""
    return [code.text for code in scan_codes(pdf_bytes)]


def find_seal(codes: Sequence[str]) -> str:
    """The first code that is a seal; raises `SealNotFound`."""
    for code in codes:
        if code.startswith(SEAL_PREFIX):
            return code
    raise SealNotFound("no sealed QR code in the document")


def verify_pdf(pdf_bytes: bytes, verifier: SealVerifier) -> VerifiedSeal:
    """Find the seal among the printed QR codes and verify it (the metadata is not trusted)."""
    return verifier.verify(find_seal(read_codes(pdf_bytes)))


def _load_verifier(args: argparse.Namespace) -> SealVerifier:
    if args.keys:
        return SealVerifier(load_jwks(json.loads(Path(args.keys).read_text(encoding="utf-8"))))
    return SealVerifier.from_public_keys([load_public_key_pem(Path(args.key).read_bytes())])


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m printing.verify", description="Verify a sealed PDF offline.")
    parser.add_argument("pdf", help="the PDF to check")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--keys", help="key set (JSON, as published by the gateway)")
    source.add_argument("--key", help="one public key (PEM)")
    args = parser.parse_args(argv)
    try:
        verifier = _load_verifier(args)
        pdf_bytes = Path(args.pdf).read_bytes()
        seal = find_seal(read_codes(pdf_bytes))
        verified = verifier.verify(seal)
    except (OSError, ValueError, InvalidSealKey, UnreadableDocument) as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return EXIT_USAGE
    except UnknownKey as e:
        print(f"UNKNOWN KEY: {e}")
        return EXIT_UNKNOWN_KEY
    except TamperedSeal as e:
        print(f"TAMPERED: {e}")
        return EXIT_INVALID
    except MalformedSeal as e:
        print(f"MALFORMED: {e}")
        return EXIT_INVALID
    print(f"VALID (key {verified.kid})")
    for label, value in describe_claims(verified.claims):
        print(f"  {label}: {value}")
    return EXIT_VALID


if __name__ == "__main__":
    sys.exit(main())
