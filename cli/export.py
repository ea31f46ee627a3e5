"""``main.py export FILE [--scenario S] [--results R.json] -o OUT.<ext> [--local-origin] [--json]``.

The format follows the output name: ``.dxf`` (CAD), ``.obj`` (+ ``.mtl``), ``.glb``/``.gltf``,
``.stl``, ``.ifc`` (IFC4), ``.city.json`` (CityJSON 2.0), ``.city.jsonl`` (CityJSONSeq),
``.gml`` (CityGML 2.0), ``.csv``/``.geojson`` (one table: ``--table objects|surfaces|<layer>``),
``.gpkg`` (all tables as layers), ``.tif`` (a result raster: ``--raster NAME``), ``.pdf`` (report).
The scenario's edits are applied first (demolished objects are drawn as outlines in DXF and the
report); ``--results`` adds analysis results (:mod:`exporters.results` JSON) as attributes,
coloured faces, layers and legends. ``--json`` prints {path, format, objects (after edits),
demolished, inserted} (counts) plus ``written`` (objects in the file) and the id lists
``demolished_ids`` / ``inserted_ids``.
"""
from __future__ import annotations

import sys

from model.errors import InputError

from . import common

#: output suffix -> (format name, needs results)
FORMATS = {
    ".city.jsonl": "CityJSONSeq", ".jsonl": "CityJSONSeq", ".city.json": "CityJSON", ".dxf": "DXF",
    ".obj": "OBJ", ".glb": "GLB", ".gltf": "glTF", ".stl": "STL", ".ifc": "IFC", ".gml": "CityGML",
    ".citygml": "CityGML", ".csv": "CSV", ".geojson": "GeoJSON", ".gpkg": "GeoPackage", ".tif": "GeoTIFF",
    ".tiff": "GeoTIFF", ".pdf": "PDF",
}


def format_of(path) -> str:
    name = str(path).lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    raise InputError(path, "unknown export format; use one of " + ", ".join(
        s for s in FORMATS if s not in (".jsonl", ".citygml", ".tiff")))


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="export the (edited) model and results to DXF, OBJ, glTF, STL, IFC, "
                                      "CityJSON, CityGML, CSV, GeoJSON, GeoPackage, GeoTIFF or PDF")
    common.add_model_arguments(p)
    p.add_argument("--results", metavar="R.json", help="analysis results to include (Stadtbild results JSON)")
    p.add_argument("--local-origin", action="store_true",
                   help="shift coordinates to the model's local origin (offset recorded in the file)")
    p.add_argument("--table", default="objects",
                   help="CSV/GeoJSON: objects (default), surfaces, or a result layer name")
    p.add_argument("--raster", metavar="NAME", help="GeoTIFF: which result raster (default: the first)")
    p.add_argument("--per-object", action="store_true", help="STL: one named solid per object (ASCII)")
    p.add_argument("--dxf-entity", choices=["polyface", "mesh"], default="polyface",
                   help="DXF: POLYFACE (default, read everywhere) or MESH (faster, R2010+ readers)")
    p.add_argument("--title", help="PDF: report title")
    p.set_defaults(func=run)


def run(args) -> int:
    if not args.output:
        raise InputError(None, "export needs -o OUT (e.g. out.dxf, out.glb, out.ifc, out.city.json, out.pdf)")
    fmt = format_of(args.output)
    scenario_path = args.scenario
    args.scenario = None
    model = common.load_model(args)
    common.check_output_not_source(args.output, list(model.sources) + list(args.files))
    from exporters._common import Edits

    edits = Edits(original=model)
    edited = model
    scenario_name = None
    if scenario_path:
        from model.scenario import Scenario

        common.check_output_not_source(args.output, [scenario_path])
        scenario = Scenario.load(scenario_path)
        edited = scenario.apply(model)
        rep = scenario.last_report
        scenario_name = scenario.name
        edits = Edits(demolished=[i for i in dict.fromkeys(rep.demolished) if i not in edited.objects],
                      inserted=[i for i in dict.fromkeys(rep.inserted) if i in edited.objects], original=model)
        if not args.json:
            for w in rep.warnings:
                sys.stderr.write(f"warning: {scenario_path}: {w}\n")
    results = None
    if args.results:
        from exporters.results import Results

        common.check_output_not_source(args.output, [args.results])
        results = Results.load(args.results, edited)
    summary = export(edited, args.output, fmt, edits=edits, results=results, lod=args.lod,
                     local_origin=args.local_origin, table=args.table, raster=args.raster,
                     per_object=args.per_object, dxf_entity=args.dxf_entity, title=args.title,
                     scenario_name=scenario_name)
    out = {"path": str(args.output), "format": fmt, "objects": len(edited.objects),
           "demolished": len(edits.demolished), "inserted": len(edits.inserted),
           "written": summary.get("objects"), "demolished_ids": edits.demolished, "inserted_ids": edits.inserted}
    if "offset" in summary:
        out["offset"] = summary["offset"]
    if args.json:
        common.print_json(out)
    else:
        print(f"wrote {args.output} ({fmt}, {out['written']} objects"
              + (f", {out['demolished']} demolished, {out['inserted']} inserted" if scenario_path else "") + ")")
    return 0


