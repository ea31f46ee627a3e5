"""``main.py info FILE… [--json]``: format, version, CRS, counts, LoDs, bbox, vertices, triangles."""
from __future__ import annotations

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="describe a city model (format, CRS, counts, bbox …)")
    common.add_model_arguments(p, output=False)
    p.set_defaults(func=run)


def run(args) -> int:
    if len(args.files) == 1:
        from stadtbild.importers.xplanung import is_xplangml

        if is_xplangml(args.files[0]):
            return _plan_info(args)
    model = common.load_model(args)
    info = model.info()
    from stadtbild.importers.terrain import terrain_info

    info["terrain"] = terrain_info(model)  # null without --terrain
    info["layers"] = [lyr.summary() for lyr in model.layers]
    if args.json:
        common.print_json(info)
        return 0
    print(f"format:     {info['format']} {info['version'] or ''}")
    print(f"files:      {', '.join(info['files'])}")
    print(f"CRS:        {info['crs'] or 'unknown'}" + (f" + {info['vertical_crs']}" if info.get("vertical_crs") else ""))
    print(f"objects:    {info['objects']}")
    for t, n in info["object_counts"].items():
        print(f"  {t:<28}{n:>8}")
    print(f"LoDs:       {', '.join(info['lods']) or '-'}")
    if info["bbox"]:
        b = info["bbox"]
        print(f"bbox:       x {b[0]:.3f} … {b[3]:.3f}, y {b[1]:.3f} … {b[4]:.3f}, z {b[2]:.3f} … {b[5]:.3f}")
    else:
        print("bbox:       - (no geometry)")
    print(f"vertices:   {info['vertices']}")
    print(f"triangles:  {info['triangles']}")
    if info["semantic_surfaces"]:
        print("surfaces:   " + ", ".join(f"{k} {v}" for k, v in info["semantic_surfaces"].items()))
    if info.get("ground"):
        print(f"ground:     {info['ground']}")
    t = info.get("terrain")
    if t:
        zr = t["z_range_m"]
        print(f"terrain:    {t['shape'][1]} × {t['shape'][0]} nodes at {t['resolution_m'][0]:g} m, "
              f"{t['triangles']} triangles" + (f", z {zr[0]:.2f} … {zr[1]:.2f}" if zr else ""))
        off = t["floating_buildings"] + t["buried_buildings"]
        for r in off[:10]:
            print(f"  {r['status']:<9}{r['id']} ({r['offset_m']:+.2f} m)")
        if len(off) > 10:
            print(f"  … and {len(off) - 10} more floating/buried buildings")
    for lyr in info.get("layers") or []:
        print(f"layer:      {lyr['name']}: {lyr['features']} {lyr['geometry_type']} ({lyr['source_crs'] or 'no CRS'})")
    return 0


def _plan_info(args) -> int:
    """``info PLAN.gml``: an XPlanGML Bebauungsplan's counts, as for city models (``--crs``
    reprojects it)."""
    from stadtbild.importers.xplanung import read_xplanung

    plan = read_xplanung(args.files[0], crs=args.crs or None)
    info = plan.info()
    if args.json:
        common.print_json(info)
        return 0
    for w in info["warnings"]:
        print(f"warning: {w}")
    print(f"format:     {info['format']} {info['version']}")
    print(f"files:      {', '.join(info['files'])}")
    print(f"plan:       {info['plan_name'] or '-'} ({info['plans']} BP_Plan, {info['bereiche']} BP_Bereich, "
          f"{info['area_m2']:.0f} m²)")
    print(f"CRS:        {info['crs'] or 'unknown'}" + (f" (file: {info['source_crs']})"
                                                      if info["source_crs"] != info["crs"] else ""))
    print(f"features:   {info['objects']}")
    for t, n in info["object_counts"].items():
        print(f"  {t:<44}{n:>6}")
    print(f"Baufenster: {info['baufenster']}, Baugebiete: {info['baugebiete']}, Baugrenzen: {info['baugrenzen']}, "
          f"Baulinien: {info['baulinien']}, Höhenangaben: {info['hoehenangaben']}")
    if info["bbox"]:
        b = info["bbox"]
        print(f"bbox:       x {b[0]:.3f} … {b[3]:.3f}, y {b[1]:.3f} … {b[4]:.3f}")
    if info["unknown_features"]:
        print("unknown:    " + ", ".join(f"{k} {v}" for k, v in info["unknown_features"].items()))
    return 0
