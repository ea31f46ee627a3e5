"""``main.py sunlight FILE [--scenario S --compare] [--equinox 2026-03-21 --winter 2026-01-17]
[--spacing 2 --storey-height 3] [--polygon AREA | --ids a,b] -o points.{geojson,csv,png} --json`` –
facade sunlight exposure after DIN 5034-1 (possible sunshine ≥ 4 h at the equinox, ≥ 1 h on
17 January, sun ≥ 6° high and in front of the facade) at check points on every facade
(:mod:`analysis.sunlight`).

``--json`` prints the figures of :meth:`analysis.sunlight.SunlightResult.figures`; with
``--compare`` (and ``--scenario``) also the points and buildings that lose compliance through the
scenario. Outputs: ``.geojson`` one point per check point (model CRS, with z), ``.csv`` the same
rows, ``.png`` a rendered picture with the points coloured by result, ``.city.json`` /
``.city.jsonl`` the (edited) model with per-building attributes ``sunlight_points``,
``sunlight_meets_equinox``, ``sunlight_meets_both``, ``sunlight_best_equinox_h``,
``sunlight_best_winter_h`` (and ``sunlight_points_losing`` with ``--compare``).
"""
from __future__ import annotations

from pathlib import Path

from stadtbild.model.errors import InputError

from . import common

OUTPUT_SUFFIXES = (".geojson", ".json", ".csv", ".png", ".jsonl")


def add_parser(sub) -> None:
    from stadtbild.analysis.sunlight import EQUINOX_HOURS, MIN_ELEVATION_DEG, WINTER_HOURS

    p = sub.add_parser("sunlight", help="facade sunlight exposure after DIN 5034-1 (Besonnung), before/after")
    common.add_model_arguments(p)
    p.add_argument("--equinox", metavar="DATE", help="equinox day (default: 21 March of this year)")
    p.add_argument("--winter", metavar="DATE", help="winter day (default: 17 January of this year)")
    p.add_argument("--min-elevation", type=float, default=MIN_ELEVATION_DEG, metavar="DEG",
                   help=f"sun counts from this elevation in degrees (DIN 5034-1: {MIN_ELEVATION_DEG:g})")
    p.add_argument("--hours-equinox", type=float, default=EQUINOX_HOURS, metavar="H",
                   help=f"threshold on the equinox (DIN 5034-1: {EQUINOX_HOURS:g} h)")
    p.add_argument("--hours-winter", type=float, default=WINTER_HOURS, metavar="H",
                   help=f"threshold on the winter day (DIN 5034-1: {WINTER_HOURS:g} h)")
    p.add_argument("--step", type=float, default=2.0, metavar="MIN", help="minutes per sun position, ≤ 10 (default 2)")
    p.add_argument("--spacing", type=float, default=2.0, metavar="M", help="check points every M metres along a facade")
    p.add_argument("--storey-height", type=float, default=3.0, metavar="M", help="one row of points per storey of M metres")
    p.add_argument("--first-row", type=float, default=1.5, metavar="M",
                   help="height of the lowest row above the building's lowest point (window centre, default 1.5)")
    p.add_argument("--ids", help="check only these buildings (comma-separated ids); all objects still cast shadow")
    p.add_argument("--polygon", metavar="AREA",
                   help="check only facades inside this polygon (file in any CRS, or 'x,y x,y …' in the model CRS)")
    p.add_argument("--compare", action="store_true",
                   help="with --scenario: also check the same points without it; report lost compliance")
    p.add_argument("--tz", help="IANA time zone (default: from the site)")
    p.add_argument("--site", metavar="LAT,LON", help="WGS84 position when the model has no CRS")
    p.add_argument("--view", default="auto", help="camera for .png output: auto, iso, iso-ne, iso-nw, iso-se, top")
    p.add_argument("--backend", default="auto", choices=["auto", "embree", "numpy"], help="ray-casting backend")
    p.set_defaults(func=run)


