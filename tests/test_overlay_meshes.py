"""The one ground-cell mesh every ground result is drawn with (viewer.overlays.ground_cells_mesh:
the window's shadow, sun-hours and viewshed layers, the sun animation, the sight pictures): each
kept cell a quad at its own corners and ground height + the lift, against the grid's analytic
geometry; on a slope the cells follow the ground (the window's layers once lay on one flat plane)."""
from __future__ import annotations

import numpy as np
import pytest

from stadtbild.analysis.ground_grid import GROUND_LIFT_M, TERRAIN_LIFT_M, GroundGrid


def sloped_grid(lift_m: float) -> GroundGrid:
    ny, nx, cell = 4, 5, 2.0
    xs = 10.0 + (np.arange(nx) + 0.5) * cell
    z = np.tile(0.1 * xs, (ny, 1))  # 10 % slope rising to the east
    return GroundGrid(x0=10.0, y_top=50.0, cell_m=cell, nx=nx, ny=ny, z=z, inside=np.ones((ny, nx), bool),
                      origin=np.zeros(3), lift_m=lift_m)


@pytest.mark.parametrize("lift, drawn_above", [(GROUND_LIFT_M, 0.05), (TERRAIN_LIFT_M, 0.3)])
def test_ground_cells_sit_on_their_own_cell_and_height(lift, drawn_above):
    from stadtbild.viewer.overlays import ground_cells_mesh

    grid = sloped_grid(lift)
    keep = np.zeros(grid.shape, bool)
    keep[0, 0] = keep[2, 3] = keep[3, 4] = True
    rgb = np.zeros(grid.shape + (3,), np.uint8)
    rgb[..., 0] = np.arange(grid.nx)[None, :] * 40
    rgb[..., 1] = np.arange(grid.ny)[:, None] * 60
    mesh = ground_cells_mesh(grid, keep, rgb)
    assert mesh.n_cells == 3
    pts = np.asarray(mesh.points).reshape(3, 4, 3)
    for k, (r, c) in enumerate(zip(*np.nonzero(keep))):
        west, north = grid.x0 + c * grid.cell_m, grid.y_top - r * grid.cell_m
        assert np.allclose(np.sort(np.unique(pts[k, :, 0])), [west, west + grid.cell_m])
        assert np.allclose(np.sort(np.unique(pts[k, :, 1])), [north - grid.cell_m, north])
        assert np.allclose(pts[k, :, 2], grid.z[r, c] + drawn_above)  # follows the slope
        assert tuple(mesh.cell_data["rgb"][k]) == (c * 40, r * 60, 0)
    assert ground_cells_mesh(grid, np.zeros(grid.shape, bool)).n_cells == 0


def test_setback_areas_tell_new_conflicts_from_existing_ones():
    """Two houses 9 m apart under NBauO: the two facing walls conflict. Told that only house
    b's wall is a variant's new conflict, its area is drawn in the conflict colour and house a's
    in the existing-conflict colour; kept areas keep theirs (two triangles per area)."""
    from stadtbild.analysis.setbacks import compute_setbacks
    from tests.helpers import box_model
    from stadtbild.viewer.setback_view import setback_polydata

    m = box_model([("a", 0, 0, 10, 15, 0, 10), ("b", 19, 0, 29, 15, 0, 14)])
    r = compute_setbacks(m, "nbauo")
    bad_walls = [w for w, bad in zip(r.wall_ids, r.violating_mask()) if bad]
    assert len(bad_walls) == 2
    new = [w for w in bad_walls if r.building_ids[list(r.wall_ids).index(w)] == "b"]
    ok, conflict, existing = (1, 2, 3), (4, 5, 6), (7, 8, 9)
    fill, _ = setback_polydata(r, m.scene(), colours=(ok, conflict, existing), new_walls=new)
    wall = [r.wall_ids[i] for i in fill.cell_data["wall"]]
    rgb = [tuple(c) for c in fill.cell_data["rgb"]]
    expect = [conflict if w in new else existing if w in bad_walls else ok for w in wall]
    assert rgb == expect and rgb.count(conflict) == 2 and rgb.count(existing) == 2
    plain, _ = setback_polydata(r, m.scene(), colours=(ok, conflict, existing))  # no comparison
    assert {tuple(c) for c in plain.cell_data["rgb"]} == {ok, conflict}
