"""``main.py setbacks FILE --rule nbauo|bauo-nrw|mbo|baybo [--parcels P.gpkg] [-o out.geojson|.dxf] [--json]``:
Abstandsflächen per wall and their conflicts (see :mod:`analysis.setbacks`)."""
from __future__ import annotations


from model.errors import InputError

from . import common

RULE_KEYS = ("nbauo", "bauo-nrw", "mbo", "baybo")

#: DXF layers (AutoCAD colour index): setback areas, violating ones, building footprints
DXF_LAYERS = {"ABSTANDSFLAECHE": 3, "ABSTANDSFLAECHE_VERLETZUNG": 1, "GEBAEUDE_GRUNDRISS": 8, "FLURSTUECK": 5}


def add_parser(sub) -> None:
    p = sub.add_parser("setbacks", help="Abstandsflächen per wall (state building codes) and their conflicts")
    common.add_model_arguments(p)
    p.add_argument("--rule", default="nbauo", choices=RULE_KEYS,
                   help="building code: nbauo (Niedersachsen, 0.5 H), bauo-nrw, mbo, baybo (0.4 H); min 3 m")
    p.add_argument("--parcels", metavar="P.gpkg", help="parcel polygons (GeoJSON/GPKG/Shapefile) to check plot boundaries")
    p.set_defaults(func=run)


def write_dxf(result, path, parcels=None) -> None:
    """Setback areas as closed LWPOLYLINEs with a solid HATCH, on layer ABSTANDSFLAECHE
    (green) or ABSTANDSFLAECHE_VERLETZUNG (red) for walls with a conflict; footprints on
    GEBAEUDE_GRUNDRISS; parcels on FLURSTUECK. Coordinates in the model CRS (m), z = 0."""
    import ezdxf
    import numpy as np
    import shapely

    doc = ezdxf.new("R2010", setup=False)
    doc.header["$INSUNITS"] = 6
    doc.header["$MEASUREMENT"] = 1
    for name, colour in DXF_LAYERS.items():
        doc.layers.add(name, color=colour)
    msp = doc.modelspace()
    ox, oy = float(result.origin[0]), float(result.origin[1])
    bad = result.violating_mask()

    def rings(geom):
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            yield [(x + ox, y + oy) for x, y in np.asarray(poly.exterior.coords)[:-1]], \
                  [[(x + ox, y + oy) for x, y in np.asarray(r.coords)[:-1]] for r in poly.interiors]

    for i in np.flatnonzero(result.kind == "outer"):
        layer = "ABSTANDSFLAECHE_VERLETZUNG" if bad[i] else "ABSTANDSFLAECHE"
        for ext, _ in rings(result.areas[i]):
            msp.add_lwpolyline(ext, close=True, dxfattribs={"layer": layer})
            hatch = msp.add_hatch(dxfattribs={"layer": layer})
            hatch.paths.add_polyline_path(ext, is_closed=True)
            hatch.transparency = 0.6
    for fp in result.footprints:
        for ext, holes in rings(fp):
            msp.add_lwpolyline(ext, close=True, dxfattribs={"layer": "GEBAEUDE_GRUNDRISS"})
            for h in holes:
                msp.add_lwpolyline(h, close=True, dxfattribs={"layer": "GEBAEUDE_GRUNDRISS"})
    for parcel in parcels or ():
        for poly in shapely.get_parts(parcel):
            if poly.geom_type == "Polygon":
                msp.add_lwpolyline(list(poly.exterior.coords)[:-1], close=True, dxfattribs={"layer": "FLURSTUECK"})
    from model.fileio import atomic_writer

    with atomic_writer(path, "wt", encoding=doc.output_encoding, errors="dxfreplace", newline="") as fh:
        doc.write(fh)


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
            write_dxf(result, out, parcels)
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
