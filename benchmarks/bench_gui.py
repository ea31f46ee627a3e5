"""Interactivity of the desktop window on the demo district (853 LoD2 buildings, 37,646 triangles).

1. Off-screen render time per frame while orbiting (60 frames, 1600×900): our scene as the window
   draws it (per-triangle semantic colours, key+fill light, ground plane, scale bar) vs a plain
   PyVista mesh of the same triangles in one colour (the least a VTK frame can cost), same process;
   and the council picture (issue 21): a 0.2 m orthophoto in level-of-detail tiles, the model's
   148 textures (made-up images, the real ones are not shipped), SSAO, sky and haze.
2. Time to the first frame after File ▸ Open in the real window (under Xvfb when there is no
   display): load + triangulate in the worker, then meshes, camera and the first render; and the
   frame time while orbiting in the window, plain and with orthophoto, textures and SSAO.

Numbers are noisy: the machine has 2 cores shared with other engineers' jobs.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
FRAMES = int(os.environ.get("BENCH_GUI_FRAMES", 60))
SIZE = (1600, 900)


def _orbit_ms(plotter, frames: int) -> float:
    plotter.screenshot(return_img=True)  # creates the GL context and draws the first frame
    win = plotter.render_window
    t = time.perf_counter()
    for _ in range(frames):
        plotter.camera.azimuth += 360.0 / frames
        win.Render()
    return (time.perf_counter() - t) / frames * 1000.0


def picture_render_ms(frames: int = FRAMES) -> float:
    """Orbit frame time (ms) of the demo with orthophoto tiles, textures, SSAO, sky and haze."""
    import tempfile

    from benchmarks.common import demo_picture_inputs
    from importers import load
    from importers.rasters import open_mosaic
    from viewer.camera import apply_view
    from viewer.finish import Finish
    from viewer.media import add_scene_highlighted
    from viewer.picture import Picture, PictureSpec
    from viewer.render import make_plotter

    with tempfile.TemporaryDirectory() as tmp:
        model_path, dop = demo_picture_inputs(Path(tmp))
        model = load(model_path)
        scene = model.scene()
        p = make_plotter(SIZE)
        actor = add_scene_highlighted(p, scene)
        spec = PictureSpec(finish=Finish(anti_alias="none", occlusion="ssao", sky=True, fog=True),
                           ortho=open_mosaic([dop], model.crs), textured_model=model)
        pic = Picture(p, scene, spec, models=[(actor, actor._stadtbild_mesh, None)], size=SIZE, window=True)
        apply_view(p, scene.bounds, "iso")
        pic.update_view(SIZE)
        ms = _orbit_ms(p, frames)
        print(f"  (picture: {len(pic.textured)} texture images drawn, {len(pic.ortho.shown)} orthophoto tiles)")
        p.close()
    return ms


def render_times() -> tuple[float, float]:
    from importers import load
    from viewer.camera import apply_view
    from viewer.render import make_plotter
    from viewer.scene_view import add_scene, scene_to_polydata

    scene = load(DEMO).scene()
    p = make_plotter(SIZE)
    add_scene(p, scene)
    apply_view(p, scene.bounds, "iso")
    ours = _orbit_ms(p, FRAMES)
    p.close()
    import pyvista as pv

    b = pv.Plotter(off_screen=True, window_size=list(SIZE))
    mesh = scene_to_polydata(scene)
    b.add_mesh(pv.PolyData(mesh.points, mesh.faces), color="tan")
    apply_view(b, scene.bounds, "iso")
    base = _orbit_ms(b, FRAMES)
    b.close()
    return ours, base


FIRST_FRAME_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, %(root)r)
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.main_window import MainWindow
w = MainWindow(QSettings(%(ini)r, QSettings.Format.IniFormat), language="de")
w.resize(1600, 950); w.show(); app.processEvents()
w.open_paths([%(demo)r])
def check():
    if w.scene is None:
        QTimer.singleShot(5, check); return
    vp = w.viewport
    t = time.perf_counter()
    for _ in range(30):
        vp.plotter.camera.azimuth += 12; vp.render()
    w.timings["window_frame_ms"] = (time.perf_counter() - t) / 30 * 1000
    print(json.dumps(w.timings)); w.close(); app.quit()
QTimer.singleShot(0, check)
app.exec()
"""


