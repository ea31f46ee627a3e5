"""``main.py setbacks FILE --rule nbauo|bauo-nrw|mbo|baybo [--parcels P.gpkg] [-o out.geojson|.dxf] [--json]``:
Abstandsflächen per wall and their conflicts (see :mod:`analysis.setbacks`)."""
from __future__ import annotations

from model.errors import InputError

from . import common

RULE_KEYS = ("nbauo", "bauo-nrw", "mbo", "baybo")

def add_parser(sub) -> None:
    p = sub.add_parser("setbacks", help="Abstandsflächen per wall (state building codes) and their conflicts")
    common.add_model_arguments(p)
    p.add_argument("--rule", default="nbauo", choices=RULE_KEYS,
                   help="building code: nbauo (Niedersachsen, 0.5 H), bauo-nrw, mbo, baybo (0.4 H); min 3 m")
    p.add_argument("--parcels", metavar="P.gpkg", help="parcel polygons (GeoJSON/GPKG/Shapefile) to check plot boundaries")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.setbacks import compute_setbacks, read_parcels

    out = args.output
    if out and not str(out).lower().endswith((".geojson", ".json", ".dxf")):
        raise InputError(out, "setbacks writes .geojson or .dxf; give an output name ending in one of them")
    model = common.load_model(args)
    common.check_output_not_source(out, model.sources)
    parcels = pids = None
    if args.parcels:
        common.check_output_not_source(out, [args.parcels])
        parcels, pids = read_parcels(args.parcels, model.crs)
    result = compute_setbacks(model, args.rule, parcels=parcels, parcel_ids=pids, lod=args.lod)
    summary = result.summary()
    if out:
        if str(out).lower().endswith(".dxf"):
            from exporters.analysis_files import write_setbacks_dxf

            write_setbacks_dxf(result, out, parcels)
        else:
            common.atomic_write_bytes(out, result.to_geojson_bytes())
        summary["path"] = str(out)
    if args.json:
        common.print_json(summary)
        return 0
    print(f"{summary['rule_name']}: {summary['citation']}")
    print(f"{summary['walls']} walls ({summary['outer_walls']} outer, {summary['party_walls']} party, "
          f"{summary['interior_walls']} interior) of {summary['buildings']} buildings"
          + (f" -> {out}" if out else ""))
    print(f"{summary['violating_walls']} walls with conflicts, {len(summary['violations'])} conflicts")
    for v in summary["violations"][:30]:
        print(f"  {v['wall_id']:<50} {v['kind']:<9} {str(v['other_id']):<40} {v['overlap_m2']:9.2f} m²")
    if len(summary["violations"]) > 30:
        print(f"  … {len(summary['violations']) - 30} more (use --json or -o)")
    return 0
