"""Keep the gateway's message catalogues in step with the code.

    python tools/i18n.py update            extract messages, merge them into every catalogue
    python tools/i18n.py fill [FILE.py ...]  add translations from dicts ``IT = {msgid: text}``
                                             (default: every tools/translations/*.py)
    python tools/i18n.py check              exit 1 listing messages without an Italian text
    python tools/i18n.py compile            build the .mo files the gateway loads

English is the source language of the code; Italian is the default language of the site, so a
message with no Italian text is a bug that ``check`` (run by the tests) catches.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "gateway" / "translations"
ITALIAN = TRANSLATIONS / "it" / "LC_MESSAGES" / "messages.po"


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT
    )


def extract(pot: Path) -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        str(pot),
        ".",
    )


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        for lang in ("it", "en"):
            po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
            if po.exists():
                pybabel(
                    "update",
                    "-i",
                    str(pot),
                    "-d",
                    str(TRANSLATIONS),
                    "-l",
                    lang,
                    "--no-fuzzy-matching",
                    "--ignore-obsolete",
                )
            else:
                pybabel("init", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", lang)


def fill(sources: list[Path]) -> None:
    texts: dict[str, str] = {}
    for source in sources or sorted((ROOT / "tools" / "translations").glob("*.py")):
        texts.update(runpy.run_path(str(source))["IT"])
    with ITALIAN.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.id in texts:
            message.string = texts[message.id]
    with ITALIAN.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)


def missing() -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        with pot.open("rb") as f:
            wanted = {m.id for m in read_po(f) if m.id}
    with ITALIAN.open("rb") as f:
        catalog = read_po(f)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(str(m) for m in wanted - done)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "fill":
        fill([Path(a) for a in argv[2:]])
    elif command == "compile":
        pybabel("compile", "-d", str(TRANSLATIONS), "--use-fuzzy")
    elif command == "check":
        gaps = missing()
        for gap in gaps:
            print(f"no Italian text for: {gap}")
        return 1 if gaps else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
