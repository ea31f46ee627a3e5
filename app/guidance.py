"""Guidance in the window: what the active tool expects (a hint in the status bar for every tool,
e.g. how to close the outline being drawn), and the keyboard back in the main window after any
dialog closes, so that Ctrl+O, Ctrl+E, Entf … work at once, without a click into the view first.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from .i18n import tr

#: status-bar hint of each tool of the 3D view (app.viewport modes)
TOOL_HINTS = {
    "select": QT_TRANSLATE_NOOP("", "Select: click a building (Shift+click adds it); drag to turn the view, wheel to "
                                    "zoom, right drag to pan"),
    "box": QT_TRANSLATE_NOOP("", "Box select: drag a rectangle over the buildings (Shift adds them); Esc ends"),
    "distance": QT_TRANSLATE_NOOP("", "Measure distance: click the first point, then the second; Esc ends"),
    "height": QT_TRANSLATE_NOOP("", "Measure height: click a point on a roof or facade for its height above the "
                                    "ground; Esc ends"),
    "area": QT_TRANSLATE_NOOP("", "Measure area: click a roof or wall surface; Esc ends"),
    "walk": QT_TRANSLATE_NOOP("", "Walk: W/S or ↑/↓ forward and back, A/D or ←/→ turn, Q/E step sideways, "
                                  "Shift for long steps; Esc ends"),
    "draw": QT_TRANSLATE_NOOP("", "Draw the footprint: click its corners in the view; double-click or Enter closes "
                                  "the outline (at least 3 corners), then height and roof are asked; Esc cancels"),
    "point": QT_TRANSLATE_NOOP("", "Click a point in the 3D view; Esc cancels"),
}


class Guidance(QObject):
    """Tool hints in the status bar and focus back to the window after dialogs."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.hint = QLabel()
        self.hint.setObjectName("toolHint")
        window.statusBar().addWidget(self.hint, 1)  # hidden while a temporary message shows
        window.viewport.mode_changed.connect(self.show_hint)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def retranslate(self) -> None:
        self.show_hint(self.window.viewport.mode, clear=False)

    def show_hint(self, mode: str, clear: bool = True) -> None:
        """The hint of ``mode``; a new tool replaces any passing status message, so it is seen."""
        text = TOOL_HINTS.get(mode)
        self.hint.setText(tr(text) if text else "")
        if clear and text:
            self.window.statusBar().clearMessage()

    def text(self) -> str:
        return self.hint.text()

    # ------------------------------------------------------------------ keyboard after dialogs
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Hide and isinstance(obj, QDialog):
            parent = obj.parentWidget()
            if parent is not None and parent.window() is self.window:
                QTimer.singleShot(0, self.restore_focus)
        return False

    def restore_focus(self) -> None:
        """Give the keyboard back to the main window (the 3D view) when no other dialog of it is
        still open: shortcuts need the window to be active, and a closed dialog leaves no
        window active on many desktops."""
        w = self.window
        if not w.isVisible() or QApplication.activeModalWidget() is not None:
            return
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top.isVisible() and top.parentWidget() is not None \
                    and top.parentWidget().window() is w and top.isActiveWindow():
                return  # another dialog of the window has the keyboard
        w.activateWindow()
        w.viewport.plotter.interactor.setFocus()
