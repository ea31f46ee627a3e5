"""Media output on the demo district (853 LoD2 buildings, 37,646 triangles), per frame:

1. tour video frames (1280×720): camera flight + render + read-back + decorations (Pillow) +
   H.264 encoding, vs the baseline of a plain PyVista off-screen screenshot of the same mesh in
   one colour (the least a VTK frame plus read-back can cost), same process and size;
2. sun-animation frames: computed ground shadows (one Embree ray per cell) + relit render, split
   into shadow and render time;
3. one 7680×4320 still (render, decorate, PNG) vs the same baseline at 8K;
4. the council picture (issue 21) of that still: 0.2 m orthophoto tiles, the model's 148 textures
   (made-up images), the sun of 21 March 15:00 with the computed shadows on ground, roofs and
   facades, SSAO, sky and haze — and a tour with orthophoto, textures, sky and haze.

Numbers are noisy: the machine has 2 cores shared with other engineers' jobs.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
FRAMES = int(os.environ.get("BENCH_PRESENTATION_FRAMES", 30))


def _baseline_ms(scene, size, frames: int) -> float:
    """Plain pv.Plotter render + read-back of the scene's triangles in one colour, PyVista's
    default window (4× MSAA, like ours) (ms per frame)."""
    from stadtbild.viewer.render import prepare_offscreen
    from stadtbild.viewer.scene_view import scene_to_polydata

    prepare_offscreen()
    import pyvista as pv

    p = pv.Plotter(off_screen=True, window_size=list(size))
    p.add_mesh(scene_to_polydata(scene), color="tan")
    p.camera_position = "iso"
    p.screenshot(None, return_img=True)
    t = time.perf_counter()
    for k in range(frames):
        p.camera.azimuth = p.camera.azimuth + 2.0
        p.render()  # screenshot() alone does not redraw after a camera change
        p.screenshot(None, return_img=True)
    ms = (time.perf_counter() - t) * 1000 / frames
    p.close()
    return ms


def main() -> None:
    from stadtbild.importers import load
    from stadtbild.viewer.camera import Tour
    from stadtbild.viewer.media import render_tour, screenshot
    from stadtbild.viewer.sun_animation import render_sun_animation

    scene = load(DEMO).scene()
    size = (1280, 720)
    base = _baseline_ms(scene, size, FRAMES)
    with tempfile.TemporaryDirectory() as tmp:
        fps = 30
        tour = Tour("bench", [{"view": "iso", "duration_s": FRAMES / fps / 2},
                              {"view": "iso-ne", "duration_s": FRAMES / fps / 2, "flight_s": FRAMES / fps / 2}])
        t = time.perf_counter()
        info = render_tour(scene, tour, Path(tmp) / "t.mp4", size=size, fps=fps)
        total_ms = (time.perf_counter() - t) * 1000 / info["frames"]
        print(f"tour {size[0]}×{size[1]}: {info['frames']} frames, render {info['render_s_mean'] * 1000:.0f} ms, "
              f"all-in (render+decorate+encode) {total_ms:.0f} ms/frame; plain PyVista screenshot {base:.0f} ms "
              f"-> ratio {total_ms / base:.2f}× (render alone {info['render_s_mean'] * 1000 / base:.2f}×)")
        n = max(3, FRAMES // 3)
        t = time.perf_counter()
        sun = render_sun_animation(scene, Path(tmp) / "s.mp4", date="2026-06-21", start="08:00",
                                   stop="18:00", step_min=600 / (n - 1), size=size, fps=fps)
        total_ms = (time.perf_counter() - t) * 1000 / sun["frames"]
        print(f"sun animation: {sun['frames']} frames, shadows {sun['shadow_s_mean'] * 1000:.0f} ms + render "
              f"{sun['render_s_mean'] * 1000:.0f} ms per frame; all-in {total_ms:.0f} ms/frame "
              f"(incl. the one-off grid/footprints) -> {total_ms / base:.2f}× the plain screenshot")
        big = (7680, 4320)
        base8k = _baseline_ms(scene, big, 1)
        res = screenshot(scene, Path(tmp) / "8k.png", size=big, title="Bench")
        print(f"8K still: render {res['render_s']:.1f} s, total (decorate + PNG) {res['total_s']:.1f} s; plain "
              f"PyVista 8K screenshot {base8k / 1000:.1f} s -> ratio {res['total_s'] * 1000 / base8k:.2f}×")
        picture_8k(Path(tmp), big, base8k, res)
        picture_tour(Path(tmp), size, fps, base)
    print("(noisy: 2 shared cores, Mesa llvmpipe software OpenGL)")


def _picture(tmp: Path, finish: str, when=None):
    from benchmarks.common import demo_picture_inputs
    from stadtbild.importers import load
    from stadtbild.importers.rasters import open_mosaic
    from stadtbild.viewer.finish import parse_finish
    from stadtbild.viewer.picture import PictureSpec

    model_path, dop = demo_picture_inputs(tmp / "picture")
    model = load(model_path)
    spec = PictureSpec(finish=parse_finish(finish), ortho=open_mosaic([dop], model.crs), textured_model=model,
                       when=when, shadow_texels=8_000_000)
    return model.scene(), spec


def picture_8k(tmp: Path, big, base8k: float, plain: dict) -> None:
    from stadtbild.viewer.media import screenshot

    (tmp / "picture").mkdir(exist_ok=True)
    scene, spec = _picture(tmp, "presentation", when="2026-03-21T15:00")
    t = time.perf_counter()
    res = screenshot(scene, tmp / "8k-picture.png", size=big, title="Bench", picture=spec)
    total = time.perf_counter() - t
    pic = res["picture"]
    print(f"8K council picture (orthophoto {pic['ortho']['tiles']} tiles, {pic['textures']['images_drawn']} textures, "
          f"sun + {pic['sun']['texels']:,} light-map texels at {pic['sun']['texel_m']} m, SSAO, sky, haze): render "
          f"{res['render_s']:.1f} s, total (incl. reading, shadows, decorate, PNG) {total:.1f} s -> "
          f"{total * 1000 / base8k:.2f}× the plain PyVista 8K screenshot, {total / plain['total_s']:.2f}× today's 8K "
          f"still")


def picture_tour(tmp: Path, size, fps: int, base: float) -> None:
    from stadtbild.viewer.camera import Tour
    from stadtbild.viewer.media import render_tour

    (tmp / "picture").mkdir(exist_ok=True)
    scene, spec = _picture(tmp, "interactive")
    tour = Tour("bench", [{"view": "iso", "duration_s": FRAMES / fps / 2},
                          {"view": "iso-ne", "duration_s": FRAMES / fps / 2, "flight_s": FRAMES / fps / 2}])
    info = render_tour(scene, tour, tmp / "tp.mp4", size=size, fps=fps, picture=spec)
    print(f"tour with orthophoto, textures, sky and haze: render {info['render_s_mean'] * 1000:.0f} ms/frame -> "
          f"{info['render_s_mean'] * 1000 / base:.2f}× the plain screenshot")


if __name__ == "__main__":
    main()
