"""Translations of the desktop window: German (default) and English.

Source strings in the code are English and wrapped in :func:`tr`; the German texts live in the Qt
Linguist file ``app/translations/stadtbild_de.ts`` (edit it with ``pyside6-linguist``), compiled
to ``stadtbild_de.qm`` with ``pyside6-lrelease`` (shipped in the PySide6 wheel; run
``python -m stadtbild.app.translations`` after changing strings). Qt's own dialog texts come from
``qtbase_de.qm`` of the PySide6 wheel.

If the ``.qm`` file is missing (e.g. a checkout without the compiled file) the ``.ts`` file is
read at run time by :class:`TsTranslator`, a small dictionary translator, so the German UI never
silently falls back to English.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "de"
CONTEXT = ""  # bare tr() calls are collected by pyside6-lupdate into the empty context

_installed: list[QTranslator] = []
_current = "en"


def tr(text: str) -> str:
    """Translate ``text`` (an English source string) into the current UI language."""
    return QCoreApplication.translate(CONTEXT, text)


def plural(n: int, one: str, other: str) -> str:
    """The count text for ``n`` from its two translated forms, ``{n}`` filled in: ``one`` for
    exactly 1, ``other`` else (German and English have these two cardinal plural categories, CLDR
    plural rules). Callers pass ``tr("{n} edit")`` and ``tr("{n} edits")`` so that lupdate collects
    both source texts."""
    return (one if n == 1 else other).format(n=n)


class TsTranslator(QTranslator):
    """Dictionary translator reading a Qt Linguist ``.ts`` file directly (fallback when the
    compiled ``.qm`` is not there)."""

    def __init__(self, ts_path: Path, parent=None):
        super().__init__(parent)
        self.table: dict[tuple[str, str], str] = {}
        root = ET.parse(ts_path).getroot()
        for ctx in root.iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                src = msg.findtext("source")
                tr_el = msg.find("translation")
                if src and tr_el is not None and tr_el.text and tr_el.get("type") not in ("unfinished", "obsolete",
                                                                                          "vanished"):
                    self.table[(name, src)] = tr_el.text

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 (Qt API)
        return self.table.get((context or "", source_text), "")

    def isEmpty(self) -> bool:
        return not self.table


def _translator(app, stem: str):
    """The compiled ``<stem>.qm`` (or, when it is missing, the ``.ts`` read directly)."""
    tr_ = QTranslator(app)
    qm = TRANSLATIONS / f"{stem}.qm"
    if qm.exists() and tr_.load(str(qm)):
        return tr_
    ts = TRANSLATIONS / f"{stem}.ts"
    return TsTranslator(ts, app) if ts.exists() else None


def current_language() -> str:
    return _current


def system_default_language() -> str:
    """German unless the system locale is explicitly another language *and* English is wanted:
    Stadtbild's audience is German planning offices, so German is the default."""
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> str:
    """Install the translators for ``lang`` ("de" or "en") on the running application; returns
    the language in effect. Widgets must re-set their texts afterwards (``retranslate``)."""
    global _current
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang != "en":
        own = _translator(app, f"stadtbild_{lang}")
        errors = _translator(app, f"texts_{lang}")  # reader errors (model.errors), the council report
        if errors is not None:
            app.installTranslator(errors)
            _installed.append(errors)
        qt = QTranslator(app)
        if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
        if own is not None:
            app.installTranslator(own)
            _installed.append(own)
    _current = lang
    QLocale.setDefault(QLocale(QLocale.Language.German if lang == "de" else QLocale.Language.English,
                               QLocale.Country.Germany if lang == "de" else QLocale.Country.UnitedKingdom))
    return lang


def format_number(value: float, decimals: int = 2) -> str:
    """A number in the UI language's convention (German: 1.234,56; English: 1,234.56)."""
    return QLocale().toString(float(value), "f", decimals)


#: semantic surface types (CityGML) as the UI names them
SURFACE_LABELS = {
    "RoofSurface": QT_TRANSLATE_NOOP("", "Roof surface"), "WallSurface": QT_TRANSLATE_NOOP("", "Wall surface"),
    "GroundSurface": QT_TRANSLATE_NOOP("", "Ground surface"), "ClosureSurface": QT_TRANSLATE_NOOP("", "Closure surface"),
    "OuterCeilingSurface": QT_TRANSLATE_NOOP("", "Outer ceiling surface"),
    "OuterFloorSurface": QT_TRANSLATE_NOOP("", "Outer floor surface"), "Window": QT_TRANSLATE_NOOP("", "Window"),
    "Door": QT_TRANSLATE_NOOP("", "Door"), "WaterSurface": QT_TRANSLATE_NOOP("", "Water surface"),
    "TrafficArea": QT_TRANSLATE_NOOP("", "Traffic area"), "AuxiliaryTrafficArea": QT_TRANSLATE_NOOP("", "Auxiliary traffic area"),
    "Terrain": QT_TRANSLATE_NOOP("", "Terrain"), "Unknown": QT_TRANSLATE_NOOP("", "Surface without semantics"),
}


def surface_label(name: str) -> str:
    """A semantic surface type in the UI language ("RoofSurface" → "Dachfläche")."""
    return tr(SURFACE_LABELS.get(name, name))


def measurement_text(m: dict) -> str:
    """One line for a measurement dict of :class:`app.viewport.Viewport` (kind distance,
    height or area)."""
    snap = {"vertex": " · " + tr("snapped to a corner"), "edge": " · " + tr("snapped to an edge")}
    if m["kind"] == "distance":
        snaps = "".join(dict.fromkeys(snap.get(s, "") for s in m.get("snap", ())))
        return tr("Distance {d} m (horizontal {h} m, height difference {z} m)").format(
            d=format_number(m["distance_m"]), h=format_number(m["horizontal_m"]), z=format_number(m["dz_m"])) + snaps
    if m["kind"] == "height":
        return tr("Height above ground {h} m (absolute height {z} m)").format(
            h=format_number(m["height_above_ground_m"]), z=format_number(m["z"])) + snap.get(m.get("snap"), "")
    return tr("Area {a} m² ({s}, tilt {t}°)").format(a=format_number(m["area_m2"], 2), s=surface_label(m["surface"]),
                                                     t=format_number(m["tilt_deg"], 1))


ERRORS_CONTEXT = "errors"  # the context of model.errors.MESSAGES in the translations


def _localised(value) -> str:
    """A parameter of an error text in the UI's conventions (decimal comma in German)."""
    if isinstance(value, float):
        text = repr(value)
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 2
        return format_number(value, min(decimals, 3))
    return str(value)


def error_text(error) -> str:
    """The one-line message of ``error`` for the user, in the UI language: an
    :class:`model.errors.InputError` with a code is said with the translated text of its code
    and its parameters formatted for the locale ("FILE: what"); anything else as it is."""
    from stadtbild.model.errors import MESSAGES, InputError

    if isinstance(error, InputError) and error.code in MESSAGES:
        template = QCoreApplication.translate(ERRORS_CONTEXT, MESSAGES[error.code])
        try:
            text = template.format(**{k: _localised(v) for k, v in error.params.items()})
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            text = error.message
        text = " ".join(text.split())
        return f"{error.path}: {text}" if error.path else text
    return str(error)
