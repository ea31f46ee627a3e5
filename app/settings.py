"""Persistent user settings (QSettings): recent files, window layout, language, units.

Stored per user by Qt (``~/.config/Stadtbild/Stadtbild.conf`` on Linux). Tests pass their own
``QSettings(path, IniFormat)`` so they never touch the user's file.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class Settings:
    def __init__(self, qsettings: QSettings | None = None):
        self.q = qsettings if qsettings is not None else QSettings("Stadtbild", "Stadtbild")

    # ------------------------------------------------------------ recent files
    def recent_files(self) -> list[list[str]]:
        """Recently opened entries, newest first; each entry is the list of paths opened together
        (one file, several tiles, or a folder)."""
        raw = self.q.value("recent/entries", [])
        if isinstance(raw, str):
            raw = [raw]
        out = []
        for item in raw or []:
            paths = [p for p in str(item).split("\n") if p]
            if paths:
                out.append(paths)
        return out

    def add_recent(self, paths) -> None:
        entry = "\n".join(str(Path(p).resolve()) for p in paths)
        current = ["\n".join(e) for e in self.recent_files()]
        current = [e for e in current if e != entry]
        current.insert(0, entry)
        self.q.setValue("recent/entries", current[:MAX_RECENT])
        self.q.sync()

    def clear_recent(self) -> None:
        self.q.setValue("recent/entries", [])

    # ------------------------------------------------------------ language and units
    def language(self, default: str = "de") -> str:
        return str(self.q.value("ui/language", default))

    def set_language(self, lang: str) -> None:
        self.q.setValue("ui/language", lang)
        self.q.sync()

    def units(self) -> str:
        """"m" (metres) — the only length unit planners use here; kept as a setting for feet."""
        return str(self.q.value("ui/units", "m"))

    # ------------------------------------------------------------ layout
    def save_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)
        self.q.sync()

    def layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.q.value("window/geometry"), self.q.value("window/state")
