"""``main.py gui [FILE…] [--lang de|en] [--screenshot OUT.png]`` — the desktop window.

``main.py`` without arguments opens the bundled demo district. Without a display (no DISPLAY /
WAYLAND_DISPLAY, e.g. CI or ssh) the window cannot open: the model is rendered off-screen to
``stadtbild-demo.png`` (or ``stadtbild-<name>.png``) in the current folder and its info printed.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from stadtbild.model.errors import InputError
from stadtbild.model.resources import DEMO_DISTRICT



def add_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop window (the default; without FILE the demo district)")
    p.add_argument("files", metavar="FILE", nargs="*",
                   help="city model file(s) or a folder of tiles, opened as one model")
    p.add_argument("--lang", choices=["de", "en"], help="user interface language (default: German, or as last set)")
    p.add_argument("--screenshot", metavar="OUT.png", help="open the files, save an image of the window and quit")
    p.add_argument("--ortho", metavar="IMG", nargs="+", action="extend",
                   help="orthophoto(s) on the ground: GeoTIFF, JPEG/PNG with world file, VRT, or a folder of tiles")
    p.set_defaults(func=run)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args) -> int:
    files = [Path(f) for f in (args.files or [DEMO_DISTRICT])]
    for f in files + [Path(f) for f in (args.ortho or [])]:
        if not f.exists():
            raise InputError(f, "no such file")
    if not has_display():
        return headless(files, demo=not args.files)
    from stadtbild.app.main_window import run_app

    return run_app([str(f) for f in files], language=args.lang, screenshot=args.screenshot, ortho=args.ortho)


def headless(files, demo: bool) -> int:
    """No display: render an image off-screen instead of opening the window, and print the info."""
    from stadtbild.viewer.render import prepare_offscreen

    from . import common, info

    prepare_offscreen()
    stem = "demo" if demo else files[0].name.split(".")[0]
    out = Path.cwd() / f"stadtbild-{stem}.png"
    sys.stderr.write("note: no display found (DISPLAY/WAYLAND_DISPLAY not set), so the Stadtbild window cannot "
                     f"open.\n      Rendering {'the demo district' if demo else files[0].name} off-screen to "
                     f"{out} instead.\n      Start it on a desktop (or under xvfb-run) to get the window.\n")
    ns = argparse.Namespace(files=[str(f) for f in files], crs=None, lod=None, bbox=None, scenario=None, json=False)
    model = common.load_model(ns)
    common.check_output_not_source(out, model.sources)
    scene = model.scene()
    if scene.n_triangles == 0:
        raise InputError(files[0], "nothing to render: the model has no surface geometry")
    from stadtbild.viewer.render import render_scene

    render_scene(scene, out, size=(1600, 900), view="iso", title="Stadtbild – " + ", ".join(f.name for f in files))
    print(f"image:      {out}")
    info.run(ns)
    return 0
