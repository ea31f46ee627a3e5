"""The screenshot helper (tests/screenshots.py) shows what a person sees, and notices when it does not.

References: VTK's own read-back of the view's framebuffer (``plotter.screenshot``) for the pixels
of the 3D view on the screen; synthetic noise and the kinds of garbage the GUI tests used to save
(random bytes, the striped pattern of uninitialised GL memory, a black surface) for the detector.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import DEMO
from tests.screenshots import (NOISE_LIMIT, assert_real_view, capture, noise_fraction, save_screenshot,
                               tile_noise)

ROOF_RGB = np.array([178, 76, 62])  # viewer.scene_view roof colour (red-brown), lit: ± 40


def roof_like(rgb) -> np.ndarray:
    a = np.asarray(rgb, int)
    return (a[..., 0] > 110) & (a[..., 0] - a[..., 1] > 45) & (a[..., 0] - a[..., 2] > 45)


# ------------------------------------------------------------------------------ the noise detector
def test_detector_fails_on_random_noise():
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, (400, 600, 3), dtype=np.uint8)
    assert noise_fraction(noise) > 0.9
    with pytest.raises(AssertionError, match="noise"):
        assert_real_view(noise)


def test_detector_fails_on_striped_uninitialised_memory():
    """The pattern of the old gui-04-demolished.png: 1-pixel diagonal stripes, grey on black."""
    y, x = np.mgrid[0:400, 0:600]
    stripes = np.where((x + y) % 2 == 0, 90, 20).astype(np.uint8)
    img = np.repeat(stripes[:, :, None], 3, axis=2)
    assert noise_fraction(img) > NOISE_LIMIT
    with pytest.raises(AssertionError, match="noise"):
        assert_real_view(img)


def test_detector_fails_on_noise_in_part_of_the_view():
    """The pattern of the old gui-30-sunlight-variant.png: the upper two thirds black, the rest
    vertical 1-pixel stripes: only 17 % of the whole view's neighbours differ, but whole tiles do."""
    img = np.zeros((600, 720, 3), np.uint8)
    x = np.arange(720)
    img[400:, :, 0] = np.where(x % 3 == 0, 200, 30)
    img[400:, :, 2] = np.where(x % 3 == 1, 220, 10)
    with pytest.raises(AssertionError, match="noise"):
        assert_real_view(img)
    img[400:] = 120  # the garbage gone: still mostly black, so still no rendering
    with pytest.raises(AssertionError, match="pure black"):
        assert_real_view(img)


def test_detector_fails_on_a_blank_view():
    with pytest.raises(AssertionError, match="pure black"):
        assert_real_view(np.zeros((300, 300, 3), np.uint8))
    with pytest.raises(AssertionError, match="one colour"):
        assert_real_view(np.full((300, 300, 3), 204, np.uint8))


def test_detector_passes_a_rendered_city(demo_model, tmp_path):
    from PIL import Image

    from stadtbild.viewer.render import render_scene

    out = tmp_path / "city.png"
    render_scene(demo_model.scene(), out, size=(640, 400), view="iso")
    img = np.asarray(Image.open(out).convert("RGB"))
    assert noise_fraction(img) < 0.1 and tile_noise(img) < NOISE_LIMIT / 2
    assert_real_view(img)
    assert roof_like(img).sum() > 2000


# ------------------------------------------------------------------------------ capturing the window
@pytest.fixture(scope="module")
def demo_window(qapp, tmp_path_factory):
    from tests.helpers import open_window

    w = open_window(tmp_path_factory.mktemp("settings"), [DEMO])
    yield w
    w.close()


@pytest.mark.gui
def test_capture_shows_the_city_as_vtk_drew_it(demo_window):
    """The 3D view's pixels on the screen are VTK's frame (read back from its framebuffer), at the
    view's place in the window: the capture composes the window as a person sees it."""
    w = demo_window
    w.viewport.set_view("iso")
    shot = capture(w)
    view = shot.crop(w.viewport)
    assert_real_view(view)
    assert roof_like(view).sum() > 3000  # the district's roofs, not sky only
    vtk_frame = np.asarray(w.viewport.plotter.screenshot(None, return_img=True))[..., :3]
    assert vtk_frame.shape == view.shape
    assert np.abs(vtk_frame.astype(int) - view).mean() < 2.0
    # the docks around it are there too (Qt's part of the window): the layer tree's light background
    layers = shot.crop(w.layers)
    assert layers.mean() > 180


@pytest.mark.gui
def test_save_screenshot_writes_what_it_checked(demo_window, artifacts):
    from PIL import Image

    shot = save_screenshot(demo_window, "gui-00-screenshot-helper")
    back = np.asarray(Image.open(shot.path).convert("RGB"))
    assert np.array_equal(back, shot.rgb)
    assert shot.rgb.shape[0] >= demo_window.height() and shot.rgb.shape[1] >= demo_window.width()


@pytest.mark.gui
def test_window_still_draws_after_an_offscreen_export(qapp, demo_model, tmp_path):
    """An off-screen picture rendered in the same process (report, still, CLI render) must not
    switch later 3D views off the screen: before the fix, every view opened after it was black."""
    from stadtbild.viewer.render import render_scene

    render_scene(demo_model.scene(), tmp_path / "export.png", size=(320, 200), view="iso")
    from tests.helpers import open_window

    w = open_window(tmp_path, [DEMO], size=(1000, 700))
    try:
        view = capture(w).crop(w.viewport)
        assert_real_view(view)
        assert roof_like(view).sum() > 1000
    finally:
        w.close()
