"""``main.py setbacks FILE --rule nbauo|bauo-nrw|mbo|baybo [--parcels P.gpkg] [-o out.geojson|.dxf] [--json]``:
Abstandsflächen per wall and their conflicts (see :mod:`analysis.setbacks`)."""
from __future__ import annotations

from stadtbild.model.errors import InputError

from . import common

RULE_KEYS = ("auto", "nbauo", "bauo-nrw", "mbo", "baybo")

def add_parser(sub) -> None:
    p = sub.add_parser("setbacks", help="Abstandsflächen per wall (state building codes) and their conflicts")
    common.add_model_arguments(p)
    p.add_argument("--rule", default="auto", choices=RULE_KEYS,
                   help="building code: auto (the Land of the model, from the buildings' Gemeindeschlüssel or "
                        "the position; default), nbauo (Niedersachsen, 0.5 H), bauo-nrw, mbo, baybo (0.4 H); min 3 m")
    p.add_argument("--min-overlap", type=float, default=None, metavar="M2",
                   help="overlaps up to this area are slivers, not conflicts (default 0.5 m²)")
    p.add_argument("--min-width", type=float, default=None, metavar="M",
                   help="overlaps up to this mean width are slivers, not conflicts (default 0.10 m)")
    p.add_argument("--parcels", metavar="P.gpkg", help="parcel polygons (GeoJSON/GPKG/Shapefile) to check plot boundaries")
    p.set_defaults(func=run)


def run(args) -> int:
    from stadtbild.analysis.setbacks import compute_setbacks, read_parcels

    out = args.output
    if out and not str(out).lower().endswith((".geojson", ".json", ".dxf")):
        raise InputError(out, "setbacks writes .geojson or .dxf; give an output name ending in one of them")
    model = common.load_model(args)
    common.check_output_not_source(out, model.sources)
    parcels = pids = None
    if args.parcels:
        common.check_output_not_source(out, [args.parcels])
        parcels, pids = read_parcels(args.parcels, model.crs)
    from stadtbild.analysis.setbacks import SLIVER_AREA_M2, SLIVER_WIDTH_M

    tol = dict(sliver_area_m2=SLIVER_AREA_M2 if args.min_overlap is None else args.min_overlap,
               sliver_width_m=SLIVER_WIDTH_M if args.min_width is None else args.min_width)
    result = compute_setbacks(model, args.rule, parcels=parcels, parcel_ids=pids, lod=args.lod, **tol)
    summary = result.summary()
    if out:
        if str(out).lower().endswith(".dxf"):
            from stadtbild.exporters.analysis_files import write_setbacks_dxf

            write_setbacks_dxf(result, out, parcels)
        else:
            common.atomic_write_bytes(out, result.to_geojson_bytes())
        summary["path"] = str(out)
    if args.json:
        common.print_json(summary)
        return 0
    choice = summary["rule_choice"]
    how = {"attribute": "from the buildings' Gemeindeschlüssel", "location": "from the model's position",
           "default": "default"}.get(choice.get("source"), "as given")
    land = f" – {choice['land_name']}" if choice.get("land_name") else ""
    print(f"{summary['rule_name']}{land} ({how}; {choice.get('note', '')}): {summary['citation']}".replace("; )", ")"))
    print(f"{summary['walls']} walls ({summary['outer_walls']} outer, {summary['party_walls']} party, "
          f"{summary['interior_walls']} interior) of {summary['buildings']} buildings"
          + (f" -> {out}" if out else ""))
    print(f"{summary['violating_walls']} walls with conflicts, {len(summary['violations'])} conflicts; "
          f"{summary['slivers_ignored']} slivers ignored (≤ {tol['sliver_area_m2']:g} m² or ≤ {tol['sliver_width_m']:g} m wide)")
    for v in summary["violations"][:30]:
        print(f"  {v['wall_id']:<50} {v['kind']:<9} {str(v['other_id']):<40} {v['overlap_m2']:9.2f} m²")
    if len(summary["violations"]) > 30:
        print(f"  … {len(summary['violations']) - 30} more (use --json or -o)")
    return 0
