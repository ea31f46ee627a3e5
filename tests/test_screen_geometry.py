"""Where the world lands on the screen (viewer.screen): the north angle and the metres per pixel
that size the window's north arrow and scale bar and those drawn on exported pictures, against
the analytic camera geometry (off-screen VTK, no window)."""
from __future__ import annotations

import math

import numpy as np
import pytest


@pytest.fixture(scope="module")
def plotter():
    import pyvista as pv

    from stadtbild.viewer.render import make_plotter

    p = make_plotter((640, 480))
    p.add_mesh(pv.Plane(i_size=400, j_size=400))
    yield p
    p.close()


def look_down(p, heading_deg: float, parallel: bool, height: float = 300.0) -> None:
    """Camera straight above the origin; screen-up points ``heading_deg`` clockwise from north."""
    a = math.radians(heading_deg)
    p.camera.parallel_projection = parallel
    p.camera.position = (0.0, 0.0, height)
    p.camera.focal_point = (0.0, 0.0, 0.0)
    p.camera.view_up = (math.sin(a), math.cos(a), 0.0)
    p.camera.view_angle = 30.0
    p.camera.parallel_scale = 120.0
    p.ren_win.Render()  # (pyvista's render() waits for a first show())


@pytest.mark.parametrize("heading", [0.0, 30.0, 90.0, -135.0])
def test_north_on_screen_turns_against_the_view_heading(plotter, heading):
    from stadtbild.viewer.screen import north_on_screen_deg

    look_down(plotter, heading, parallel=False)
    # screen-up looks `heading` clockwise of north: north appears `heading` counter-clockwise of up
    got = north_on_screen_deg(plotter.renderer)
    assert math.isclose(math.remainder(got - heading, 360.0), 0.0, abs_tol=1e-6)


def test_metres_per_pixel_perspective_and_parallel(plotter):
    from stadtbild.viewer.media import camera_geometry
    from stadtbild.viewer.screen import metres_per_pixel, world_to_display

    h = plotter.renderer.GetSize()[1]
    look_down(plotter, 0.0, parallel=False, height=300.0)
    expected = 2 * 300.0 * math.tan(math.radians(15.0)) / h
    assert metres_per_pixel(plotter.renderer) == pytest.approx(expected, rel=1e-12)
    # the ground at the view centre: 10 m east is expected⁻¹ × 10 pixels right of the centre
    x0, y0 = world_to_display(plotter.renderer, (0.0, 0.0, 0.0))
    x1, y1 = world_to_display(plotter.renderer, (10.0, 0.0, 0.0))
    assert (x1 - x0) * expected == pytest.approx(10.0, rel=1e-6) and abs(y1 - y0) < 1e-6
    look_down(plotter, 0.0, parallel=True)
    assert metres_per_pixel(plotter.renderer) == pytest.approx(2 * 120.0 / h, rel=1e-12)
    g = camera_geometry(plotter.renderer)  # what exported pictures draw with
    assert g["metres_per_px"] == metres_per_pixel(plotter.renderer) and g["north_deg"] == pytest.approx(0.0, abs=1e-9)


def test_nice_length_is_the_largest_round_length_below():
    from stadtbild.viewer.screen import nice_length

    assert [nice_length(v) for v in (0.7, 1.0, 1.9, 2.0, 4.99, 5.0, 9.9, 10.0, 140.0, 260.0, 1234.0)] == \
        [0.5, 1.0, 1.0, 2.0, 2.0, 5.0, 5.0, 10.0, 100.0, 200.0, 1000.0]
    assert nice_length(0.0) == 1.0 and nice_length(float("nan")) == 1.0


def test_decorations_follow_the_camera(plotter):
    from stadtbild.viewer.screen import NorthArrow, ScaleBar

    arrow, bar = NorthArrow(plotter.renderer), ScaleBar(plotter.renderer)
    try:
        look_down(plotter, 90.0, parallel=True)  # screen-up = east: north points to screen-left
        assert arrow.angle_deg == pytest.approx(90.0, abs=1e-6)
        tip = np.array(arrow.points.GetPoint(0)[:2])
        tail = np.array(arrow.points.GetPoint(2)[:2])
        assert tip[0] < tail[0] and abs(tip[1] - tail[1]) < 1e-6
        h = plotter.renderer.GetSize()[1]
        assert bar.metres == 50.0  # 140 px × 240/480 m/px = 70 m → 50 m
        length_px = bar.points.GetPoint(1)[0] - bar.points.GetPoint(0)[0]
        assert length_px == pytest.approx(50.0 / (240.0 / h))
    finally:
        for actor in (arrow.actor, arrow.text, bar.actor, bar.text):
            plotter.renderer.RemoveViewProp(actor)
