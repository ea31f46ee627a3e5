"""Driving the window as a person does: menus opened with the mouse, modal dialogs answered with
the keyboard, file dialogs filled in by typing (Qt's own file dialog, as under Xvfb without a
desktop's native one). Everything goes through QTest's mouse and key events on the widgets."""
from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit


def menu_action(window, menu_key: str, action) -> None:
    """Click the menu title in the menu bar, then the action in the menu that opens."""
    bar = window.menuBar()
    menu = window.menus[menu_key]
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     bar.actionGeometry(menu.menuAction()).center())
    deadline = time.monotonic() + 10
    while not menu.isVisible() and time.monotonic() < deadline:
        QTest.qWait(20)
    assert menu.isVisible(), f"menu {menu_key} did not open"
    target = menu
    if isinstance(action, (list, tuple)):  # a submenu on the way
        *path, action = action
        for sub in path:
            QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             target.actionGeometry(sub.menuAction()).center())
            target = sub
            while not target.isVisible() and time.monotonic() < deadline:
                QTest.qWait(20)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     target.actionGeometry(action).center())


def when_dialog(match, act, timeout_s: float = 30.0) -> dict:
    """Answer the next dialog for which ``match(widget)`` is true with ``act(dialog)``, as soon as
    it is shown (polled while a modal ``exec()`` blocks the caller). Returns a dict whose "done"
    tells whether it ran (and "error" what went wrong)."""
    state = {"done": False, "error": None}
    deadline = time.monotonic() + timeout_s

    seen: dict = {}

    def ready(w) -> bool:
        """Exposed on the screen and taking input: active, or shown for 150 ms (a dialog that has
        only just been mapped drops the keys typed into it on a loaded machine)."""
        handle = w.windowHandle()
        if handle is None or not handle.isExposed():
            return False
        first = seen.setdefault(id(w), time.monotonic())
        return w.isActiveWindow() or time.monotonic() - first > 0.15

    def poll():
        if state["done"]:
            return
        for w in [QApplication.activeModalWidget(), *QApplication.topLevelWidgets()]:
            if w is not None and w.isVisible() and isinstance(w, QDialog) and match(w) and ready(w):
                state["done"] = True
                try:
                    act(w)
                except Exception as exc:  # noqa: BLE001 - reported to the test
                    state["error"] = exc
                    w.reject()
                return
        if time.monotonic() < deadline:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    return state


def type_text(widget, text: str) -> None:
    """Replace the widget's text by typing: select all, then the keys."""
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def choose_file(dialog: QFileDialog, path) -> None:
    """Type a full path into Qt's file dialog and press Enter (once the field shows it all)."""
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    for _ in range(3):
        type_text(edit, str(path))
        if edit.text() == str(path):
            break
        QTest.qWait(100)
    assert edit.text() == str(path), f"typed {str(path)!r}, the field shows {edit.text()!r}"
    completer = edit.completer()
    if completer is not None and completer.popup().isVisible():
        completer.popup().hide()  # the path completion list would take the Enter
    QTest.keyClick(edit, Qt.Key.Key_Return)


def is_file_dialog(w) -> bool:
    return isinstance(w, QFileDialog)


def wait_for(qtbot, fn, timeout_s: float = 60.0) -> None:
    qtbot.waitUntil(fn, timeout=int(timeout_s * 1000))


def click(widget, pos: QPoint | None = None, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, modifier, pos if pos is not None else widget.rect().center())


def drag(widget, a: QPoint, b: QPoint, steps: int = 10, button=Qt.MouseButton.LeftButton,
         modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at ``a``, move in steps, release at ``b`` (VTK's interactor reads the moves)."""
    QTest.mousePress(widget, button, modifier, a)
    for k in range(1, steps + 1):
        p = QPoint(a.x() + (b.x() - a.x()) * k // steps, a.y() + (b.y() - a.y()) * k // steps)
        QTest.mouseMove(widget, p)
        QTest.qWait(10)
    QTest.mouseRelease(widget, button, modifier, b)


__all__ = ["choose_file", "click", "drag", "is_file_dialog", "menu_action", "type_text", "wait_for",
           "when_dialog"]
