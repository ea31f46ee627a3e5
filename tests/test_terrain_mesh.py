"""Adaptive terrain mesh (model/terrain_mesh.py, RTIN): error bound against the bilinear DEM,
crack-freeness, the analytic terrain tests of test_terrain.py on the adaptive mesh, triangle
counts on the benchmark DEM, the --terrain-tolerance option.

References are independent of the mesher: the existing bilinear ``TerrainGrid.height``, the ray
core (Embree) dropping vertical rays onto the mesh, edge counting, the analytic ridge/horizon
results of test_terrain.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from stadtbild.analysis.raycast import RayCaster
from benchmarks.bench_terrain import make_dem
from stadtbild.model.crs import CRSInfo
from stadtbild.model.errors import InputError
from stadtbild.model.terrain import TerrainGrid, with_terrain
from stadtbild.model.terrain_mesh import cell_twist
from tests import test_terrain as base
from tests.helpers import box_model

X0, Y0 = base.X0, base.Y0


def rolling_grid(rows=180, cols=260, noise=0.01, seed=3) -> TerrainGrid:
    """Hills, a sharp terraced edge, a flat plain and 1 cm noise: a non-square grid (padded tiles)."""
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(cols, dtype=float), np.arange(rows, dtype=float))
    z = (100 + 4 * np.sin(gx / 37) * np.cos(gy / 29) + np.where(gx > 150, 0.0, 0.02 * gx)
         + np.clip((gy - 90) * 1.5, 0, 3) + rng.normal(0, noise, gx.shape))
    z[:, int(cols * 0.77):] = 105.0 + rng.normal(0, noise, (rows, cols - int(cols * 0.77)))  # a flat plain
    return TerrainGrid(z, X0, Y0 + rows - 1, 1.0, 1.0, crs=CRSInfo(25832))


def mesh_heights_by_rays(scene, xy_local):
    """Terrain mesh height under local points, found by the ray core shooting straight down."""
    top = scene.vertices[:, 2].max() + 10
    o = np.c_[xy_local, np.full(len(xy_local), top)]
    d = np.tile([0.0, 0.0, -1.0], (len(o), 1))
    hit = RayCaster(scene).first_hit(o, d)
    return hit.point[:, 2]


def twist_at(grid, xy):
    """|z00 + z11 − z01 − z10| / 4 of the DEM cell under each point: how far the bilinear cell
    departs from any triangulation of it (the error floor of every triangulated DEM)."""
    rows, cols = grid.shape
    c = np.clip(((xy[:, 0] - grid.x0) / grid.dx).astype(int), 0, cols - 2)
    r = np.clip(((grid.y0 - xy[:, 1]) / grid.dy).astype(int), 0, rows - 2)
    z = grid.z
    return np.abs(z[r, c] + z[r + 1, c + 1] - z[r, c + 1] - z[r + 1, c]) / 4


def plan_areas(scene):
    t = scene.vertices[scene.triangles]
    return 0.5 * ((t[:, 1, 0] - t[:, 0, 0]) * (t[:, 2, 1] - t[:, 0, 1])
                  - (t[:, 2, 0] - t[:, 0, 0]) * (t[:, 1, 1] - t[:, 0, 1]))


def edge_counts(tris):
    e = np.sort(np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]]), axis=1)
    edges, counts = np.unique(e, axis=0, return_counts=True)
    return edges, counts


@pytest.mark.parametrize("tol", [0.1, 0.25])
def test_vertical_error_against_the_bilinear_dem_stays_within_the_tolerance(tol):
    grid = rolling_grid()
    origin = np.array([X0, Y0, 90.0])
    regular = grid.scene(origin, tolerance_m=None)
    adaptive = grid.scene(origin, tolerance_m=tol)
    assert adaptive.n_triangles < 0.3 * regular.n_triangles  # it does simplify
    assert (adaptive.face_normals[:, 2] > 0).all()  # counter-clockwise from above
    rng = np.random.default_rng(11)
    (xmin, ymin, xmax, ymax) = grid.bounds
    xy = np.c_[rng.uniform(xmin + 1e-3, xmax - 1e-3, 20000), rng.uniform(ymin + 1e-3, ymax - 1e-3, 20000)]
    z_mesh = mesh_heights_by_rays(adaptive, xy - origin[:2]) + origin[2]
    z_bilinear = grid.height(xy, method="bilinear")
    err = np.abs(z_mesh - z_bilinear)
    # 1 mm: float32 in the ray core; in half cells (the terrace edge meets the plain's step) the
    # floor is the cell's own twist, as for the regular mesh
    floor = twist_at(grid, xy)
    assert (err <= np.maximum(tol, floor) + 1e-3).all(), (err - np.maximum(tol, floor)).max()
    assert (floor > tol).mean() < 0.001  # those cells are rare in this terrain
    assert err[floor < tol].max() > 0.3 * tol  # the budget is used, not wasted on tiny triangles
    # height(method="mesh") interpolates on the very triangles the ray core sees
    grid.mesh_tolerance_m = tol
    assert np.abs(grid.height(xy, method="mesh") - z_mesh).max() < 1e-3


def test_noisy_dem_keeps_the_bound_or_the_cells_own_twist():
    """With 5 cm white noise (the benchmark DEM) the only error above the tolerance is inside
    half-cell triangles, where it is at most the bilinear cell's twist, as for the regular mesh."""
    g = make_dem(n=200, seed=5)
    origin = np.array([g.x0, g.y0 - 199, 40.0])
    sc = g.scene(origin, tolerance_m=0.1)
    rng = np.random.default_rng(2)
    xy = np.c_[rng.uniform(g.x0, g.x0 + 199, 20000), rng.uniform(g.y0 - 199, g.y0, 20000)]
    err = np.abs(mesh_heights_by_rays(sc, xy - origin[:2]) + origin[2] - g.height(xy))
    twist = twist_at(g, xy)
    assert (err <= np.maximum(0.1, twist) + 1e-3).all(), (err - np.maximum(0.1, twist)).max()
    assert sc.n_triangles < 2 * 199 * 199


