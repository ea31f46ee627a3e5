"""Help ▸ Navigation and keys: how to move in the 3D view and which key does what.

The keyboard shortcuts are read from the window's actions (so the page never drifts from the
menus); the mouse, walk-mode and presentation keys are those of :mod:`app.viewport` and
:mod:`app.presentation`.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from .i18n import tr

MOUSE = (
    (QT_TRANSLATE_NOOP("", "Left drag"), QT_TRANSLATE_NOOP("", "Orbit around the view centre")),
    (QT_TRANSLATE_NOOP("", "Middle drag, Shift + left drag"), QT_TRANSLATE_NOOP("", "Pan")),
    (QT_TRANSLATE_NOOP("", "Wheel"), QT_TRANSLATE_NOOP("", "Zoom towards the point under the cursor")),
    (QT_TRANSLATE_NOOP("", "Click"), QT_TRANSLATE_NOOP("", "Select a building (Shift: add or remove)")),
    (QT_TRANSLATE_NOOP("", "Drag in box mode"), QT_TRANSLATE_NOOP("", "Select every building in the rectangle")),
    (QT_TRANSLATE_NOOP("", "Click in distance / height mode"),
     QT_TRANSLATE_NOOP("", "Measure; points snap to corners and edges within 10 pixels")),
)
WALK = (
    ("W / ↑, S / ↓", QT_TRANSLATE_NOOP("", "Walk forward / back (2 m; with Shift 10 m)")),
    ("A / ←, D / →", QT_TRANSLATE_NOOP("", "Turn left / right (5°)")),
    ("Q, E", QT_TRANSLATE_NOOP("", "Step sideways")),
    (QT_TRANSLATE_NOOP("", "Page up / down"), QT_TRANSLATE_NOOP("", "Eye higher / lower")),
    (QT_TRANSLATE_NOOP("", "Click"), QT_TRANSLATE_NOOP("", "Walk to the point clicked")),
    ("Esc", QT_TRANSLATE_NOOP("", "Leave walk mode")),
)
PRESENTATION = (
    (QT_TRANSLATE_NOOP("", "→, Page down"), QT_TRANSLATE_NOOP("", "Next saved view")),
    (QT_TRANSLATE_NOOP("", "←, Page up"), QT_TRANSLATE_NOOP("", "Previous saved view")),
    (QT_TRANSLATE_NOOP("", "Space"), QT_TRANSLATE_NOOP("", "Play / pause the tour or the sun")),
    ("B", QT_TRANSLATE_NOOP("", "Before / after")),
    ("H", QT_TRANSLATE_NOOP("", "Hide / show the control bar")),
    ("Esc", QT_TRANSLATE_NOOP("", "Leave the presentation")),
)
#: actions whose shortcuts the page lists, in this order
ACTIONS = ("view_iso", "view_top", "view_north", "north_up", "zoom_sel", "zoom_all", "mode_select", "mode_box",
           "mode_distance", "mode_height", "mode_area", "mode_walk", "clear_selection", "demolish", "draw_extrude",
           "undo", "redo", "open", "export", "presentation", "navigation_help")


def _table(title: str, rows) -> str:
    body = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<h3>{escape(title)}</h3><table cellspacing='0' cellpadding='3'>{body}</table>"


def navigation_text(window) -> str:
    """The help page as HTML, in the UI language."""
    keys = []
    for name in ACTIONS:
        a = window.actions_by_name.get(name)
        if a is None or not a.shortcuts():
            continue
        seq = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in a.shortcuts())
        # undo/redo actions carry the text of the next step: name the key, not the step
        text = {"undo": tr("Undo"), "redo": tr("Redo")}.get(name) or a.text().replace("&", "")
        keys.append((seq, text))
    return (_table(tr("Mouse in the 3D view"), [(tr(k), tr(v)) for k, v in MOUSE])
            + _table(tr("Keys"), keys)
            + _table(tr("Walk mode"), [(tr(k), tr(v)) for k, v in WALK])
            + _table(tr("Presentation (F5)"), [(tr(k), tr(v)) for k, v in PRESENTATION]))


def navigation_dialog(window) -> QDialog:
    d = QDialog(window)
    d.setObjectName("navigationHelp")
    d.setWindowTitle(tr("Navigation and keys"))
    lay = QVBoxLayout(d)
    text = QTextBrowser()
    text.setHtml(navigation_text(window))
    lay.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(d.reject)
    lay.addWidget(buttons)
    d.resize(620, 640)
    d.text = text
    return d
