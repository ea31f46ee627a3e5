"""Terrain benchmark: a generated 1 km² DGM1 (1 m grid, 1000 × 1000 nodes) as GeoTIFF and as
XYZ text tile, read + meshed, and the ray core with and without it on the same rays.

Baselines in the same process:
- ``rasterio`` reading the GeoTIFF band alone (what any GIS tool pays),
- the ray core (``analysis.raycast.RayCaster``) on the buildings-only scene.
Targets (issue 15): load + mesh < 10 s; terrain slows the same rays by < 2×.
The machine is shared (2 cores, several engineers): numbers are noisy, best of 3.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import best_of

N = 1000  # nodes per side: 1 km at 1 m
N_RAYS = 200_000
N_HOUSES = 3000
BASE = (500000.0, 5700000.0, 50.0)  # benchmarks.citygen places its houses from here


def make_dem(n: int = N, seed: int = 7):
    """A DGM1-like surface: gentle hills (±3 m around the houses' ground at 50 m) + 5 cm noise."""
    from model.crs import CRSInfo
    from model.terrain import TerrainGrid

    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=float)
    gx, gy = np.meshgrid(x, x[::-1])
    z = (BASE[2] - 1.0 + 3.0 * np.sin(gx / 97.0) * np.cos(gy / 131.0) + 0.8 * np.sin(gx / 23.0 + gy / 41.0)
         + rng.normal(0, 0.05, gx.shape))
    return TerrainGrid(z, BASE[0] + 0.5, BASE[1] + n - 0.5, 1.0, 1.0, crs=CRSInfo(25832))


