"""Export time and file size of the demo district (Delfshaven, 853 LoD2 buildings, 37,646
triangles) in every format, with one analysis result attached (per-surface values on all
polygons, per-object values, a polygon layer and a 100×100 raster) where the format carries
results.

Baseline in the same process: trimesh's own GLB export of the whole district as ONE merged mesh
(no ids, no colours, no metadata) — the least any exporter has to do to write these triangles.
Printed per format: seconds (best of ``BENCH_EXPORT_REPEAT``, default 1 for the slow formats),
ratio to the baseline, file size in MB, and size relative to the baseline GLB.

DXF before/after (issue 10b): the default POLYFACE export writes its VERTEX records in bulk
(``exporters.dxf.PackedPolyface``); "before" is the same file built from ezdxf's own VERTEX
entities (``packed=False``, the issue-10 code path). Both rows and their ratio are printed.
The machine is shared (2 cores, other engineers' jobs): timings are noisy; compare ratios.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import best_of

REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", 1))


def _results(model):
    import shapely

    from stadtbild.exporters.results import AnalysisResult, Results
    from stadtbild.model.raster import Raster

    bb = model.bbox()
    a = AnalysisResult(
        name="bench", title="benchmark values", surfaces={"area_m2": model.polygon_areas()},
        objects={oid: {"rank": i} for i, oid in enumerate(model.objects)},
        layers={"box": [(shapely.box(bb[0], bb[1], bb[0] + 100, bb[1] + 100), {"value": 1.0})]},
        rasters={"grid": Raster(np.random.default_rng(1).random((100, 100)),
                                (5.0, 0.0, bb[0], 0.0, -5.0, bb[4]), units="1")})
    return Results([a], crs=model.crs.name)


def main() -> None:
    import trimesh
    from trimesh.exchange.gltf import export_glb

    from stadtbild.cli.export import export
    from stadtbild.importers import load
    from tests.conftest import DEMO

    model = load(DEMO)
    sc = model.scene()
    results = _results(model)
    out = Path(tempfile.mkdtemp(prefix="bench_export_"))

    def baseline():
        mesh = trimesh.Trimesh(sc.vertices, sc.triangles, process=False)
        (out / "baseline.glb").write_bytes(export_glb(trimesh.Scene(mesh)))

    t_base = best_of(baseline, 3)
    size_base = (out / "baseline.glb").stat().st_size
    print(f"demo district: {len(model.objects)} objects, {sc.n_triangles} triangles")
    print(f"baseline trimesh merged GLB: {t_base * 1000:.0f} ms, {size_base / 1e6:.2f} MB")
    print(f"{'format':<26}{'seconds':>9}{'× base':>9}{'MB':>8}{'size ×':>8}")
    cases = [
        ("GLB", "d.glb", {}), ("glTF (embedded)", "d.gltf", {}), ("OBJ+MTL", "d.obj", {}),
        ("STL merged", "d.stl", {}), ("STL per object", "o.stl", {"per_object": True}),
        ("DXF POLYFACE", "d.dxf", {}), ("DXF POLYFACE before", "b.dxf", {"packed": False}),
        ("DXF MESH", "m.dxf", {"dxf_entity": "mesh"}),
        ("DXF POLYFACE + results", "r.dxf", {"results": results}),
        ("DXF POLYFACE + res. before", "s.dxf", {"results": results, "packed": False}),
        ("IFC4", "d.ifc", {}), ("CityJSON", "d.city.json", {}), ("CityJSONSeq", "d.city.jsonl", {}),
        ("CityGML 2.0", "d.gml", {}), ("CSV objects", "d.csv", {"results": results}),
        ("GeoJSON objects", "d.geojson", {"results": results}), ("GeoPackage (all)", "d.gpkg", {"results": results}),
        ("GeoTIFF", "d.tif", {"results": results}), ("PDF report", "d.pdf", {"results": results}),
    ]
    def write(path, kw):
        if "packed" in kw:  # the issue-10 DXF path: not an export() option, only write_dxf's
            from stadtbild.exporters.dxf import write_dxf

            kw = {k: v for k, v in kw.items()}
            return write_dxf(model, path, results=kw.pop("results", None), **kw)
        return export(model, path, **kw)

    seconds = {}
    for label, name, kw in cases:
        path = out / name
        slow = name.endswith((".dxf", ".ifc", ".pdf"))
        try:
            t = best_of(lambda path=path, kw=kw: write(path, kw), 1 if slow else max(REPEAT, 1))
            seconds[label] = t
        except Exception as exc:  # report and continue
            print(f"{label:<26} failed: {type(exc).__name__}: {exc}")
            continue
        size = path.stat().st_size + sum(p.stat().st_size for p in out.glob(path.stem + ".mtl"))
        print(f"{label:<26}{t:>9.2f}{t / t_base:>9.1f}{size / 1e6:>8.2f}{size / size_base:>8.2f}", flush=True)
    for after, before in (("DXF POLYFACE", "DXF POLYFACE before"),
                          ("DXF POLYFACE + results", "DXF POLYFACE + res. before")):
        if after in seconds and before in seconds:
            print(f"{after}: before {seconds[before]:.2f} s -> after {seconds[after]:.2f} s "
                  f"({seconds[before] / seconds[after]:.1f}× faster)")
    for p in out.iterdir():
        p.unlink()
    out.rmdir()


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.1f} s")