def run(args) -> int:
    import numpy as np

    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.samples import building_objects
    from stadtbild.analysis.sunlight import compare_sunlight, default_dates, facade_sunlight
    from stadtbild.model.ground import ground_of

    from .shadow import analysis_site, check_view, parse_polygon, prepare

    if args.output and Path(args.output).suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(args.output, f"unknown output type {Path(args.output).suffix or '(none)'}; "
                                      f"use .geojson, .csv, .png, .city.json or .city.jsonl")
    check_view(args)
    args.compare = bool(args.compare)
    model, scene, before = prepare(args, OUTPUT_SUFFIXES)
    site = analysis_site(args, scene)
    eq_default, winter_default = default_dates()
    dates = (args.equinox or eq_default.isoformat(), args.winter or winter_default.isoformat())
    objects = building_objects(scene)
    if args.ids:
        wanted = {s.strip() for s in args.ids.split(",") if s.strip()}
        parts = {oid for oid, o in model.objects.items() if any(p in wanted for p in o.parents)}
        missing = wanted - set(model.objects)
        if missing:
            raise InputError(None, f"--ids: no object {sorted(missing)[0]!r} in the model")
        objects &= np.isin(np.array(scene.object_ids, dtype=object), list(wanted | parts))
    parent = {oid: o.parents[0] for oid, o in model.objects.items() if o.parents}
    kw = dict(dates=dates, step_min=args.step, min_elevation_deg=args.min_elevation, site=site,
              spacing_m=args.spacing, storey_height_m=args.storey_height, first_row_m=args.first_row,
              ground=ground_of(model, args.lod), objects=objects, object_parent=parent,
              equinox_threshold_h=args.hours_equinox, winter_threshold_h=args.hours_winter)
    rc = RayCaster(scene, backend=args.backend)  # one BVH for the check points and the hours
    area = parse_polygon(args, model)
    if area is not None:
        kw["points"] = _points_in_area(scene, area, rc, kw)
    if before is not None:
        result = compare_sunlight(before, scene, raycaster=rc, **kw)
    else:
        result = facade_sunlight(scene, raycaster=rc, **kw)
    figures = result.figures()
    if args.output:
        write_output(args.output, result, model, view=args.view)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    else:
        print(f"{figures['check_points']} facade points on {figures['buildings']} buildings: "
              f"{figures['points_meeting_equinox']} with ≥ {args.hours_equinox:g} h on {dates[0]}, "
              f"{figures['points_meeting_both']} also ≥ {args.hours_winter:g} h on {dates[1]}")
        if "difference" in figures:
            d = figures["difference"]
            print(f"scenario: {d['points_losing_compliance']} points on {d['buildings_losing_compliance']} "
                  f"buildings lose compliance")
    return 0


def _points_in_area(scene, area, rc, kw):
    import shapely

    from stadtbild.analysis.samples import facade_points

    pts = facade_points(scene, kw["spacing_m"], kw["storey_height_m"], kw["first_row_m"], objects=kw["objects"],
                        raycaster=rc, ground=kw["ground"])
    xy = pts.points[:, :2] + scene.origin[:2]
    return pts.subset(shapely.contains_xy(area, xy[:, 0], xy[:, 1]))


# ---------------------------------------------------------------------- outputs
def write_output(path, result, model, view: str = "auto") -> None:
    """The result by file suffix: PNG (viewer), CityJSON / CityJSONSeq with per-building
    attributes, CSV or GeoJSON of the check points (exporters)."""
    from stadtbild.exporters.analysis_files import write_point_features, write_table_csv, write_with_attributes

    common.check_output_not_source(path, model.sources)
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        from stadtbild.viewer.overlays import render_sunlight

        render_sunlight(result, path, view=view)
        return
    if Path(path).name.lower().endswith((".city.json", ".city.jsonl", ".jsonl")):
        attrs = {b: {f"sunlight_{k}": v for k, v in d.items()} for b, d in result.per_building().items()}
        write_with_attributes(path, model, object_attributes=attrs)
    elif suffix == ".csv":
        write_table_csv(path, result.point_table())
    else:
        write_point_features(path, result.point_table(), model.crs)
