"""The notice follows pagoPA's "Avviso di pagamento" (traffic-fine variant, with the Poste slip
and an alternative code for the reduced amount): a golden file per language holds every line
of text and every code with its position on the page (rounded to the point), so a moved block
fails as surely as a changed word; and every code on the page decodes, with a real reader, to
what it must carry.

Regenerate a golden file after an intended change of the layout or of a translation with
``SPORTELLO_UPDATE_GOLDEN=1 pytest tests/printing/test_printing_notice_layout.py`` and review
the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from printing_factories import ENGLISH, ITALIAN, create_notice_data

from printing.codes import (
    build_payment_payload,
    make_notice_code,
    parse_payment_payload,
    parse_poste_datamatrix,
)
from printing.logos import PAGOPA_LOGO
from printing.notice import AlternativeCode, NoticeData, NoticeWindow, render_notice
from printing.texts import DocumentLanguage
from printing.verify import scan_codes

GOLDEN = Path(__file__).parent / "golden"
DEMO_LOGO = Path(__file__).parents[2] / "gateway" / "static" / "img" / "ente-demo.svg"
ALTERNATIVE_CODE = make_notice_code("01", "2026000012346")
POINTS_PER_INCH = 72


def fine_notice() -> NoticeData:
    return create_notice_data(
        reduced_amount_cents=None,
        reduced_until=None,
        amount_cents=12_300,
        windows=(
            NoticeWindow("reduced", 8_610, date(2026, 11, 23), date(2026, 11, 28)),
            NoticeWindow("base", 12_300, date(2026, 11, 29), date(2027, 1, 21)),
            NoticeWindow("increased", 24_600, date(2027, 1, 22)),
        ),
        alternative=AlternativeCode(ALTERNATIVE_CODE, 8_610, date(2026, 11, 28)),
        due_date=date(2027, 1, 21),
        creditor_contacts="polizia.locale@comune.villanova.it — 0123 456789",
        payer_address="Via Garibaldi 3, 00100 Villanova",
        creditor_logo=str(DEMO_LOGO),
        postal_account="001234567",
    )


def page_layout(pdf: bytes) -> list[str]:
    """Every text line of every page as ``page x y text`` (its left and top edge in points
    from the page's top-left corner), then every code as ``page x y size FORMAT text``."""
    lines = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            height = page.get_height()
            text = page.get_textpage()
            for rect in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(rect)
                words = text.get_text_bounded(left, bottom, right, top).strip()
                if words:
                    lines.append(f"{index + 1} {round(left)} {round(height - top)} {words}")
    finally:
        document.close()
    for code in scan_codes(pdf, every_format=True):
        scale = POINTS_PER_INCH / code.dpi
        x, y, size = (round(v * scale) for v in (code.left, code.top, code.width_px))
        lines.append(f"{code.page + 1} {x} {y} {size} {code.format} {code.text}")
    return lines


@pytest.mark.parametrize("lang", [ITALIAN, ENGLISH], ids=["it", "en"])
def test_the_notice_layout_is_the_golden_one(lang: DocumentLanguage) -> None:
    layout = "\n".join(page_layout(render_notice(fine_notice(), lang))) + "\n"
    golden = GOLDEN / f"notice-fine-{lang.code}.txt"
    if os.environ.get("SPORTELLO_UPDATE_GOLDEN") == "1":
        golden.write_text(layout, "utf-8")
    assert layout == golden.read_text("utf-8")


def test_the_golden_comparison_catches_a_moved_block() -> None:
    """A block moved by two points keeps every word and still fails the comparison."""
    data = fine_notice()
    moved = render_notice(replace(data, details=(*data.details, ("", ""))), ITALIAN)
    golden = (GOLDEN / "notice-fine-it.txt").read_text("utf-8").splitlines()
    layout = page_layout(moved)
    assert [line.split(" ", 3)[3] for line in layout] == [line.split(" ", 3)[3] for line in golden]
    assert layout != golden


def test_the_italian_notice_has_the_parts_and_texts_of_the_guidelines() -> None:
    text = " ".join(
        " ".join(
            line.split(" ", 3)[3] for line in page_layout(render_notice(fine_notice(), ITALIAN))
        ).split()
    )
    for part in (
        "AVVISO DI PAGAMENTO",
        "ENTE CREDITORE",
        "DESTINATARIO",
        "QUANTO E QUANDO PAGARE?",
        "Importo scontato del 30%",
        "entro 5 giorni dalla notifica del verbale",
        "Importo ridotto",
        "dal 6º al 60º giorno dalla notifica del verbale",
        "Come si calcolano le scadenze?",
        "In fase di pagamento, se previsto dall’ente, l’importo potrebbe essere aggiornato",
        "DOVE PAGARE?",
        "PAGA CON L’APP IO oppure sul sito di Comune di Villanova, dal tuo Home Banking, con la "
        "tua app di pagamento o con gli altri canali abilitati.",
        "PAGA SUL TERRITORIO presso Banche e Sportelli ATM, negli Uffici Postali e Punti Postali, "
        "nei Bar, Edicole, Ricevitorie, Supermercati, Tabaccherie e altri Esercenti Convenzionati.",
        "DATI PER IL PAGAMENTO",
        "Banche e altri canali",
        "Inquadra il codice QR con la tua app di pagamento o usa i dati accanto.",
        "Rata unica entro il 21/01/2027 123,00 €",
        "Importo scontato del 30% entro il 28/11/2026 86,10 €",
        "Oggetto del pagamento Sanzione per violazione del Codice",
        "Codice CBILL A1B2C",
        "Codice Avviso 3012 0260 0001 2345 71",
        "Codice Avviso 3012 0260 0001 2346 72",
        "Bollettino Postale PA",
        "sul C/C n. 001234567",
        "Intestato a Comune di Villanova",
        "Tipo P1",
        "polizia.locale@comune.villanova.it",
        "Via Garibaldi 3, 00100 Villanova",
    ):
        assert part in text, part


@pytest.mark.parametrize("lang", [ITALIAN, ENGLISH], ids=["it", "en"])
def test_every_code_on_the_notice_decodes_to_what_it_carries(lang: DocumentLanguage) -> None:
    data = fine_notice()
    codes = scan_codes(render_notice(data, lang), every_format=True)
    fiscal = data.creditor_fiscal_code
    assert [(c.format, c.text[:13]) for c in codes] == [
        ("QRCode", "PAGOPA|002|30"),
        ("DataMatrix", "codfase=NBPA;"),
        ("QRCode", "PAGOPA|002|30"),
        ("DataMatrix", "codfase=NBPA;"),
    ]
    assert codes[0].text == build_payment_payload(ALTERNATIVE_CODE, fiscal, 8_610)
    assert codes[2].text == build_payment_payload(data.notice_code, fiscal, 12_300)
    assert parse_payment_payload(codes[2].text).amount_cents == 12_300
    for scanned, (notice_code, amount) in zip(
        (codes[1], codes[3]), ((ALTERNATIVE_CODE, 8_610), (data.notice_code, 12_300)), strict=True
    ):
        poste = parse_poste_datamatrix(scanned.text)
        assert (poste.notice_code, poste.amount_cents) == (notice_code, amount)
        assert (poste.postal_account, poste.creditor_fiscal_code) == ("000001234567", fiscal)
        assert (poste.payer_fiscal_code, poste.payer_name) == ("RSSMRA80A01H501U", "Mario Rossi")
        assert poste.subject == "Sanzione per violazione del Codice della Strada"
        # pagoPA's IO app reads the code, the amount and the creditor at these offsets.
        assert scanned.text[15:33] == notice_code and int(scanned.text[49:59]) == amount
        assert scanned.text[66:77] == fiscal and len(scanned.text) == 256
    assert all(c.width_mm >= 25 for c in codes if c.format == "QRCode")
    assert all(24.5 <= c.width_mm <= 26 for c in codes if c.format == "DataMatrix")


def test_a_notice_without_postal_account_prints_one_qr_code_and_no_data_matrix() -> None:
    data = replace(fine_notice(), postal_account="", alternative=None)
    codes = scan_codes(render_notice(data, ITALIAN), every_format=True)
    assert [(c.format, c.text) for c in codes] == [("QRCode", data.payment_payload)]


def test_both_logos_are_drawn_in_the_header() -> None:
    """The pagoPA mark and the creditor's logo are painted (in pagoPA blue and the logo's own
    blue) in the header's corners; without a creditor logo its corner stays white."""
    from PIL import Image

    def corner_colours(pdf: bytes) -> tuple[set[Any], set[Any]]:
        document = pdfium.PdfDocument(pdf)
        image: Image.Image = document[0].render(scale=1).to_pil().convert("RGB")
        document.close()
        left = image.crop((51, 51, 51 + 57, 51 + 40))  # pagoPA's box: 20 mm wide
        right = image.crop((595 - 51 - 68, 51, 595 - 51, 51 + 68))  # the creditor's: 24 mm
        return {c for _, c in left.getcolors(10_000)}, {c for _, c in right.getcolors(10_000)}

    assert PAGOPA_LOGO.is_file()
    pagopa, creditor = corner_colours(render_notice(fine_notice(), ITALIAN))
    assert any(abs(r - 0x00) < 30 and abs(g - 0x66) < 30 and b > 0xB0 for r, g, b in pagopa)
    assert any(b > 0xB0 and r < 60 for r, g, b in creditor)
    _, empty = corner_colours(render_notice(replace(fine_notice(), creditor_logo=""), ITALIAN))
    assert empty == {(255, 255, 255)}