def test_mesh_is_crack_free_and_covers_the_grid_exactly():
    grid = rolling_grid()
    sc = grid.scene(np.zeros(3), tolerance_m=0.1)
    edges, counts = edge_counts(sc.triangles)
    assert counts.max() == 2  # no edge shared by three triangles (no overlap)
    v = sc.vertices
    (xmin, ymin, xmax, ymax) = grid.bounds
    ends = v[edges[counts == 1]]  # (k, 2, 3): boundary edges only on the outer grid border
    on_border = ((np.abs(ends[:, :, 0] - xmin) < 1e-9).all(1) | (np.abs(ends[:, :, 0] - xmax) < 1e-9).all(1)
                 | (np.abs(ends[:, :, 1] - ymin) < 1e-9).all(1) | (np.abs(ends[:, :, 1] - ymax) < 1e-9).all(1))
    assert on_border.all()  # an interior edge used once would be a T-junction or a crack
    # the triangles tile the rectangle: plan areas add up to it
    plan = plan_areas(sc)
    assert (plan > 0).all() and plan.sum() == pytest.approx((xmax - xmin) * (ymax - ymin), rel=1e-12)
    # all vertices are DEM nodes at their DEM height
    assert np.allclose(grid.height(v[:, :2], "bilinear"), v[:, 2])


def test_no_data_is_left_out_without_cracks():
    grid = rolling_grid(rows=90, cols=120)
    grid.z[30:50, 40:47] = np.nan
    grid.z[0:5, 100:] = np.nan
    sc = grid.scene(np.zeros(3), tolerance_m=0.1)
    assert np.isfinite(sc.vertices).all()
    _, counts = edge_counts(sc.triangles)
    assert counts.max() == 2
    regular = grid.scene(np.zeros(3), tolerance_m=None)
    # every cell with four known corners is covered (the adaptive mesh may also keep half cells)
    assert plan_areas(sc).sum() >= plan_areas(regular).sum() - 1e-6
    k = np.isfinite(grid.z).astype(int)
    corners = k[:-1, :-1] + k[1:, :-1] + k[:-1, 1:] + k[1:, 1:]
    # nothing over the holes: at most the cells with 4 known corners plus half of those with 3
    assert plan_areas(sc).sum() <= (corners == 4).sum() + 0.5 * (corners == 3).sum() + 1e-6
    assert sc.n_triangles < 0.5 * regular.n_triangles


@pytest.fixture
def adaptive_terrain_tests(monkeypatch):
    """Run test_terrain's analytic tests with every grid they build meshed adaptively (0.1 m)."""
    made = []
    plain = base.grid_of

    def grid_of(*a, **kw):
        g = plain(*a, **kw)
        g.mesh_tolerance_m = 0.1
        made.append(g)
        return g

    monkeypatch.setattr(base, "grid_of", grid_of)
    return made


