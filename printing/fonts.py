"""Fonts for printed documents: reportlab's built-in Helvetica, no font files.

Decision: the 14 standard PDF fonts need no embedding and keep each PDF small and fast to
build. reportlab writes them with WinAnsi (cp1252) encoding, which covers Italian (à è é ì ò ù,
the ordinals ª º), the euro sign and most Western European names; the tests render
"Città, però, €" and extract it back. Characters outside cp1252 (e.g. the Romanian "ș" or the
Polish "ł" in a citizen's name) would print as nothing, so `pdf_text` folds them to their base
letter. If names in other scripts must print exactly, embed a TTF (e.g. DejaVu Sans) here.
"""

import unicodedata

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
_ENCODING = "cp1252"
# Letters that Unicode does not decompose into a base letter plus a mark.
_NO_DECOMPOSITION = str.maketrans(
    {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"}
)


def _fold(char: str) -> str:
    char = char.translate(_NO_DECOMPOSITION)
    try:
        char.encode(_ENCODING)
    except UnicodeEncodeError:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            base.encode(_ENCODING)
        except UnicodeEncodeError:
            return "?"
        return base or "?"
    return char


def pdf_text(text: str) -> str:
    """Return `text` with every character the standard fonts can print (others folded or '?')."""
    try:
        text.encode(_ENCODING)
    except UnicodeEncodeError:
        return "".join(_fold(char) for char in text)
    return text
