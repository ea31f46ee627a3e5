"""Answering real dialogs in GUI tests: a modal dialog runs its own event loop, so the answer is
scheduled *before* the key press or click that opens it. :func:`answer_when_shown` polls (no
fixed sleep) for the dialog, records what it showed and clicks its button with a real mouse
event; :func:`type_into_file_dialog` fills Qt's own file dialog like a user."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox


class Answer:
    """What the scheduled answer saw: the dialog's text and whether it was modal."""

    def __init__(self):
        self.error: str | None = None  # an exception in the answering code (the test fails on it)
        self.text: str | None = None
        self.title: str | None = None
        self.modal: bool | None = None
        self.buttons: list[str] = []
        self.done = False


def _guarded(ans):
    """Exceptions in a timer callback are printed by Qt and lost: keep them in ``ans.error``."""
    def wrap(fn):
        def run():
            try:
                fn()
            except Exception as exc:  # noqa: BLE001
                import traceback

                ans.error = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
        return run
    return wrap


_first_seen: dict = {}


def _ready(widget) -> bool:
    """Shown on screen and taking input: exposed, and active or shown for 150 ms (a dialog that
    has only just been created ignores keys; without a window manager it may never be active)."""
    handle = widget.windowHandle()
    if handle is None or not handle.isExposed():
        return False
    seen = _first_seen.setdefault(id(widget), time.monotonic())
    return widget.isActiveWindow() or time.monotonic() - seen > 0.15


def _find(predicate):
    for w in QApplication.topLevelWidgets():
        if w.isVisible() and predicate(w):
            return w
    return None


def answer_when_shown(object_name: str, button, timeout_s: float = 30.0) -> Answer:
    """When the dialog named ``object_name`` appears, click its ``button`` (a
    QMessageBox.StandardButton, or a button text) with the mouse. Returns an :class:`Answer`
    filled in when it happened."""
    ans = Answer()
    deadline = time.monotonic() + timeout_s

    @_guarded(ans)
    def poll():
        box = _find(lambda w: w.objectName() == object_name)
        if box is None or not _ready(box):
            if time.monotonic() < deadline:
                QTimer.singleShot(20, poll)
            return
        ans.title = box.windowTitle()
        ans.text = box.text() if isinstance(box, QMessageBox) else None
        ans.modal = box.isModal()
        buttons = box.findChildren(QDialogButtonBox)
        b = None
        if isinstance(box, QMessageBox) and not isinstance(button, str):
            b = box.button(button)
        if isinstance(box, QMessageBox):
            ans.buttons = [x.text() for x in box.buttons()]
        if b is None:
            for bb in buttons:
                for x in bb.buttons():
                    if x.text().replace("&", "") == str(button).replace("&", ""):
                        b = x
        assert b is not None, f"{object_name}: no button {button!r} (have {ans.buttons})"
        QTest.mouseClick(b, Qt.MouseButton.LeftButton)
        ans.done = True

    QTimer.singleShot(0, poll)
    return ans


def type_into_file_dialog(path, timeout_s: float = 30.0) -> Answer:
    """When a (Qt, non-native) file dialog appears, type ``path`` into its name field and press
    Enter, as a user does."""
    ans = Answer()
    deadline = time.monotonic() + timeout_s

    @_guarded(ans)
    def poll():
        dlg = _find(lambda w: isinstance(w, QFileDialog))
        if dlg is None or not _ready(dlg):
            if time.monotonic() < deadline:
                QTimer.singleShot(20, poll)
            return
        ans.title = dlg.windowTitle()
        ans.modal = dlg.isModal()
        ans.directory = dlg.directory().absolutePath()
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        ans.initial_name = edit.text()
        ans.filter = dlg.selectedNameFilter()
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, str(path))

        @_guarded(ans)
        def accept():
            completer = edit.completer()
            if completer is not None and completer.popup().isVisible():
                completer.popup().hide()  # the path completion list would take the click
            box = dlg.findChild(QDialogButtonBox, "buttonBox")
            button = box.button(QDialogButtonBox.StandardButton.Open) or box.button(QDialogButtonBox.StandardButton.Save)
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # "Öffnen" / "Speichern"
            ans.done = True

        QTimer.singleShot(300, accept)  # after the completion list of the typed path has shown

    QTimer.singleShot(0, poll)
    return ans


def wait_until(qtbot, cond, timeout_ms: int = 30000) -> None:
    qtbot.waitUntil(cond, timeout=timeout_ms)
