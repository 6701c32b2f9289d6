"""The demo cast's fiscal codes and the official check-character computation."""

from __future__ import annotations

MARIO = "RSSMRA80A01H501U"
SOFIA = "RSSSFO12P50H501K"
MARCO = "RSSMRC15D22H501V"
GIULIA = "BNCGLI85C55F205C"
LUCA = "VRDLCU90L20F839Q"
CHIARA = "RMNCHR95B68D612V"
GIUSEPPE = "CNTGPP62M10G273O"
FRANCESCA = "GLLFNC48T47C351T"
PAOLO = "FRRPLA70E12A944T"  # orthopaedic specialist, Ospedale Maggiore di Villanova
# People of the health record added with care relationships and guardianship.
ROBERTO = "NRERRT66B14L781B"  # GP of Giulia, Mario, Francesca, Ernesto
CARLA = "BRNCRL69D58L219V"  # GP of Luca
ELISA = "RCCLSE75A70A662V"  # paediatrician of Sofia and Marco
ELENA = "MRCLNE80R49D612V"  # laboratory specialist at two labs
SILVIA = "MRTSLV78H61G224G"  # dermatologist at a private clinic in another town
ANDREA = "FNTNDR72P05D969H"  # privacy officer of ASL Villanova, not a practitioner
ERNESTO = "RMNRST38C02D612H"  # adult patient under legal guardianship (Chiara Romano)
MARCO_GALLI = "GLLMRC76C09F205U"  # orthopaedist at Ospedale Maggiore, like Paolo Ferrari
CAST = [
    MARIO,
    SOFIA,
    MARCO,
    GIULIA,
    LUCA,
    "SPSNNA75S70L219W",
    "FRRPLA70E12A944T",
    CHIARA,
    GIUSEPPE,
    FRANCESCA,
    ROBERTO,
    CARLA,
    ELISA,
    ELENA,
    SILVIA,
    ANDREA,
    ERNESTO,
    MARCO_GALLI,
]

# DM 23/12/1976: value of each letter A..Z in an odd (1st, 3rd, ...) position; digit d counts
# as the d-th letter there.
_ODD_LETTERS = [
    1,
    0,
    5,
    7,
    9,
    13,
    15,
    17,
    19,
    21,
    2,
    4,
    18,
    20,
    11,
    3,
    6,
    8,
    12,
    14,
    16,
    10,
    22,
    25,
]
_ODD_LETTERS += [24, 23]
_ODD = {chr(65 + i): v for i, v in enumerate(_ODD_LETTERS)} | {
    str(d): _ODD_LETTERS[d] for d in range(10)
}
# In an even position: digits are worth themselves, letters A=0 ... Z=25.
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}


def check_character(first15: str) -> str:
    total = sum(_ODD[char] if index % 2 == 0 else _EVEN[char] for index, char in enumerate(first15))
    return chr(65 + total % 26)
