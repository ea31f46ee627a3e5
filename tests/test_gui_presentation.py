"""The presentation window opened from the planner's window (F5 / View ▸ Presentation), on
screens from 1280×720 to 3840×2160 (three Xvfb screens, each with its window manager): it fills
the screen it opens on, frames the model, carries the analysis date and time, keeps every
control reachable, and its before/after button names what it does (issue 18 §3 e).

References: the screen geometry from the X server (QScreen), the model's bounding box projected
by VTK's own camera matrix, the capture of the screen (tests/screenshots.py).
Screenshots: tests/artifacts/presentation-screen-<w>x<h>.png.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QRect, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QSlider  # noqa: E402

from tests.conftest import DEMO  # noqa: E402
from tests.screenshots import project, save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui

SIZES = [(1280, 720), (1600, 1000), (3840, 2160)]


def screen_of_size(size):
    for s in QApplication.screens():
        g = s.geometry()
        if (g.width(), g.height()) == size:
            return s
    raise AssertionError(f"no {size[0]}×{size[1]} screen: tests/desktop.py starts it")


def roof_red_share(rgb) -> float:
    a = np.asarray(rgb, int)
    return float(((a[..., 0] > 60) & (a[..., 0] - a[..., 1] > 35) & (a[..., 0] - a[..., 2] > 35)).mean())


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_presentation_fills_its_screen_frames_the_model_and_keeps_every_control(qapp, qtbot, tmp_path, size):
    from stadtbild.app.main_window import MainWindow

    screen = screen_of_size(size)
    w = MainWindow(QSettings(str(tmp_path / "stadtbild.ini"), QSettings.Format.IniFormat))
    w.setScreen(screen)
    w.resize(min(1100, size[0] - 60), min(700, size[1] - 80))
    w.show()
    QTest.qWaitForWindowExposed(w)
    try:
        w.open_paths([DEMO])
        qtbot.waitUntil(lambda: w.scene is not None, timeout=60000)
        w.analysis.sun.set_when(dt.datetime(2026, 3, 21, 15, 0))  # the analysis date and time
        oid = next(o for o in w.model.objects if not w.model.objects[o].parents)
        w.variants.new_button.click()
        w.variants.name_dialog.accept()  # "Neu" asks for the name; the proposed one is fine
        w.set_selection([oid])
        w.demolish_selected()
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=15000)
        QTest.keyClick(w, Qt.Key.Key_F5)  # View ▸ Presentation
        qtbot.waitUntil(lambda: getattr(w, "_presentation", None) is not None and w._presentation.isVisible(),
                        timeout=15000)
        p = w._presentation
        qtbot.waitUntil(lambda: p.geometry() == screen.geometry(), timeout=15000)
        assert p.screen() is screen and p.isFullScreen()
        shot = save_screenshot(p, f"presentation-screen-{size[0]}x{size[1]}")
        # every control is on the screen, shown whole (not squeezed below its minimum size)
        win = QRect(0, 0, p.width(), p.height())
        controls = [c for t in (QAbstractButton, QSlider, QLabel) for c in p.findChildren(t) if c.isVisibleTo(p)]
        assert len(controls) >= 15
        for c in controls:
            r = QRect(c.mapTo(p, c.rect().topLeft()), c.size())
            assert win.contains(r), (c.objectName() or type(c).__name__, c.text() if hasattr(c, "text") else "", r)
            if isinstance(c, QAbstractButton):
                assert c.width() >= c.minimumSizeHint().width(), c.text()
        # the city is framed: its bounding box lies in the view and fills a good part of it
        vp = p.viewport
        lo, hi = vp.scene.bounds
        corners = np.array(np.meshgrid(*zip(lo, hi), indexing="ij")).reshape(3, -1).T
        xy = project(vp, corners)
        assert (xy[:, 0] >= -2).all() and (xy[:, 0] <= vp.width() + 2).all()
        assert (xy[:, 1] >= -2).all() and (xy[:, 1] <= vp.height() + 2).all()
        span = max(np.ptp(xy[:, 0]) / vp.width(), np.ptp(xy[:, 1]) / vp.height())
        assert span > 0.6
        assert roof_red_share(shot.crop(vp)) > 0.01  # city pixels, not sky
        assert vp._scale.metres <= 500  # not the "200 km" of a camera far away
        # the analysis date and time, not today
        assert p.day_slider.value() == dt.date(2026, 3, 21).timetuple().tm_yday
        assert p.time_slider.value() == 15 * 60
        assert "21.03." in p.sun_label.text() and "15:00" in p.sun_label.text()
        # the before/after button names the action: the variant is shown, it offers the existing state
        assert p.showing_after and p.before_after_button.text() == "Bestand zeigen"
        QTest.keyClick(vp.plotter.interactor, Qt.Key.Key_B)
        assert not p.showing_after and p.before_after_button.text() == "Variante A zeigen"
        QTest.keyClick(vp.plotter.interactor, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not p.isVisible(), timeout=15000)
    finally:
        w.close()