def main() -> None:
    import rasterio

    from analysis.raycast import RayCaster
    from benchmarks.citygen import write_city
    from importers import load
    from importers.terrain import read_dem, with_terrain, write_geotiff

    with tempfile.TemporaryDirectory(prefix="bench_terrain_") as tmp:
        tmp = Path(tmp)
        grid = make_dem()
        tif = tmp / "dgm1_32_500_5700_1_nw.tif"
        xyz = tmp / "dgm1_32_500_5700_1_nw.xyz"
        write_geotiff(grid, tif)
        xs, ys = grid.node_xy()
        gx, gy = np.meshgrid(xs, ys)
        np.savetxt(xyz, np.c_[gx.ravel(), gy.ravel(), grid.z.ravel()], fmt="%.2f")
        print(f"DEM: {N} × {N} nodes (1 km², 1 m), GeoTIFF {tif.stat().st_size / 1e6:.1f} MB, "
              f"XYZ {xyz.stat().st_size / 1e6:.1f} MB")

        def rio_read():
            with rasterio.open(tif) as ds:
                ds.read(1, masked=True)

        t_rio = best_of(rio_read)
        model = load(write_city(tmp / "city.city.json", N_HOUSES))
        origin = model.origin
        t_tif = best_of(lambda: read_dem(tif, model_crs=model.crs).scene(origin))
        t_xyz = best_of(lambda: read_dem(xyz, model_crs=model.crs).scene(origin), repeat=2)
        g = read_dem(tif, model_crs=model.crs)
        t_read = best_of(lambda: read_dem(tif, model_crs=model.crs))
        terrain = g.scene(origin)
        print(f"rasterio read alone (baseline)      {t_rio * 1e3:8.0f} ms")
        print(f"read_dem GeoTIFF                    {t_read * 1e3:8.0f} ms  ({t_read / t_rio:.1f}× rasterio)")
        print(f"read_dem + mesh GeoTIFF             {t_tif * 1e3:8.0f} ms  ({t_tif / t_rio:.1f}× rasterio; "
              f"target < 10 s: {'ok' if t_tif < 10 else 'MISSED'})")
        print(f"read_dem + mesh XYZ (numpy parse)   {t_xyz * 1e3:8.0f} ms  ({t_xyz / t_rio:.1f}× rasterio; "
              f"target < 10 s: {'ok' if t_xyz < 10 else 'MISSED'})")
        print(f"terrain mesh: {terrain.n_triangles:,} triangles, {len(terrain.vertices):,} vertices")

        buildings = model.scene()
        full = with_terrain(buildings, g)
        t0 = time.perf_counter()
        rc_b = RayCaster(buildings)
        t_build_b = time.perf_counter() - t0
        t0 = time.perf_counter()
        rc_t = RayCaster(full)
        t_build_t = time.perf_counter() - t0
        print(f"ray core build: buildings {buildings.n_triangles:,} tris {t_build_b * 1e3:.0f} ms, "
              f"+ terrain {full.n_triangles:,} tris {t_build_t * 1e3:.0f} ms ({rc_t.backend})")

        # shadow rays: ground samples 5 cm above the terrain towards a sun at 30° elevation, az 200°
        rng = np.random.default_rng(1)
        lo, hi = g.bounds[:2], g.bounds[2:]
        xy = np.c_[rng.uniform(lo[0] + 1, hi[0] - 1, N_RAYS), rng.uniform(lo[1] + 1, hi[1] - 1, N_RAYS)]
        origins = np.c_[xy - origin[:2], g.height(xy, method="mesh") - origin[2] + 0.05]
        el, az = np.radians(30.0), np.radians(200.0)
        d = np.tile([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], (N_RAYS, 1))
        t_rays_b = best_of(lambda: rc_b.occluded(origins, d))
        t_rays_t = best_of(lambda: rc_t.occluded(origins, d))
        frac_b = rc_b.occluded(origins, d).mean()
        frac_t = rc_t.occluded(origins, d).mean()
        # sightlines: horizontal-ish rays 1.6 m above ground between random point pairs
        a = origins[: N_RAYS // 2].copy()
        b = origins[N_RAYS // 2:].copy()
        a[:, 2] += 1.55
        b[:, 2] += 1.55
        v = b - a
        dist = np.linalg.norm(v, axis=1)
        v /= dist[:, None]
        t_sl_b = best_of(lambda: rc_b.occluded(a, v, tmax=dist))
        t_sl_t = best_of(lambda: rc_t.occluded(a, v, tmax=dist))
        ratio_sun = t_rays_t / t_rays_b
        ratio_sl = t_sl_t / t_sl_b
        print(f"{N_RAYS:,} sun rays: buildings only {t_rays_b * 1e3:.0f} ms (shaded {frac_b:.1%}), "
              f"with terrain {t_rays_t * 1e3:.0f} ms (shaded {frac_t:.1%}) -> {ratio_sun:.2f}× "
              f"(target < 2×: {'ok' if ratio_sun < 2 else 'MISSED'})")
        print(f"{N_RAYS // 2:,} sightlines: buildings only {t_sl_b * 1e3:.0f} ms, with terrain "
              f"{t_sl_t * 1e3:.0f} ms -> {ratio_sl:.2f}× (target < 2×: {'ok' if ratio_sl < 2 else 'MISSED'})")
        # the same with the terrain decimated to 2 m (--terrain-resolution 2): a quarter of the triangles
        g2 = read_dem(tif, model_crs=model.crs, resolution_m=2.0)
        full2 = with_terrain(buildings, g2)
        t0 = time.perf_counter()
        rc_2 = RayCaster(full2)
        t_build_2 = time.perf_counter() - t0
        origins2 = origins.copy()
        origins2[:, 2] = np.maximum(origins[:, 2], g2.height(xy, method="mesh") - origin[2] + 0.05)
        t_rays_2 = best_of(lambda: rc_2.occluded(origins2, d))
        print(f"terrain at 2 m ({full2.n_triangles - buildings.n_triangles:,} tris): build {t_build_2 * 1e3:.0f} ms, "
              f"sun rays {t_rays_2 * 1e3:.0f} ms -> {t_rays_2 / t_rays_b:.2f}× buildings only")
        print("(shared 2-core machine: timings are noisy)")


if __name__ == "__main__":
    main()
