"""Keep Sportello's message catalogues in step with the code.

    python tools/i18n.py update        extract messages, merge them into every catalogue
    python tools/i18n.py init LANG     start the catalogue of a new language (e.g. de)
    python tools/i18n.py check         exit 1 listing messages without an Italian text, or
                                       a translation whose placeholders differ from its msgid
    python tools/i18n.py compile       build the .mo files the gateway loads

The catalogues in ``gateway/translations/<lang>/LC_MESSAGES/messages.po`` are the only place
translations live: translators edit them (Poedit, Weblate, a text editor) and ``update`` never
changes a ``msgstr``: it adds the new messages with an empty one, moves the messages the code
no longer uses to the obsolete ``#~`` entries (and brings their translation back if the message
returns), and refreshes the source locations that tell translators where each text is shown.

English is the source language of the code; Italian is the default language of the site, so a
message with no Italian text is a bug that ``check`` (run by ``make lint``) catches.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "gateway" / "translations"
DOMAIN = "messages"
WIDTH = 100


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT
    )


def extract(pot: Path) -> None:
    """Every marked message of the code, templates and form definitions, with its locations."""
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-k",
        "lazy_ngettext:1,2",
        "--add-comments",
        "TRANSLATORS:",
        "--sort-output",
        "--width",
        str(WIDTH),
        "--project",
        "Sportello",
        "-o",
        str(pot),
        ".",
    )


def catalogue_path(translations: Path, lang: str) -> Path:
    return translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(translations: Path) -> list[str]:
    """The languages that have a catalogue."""
    return sorted(p.parts[-3] for p in translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def write_catalogue(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=WIDTH, omit_header=False)


def _key(msgid: str | tuple[str, ...], context: str | None) -> str | tuple[str, str]:
    """How a catalogue keys a message (as Babel does): the singular id, with its context."""
    singular = msgid if isinstance(msgid, str) else msgid[0]
    return (singular, context) if context is not None else singular


def merge(catalog: Catalog, template: Catalog) -> None:
    """Bring ``catalog`` in step with ``template`` without touching any translation."""
    before = {(m.id, m.context): m.string for m in catalog if m.id}
    same_messages = _shape(catalog) == _shape(template)
    # The creation date moves only when the messages do, so an idle update changes no file.
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=not same_messages)
    for message in catalog:
        if not message.id or message.string:
            continue
        key = _key(message.id, message.context)
        old = catalog.obsolete.get(key)
        if old is not None and old.string:
            message.string = old.string
            del catalog.obsolete[key]
    for (msgid, context), string in before.items():
        kept = catalog.get(msgid, context) or catalog.obsolete.get(_key(msgid, context))
        if kept is None or kept.string != string:
            raise AssertionError(f"update would change the translation of {msgid!r}")


def _shape(catalog: Catalog) -> list[tuple[object, ...]]:
    return sorted((str(m.id), tuple(m.locations), tuple(m.auto_comments)) for m in catalog if m.id)


def template_catalogue() -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / f"{DOMAIN}.pot"
        extract(pot)
        return read_catalogue(pot)


def update(translations: Path = TRANSLATIONS, template: Catalog | None = None) -> None:
    """Merge the extracted messages into every catalogue under ``translations``."""
    template = template if template is not None else template_catalogue()
    for lang in languages(translations):
        path = catalogue_path(translations, lang)
        catalog = read_catalogue(path)
        merge(catalog, template)
        write_catalogue(path, catalog)


def init(lang: str, translations: Path = TRANSLATIONS) -> Path:
    """A new, empty catalogue for ``lang``; refuses to replace an existing one."""
    path = catalogue_path(translations, lang)
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists already: use update")
    template = template_catalogue()
    catalog = Catalog(locale=lang, project="Sportello", domain=DOMAIN)
    merge(catalog, template)
    write_catalogue(path, catalog)
    return path


def missing(translations: Path = TRANSLATIONS, template: Catalog | None = None) -> list[str]:
    """Messages of the code with no (or only a fuzzy) Italian text."""
    template = template if template is not None else template_catalogue()
    wanted = {m.id for m in template if m.id}
    catalog = read_catalogue(catalogue_path(translations, "it"))
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(str(m[0] if isinstance(m, tuple) else m) for m in wanted - done)


def placeholder_errors(translations: Path = TRANSLATIONS) -> list[str]:
    """Translations whose ``%(name)s`` placeholders do not match their message's."""
    problems = []
    for lang in languages(translations):
        for message, errors in read_catalogue(catalogue_path(translations, lang)).check():
            for error in errors:
                problems.append(f"{lang}: {message.id!r}: {error}")
    return problems


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "init" and len(argv) == 3:
        print(f"created {init(argv[2]).relative_to(ROOT)}")
    elif command == "compile":
        pybabel("compile", "-d", str(TRANSLATIONS), "-D", DOMAIN)
    elif command == "check":
        gaps = missing()
        for gap in gaps:
            print(f"no Italian text for: {gap}")
        wrong = placeholder_errors()
        for problem in wrong:
            print(f"placeholders differ: {problem}")
        return 1 if gaps or wrong else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
