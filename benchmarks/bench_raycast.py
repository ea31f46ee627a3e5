"""Ray-casting core: rays/s for occlusion and first hit, ours vs the libraries underneath, on the
demo district and generated box cities (10k and 50k buildings); BVH build and object-mask costs;
sun-hours for a 1 m grid over 1 km² at 10-minute steps.

Baselines run in the same process on the same rays:
- embreex ``EmbreeScene.run(..., query="OCCLUDED")`` called directly (one thread, and two Python
  threads) — the fastest library call available here; our target is to be within 10 % of it;
- trimesh's default ray engine (``mesh.ray``: ``ray_pyembree.RayMeshIntersector`` when embreex is
  installed) ``intersects_any`` and ``intersects_first``, its BVH built before the timing (as ours).

Every figure is rays per second on the same rays (best of 3); "ratio ours / X" > 1 means ours is
faster. BVH build times are reported on their own.

``python -m benchmarks raycast`` (or ``BENCH_RAYCAST_FULL=1`` for 50k buildings and 2 M rays).
Numbers are noisy: the machine has 2 cores shared with other jobs.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import timed, warm_trimesh  # noqa: E402

FULL = bool(os.environ.get("BENCH_RAYCAST_FULL"))


def box_city_scene(n_buildings: int, seed: int = 5, spacing: float = 18.0):
    """A Scene of ``n_buildings`` boxes (12 triangles each, 6–40 m high) on a jittered grid,
    in UTM 32N near Braunschweig."""
    from stadtbild.model.crs import CRSInfo
    from stadtbild.model.scene import Scene
    from stadtbild.model.semantics import GROUND, ROOF, WALL

    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_buildings)))
    ij = np.stack(np.unravel_index(np.arange(n_buildings), (side, side)), axis=1).astype(float)
    x0 = ij[:, 0] * spacing + rng.uniform(0, 2, n_buildings)
    y0 = ij[:, 1] * spacing + rng.uniform(0, 2, n_buildings)
    w, d = rng.uniform(8, 14, n_buildings), rng.uniform(8, 14, n_buildings)
    h = rng.gamma(3.0, 4.0, n_buildings).clip(6, 40)
    corners = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float)
    v = np.empty((n_buildings, 8, 3))
    v[:, :, 0] = x0[:, None] + corners[:, 0] * w[:, None]
    v[:, :, 1] = y0[:, None] + corners[:, 1] * d[:, None]
    v[:, :, 2] = corners[:, 2] * h[:, None]
    quads = [([0, 3, 2, 1], GROUND), ([4, 5, 6, 7], ROOF), ([0, 1, 5, 4], WALL), ([1, 2, 6, 5], WALL),
             ([2, 3, 7, 6], WALL), ([3, 0, 4, 7], WALL)]
    tri = np.array([[q[0], q[1], q[2]] for q, _ in quads] + [[q[0], q[2], q[3]] for q, _ in quads])
    st = np.array([s for _, s in quads] * 2, dtype=np.int16)
    tris = (tri[None, :, :] + 8 * np.arange(n_buildings)[:, None, None]).reshape(-1, 3)
    return Scene(vertices=v.reshape(-1, 3), triangles=tris,
                 object_index=np.repeat(np.arange(n_buildings), 12), surface_type=np.tile(st, n_buildings),
                 object_ids=[f"b{i}" for i in range(n_buildings)], object_types=["Building"] * n_buildings,
                 origin=np.array([600000.0, 5790000.0, 70.0]), crs=CRSInfo(25832))


def shadow_rays(scene, n: int, seed: int = 11):
    """Ground points over the scene bbox (1 cm up) with directions towards random sun positions
    (elevation 5–65°): the rays shadow and sun-hour analyses cast."""
    rng = np.random.default_rng(seed)
    lo, hi = scene.bounds
    o = np.column_stack([rng.uniform(lo[0], hi[0], n), rng.uniform(lo[1], hi[1], n), np.full(n, lo[2] + 0.01)])
    az = rng.uniform(0, 2 * np.pi, n)
    el = np.radians(rng.uniform(5, 65, n))
    d = np.column_stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)])
    return o, d


def bench_scene(name: str, scene, n_rays: int, trimesh_rays: int) -> dict:
    import trimesh
    from embreex.mesh_construction import TriangleMesh
    from embreex.rtcore_scene import EmbreeScene

    from stadtbild.analysis.raycast import RayCaster

    print(f"\n-- {name}: {len(scene.object_ids):,} objects, {scene.n_triangles:,} triangles, {n_rays:,} rays")
    o, d = shadow_rays(scene, n_rays)
    o32, d32 = o.astype(np.float32), d.astype(np.float32)

    t_build, rc = timed(lambda: RayCaster(scene, backend="embree"), 1)

    def raw_build():
        es = EmbreeScene()
        TriangleMesh(es, scene.vertices.astype(np.float32), scene.triangles.astype(np.int32))
        es.run(o32[:1], d32[:1], query="OCCLUDED")
        return es

    t_raw_build, es = timed(raw_build, 1)
    t_np_build, _ = timed(lambda: RayCaster(scene, backend="numpy"), 1)
    t_tm_build, (mesh, tm_ray) = timed(lambda: warm_trimesh(scene.vertices, scene.triangles), 1)
    print(f"BVH build: ours (embree) {t_build * 1e3:.0f} ms, embreex direct {t_raw_build * 1e3:.0f} ms, "
          f"ours (numpy LBVH) {t_np_build * 1e3:.0f} ms, trimesh ray engine {t_tm_build * 1e3:.0f} ms "
          f"({type(mesh.ray).__module__})")

    t_raw1, raw = timed(lambda: es.run(o32, d32, query="OCCLUDED"))
    pool = ThreadPoolExecutor(2)
    halves = [(o32[: n_rays // 2].copy(), d32[: n_rays // 2].copy()), (o32[n_rays // 2:].copy(), d32[n_rays // 2:].copy())]
    t_raw2, _ = timed(lambda: list(pool.map(lambda od: es.run(od[0], od[1], query="OCCLUDED"), halves)))
    t_ours, occ = timed(lambda: rc.occluded(o, d))
    rc1 = RayCaster(scene, backend="embree", threads=1)
    t_ours1, _ = timed(lambda: rc1.occluded(o, d))
    t_first, hits = timed(lambda: rc.first_hit(o, d))
    t_raw_first, _ = timed(lambda: es.run(o32, d32, output=True))
    assert np.array_equal(occ, raw != -1) or (occ != (raw != -1)).mean() < 1e-4
    m = trimesh_rays
    # the baseline's BVH was built above (warm_trimesh), outside these timings, as ours was
    t_tm_any, tm_any = timed(lambda: tm_ray.intersects_any(o[:m], d[:m]))
    t_tm_first, _ = timed(lambda: tm_ray.intersects_first(o[:m], d[:m]))
    agree = (tm_any == occ[:m]).mean()
    rate = lambda t, k=n_rays: k / t / 1e6
    fastest = max(rate(t_raw1), rate(t_raw2))
    print(f"occlusion  : ours {rate(t_ours):.2f} M rays/s (2 threads), {rate(t_ours1):.2f} (1 thread); "
          f"embreex OCCLUDED direct {rate(t_raw1):.2f} (1 thread), {rate(t_raw2):.2f} (2 threads); "
          f"trimesh intersects_any {rate(t_tm_any, m):.2f}")
    print(f"             ratio ours / fastest embreex call = {rate(t_ours) / fastest:.2f}; "
          f"ours / trimesh = {rate(t_ours) / rate(t_tm_any, m):.1f}x; trimesh agrees on {agree * 100:.3f} % of rays; "
          f"{occ.mean() * 100:.1f} % of rays blocked")
    print(f"first hit  : ours {rate(t_first):.2f} M rays/s; embreex intersect direct {rate(t_raw_first):.2f} (1 thread); "
          f"trimesh intersects_first {rate(t_tm_first, m):.2f}; ratio ours / trimesh = "
          f"{rate(t_first) / rate(t_tm_first, m):.1f}x")

    # object masks: demolish 1 building, 1 %, 50 % — cost of set_object_enabled and query slowdown
    n_obj = len(scene.object_ids)
    rng = np.random.default_rng(1)
    for label, k in (("1 object (first)", 1), ("1 object", 1), ("1 % of objects", max(1, n_obj // 100)),
                     ("50 % of objects", n_obj // 2)):
        mask = np.ones(n_obj, bool)
        mask[rng.choice(n_obj, k, replace=False)] = False
        t_mask, _ = timed(lambda m=mask: rc.set_object_enabled(m), 1)
        t_q, _ = timed(lambda: rc.occluded(o, d), 1)
        note = " incl. one-off cell grid" if "first" in label else ""
        print(f"mask {label:>18}: set_object_enabled {t_mask * 1e3:7.1f} ms{note} (full rebuild {t_build * 1e3:.0f} ms), "
              f"occlusion then {rate(t_q):.2f} M rays/s")
    rc.set_object_enabled(np.ones(n_obj, bool))
    pool.shutdown()
    return {"occluded_mrays": rate(t_ours), "fastest_mrays": fastest}


def bench_numpy_fallback(scene, n: int = 50_000) -> None:
    from stadtbild.analysis.raycast import RayCaster

    o, d = shadow_rays(scene, n)
    rn = RayCaster(scene, backend="numpy")
    re = RayCaster(scene, backend="embree")
    t_n, a = timed(lambda: rn.occluded(o, d), 1)
    t_e, b = timed(lambda: re.occluded(o, d), 1)
    print(f"numpy fallback on the demo: {n / t_n / 1e3:.0f} k rays/s occlusion, random directions "
          f"(Embree {n / t_e / 1e6:.1f} M/s, {t_n / t_e:.0f}x slower); answers differ on {(a != b).sum()} of {n} rays")
    # sun rays: one direction for all origins (projected-grid lookup in the numpy backend)
    m = 200_000
    o2 = np.column_stack([o[:, :2].repeat(4, axis=0)[:m], np.full(m, scene.bounds[0, 2] + 0.01)])
    sun = np.array([np.sin(np.radians(220)) * np.cos(np.radians(30)), np.cos(np.radians(220)) * np.cos(np.radians(30)),
                    np.sin(np.radians(30))])
    t_n1, a1 = timed(lambda: rn.occluded(o2, sun), 2)
    t_e1, b1 = timed(lambda: re.occluded(o2, sun), 2)
    print(f"numpy fallback, one sun direction for all rays: {m / t_n1 / 1e3:.0f} k rays/s "
          f"(Embree {m / t_e1 / 1e6:.1f} M/s); answers differ on {(a1 != b1).sum()} of {m} rays")


def bench_sun_hours_1km2() -> None:
    """Sun-hours for a 1 m grid over 1 km² on 21 March (00:00–24:00, 10-min steps) in a city
    of ~3,000 buildings covering that square. Target < 60 s."""
    from stadtbild.analysis.shadow import sun_hours
    from stadtbild.analysis.sun import site_from_model

    scene = box_city_scene(3025, spacing=18.0)  # 55 × 55 buildings ≈ 1 km × 1 km
    lo = scene.bounds[0] + scene.origin
    extent = (lo[0], lo[1], lo[0] + 1000.0, lo[1] + 1000.0)
    site = site_from_model(scene)
    t, r = timed(lambda: sun_hours(scene, date="2026-03-21", step_min=10, cell_m=1.0, extent=extent, site=site), 1)
    f = r.figures()
    up = int((r.sun.elevation_deg > 0).sum())
    rays = int(r.grid.active.sum()) * up
    print(f"\nsun-hours 1 m grid over 1 km² (21 March, 10-min steps, {up} daylight steps, "
          f"{r.grid.active.sum():,} open-ground samples, {rays / 1e6:.0f} M rays): {t:.1f} s "
          f"(target < 60 s), mean {f['mean_sun_hours_h']:.2f} h, {rays / t / 1e6:.2f} M rays/s end to end")


def main() -> None:
    from stadtbild.analysis.raycast import embree_available

    if not embree_available():
        print("embreex is not installed: only the numpy backend is available; skipping")
        return
    from stadtbild.importers import load

    demo = load(ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json").scene()
    n = 2_000_000 if FULL else 1_000_000
    bench_scene("demo district (Delfshaven)", demo, n, 200_000)
    bench_numpy_fallback(demo)
    bench_scene("generated city, 10k buildings", box_city_scene(10_000), n, 200_000)
    if FULL:
        bench_scene("generated city, 50k buildings", box_city_scene(50_000), n, 200_000)
    else:
        bench_scene("generated city, 50k buildings", box_city_scene(50_000), n // 2, 100_000)
    bench_sun_hours_1km2()
    print("\n(2 shared cores: rates vary ±30 % between runs)")


if __name__ == "__main__":
    main()