PICTURE_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, %(root)r)
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.main_window import MainWindow
w = MainWindow(QSettings(%(ini)r, QSettings.Format.IniFormat), language="de")
w.resize(1600, 950); w.show(); app.processEvents()
w.open_paths([%(demo)r])
stage = {"n": 0}
def check():
    if w.scene is None or w.jobs.active:
        QTimer.singleShot(20, check); return
    vp = w.viewport
    if stage["n"] == 0:
        stage["n"] = 1
        w.picture_controls.add_ortho_files([%(dop)r])
        QTimer.singleShot(20, check); return
    if stage["n"] == 1:
        stage["n"] = 2
        w._set_finish("ssao", True)
        vp.set_view("iso"); vp._update_lod()
    t = time.perf_counter()
    for _ in range(30):
        vp.plotter.camera.azimuth += 12; vp.render()
    out = {"picture_frame_ms": (time.perf_counter() - t) / 30 * 1000,
           "textures": len(vp.picture.textured), "tiles": len(vp.picture.ortho.shown)}
    print(json.dumps(out)); w.close(); app.quit()
QTimer.singleShot(0, check)
app.exec()
"""


def _in_window(code: str) -> dict | None:
    """Run a window script (under xvfb-run without a display); its last JSON line, or None."""
    cmd = [sys.executable, "-c", code]
    if not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            return None
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *cmd]
    env = {k: v for k, v in os.environ.items() if k != "VTK_DEFAULT_OPENGL_WINDOW"}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    for line in r.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    print(r.stderr[-2000:])
    return None


def window_picture() -> dict | None:
    import tempfile

    from benchmarks.common import demo_picture_inputs

    with tempfile.TemporaryDirectory() as tmp:
        model_path, dop = demo_picture_inputs(Path(tmp))
        return _in_window(PICTURE_SCRIPT % {"root": str(ROOT), "ini": "/tmp/stadtbild-bench.ini",
                                            "demo": str(model_path), "dop": str(dop)})


def first_frame() -> dict | None:
    return _in_window(FIRST_FRAME_SCRIPT % {"root": str(ROOT), "ini": "/tmp/stadtbild-bench.ini", "demo": str(DEMO)})


def main() -> None:
    ours, base = render_times()
    print(f"off-screen frame while orbiting ({SIZE[0]}x{SIZE[1]}, {FRAMES} frames): ours {ours:.1f} ms "
          f"({1000 / ours:.0f} fps), plain PyVista mesh {base:.1f} ms; ratio ours/plain = {ours / base:.2f}")
    pic = picture_render_ms()
    print(f"off-screen frame with orthophoto, textures, SSAO, sky and haze: {pic:.1f} ms -> {pic / base:.2f}x the "
          f"plain mesh, {pic / ours:.2f}x our plain scene")
    wp = window_picture()
    if wp is not None:
        print(f"window frame while orbiting with orthophoto ({wp['tiles']} tiles), {wp['textures']} textures and "
              f"SSAO: {wp['picture_frame_ms']:.1f} ms")
    ff = first_frame()
    if ff is None:
        print("time to first frame: not measured (no display and no xvfb-run)")
        return
    print(f"window, File > Open demo -> first frame: {ff['first_frame_s']:.2f} s (load + triangulate "
          f"{ff['load_s']:.2f} s, meshes + first render {ff['scene_to_frame_s']:.2f} s); "
          f"frame while orbiting in the window: {ff['window_frame_ms']:.1f} ms")


if __name__ == "__main__":
    main()
