"""Side-by-side figures of planning variants: the source model ("Bestand") and each scenario
applied to it (what a council compares: buildings, footprint, gross floor area, volume, heights).
"""
from __future__ import annotations

import math

import numpy as np

from .metrics import STOREY_HEIGHT_M, compute_metrics


def _building_rows(model, storey_height_m: float = STOREY_HEIGHT_M):
    """Per top-level building: footprint (m²), volume (m³), ground/eave/ridge heights (m) and the
    storey estimate from ``analysis.metrics.compute_metrics`` (one definition for the whole
    program)."""
    met = compute_metrics(model, storey_height_m=storey_height_m)
    top = np.array([p is None for p in met.parent_ids], dtype=bool)
    return met, top


def variant_figures(model, name: str, storey_height_m: float = STOREY_HEIGHT_M) -> dict:
    """Figures of one model state (see :func:`compare_variants`)."""
    met, top = _building_rows(model, storey_height_m)

    def col(k):
        return np.asarray(met[k], dtype=np.float64)[top] if len(met) else np.zeros(0)

    fp, vol = col("footprint_area_m2"), col("volume_m3")
    eave, ridge = col("eave_height_m"), col("ridge_height_m")
    storeys = np.nan_to_num(col("storeys"))
    gfa = np.nansum(np.nan_to_num(fp) * storeys)

    def stat(a, fn):
        a = a[np.isfinite(a)]
        return round(float(fn(a)), 3) if len(a) else None

    return {
        "name": name,
        "objects": len(model.objects),
        "buildings": int(top.sum()),
        "footprint_area_m2": round(float(np.nansum(fp)), 2),
        "gross_floor_area_m2": round(float(gfa), 1),
        "volume_m3": round(float(np.nansum(vol)), 1),
        "max_height_m": stat(ridge, np.max),
        "mean_eave_height_m": stat(eave, np.mean),
        "max_eave_height_m": stat(eave, np.max),
        "mean_ridge_height_m": stat(ridge, np.mean),
        "max_ridge_height_m": stat(ridge, np.max),
        "storey_height_m": storey_height_m,
    }


def compare_variants(model, scenarios, storey_height_m: float = STOREY_HEIGHT_M) -> list[dict]:
    """Side-by-side figures of the source model ("Bestand", first row) and each scenario applied
    to it: objects, buildings (top-level Building rows), footprint area (m²), gross floor area
    estimate (m²) = Σ footprint × storeys with storeys = max(1, round(eave height / 3 m)) — the
    storey height ``storey_height_m`` = 3 m is an assumption, say so when showing it —, volume (m³,
    signed volume of the closed solids, divergence theorem; roof prism for open shells), max
    height (m above ground), mean/max eave and ridge heights (m above ground); each scenario row
    also has ``delta`` (scenario − Bestand for the numeric figures), ``demolished`` and
    ``inserted`` counts. Heights, areas and volumes follow :mod:`analysis.metrics`."""
    rows = [variant_figures(model, "Bestand", storey_height_m)]
    rows[0].update(demolished=0, inserted=0)
    for sc in scenarios:
        out = sc.apply(model)
        r = variant_figures(out, sc.name, storey_height_m)
        rep = sc.last_report
        r["demolished"] = len(rep.demolished) if rep else None
        r["inserted"] = len(rep.inserted) if rep else None
        r["delta"] = {k: (round(r[k] - rows[0][k], 3) if isinstance(r[k], (int, float)) and isinstance(rows[0][k], (int, float))
                          and not isinstance(r[k], bool) and math.isfinite(r[k] - rows[0][k]) else None)
                      for k in ("objects", "buildings", "footprint_area_m2", "gross_floor_area_m2", "volume_m3",
                                "max_height_m", "mean_eave_height_m", "max_eave_height_m",
                                "mean_ridge_height_m", "max_ridge_height_m")}
        rows.append(r)
    return rows
