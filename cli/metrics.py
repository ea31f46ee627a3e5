"""``main.py metrics FILE [--scenario S] [-o metrics.csv|.json] [--json]``: heights, areas, volumes,
storeys and roof types per Building and BuildingPart (see :mod:`analysis.metrics`)."""
from __future__ import annotations

import math

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("metrics", help="eave/ridge heights, areas, volume, roof type per building (CSV/JSON)")
    common.add_model_arguments(p)
    p.add_argument("--storey-height", type=float, default=None, metavar="M",
                   help="assumed gross storey height for the storey estimate (default 3.0 m)")
    p.set_defaults(func=run)


def height_comparison(metrics) -> dict:
    """Summary of computed building height − the file's measuredHeight (m) over the rows that
    have one."""
    import numpy as np

    d = metrics["height_diff_m"]
    d = d[np.isfinite(d)]
    if not len(d):
        return {"count": 0}
    a = np.abs(d)
    return {"count": int(len(d)), "mean_m": round(float(d.mean()), 4), "median_m": round(float(np.median(d)), 4),
            "min_m": round(float(d.min()), 4), "max_m": round(float(d.max()), 4),
            "p95_abs_m": round(float(np.percentile(a, 95)), 4),
            "within_0_5_m": round(float(np.mean(a <= 0.5)), 4)}


def run(args) -> int:
    from stadtbild.analysis.metrics import STOREY_HEIGHT_M, compute_metrics

    out = args.output
    if out and not str(out).lower().endswith((".csv", ".json")):
        raise InputError(out, "metrics writes .csv or .json; give an output name ending in one of them")
    storey = STOREY_HEIGHT_M if args.storey_height is None else args.storey_height
    if not (math.isfinite(storey) and 1.0 <= storey <= 10.0):
        raise InputError(None, f"--storey-height must be between 1 and 10 m, got {storey}")
    model = common.load_model(args)
    common.check_output_not_source(out, model.sources)
    metrics = compute_metrics(model, lod=args.lod, storey_height_m=storey)
    records = metrics.records()
    buildings = [r for r in records if r["type"] == "Building"]
    parts = [r for r in records if r["type"] != "Building"]
    summary = {
        "buildings": buildings,
        "building_parts": parts,
        "count": len(buildings),
        "part_count": len(parts),
        "storey_height_m": storey,
        "crs": model.crs.name,
        "height_vs_measured": height_comparison(metrics),
    }
    if out:
        if str(out).lower().endswith(".csv"):
            common.atomic_write_bytes(out, metrics.to_csv_bytes())
        else:
            import json

            common.atomic_write_bytes(out, json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    if args.json:
        common.print_json(summary)
        return 0
    print(f"{len(buildings)} buildings, {len(parts)} building parts" + (f" -> {out}" if out else ""))
    hv = summary["height_vs_measured"]
    if hv["count"]:
        print(f"height vs measuredHeight: n={hv['count']}, median {hv['median_m']:+.2f} m, "
              f"95% within ±{hv['p95_abs_m']:.2f} m")
    if not out:
        print(f"{'id':<40} {'ground':>8} {'eave':>6} {'ridge':>6} {'footpr.':>8} {'volume':>9}  roof")
        for r in buildings[:50]:
            def f(v, w, p=1):
                return f"{v:>{w}.{p}f}" if v is not None else " " * (w - 1) + "-"
            print(f"{r['id'][:40]:<40} {f(r['ground_height_m'], 8, 2)} {f(r['eave_height_m'], 6)} "
                  f"{f(r['ridge_height_m'], 6)} {f(r['footprint_area_m2'], 8)} {f(r['volume_m3'], 9, 0)}  {r['roof_type']}")
        if len(buildings) > 50:
            print(f"… {len(buildings) - 50} more (use -o metrics.csv)")
    return 0
