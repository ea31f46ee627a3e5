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

from stadtbild.exporters.export import FORMATS, export, format_of  # noqa: F401  (light: writers import lazily)
from stadtbild.model.errors import InputError

from . import common


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
                   help="DXF: POLYFACE (default, read everywhere) or MESH (smaller file, R2010+ readers)")
    p.add_argument("--title", help="PDF: report title")
    add_public_arguments(p)
    p.set_defaults(func=run)


def add_public_arguments(p) -> None:
    """--public / --public-config (also used by ``convert``)."""
    p.add_argument("--public", action="store_true",
                   help="public export: leave out attributes marked internal (owners, addresses, parcels, "
                        "contacts; list in ~/.config/stadtbild/public_export.json)")
    p.add_argument("--public-config", metavar="J.json",
                   help="settings file with the internal attribute names for --public")


def make_public(args, *models):
    """The models without internal attributes when --public is given (else unchanged), and the
    number of attribute values removed from the LAST model (the one that is written; the others,
    e.g. the model before a scenario, only serve as references). The same model object given
    twice (no scenario) is copied once."""
    if not getattr(args, "public", False):
        return (*models, 0)
    from stadtbild.model.privacy import internal_patterns, public_copy

    patterns = internal_patterns(getattr(args, "public_config", None))
    copies: dict[int, tuple] = {}
    for m in models:
        if id(m) not in copies:
            copies[id(m)] = public_copy(m, patterns)
    removed = sum(copies[id(models[-1])][1].values()) if models else 0
    return (*(copies[id(m)][0] for m in models), removed)


def run(args) -> int:
    if not args.output:
        raise InputError(None, "export needs -o OUT (e.g. out.dxf, out.glb, out.ifc, out.city.json, out.pdf)")
    fmt = format_of(args.output)
    scenario_path = args.scenario
    args.scenario = None
    model = common.load_model(args)
    common.check_output_not_source(args.output, list(model.sources) + list(args.files))
    from stadtbild.exporters._common import Edits

    edits = Edits(original=model)
    edited = model
    scenario_name = None
    if scenario_path:
        from stadtbild.importers import LOADERS
        from stadtbild.model.scenario import Scenario

        common.check_output_not_source(args.output, [scenario_path])
        scenario = Scenario.load(scenario_path)
        edited = scenario.apply(model, loaders=LOADERS)
        rep = scenario.last_report
        scenario_name = scenario.name
        edits = Edits(demolished=[i for i in dict.fromkeys(rep.demolished) if i not in edited.objects],
                      inserted=[i for i in dict.fromkeys(rep.inserted) if i in edited.objects], original=model)
        if not args.json:
            for w in rep.warnings:
                sys.stderr.write(f"warning: {scenario_path}: {w}\n")
    model, edited, n_private = make_public(args, model, edited)
    if args.public:
        edits.original = model
    results = None
    if args.results:
        from stadtbild.exporters.results import Results

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
    if args.public:
        out["public"] = True
        out["internal_values_removed"] = n_private
    if args.json:
        common.print_json(out)
    else:
        print(f"wrote {args.output} ({fmt}, {out['written']} objects"
              + (f", {out['demolished']} demolished, {out['inserted']} inserted" if scenario_path else "") + ")")
    return 0
