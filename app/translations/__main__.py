"""Update the translations after changing UI strings: ``python -m stadtbild.app.translations``.

Runs ``pyside6-lupdate`` over ``app/*.py`` (new strings are added as unfinished, existing
translations are kept), then ``pyside6-lrelease`` to compile ``stadtbild_de.qm``. Translate the
unfinished entries with ``pyside6-linguist app/translations/stadtbild_de.ts``.

The texts of the pure layers (no Qt there) live in ``texts_de.ts``: the readers' error texts
(``model.errors.MESSAGES``, context "errors") and the council report's
(``exporters.council_report.TEXTS``, context "report"); this script adds new texts as
unfinished, drops removed ones and keeps the existing translations, then compiles
``texts_de.qm``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
APP = HERE.parent


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"error: {name} not found (it ships with the PySide6 wheel)")
    return found


def catalogs() -> dict:
    """The texts of the pure layers (no Qt there) by translation context: the readers' error
    texts (model.errors.MESSAGES) and the council report's (exporters.council_report.TEXTS)."""
    sys.path.insert(0, str(APP.parent))
    from stadtbild.exporters.council_report import TEXTS
    from stadtbild.model.errors import MESSAGES

    return {"errors": [(f"code: {code}", text) for code, text in MESSAGES.items()],
            "report": [("", text) for text in TEXTS]}


def update_catalog_ts(ts: Path, lang: str) -> None:
    """Write ``ts`` with one message per text of :func:`catalogs` (existing translations kept,
    new texts unfinished, removed ones dropped)."""
    old: dict[tuple[str, str], tuple[str, bool]] = {}
    if ts.exists():
        for ctx in ET.parse(ts).getroot().iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                el = msg.find("translation")
                if el is not None and el.text:
                    old[(name, msg.findtext("source") or "")] = (el.text, el.get("type") == "unfinished")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="2.1" language="{lang}" sourcelanguage="en">']
    for context, texts in catalogs().items():
        lines += ["<context>", f"    <name>{context}</name>"]
        for note, text in texts:
            translation, unfinished = old.get((context, text), ("", True))
            lines += ["    <message>"]
            if note:
                lines += [f"        <extracomment>{escape(note)}</extracomment>"]
            lines += [f"        <source>{escape(text)}</source>",
                      "        <translation" + (' type="unfinished"' if unfinished else "")
                      + f">{escape(translation)}</translation>", "    </message>"]
        lines += ["</context>"]
    lines += ["</TS>", ""]
    ts.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    sources = sorted(str(p) for p in APP.glob("*.py"))
    for lang in ("de",):
        ts = HERE / f"stadtbild_{lang}.ts"
        subprocess.run([tool("pyside6-lupdate"), *sources, "-no-obsolete", "-source-language", "en",
                        "-target-language", lang, "-ts", str(ts)], check=True)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
        texts = HERE / f"texts_{lang}.ts"
        update_catalog_ts(texts, lang)
        subprocess.run([tool("pyside6-lrelease"), str(texts), "-qm", str(texts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
