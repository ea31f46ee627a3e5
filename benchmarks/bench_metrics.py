"""Townscape metrics and setbacks: seconds per 1000 buildings on the demo district (Delfshaven,
853 LoD2 buildings) and on a generated city of 10,000 gable houses (``benchmarks.citygen``).

Baseline in the same process: a naive per-building loop with trimesh — for every building its
triangles (from the same cached triangulation) go into ``trimesh.Trimesh(...)`` and we read
``.volume``, ``.area`` and ``.bounds`` (volume, surface area and height only: a fraction of what
``compute_metrics`` delivers). Ratio = ours / baseline; < 1 means we are faster. The triangulation
is built once beforehand and shared by both (reported separately). The generated city also
checks correctness: volume, eave and ridge of every house against the generator's dimensions.

The machine is shared (2 cores, other engineers' jobs running): timings are noisy, take them
as orders of magnitude.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import timed as _best  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
N_GENERATED = 10_000


def naive_trimesh(model):
    """Per building: trimesh volume, area and height (the baseline)."""
    import trimesh

    tri = model.triangulation()
    local = model.vertices - model.origin
    out = {}
    for oid, obj in model.objects.items():
        g = model.select_geometry(obj)
        if g is None:
            continue
        a = np.searchsorted(tri.polygon, g.poly_start)
        b = np.searchsorted(tri.polygon, g.poly_stop)
        used, inverse = np.unique(tri.triangles[a:b], return_inverse=True)
        mesh = trimesh.Trimesh(local[used], inverse.reshape(-1, 3), process=False)
        lo, hi = mesh.bounds
        out[oid] = (abs(mesh.volume), mesh.area, hi[2] - lo[2])
    return out


def _run(label, model, repeat=3):
    from stadtbild.analysis.metrics import compute_metrics
    from stadtbild.analysis.setbacks import compute_setbacks

    t_tri = time.perf_counter()
    model.triangulation()
    t_tri = time.perf_counter() - t_tri
    n = sum(o.type == "Building" for o in model.objects.values())

    def ours():
        model._cache.pop("metrics_polygon_arrays", None)
        model._cache.pop("metrics_canonical_vertices", None)
        return compute_metrics(model)

    t_ours, met = _best(ours, repeat)
    t_naive, base = _best(lambda: naive_trimesh(model), 1 if n > 5000 else repeat)
    t_sb, sb = _best(lambda: compute_setbacks(model, "nbauo"), 1)
    closed = met["closed"]
    vol = {oid: v for oid, v, c in zip(met.ids, met["volume_m3"], closed) if c}
    agree = np.array([abs(vol[k] - base[k][0]) <= 1e-6 * max(base[k][0], 1.0) for k in vol if k in base])
    k = 1000.0 / max(n, 1)
    print(f"{label}: {n} buildings, triangulation (shared) {t_tri:.2f} s")
    print(f"  metrics (all columns)       {t_ours:8.3f} s = {t_ours * k:7.3f} s/1000 buildings")
    print(f"  naive per-building trimesh  {t_naive:8.3f} s = {t_naive * k:7.3f} s/1000 buildings")
    print(f"  ratio ours/baseline         {t_ours / t_naive:8.3f}  ({t_naive / t_ours:.1f}x faster)")
    print(f"  volumes equal to trimesh on closed buildings: {int(agree.sum())}/{len(agree)}")
    print(f"  setbacks NBauO              {t_sb:8.3f} s = {t_sb * k:7.3f} s/1000 buildings "
          f"({sb.n_walls} walls, {len(sb.violations)} conflicts)")
    return met


def main() -> None:
    from benchmarks.citygen import house_arrays, write_city
    from stadtbild.importers import load

    _run("demo district (Delfshaven)", load(DEMO))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_city(Path(tmp) / "gen.city.json", N_GENERATED)
        model = load(path)
    met = _run(f"generated city ({N_GENERATED} gable houses)", model, repeat=2)
    x0, y0, w, d, eave, ridge = house_arrays(N_GENERATED)
    expected_v = w * d * eave + w * d * (ridge - eave) / 2
    order = np.argsort([int(i[1:]) for i in met.ids])  # ids B000000 … in generation order
    got_v = met["volume_m3"][order]
    ok_v = np.allclose(got_v, expected_v, rtol=1e-3)  # 1 mm CityJSON quantisation
    ok_h = np.allclose(met["ridge_height_m"][order], ridge, atol=2e-3) and np.allclose(met["eave_height_m"][order], eave, atol=2e-3)
    print(f"  generated city check: volumes {'ok' if ok_v else 'MISMATCH'}, eave/ridge {'ok' if ok_h else 'MISMATCH'}, "
          f"roof types {dict(zip(*np.unique(met['roof_type'], return_counts=True)))}")


if __name__ == "__main__":
    main()
