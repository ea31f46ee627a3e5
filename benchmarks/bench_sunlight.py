"""Facade sunlight (DIN 5034-1, analysis.sunlight) on the demo district.

Baseline in the same process: the same sun rays traced with trimesh's default ray engine
(``mesh.ray.intersects_any``, what a script without our ray core would use), on a sample of the
check points, extrapolated per ray, its BVH built before the timing (as ours is). Both trace only
the rays with the sun in front of the facade. Reported: check points, rays, time of ours (the whole
check: both days, all points), traced rays/s of both and "ratio ours/trimesh" = trimesh's time per
traced ray / ours (> 1: ours is faster); and the before/after comparison (two models, the same
points) against one plain run.
"""
from __future__ import annotations

import time

import numpy as np

from benchmarks.common import DATA, best_of, timed, warm_trimesh

DATES = ("2026-03-21", "2026-01-17")
BASELINE_POINTS = 300


def main() -> None:
    from stadtbild.model.ground import ground_for
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.sun import site_from_model
    from stadtbild.analysis.samples import facade_points
    from stadtbild.analysis.sunlight import _day_directions, compare_sunlight, facade_sunlight
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario

    model = load(DATA / "demo" / "3-20-DELFSHAVEN.city.json")
    scene = model.scene()
    site = site_from_model(scene)
    ground = ground_for(scene)
    t_build, rc = timed(lambda: RayCaster(scene), repeat=1)
    t_pts, pts = timed(lambda: facade_points(scene, raycaster=rc, ground=ground))
    t_run, res = timed(lambda: facade_sunlight(scene, points=pts, dates=DATES, site=site, raycaster=rc), repeat=3)
    dirs = [_day_directions(__import__("datetime").date.fromisoformat(d), site, 2.0, 6.0) for d in DATES]
    n_dirs = sum(len(d) for d in dirs)
    rays = len(pts) * n_dirs
    print(f"demo: {len(pts):,} facade check points, {n_dirs} sun positions (2 min steps, ≥ 6°) → {rays / 1e6:.1f} M rays")
    print(f"ray core build {t_build * 1e3:.0f} ms, check points {t_pts * 1e3:.0f} ms, both days {t_run:.2f} s "
          f"({rays / t_run / 1e6:.1f} M sun directions × points per second)")

    # baseline: trimesh's default engine on a sample of points, all directions of both days
    mesh, tm_ray = warm_trimesh(scene.vertices, scene.triangles)  # its BVH built outside the timing, as ours
    rng = np.random.default_rng(3)
    sample = rng.choice(len(pts), size=min(BASELINE_POINTS, len(pts)), replace=False)
    d_all = np.vstack(dirs)
    o = np.repeat(pts.points[sample], len(d_all), axis=0)
    d = np.tile(d_all, (len(sample), 1))
    front = np.einsum("ij,ij->i", np.repeat(pts.normals[sample], len(d_all), axis=0), d) > 0
    t_tm = best_of(lambda: tm_ray.intersects_any(o[front], d[front]), repeat=3)
    # only rays with the sun in front of the facade are traced (by both): compare per traced ray
    traced = rays * float(front.mean())
    per_ray_tm = t_tm / max(int(front.sum()), 1)
    per_ray_ours = t_run / traced
    print(f"traced (sun in front of the facade): ≈ {traced / 1e6:.1f} M rays, ours {traced / t_run / 1e6:.1f} M rays/s")
    print(f"trimesh intersects_any on {len(sample)} points ({int(front.sum()):,} rays in front): "
          f"{front.sum() / t_tm / 1e6:.2f} M rays/s → ratio ours/trimesh {per_ray_tm / per_ray_ours:.1f}× "
          f"(whole check with trimesh ≈ {per_ray_tm * traced:.0f} s)")
    # agreement on the sample: hours from trimesh's answers equal ours
    blocked = np.zeros(len(o), dtype=bool)
    blocked[front] = tm_ray.intersects_any(o[front], d[front])
    lit = (front & ~blocked).reshape(len(sample), len(d_all))
    n0 = len(dirs[0])
    h_eq = lit[:, :n0].sum(axis=1) * 2.0 / 60.0
    print(f"agreement on the sample: max |Δ hours| at the equinox {np.abs(h_eq - res.hours_equinox[sample]).max():.3f} h")

    # before/after: a 40 m tower
    tower = Scenario("Turm", [{"op": "extrude", "id": "turm", "footprint": [[90950, 435760], [90970, 435760],
                                                                           [90970, 435780], [90950, 435780]],
                               "ground_z": 0.0, "height_m": 40.0}])
    after_model = tower.apply(model)
    after = after_model.scene()
    before = scene.shifted_to(after.origin)
    t0 = time.perf_counter()
    cmp = compare_sunlight(before, after, dates=DATES, site=site, ground=ground_for(after))
    t_cmp = time.perf_counter() - t0
    f = cmp.figures()["difference"]
    print(f"before/after with a 40 m tower: {t_cmp:.2f} s for both models on {len(cmp.points):,} points "
          f"({t_cmp / t_run:.1f}× one run); {f['points_losing_compliance']} points on "
          f"{f['buildings_losing_compliance']} buildings lose compliance")
    print("(shared 2-core machine: timings are noisy)")


if __name__ == "__main__":
    main()
