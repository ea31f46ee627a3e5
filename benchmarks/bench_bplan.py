"""Bebauungsplan: reading the XPlanGML plans and checking a variant against one.

Read: every plan in shared/data/xplanung, ``read_xplanung`` (features, geometry with densified
arcs, reprojection of the Gauss-Krüger plan to UTM 32N) against the baseline ``lxml.etree.parse``
of the same file (a DOM, nothing interpreted): ratio ours / parse.

Check: ``check_compliance`` of N box buildings (default 2000) scattered over BP2070 (1.4 km², 31
Baufenster, 37 zones) against the baseline of the same run that every check needs first — the
building metrics and footprints (``compute_metrics`` + ``footprint_polygons``): ratio check /
baseline and seconds per 1000 buildings. The machine is shared: compare ratios.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import DATA, timed  # noqa: E402

N_BUILDINGS = int(os.environ.get("BENCH_BPLAN_BUILDINGS", 2000))


def scattered_boxes(area, n: int, seed: int = 1):
    """``n`` axis-aligned box buildings (8–30 m wide, 4–30 m high) with centres in ``area``."""
    import shapely

    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = area.bounds
    out = []
    while len(out) < n:
        x, y = rng.uniform(xmin, xmax, 4 * n), rng.uniform(ymin, ymax, 4 * n)
        ok = shapely.contains_xy(area, x, y)
        for xi, yi in zip(x[ok], y[ok]):
            if len(out) == n:
                break
            out.append((f"b{len(out)}", xi, yi, xi + rng.uniform(8, 30), yi + rng.uniform(8, 30), 5.0,
                        5.0 + rng.uniform(4, 30)))
    return out


def main() -> None:
    from lxml import etree

    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.analysis.metrics import compute_metrics
    from stadtbild.model.footprint import footprint_polygons
    from stadtbild.importers.xplanung import read_xplanung
    from tests.helpers import box_model

    for path in sorted((DATA / "xplanung").glob("*.gml")):
        t_ours, plan = timed(lambda: read_xplanung(path, crs=25832), 3)
        t_dom, _ = timed(lambda: etree.parse(str(path)), 3)
        mb = path.stat().st_size / 1e6
        print(f"read {path.name:42s} {mb:5.2f} MB {len(plan.features):4d} features  {t_ours * 1e3:7.1f} ms "
              f"({mb / t_ours:5.1f} MB/s)  lxml parse {t_dom * 1e3:6.1f} ms  ratio {t_ours / t_dom:5.1f}")
    plan = read_xplanung(DATA / "xplanung" / "BP2070_xplan51.gml", crs=25832)
    model = box_model(scattered_boxes(plan.geltungsbereich(), N_BUILDINGS))
    model.triangulation()

    def baseline():
        model._cache.pop("metrics_polygon_arrays", None)
        return compute_metrics(model), footprint_polygons(model)

    def ours():
        model._cache.pop("metrics_polygon_arrays", None)
        return check_compliance(model, plan)

    t_base, _ = timed(baseline, 2)
    t_check, res = timed(ours, 1)
    k = 1000.0 / N_BUILDINGS
    print(f"check BP2070, {N_BUILDINGS} buildings: {t_check:.2f} s = {t_check * k:.2f} s/1000 buildings, "
          f"{len(res.violations)} violations")
    print(f"  baseline metrics + footprints {t_base:.2f} s; ratio check / baseline {t_check / t_base:.1f}")


if __name__ == "__main__":
    main()
