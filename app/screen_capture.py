"""A picture of a window as it is on the screen, 3D views included.

``QWidget.grab()`` paints the Qt widget tree into an image, but the 3D views are native child
windows that VTK draws into with OpenGL: for them Qt's grab holds whatever memory was there
(on Xvfb: noise). :func:`grab_screen` reads the window's area back from the screen itself
(``QScreen.grabWindow`` on the root window, an ``XGetImage`` on X11) after every 3D view in the
window rendered its current frame, and reads it again until two reads agree, so the picture is a
settled frame. It shows what a person sees there: the window manager's frame (``frame=True``),
the docks, the 3D views as drawn and any dialog on top.
"""
from __future__ import annotations

import time

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget


def vtk_views(widget: QWidget) -> list:
    """The visible 3D views (:class:`app.viewport.Viewport`) of ``widget``'s window."""
    from .viewport import Viewport

    top = widget.window()
    views = ([top] if isinstance(top, Viewport) else []) + top.findChildren(Viewport)
    return [v for v in views if v.isVisible() and v.width() > 0 and v.height() > 0]


def _wait(ms: int) -> None:
    """Let the event loop run for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _flush() -> None:
    QApplication.processEvents()
    QApplication.sync()  # the window system has carried out everything Qt asked for so far


def _read(top: QWidget, frame: bool) -> tuple[QImage, tuple[int, int]]:
    rect = top.frameGeometry() if frame else top.geometry()
    screen = top.screen()
    sg = screen.geometry()
    image = screen.grabWindow(0, rect.x() - sg.x(), rect.y() - sg.y(), rect.width(), rect.height()).toImage()
    return image.convertToFormat(QImage.Format.Format_RGB888), (rect.x(), rect.y())


def grab_screen(widget: QWidget, frame: bool = True, timeout_s: float = 10.0) -> tuple[QImage, tuple[int, int]]:
    """(image, global top-left) of ``widget``'s window as shown on the screen; ``frame`` includes
    the window manager's title bar and borders. Waits up to ``timeout_s`` for a settled frame."""
    top = widget.window()
    if not top.isVisible():
        raise RuntimeError(f"{top.objectName() or type(top).__name__} is not on the screen")
    deadline = time.monotonic() + timeout_s
    while not (top.windowHandle() is not None and top.windowHandle().isExposed()) and time.monotonic() < deadline:
        _wait(20)
    for vp in vtk_views(top):
        vp.render()
    _flush()
    image, origin = _read(top, frame)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _wait(30)
        _flush()
        again, origin = _read(top, frame)
        if again == image:
            return again, origin
        image = again
    return image, origin
