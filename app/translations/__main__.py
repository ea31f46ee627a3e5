"""Update the translations after changing UI strings: ``python -m app.translations``.

Runs ``pyside6-lupdate`` over ``app/*.py`` (new strings are added as unfinished, existing
translations are kept), then ``pyside6-lrelease`` to compile ``stadtbild_de.qm``. Translate the
unfinished entries with ``pyside6-linguist app/translations/stadtbild_de.ts``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE.parent


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"error: {name} not found (it ships with the PySide6 wheel)")
    return found


def main() -> int:
    sources = sorted(str(p) for p in APP.glob("*.py"))
    for lang in ("de",):
        ts = HERE / f"stadtbild_{lang}.ts"
        subprocess.run([tool("pyside6-lupdate"), *sources, "-no-obsolete", "-source-language", "en",
                        "-target-language", lang, "-ts", str(ts)], check=True)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
