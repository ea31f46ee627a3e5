"""Update the translations after changing UI strings: ``python -m app.translations``.

Runs ``pyside6-lupdate`` over ``app/*.py`` (new strings are added as unfinished, existing
translations are kept), then ``pyside6-lrelease`` to compile ``stadtbild_de.qm``. Translate the
unfinished entries with ``pyside6-linguist app/translations/stadtbild_de.ts``.

The readers' error texts (``model.errors.MESSAGES``, no Qt there) live in ``errors_de.ts``
(context "errors"): this script adds new codes' texts as unfinished, drops removed ones and keeps
the existing translations, then compiles ``errors_de.qm``.
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


def update_error_ts(ts: Path, lang: str) -> None:
    """Write ``ts`` with one message per text of ``model.errors.MESSAGES`` (existing translations
    kept, new texts unfinished)."""
    sys.path.insert(0, str(APP.parent))
    from model.errors import MESSAGES

    old: dict[str, tuple[str, bool]] = {}
    if ts.exists():
        for msg in ET.parse(ts).getroot().iter("message"):
            el = msg.find("translation")
            if el is not None and el.text:
                old[msg.findtext("source") or ""] = (el.text, el.get("type") == "unfinished")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="2.1" language="{lang}" sourcelanguage="en">', "<context>", "    <name>errors</name>"]
    for code, text in MESSAGES.items():
        translation, unfinished = old.get(text, ("", True))
        lines += ["    <message>", f"        <extracomment>code: {escape(code)}</extracomment>", f"        <source>{escape(text)}</source>",
                  "        <translation" + (' type="unfinished"' if unfinished else "") + f">{escape(translation)}</translation>",
                  "    </message>"]
    lines += ["</context>", "</TS>", ""]
    ts.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    sources = sorted(str(p) for p in APP.glob("*.py"))
    for lang in ("de",):
        ts = HERE / f"stadtbild_{lang}.ts"
        subprocess.run([tool("pyside6-lupdate"), *sources, "-no-obsolete", "-source-language", "en",
                        "-target-language", lang, "-ts", str(ts)], check=True)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
        errors = HERE / f"errors_{lang}.ts"
        update_error_ts(errors, lang)
        subprocess.run([tool("pyside6-lrelease"), str(errors), "-qm", str(errors.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