def export(model, path, fmt: str | None = None, edits=None, results=None, lod=None, local_origin=False,
           table="objects", raster=None, per_object=False, dxf_entity="polyface", title=None,
           scenario_name=None) -> dict:
    """Write ``model`` to ``path`` in ``fmt`` (from the suffix when None); the GUI's File ▸ Export
    calls this too. Returns the exporter's summary (at least ``objects``)."""
    fmt = fmt or format_of(path)
    if lod is not None and not any(model.select_geometry(o, lod) for o in model.objects.values()):
        raise InputError(None, f"the model has no geometry at LoD {lod} (has: {', '.join(model.lods()) or 'none'})")
    if fmt not in ("PDF", "GeoTIFF", "CSV", "GeoJSON", "GeoPackage", "CityJSON", "CityJSONSeq", "CityGML") \
            and model.scene(lod=lod).n_triangles == 0:
        raise InputError(path, "nothing to export: the model has no surface geometry")
    if fmt == "DXF":
        from exporters.dxf import write_dxf

        return write_dxf(model, path, lod=lod, edits=edits, results=results, local_origin=local_origin,
                         entity=dxf_entity)
    if fmt in ("GLB", "glTF"):
        from exporters.meshes import write_gltf

        return write_gltf(model, path, lod=lod, edits=edits, analysis=_first(results), local_origin=local_origin)
    if fmt == "OBJ":
        from exporters.meshes import write_obj

        return write_obj(model, path, lod=lod, edits=edits, analysis=_first(results), local_origin=local_origin)
    if fmt == "STL":
        from exporters.meshes import write_stl

        return write_stl(model, path, lod=lod, edits=edits, per_object=per_object)
    if fmt == "IFC":
        from exporters.ifc import write_ifc

        return write_ifc(model, path, lod=lod, edits=edits, results=results)
    if fmt in ("CityJSON", "CityJSONSeq"):
        from exporters.cityjson import write_cityjson, write_cityjsonseq

        obj_attrs, surf_attrs = result_attributes(model, results)
        writer = write_cityjsonseq if fmt == "CityJSONSeq" else write_cityjson
        writer(model, path, object_attributes=obj_attrs, surface_attributes=surf_attrs)
        return {"objects": len(model.objects)}
    if fmt == "CityGML":
        from exporters.citygml import write_citygml

        obj_attrs, _ = result_attributes(model, results)
        return write_citygml(model, path, lod=lod, object_attributes=obj_attrs)
    if fmt == "CSV":
        from exporters.tables import write_csv

        return write_csv(model, path, lod=lod, results=results, edits=edits, table=table)
    if fmt == "GeoJSON":
        from exporters.tables import write_geojson

        return write_geojson(model, path, lod=lod, results=results, edits=edits, table=table)
    if fmt == "GeoPackage":
        from exporters.tables import write_gpkg

        return write_gpkg(model, path, lod=lod, results=results, edits=edits)
    if fmt == "GeoTIFF":
        from exporters.tables import pick_raster, write_geotiff

        _, _, r = pick_raster(results, raster)
        return write_geotiff(r, path, crs=model.crs.name)
    if fmt == "PDF":
        from exporters.report import write_report

        return write_report(model, path, results=results, edits=edits, lod=lod, title=title,
                            scenario_name=scenario_name)
    raise InputError(path, f"unknown export format {fmt}")


def _first(results):
    return next((a for a in results or [] if a.colour_key() is not None), None)


def result_attributes(model, results):
    """Results -> the CityJSON/CityGML writers' hooks: ({id: {name: value}},
    {model polygon row: {name: value}}). Names are ``<analysis>_<value>``."""
    import math

    import numpy as np

    obj_attrs: dict = {}
    surf_attrs: dict = {}
    for a in results or []:
        for oid, attrs in a.objects.items():
            if oid in model.objects:
                d = obj_attrs.setdefault(oid, {})
                for k, v in attrs.items():
                    d[f"{a.name}_{k}"] = v
        for name, vals in a.surfaces.items():
            vals = np.asarray(vals, dtype=float)
            for row in np.flatnonzero(np.isfinite(vals)):
                v = float(vals[row])
                if math.isfinite(v):
                    surf_attrs.setdefault(int(row), {})[f"{a.name}_{name}"] = v
    return obj_attrs or None, surf_attrs or None

