"""``main.py`` / ``main.py gui`` without a display: a clear message, an off-screen image of the demo
district in the current folder and its info — what ``make run`` does on a CI machine."""
from __future__ import annotations

import os
import subprocess
import sys


from tests.conftest import ROOT


def run_main(args, cwd, display=False):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_main_without_display_renders_the_demo(tmp_path):
    r = run_main([], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "no display" in r.stderr
    out = tmp_path / "stadtbild-demo.png"
    assert out.exists()
    assert "Building                         853" in r.stdout
    assert "EPSG:28992" in r.stdout
    from matplotlib.image import imread

    img = imread(out)
    assert img.shape[:2] == (900, 1600)
    # the district is drawn: roof red-brown pixels (R clearly above G and B) cover part of the image
    rgb = (img[:, :, :3] * 255).astype(int)
    roofish = (rgb[:, :, 0] > rgb[:, :, 1] + 40) & (rgb[:, :, 0] > rgb[:, :, 2] + 40)
    assert 0.005 < roofish.mean() < 0.5


def test_gui_with_missing_file_is_one_line_error(tmp_path):
    r = run_main(["gui", "nope.city.json"], tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: nope.city.json: no such file"
    assert not list(tmp_path.iterdir())
