"""Presentation mode and media output (issue 12): tour videos, 8K stills, sun animation, the
full-screen presentation window driven by keys under Xvfb.

References are independent of the code under test where it matters: video frames are read back
with ffmpeg (imageio-ffmpeg's reader) and compared with separately rendered stills; shadow
directions are checked against the sun azimuth (pvlib SPA through analysis.sun) in image space
through VTK's own world-to-display transform; the 8K PNG is read back with Pillow.
Artifacts (stills, a short video, extracted frames, window screenshots) go to tests/artifacts.
"""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

from tests.conftest import DEMO
from tests.helpers import box_model
from tests.screenshots import save_frame, save_screenshot

FPS = 10
SIZE = (320, 180)


def read_video(path):
    import imageio_ffmpeg

    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in gen]
    return meta, frames


def mad(a, b) -> float:
    """Mean absolute difference of two images (0..255)."""
    return float(np.abs(np.asarray(a, float) - np.asarray(b, float)).mean())


@pytest.fixture(scope="module")
def demo_scene(demo_model):
    return demo_model.scene()


# ---------------------------------------------------------------------------- camera / tour
def test_flight_eases_and_keeps_distance_between_ends():
    from stadtbild.viewer.camera import CameraState, ease_in_out, flight

    a = CameraState(np.array([-100.0, 0, 50]), np.zeros(3), np.array([0, 0, 1.0]), 30)
    b = CameraState(np.array([0.0, 300, 80]), np.array([50.0, 50, 0]), np.array([0, 0, 1.0]), 40)
    assert np.allclose(flight(a, b, 0).position, a.position) and np.allclose(flight(a, b, 1).position, b.position)
    assert ease_in_out(0.5) == pytest.approx(0.5) and ease_in_out(0.1) < 0.1 and ease_in_out(0.9) > 0.9
    da = np.linalg.norm(a.position - a.focal_point)
    db = np.linalg.norm(b.position - b.focal_point)
    for s in np.linspace(0, 1, 21):
        c = flight(a, b, s)
        d = np.linalg.norm(c.position - c.focal_point)
        assert min(da, db) - 1e-6 <= d <= max(da, db) + 1e-6  # swings around the focal point, never cuts in
        assert abs(float(c.view_up @ (c.focal_point - c.position))) < 1e-6 * d  # up ⟂ view direction


def test_tour_json_round_trip_and_project_views(tmp_path):
    from stadtbild.model.project import Project
    from stadtbild.viewer.camera import Tour, project_tours, set_project_tour

    tour = Tour.from_dict({"name": "Rat", "views": [{"view": "iso", "duration_s": 2},
                                                    {"position": [1, 2, 3], "focal_point": [0, 0, 0], "duration_s": 3}]})
    assert tour.duration_s == 5 and tour.frame_count(30) == 150
    proj = Project()
    set_project_tour(proj, tour)
    path = proj.save(tmp_path / "p.stadtbild")
    again = project_tours(Project.open(path))
    assert [t.to_dict() for t in again] == [tour.to_dict()]
    with pytest.raises(ValueError):
        Tour.from_dict({"views": [{"view": "iso", "duration_s": -1}]})