def test_ridge_blocks_the_sightline_at_the_analytic_point_with_the_adaptive_mesh(adaptive_terrain_tests):
    base.test_ridge_blocks_a_sightline_that_is_clear_without_terrain()
    grids = adaptive_terrain_tests
    assert grids and all(g.scene(np.zeros(3)).n_triangles < 0.2 * g.scene(np.zeros(3), tolerance_m=None).n_triangles
                         for g in grids)


def test_hill_shortens_winter_sun_hours_by_the_horizon_with_the_adaptive_mesh(adaptive_terrain_tests):
    base.test_hill_south_shortens_winter_sun_hours_by_the_horizon_angle()
    g = adaptive_terrain_tests[0]
    assert g.scene(np.zeros(3)).n_triangles < 0.2 * g.scene(np.zeros(3), tolerance_m=None).n_triangles


def test_benchmark_dem_triangle_counts():
    """The 1 km² benchmark DEM (1000 × 1000 nodes). Its smooth relief needs a few % of the
    regular triangles at 0.1 m; its 5 cm white noise cannot be followed within 0.1 m by large
    triangles (the noise alone spans ±0.25 m), so the noisy DEM reaches ≤ 25 % at 0.2 m."""
    g = make_dem()
    regular = 2 * 999 * 999
    smooth = TerrainGrid(g.z.copy(), g.x0, g.y0, 1.0, 1.0)
    rng = np.random.default_rng(7)
    smooth.z -= rng.normal(0, 0.05, smooth.z.shape)  # make_dem's noise draw, removed again
    assert np.abs(cell_twist(smooth.z)).max() < 0.01
    n_smooth = smooth.adaptive_mesh(0.1).triangles.shape[0]
    assert n_smooth <= 0.25 * regular, n_smooth / regular
    n_noisy = g.adaptive_mesh(0.2).triangles.shape[0]
    assert n_noisy <= 0.25 * regular, n_noisy / regular


def test_attach_terrain_tolerance_option(tmp_path, capsys):
    from stadtbild.exporters.tables import write_geotiff
    from stadtbild.importers.terrain import attach_terrain, terrain_info

    grid = rolling_grid(rows=60, cols=80)
    write_geotiff(grid.raster(), tmp_path / "dem.tif")
    model = box_model([("house", X0 + 30, Y0 + 30, X0 + 40, Y0 + 40, 100.0, 106.0)])
    attach_terrain(model, tmp_path / "dem.tif")  # default: adaptive, 0.1 m
    assert model.terrain_grid.mesh_tolerance_m == 0.1
    assert model.terrain.n_triangles < 0.5 * 2 * 59 * 79
    assert terrain_info(model)["mesh_tolerance_m"] == 0.1
    attach_terrain(model, tmp_path / "dem.tif", mesh_tolerance_m=0)  # regular grid mesh
    assert model.terrain.n_triangles == 2 * 59 * 79 and model.terrain_grid.mesh_tolerance_m is None
    with pytest.raises(InputError, match="tolerance"):
        attach_terrain(model, tmp_path / "dem.tif", mesh_tolerance_m=-1)
    # the CLI option reaches it
    import json

    from stadtbild.cli import main as cli_main

    path = _write_model(tmp_path, box_model([("house", X0 + 30, Y0 + 30, X0 + 40, Y0 + 40, 100.0, 106.0)]))
    for option, tol, triangles in (([], 0.1, None), (["--terrain-tolerance", "0"], None, 2 * 59 * 79)):
        rc = cli_main(["info", str(path), "--terrain", str(tmp_path / "dem.tif"), "--json", *option])
        assert rc == 0
        t = json.loads(capsys.readouterr().out)["terrain"]
        assert t["mesh_tolerance_m"] == tol
        if triangles is None:  # adaptive: fewer triangles than the regular mesh of the 60 × 80 DEM
            assert 0 < t["triangles"] < 0.5 * 2 * 59 * 79
        else:
            assert t["triangles"] == triangles


def _write_model(tmp_path, model):
    from stadtbild.exporters.cityjson import write_cityjson

    path = tmp_path / "m.city.json"
    write_cityjson(model, path)
    return path


def test_scene_with_adaptive_terrain_merges_and_keeps_the_buildings():
    grid = rolling_grid(rows=60, cols=80)
    grid.mesh_tolerance_m = 0.1
    scene = box_model([("house", X0 + 30, Y0 + 30, X0 + 40, Y0 + 40, 100.0, 106.0)]).scene()
    full = with_terrain(scene, grid)
    assert full.object_ids == ["house", "terrain"]
    assert (full.object_index == 1).sum() == grid.adaptive_mesh().triangles.shape[0]