def test_tour_video_frame_count_and_ends_match_stills(demo_scene, tmp_path, artifacts):
    from stadtbild.viewer.camera import Tour
    from stadtbild.viewer.media import render_tour, view_still

    lo, hi = demo_scene.bounds + demo_scene.origin
    c = (lo + hi) / 2
    views = [{"view": "iso", "name": "Übersicht", "duration_s": 1.0},
             {"name": "Straße", "position": [c[0] - 120, c[1] - 160, lo[2] + 90], "focal_point": [c[0], c[1], lo[2]],
              "view_up": [0, 0, 1], "view_angle": 35, "duration_s": 1.5},
             {"view": "top", "name": "Draufsicht", "duration_s": 1.2}]
    tour = Tour("Rundgang", views)
    out = artifacts / "presentation-tour.mp4"
    seen = []
    info = render_tour(demo_scene, tour, out, size=SIZE, fps=FPS, title="Delfshaven",
                       progress=lambda done, total: seen.append((done, total)))
    n = round(tour.duration_s * FPS)
    meta, frames = read_video(out)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert len(frames) == n == info["frames"] == 37
    assert seen[-1] == (n, n)
    first = view_still(demo_scene, views[0], SIZE, title="Delfshaven", subtitle="Übersicht")
    last = view_still(demo_scene, views[2], SIZE, title="Delfshaven", subtitle="Draufsicht")
    save_frame(frames[0], "presentation-tour-frame-first")
    save_frame(frames[n // 2], "presentation-tour-frame-middle")
    save_frame(frames[-1], "presentation-tour-frame-last")
    save_frame(last, "presentation-tour-still-last")
    threshold = 4.0  # H.264 (quality 8) on a 320×180 frame: ~2.1–2.5 for the same view, ~17 for another
    assert mad(frames[0], first) < threshold
    assert mad(frames[-1], last) < threshold
    assert mad(frames[0], last) > 3 * threshold  # the threshold tells different views apart
    assert mad(frames[n // 2], first) > threshold and mad(frames[n // 2], last) > threshold
    print(f"tour: {n} frames, render {info['render_s_mean'] * 1000:.0f} ms/frame mean, "
          f"encode+render {info['encode_s']:.1f} s")


def test_video_export_cancel_leaves_no_file(demo_scene, tmp_path):
    from stadtbild.viewer.camera import Tour
    from stadtbild.viewer.media import ExportCancelled, render_tour

    tour = Tour("t", [{"view": "iso", "duration_s": 2}, {"view": "top", "duration_s": 2}])
    count = {"n": 0}

    def cancelled():
        count["n"] += 1
        return count["n"] > 3

    out = tmp_path / "c.mp4"
    with pytest.raises(ExportCancelled):
        render_tour(demo_scene, tour, out, size=(160, 90), fps=FPS, cancelled=cancelled)
    assert not out.exists() and not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------- stills
def test_8k_screenshot_from_cli_has_size_decorations_and_content(tmp_path, artifacts, capsys):
    from PIL import Image

    from stadtbild.cli import main

    out = artifacts / "presentation-8k.png"
    code = main(["render", str(DEMO), "--size", "7680x4320", "-o", str(out), "--title", "Delfshaven",
                 "--credit", "Daten: 3D BAG / TU Delft", "--json"])
    res = json.loads(capsys.readouterr().out)
    assert code == 0
    Image.MAX_IMAGE_PIXELS = None
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (4320, 7680, 3) and res["size"] == [7680, 4320]
    r, g, b = (img[..., k].astype(int) for k in range(3))
    roofs = (r > 120) & (r - g > 40) & (r - b > 40)
    assert roofs.sum() > 50_000  # the buildings are there, not a blank sky
    assert img.std() > 20
    # decorations: the white title panel upper left, the scale bar's black bar lower left
    u = 4320 / 1080  # decorations are laid out for 1080 p and scaled by the height
    panel = img[int(30 * u):int(75 * u), int(30 * u):int(250 * u)]
    assert (panel.min(axis=2) > 215).mean() > 0.5  # white title panel (with dark letters)
    bar = img[int(1080 * u - 60 * u):int(1080 * u - 40 * u), int(40 * u):int(300 * u)]
    assert (bar.max(axis=2) < 60).sum() > 20 * u * 60 * u  # the scale bar's black half
    save_frame(np.asarray(Image.fromarray(img).resize((1920, 1080))), "presentation-8k-small")
    print(f"8K still: render {res['render_s']:.1f} s, total {res['total_s']:.1f} s")


def test_before_after_side_by_side(tmp_path, artifacts, demo_model):
    from PIL import Image

    from stadtbild.model.scenario import Scenario
    from stadtbild.viewer.media import render_before_after

    ids = [i for i in demo_model.objects if not demo_model.objects[i].parents][:60]
    after = Scenario.from_dict({"name": "A", "edits": [{"op": "demolish", "ids": ids}]}).apply(demo_model)
    out = artifacts / "presentation-before-after.png"
    res = render_before_after(demo_model, after, out, size=(1600, 500), view="top", credit="Daten: TU Delft")
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert img.shape == (500, 1600, 3) and res["removed"] == len(ids)
    left, right = img[:, :800], img[:, 800:]
    red = lambda a: ((a[..., 0] > 120) & (a[..., 0] - a[..., 1] > 40)).sum()  # noqa: E731
    assert red(right) < red(left)  # fewer roofs after demolition …
    ghost = lambda a: ((a[..., 2] - a[..., 0] > 25) & (a[..., 1] > 120) & (a[..., 2] > 150)).sum()  # noqa: E731
    sky_free = slice(150, 470)
    assert ghost(right[sky_free, 100:650]) > ghost(left[sky_free, 100:650]) + 50  # … and blue-grey ghosts


def test_variant_ghost_is_the_demolished_buildings_in_the_variant_frame(demo_model):
    """The presentation's ghost (viewer.media.variant_ghost): the objects the variant removes, at
    their place in the world, expressed in the frame of the scene it is drawn with; the planned
    objects are the ids the variant adds."""
    from stadtbild.model.scenario import Scenario
    from stadtbild.viewer.media import variant_ghost

    roots = [i for i in demo_model.objects if not demo_model.objects[i].parents]
    edits = [{"op": "demolish", "ids": roots[:5]},
             {"op": "extrude", "id": "new-1", "footprint": [[90500, 435500], [90520, 435500], [90520, 435515]],
              "ground_z": 0.0, "height_m": 12.0, "roof": "flat"}]
    after = Scenario.from_dict({"name": "A", "edits": edits}).apply(demo_model)
    scene = after.scene()
    origin = scene.origin + np.array([37.0, -11.0, 2.0])  # another frame than the ghost's own
    ghost, new = variant_ghost(demo_model, after, origin=origin)
    removed = set(demo_model.objects) - set(after.objects)
    assert removed >= set(roots[:5]) and new == ["new-1"]
    assert set(ghost.object_ids) == removed
    own = demo_model.scene(object_ids=sorted(removed))
    assert np.array_equal(ghost.origin, origin)
    assert np.allclose(ghost.vertices + ghost.origin, own.vertices + own.origin, atol=1e-6)
    assert variant_ghost(demo_model, demo_model) == (None, [])


def test_export_pictures_carry_the_window_picture_and_the_selected_sun():
    """Stills keep the window's picture in the presentation finish with the selected instant's
    sun when "Shadows" is on; videos use the interactive finish and the default light."""
    import datetime as dt

    from stadtbild.app.presentation_export import Shown, export_picture
    from stadtbild.viewer.finish import PRESETS
    from stadtbild.viewer.picture import PictureSpec

    when = dt.datetime(2026, 6, 21, 9, 0)
    spec = PictureSpec(finish=PRESETS["plain"], shadow_texels=12345)
    shown = Shown(scene=None, ghost=None, new_ids=None, camera=None, title=None, subtitle=None, credit=None,
                  picture=spec, when=when, tz="Europe/Berlin", shadows=True, tour=None)
    still = export_picture(shown, sun=True)
    assert still.finish == PRESETS["presentation"] and still.when == when and still.tz == "Europe/Berlin"
    assert still.shadow_texels == 12345  # the window's parts come along
    video = export_picture(shown, sun=False, finish="interactive")
    assert video.finish == PRESETS["interactive"] and video.when is None and video.tz is None
    bare = export_picture(Shown(**{**shown.__dict__, "picture": None, "when": None, "tz": None}), sun=True)
    assert bare.finish == PRESETS["presentation"] and bare.when is None and bare.tz is None


# ---------------------------------------------------------------------------- sun animation
def test_sun_animation_frames_differ_and_shadow_falls_away_from_the_sun(artifacts):
    from stadtbild.viewer.sun_animation import SunAnimator, day_steps

    # one 30 m tower near Braunschweig (UTM 32N), 20 × 20 m
    x0, y0 = 604000.0, 5792000.0
    model = box_model([("turm", x0, y0, x0 + 20, y0 + 20, 70.0, 100.0)])
    scene = model.scene()
    above = {"position": [x0 + 10, y0 + 10, 500.0], "focal_point": [x0 + 10, y0 + 10, 70.0],
             "view_up": [0.0, 1.0, 0.0], "view_angle": 30.0}  # north up, ±115 m around the tower
    with SunAnimator(scene, (480, 480), view=above, cell_m=1.0) as anim:
        times = day_steps("2026-06-21", "09:00", "17:00", 240, anim.shadows.site.tz)
        sun = anim.shadows.positions(times)
        frames = [anim.frame(sun, i, decorated=False) for i in range(len(sun))]
        ren = anim.renderer.plotter.renderer
        centre = scene.to_local(np.array([x0 + 10, y0 + 10, 70.0]))
        ren.SetWorldPoint(*centre, 1.0)
        ren.WorldToDisplay()
        cx, cy = ren.GetDisplayPoint()[:2]
        h = frames[0].shape[0]
        for i, f in enumerate(frames):
            save_frame(f, f"presentation-sun-{times[i]:%H%M}")
        timings = list(anim.timings)
    assert mad(frames[0], frames[1]) > 1.0 and mad(frames[1], frames[2]) > 1.0
    for i, f in enumerate(frames):
        d = sun.direction_grid()[i]
        assert d[2] > 0
        luma = f.astype(float) @ np.array([0.299, 0.587, 0.114])
        shadow = (luma < 150) & (np.abs(f[..., 0].astype(int) - f[..., 2]) < 60)  # dark, not the red roof
        rows, cols = np.nonzero(shadow)
        assert len(rows) > 200
        # display coordinates: x east, y north (image rows grow southwards)
        v = np.array([cols.mean() - cx, (h - 1 - rows.mean()) - cy])
        cosang = float(v @ d[:2]) / (np.linalg.norm(v) * np.linalg.norm(d[:2]))
        assert cosang < -0.9, (times[i], cosang)  # the shadow lies on the side opposite the sun
    print("sun frames (shadow s, render s):", [(round(a, 3), round(b, 3)) for a, b in timings])


def test_sun_animation_video_from_cli(tmp_path, capsys, artifacts):
    from stadtbild.cli import main

    out = artifacts / "presentation-sun.mp4"
    code = main(["render", str(DEMO), "--sun-animation", "--date", "2026-06-21", "--from", "08:00", "--to", "18:00",
                 "--step", "60", "--fps", "5", "--size", "640x360", "--view", "iso-ne", "--title", "Delfshaven",
                 "-o", str(out), "--json"])
    res = json.loads(capsys.readouterr().out)
    assert code == 0
    meta, frames = read_video(out)
    assert len(frames) == 11 == res["frames"]
    assert mad(frames[0], frames[5]) > 1.0


def test_render_cli_errors(tmp_path, capsys):
    from stadtbild.cli import main

    bad = tmp_path / "t.json"
    bad.write_text('{"views": []}')
    code = main(["render", str(DEMO), "--tour", str(bad), "-o", str(tmp_path / "x.mp4")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err == f"error: {bad}: the tour has no views"
    code = main(["render", str(DEMO), "--tour", str(bad), "-o", str(tmp_path / "x.png")])
    assert code == 2 and "ending in .mp4" in capsys.readouterr().err
    code = main(["render", str(DEMO), "--sun-animation", "-o", str(tmp_path / "x.mp4")])
    assert code == 2 and "--date" in capsys.readouterr().err


# ---------------------------------------------------------------------------- presentation window
@pytest.mark.gui
def test_presentation_keys_move_between_views(qtbot, demo_model, artifacts, tmp_path):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from stadtbild.app import i18n
    from stadtbild.app.presentation import PresentationWindow
    from stadtbild.model.scenario import Scenario

    i18n.set_language("de")
    ids = [i for i in demo_model.objects if not demo_model.objects[i].parents][:40]
    after = Scenario.from_dict({"name": "Variante A", "edits": [{"op": "demolish", "ids": ids}]}).apply(demo_model)
    views = [{"view": "iso", "name": "Übersicht"}, {"view": "top", "name": "Draufsicht"},
             {"view": "iso-ne", "name": "Von Nordosten"}]
    w = PresentationWindow([("Bestand", demo_model), ("Variante A", after)], views, title="Delfshaven")
    qtbot.addWidget(w)
    QTest.qWaitForWindowExposed(w)
    assert w.isFullScreen()
    target = w.viewport.plotter.interactor  # keys arrive where the focus is: the 3D view

    def settle():
        qtbot.waitUntil(lambda: not w.flying(), timeout=10000)

    def at_view(k):
        cam = w.camera_of(k)
        pos = np.array(w.viewport.plotter.camera.position)
        return np.linalg.norm(pos - cam.position) < 1e-3 * np.linalg.norm(cam.position - cam.focal_point)

    qtbot.waitUntil(lambda: w.index == 0 and at_view(0), timeout=10000)  # opens on the first saved view
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_PageDown, 2), (Qt.Key.Key_Right, 2),
                          (Qt.Key.Key_PageUp, 1), (Qt.Key.Key_Left, 0), (Qt.Key.Key_Left, 0)):
        QTest.keyClick(target, key)
        assert w.index == expected
        settle()
        assert at_view(expected)
    assert "Übersicht" in w.view_label.text() and w.count_label.text() == "Ansicht 1 von 3"
    # a flight passes through cameras between the ends
    QTest.keyClick(target, Qt.Key.Key_Right)
    between = []  # polled while the flight runs (a fixed wait could overshoot it on a loaded machine)

    def probe():
        if w.flying() and not at_view(0) and not at_view(1):
            between.append(True)
        return bool(between) or not w.flying()

    qtbot.waitUntil(probe, timeout=10000)
    assert between
    settle()
    save_screenshot(w, "presentation-window-top")
    # space plays the tour, space again pauses
    QTest.keyClick(target, Qt.Key.Key_Space)
    assert w.playing() == "tour"
    QTest.qWait(300)
    QTest.keyClick(target, Qt.Key.Key_Space)
    assert w.playing() is None
    # before/after: B shows the existing state, again the variant with ghosts of the demolished
    assert w.showing_after and "ghost" in w.viewport.overlays
    QTest.keyClick(target, Qt.Key.Key_B)
    assert not w.showing_after and "ghost" not in w.viewport.overlays
    QTest.keyClick(target, Qt.Key.Key_B)
    assert w.showing_after
    # sun sliders: light follows the sun, shadows on ground, roofs and facades drawn once computed
    w.day_slider.setValue(172)
    w.time_slider.setValue(9 * 60)
    w.shadow_check.setChecked(True)

    def shown_at(hour):
        pic = w.viewport.picture
        return pic is not None and pic.sun is not None and pic.sun.time_local[0].hour == hour and not w._shadow_jobs

    qtbot.waitUntil(lambda: shown_at(9), timeout=90000)
    morning = w.last_shadow.copy()
    pic = w.viewport.picture
    assert "sun-ground-shadow" in pic.actors  # the ground cells' shadow, draped
    facades_morning = pic.last_surface_shadow.copy()  # the light map's texels
    w.time_slider.setValue(17 * 60)
    qtbot.waitUntil(lambda: shown_at(17), timeout=90000)
    evening = w.last_shadow
    assert morning.sum() > 1000 and (morning != evening).sum() > 1000
    assert (facades_morning != w.viewport.picture.last_surface_shadow).mean() > 0.2  # other walls in the sun
    w.split_check.setChecked(True)
    assert w.viewport_b.isVisible()
    w.go_to(1, animate=False)
    QTest.qWait(50)
    assert np.allclose(w.viewport_b.plotter.camera.position, w.viewport.plotter.camera.position)
    qtbot.waitUntil(lambda: not w._shadow_jobs and w.viewport_b.picture is not None
                    and w.viewport_b.picture.sun is not None, timeout=90000)
    save_screenshot(w, "presentation-window-split-shadows")
    w.split_check.setChecked(False)
    # save view adds a bookmark in model coordinates
    n = len(w.views)
    bm = w.save_current_view()
    assert len(w.views) == n + 1 and bm["frame"] == "model" and bm["position"][0] > 1000
    # export a still in the worker thread, with progress and a result
    out = tmp_path / "pres.png"
    job = w.media.still(out, size=(640, 360))
    assert w.media.progress.isVisible() and w.media.cancel_button.isVisible()
    qtbot.waitUntil(lambda: w.media.job is None, timeout=60000)
    assert out.exists() and w.media.last["size"] == [640, 360] and job.seconds > 0
    (artifacts / "presentation-window-export.png").write_bytes(out.read_bytes())  # for a person to look at
    # Esc leaves
    QTest.keyClick(target, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=15000)


@pytest.mark.gui
def test_presentation_video_export_can_be_cancelled(qtbot, demo_model, tmp_path):
    pytest.importorskip("pytestqt")
    from stadtbild.app.presentation import PresentationWindow

    w = PresentationWindow([("Bestand", demo_model)], [{"view": "iso", "duration_s": 20},
                                                      {"view": "top", "duration_s": 20}], fullscreen=False)
    qtbot.addWidget(w)
    w.show()
    out = tmp_path / "long.mp4"
    w.media.video(out, kind="tour", size=(320, 180), fps=30)
    qtbot.waitUntil(lambda: w.media.progress.value() > 0, timeout=30000)
    t0 = time.monotonic()
    w.media.cancel_button.click()
    qtbot.waitUntil(lambda: w.media.job is None, timeout=30000)
    assert time.monotonic() - t0 < 10
    assert not out.exists() and not list(tmp_path.iterdir())
    assert w.media.last.get("message") in ("Export abgebrochen", "Export cancelled")
    w.close()


@pytest.mark.gui
def test_main_window_f5_opens_presentation_with_variant(qtbot, demo_model, tmp_path):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from stadtbild.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    mw = MainWindow(settings)
    qtbot.addWidget(mw)
    mw.show()
    mw.show_model(demo_model, demo_model.scene(), [str(DEMO)])
    oid = next(i for i in demo_model.objects if not demo_model.objects[i].parents)
    mw.set_selection([oid])
    mw.demolish_selected()
    assert oid not in mw.model.objects
    mw.actions_by_name["presentation"].trigger()
    pres = mw._presentation
    QTest.qWaitForWindowExposed(pres)
    assert pres.isFullScreen() and len(pres.states) == 2 and pres.showing_after
    assert "ghost" in pres.viewport.overlays
    pres.save_current_view()
    assert len(mw.presentation_views) == 1  # views live on with the main window
    # the keys must work even when the window system did not make the presentation active
    mw.activateWindow()
    QTest.qWaitForWindowActive(mw)
    QTest.keyClick(pres.viewport.plotter.interactor, Qt.Key.Key_B)
    assert not pres.showing_after
    QTest.keyClick(pres.viewport.plotter.interactor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not pres.isVisible(), timeout=15000)
    mw.close()


@pytest.mark.gui
def test_views_saved_in_the_window_render_as_a_tour_from_the_cli(qtbot, demo_model, tmp_path, capsys):
    pytest.importorskip("pytestqt")
    from stadtbild.app.presentation import PresentationWindow
    from stadtbild.cli import main
    from stadtbild.model.project import Project
    from stadtbild.viewer.camera import project_tours

    w = PresentationWindow([("Bestand", demo_model)], [], fullscreen=False)
    qtbot.addWidget(w)
    w.show()
    for preset in ("iso", "top"):
        w.viewport.set_view(preset)
        w.save_current_view()
    w.views[0]["duration_s"], w.views[1]["duration_s"] = 0.5, 0.7
    path = w.save_tour(tmp_path / "t.tour.json")
    proj = Project()
    w.store_in_project(proj)
    assert project_tours(proj)[0].views == w.views
    w.close()
    code = main(["render", str(DEMO), "--tour", path, "-o", str(tmp_path / "t.mp4"), "--fps", "10",
                 "--size", "160x90", "--json"])
    res = json.loads(capsys.readouterr().out)
    assert code == 0 and res["frames"] == 12 and len(read_video(tmp_path / "t.mp4")[1]) == 12


def test_day_of_year_stepping_keeps_local_clock_time_across_dst(tmp_path, capsys):
    from stadtbild.cli import main
    from stadtbild.viewer.sun_animation import year_steps

    times = year_steps(2026, "12:00", 7, "Europe/Amsterdam")
    assert len(times) == 53 and all(t.hour == 12 and t.minute == 0 for t in times)
    offsets = {t.utcoffset().total_seconds() / 3600 for t in times}
    assert offsets == {1.0, 2.0}  # CET in winter, CEST in summer: wall clock stays 12:00
    out = tmp_path / "year.mp4"
    code = main(["render", str(DEMO), "--sun-animation", "--year-at", "12:00", "--date", "2026-01-01", "--step", "61",
                 "--fps", "5", "--size", "160x90", "--grid", "4", "-o", str(out), "--json"])
    res = json.loads(capsys.readouterr().out)
    assert code == 0 and res["frames"] == 6 and res["last_time_local"].startswith("2026-11-02T12:00")
    frames = read_video(out)[1]
    assert len(frames) == 6 and mad(frames[0], frames[3]) > 1.0  # January vs July light and shadows
