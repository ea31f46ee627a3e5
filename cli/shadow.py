"""``main.py shadow FILE --time 2026-03-21T15:00 [--grid 1] [--scenario S] [--extent …] [--surfaces]
[--compare] -o out.{geojson,png,csv,tif} --json`` – cast shadow at a local time.

``--json`` prints ``sun_azimuth_deg, sun_elevation_deg, time_local, time_utc, shadow_area_m2,
ground_area_m2, sample_count`` (docs/ARCHITECTURE.md). Outputs: ``.tif`` GeoTIFF (1 shadow, 0 sun, nodata
under buildings; model CRS), ``.geojson`` shadow polygons per casting object (model CRS),
``.csv`` one row per sample, ``.png`` a rendered picture with the sun as key light.
``--compare`` (with ``--scenario``) also runs the model without the scenario on the same grid
and reports/writes the difference (after − before).
"""
from __future__ import annotations

from pathlib import Path

from stadtbild.model.errors import InputError

from . import common

OUTPUT_SUFFIXES = (".geojson", ".json", ".png", ".csv", ".tif", ".tiff")


def add_analysis_arguments(p) -> None:
    """Options shared by shadow and sunhours."""
    p.add_argument("--grid", type=float, default=1.0, metavar="M", help="ground grid spacing in metres (default 1)")
    p.add_argument("--extent", metavar="XMIN,YMIN,XMAX,YMAX",
                   help="ground extent in the model CRS (default: bbox grown by the longest shadow, at most 1 km)")
    p.add_argument("--polygon", metavar="AREA",
                   help="analysis area: a polygon file (GeoJSON/GPKG/Shapefile, any CRS) or 'x,y x,y x,y …' "
                        "in the model CRS; cells outside are not analysed")
    p.add_argument("--tz", help="IANA time zone of the given local times (default: from the site)")
    p.add_argument("--site", metavar="LAT,LON",
                   help="WGS84 position of the site when the model has no CRS (y is then taken as north)")
    p.add_argument("--surfaces", action="store_true", help="also sample facades and roofs")
    p.add_argument("--surface-grid", type=float, metavar="M", help="facade/roof sample spacing (default: --grid)")
    p.add_argument("--compare", action="store_true",
                   help="with --scenario: also run without it on the same grid and report after − before")
    p.add_argument("--view", default="auto", help="camera for .png output: auto, iso, iso-ne, iso-nw, iso-se, top")
    p.add_argument("--backend", default="auto", choices=["auto", "embree", "numpy"], help="ray-casting backend")


def add_parser(sub) -> None:
    p = sub.add_parser("shadow", help="cast shadow on the ground (and facades) at a local date/time")
    common.add_model_arguments(p)
    p.add_argument("--time", required=True, help="local time, e.g. 2026-03-21T15:00")
    add_analysis_arguments(p)
    p.set_defaults(func=run)


def check_output(args, model=None, suffixes=OUTPUT_SUFFIXES) -> None:
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in suffixes:
            raise InputError(args.output, f"unknown output type {suffix or '(none)'}; use "
                                          f"{', '.join(s for s in suffixes if s not in ('.json', '.tiff'))}")
        if model is not None:
            common.check_output_not_source(args.output, getattr(model, "sources", args.files))


def prepare(args, suffixes=OUTPUT_SUFFIXES):
    """(model, scene with terrain, before-scene or None) for shadow / sunhours / sunlight; the
    output name must end in one of ``suffixes`` (the calling command's output types)."""
    if args.compare and not getattr(args, "scenario", None):
        raise InputError(None, "--compare needs --scenario S.json")
    check_output(args, suffixes=suffixes)
    model = common.load_model(args)
    check_output(args, model, suffixes)
    scene = traced_scene(model, args.lod)
    before = None
    if args.compare:
        scenario, args.scenario = args.scenario, None
        try:
            base = common.load_model(args)
        finally:
            args.scenario = scenario
        # a scenario may move the model's bbox minimum: express "before" in the after frame
        before = traced_scene(base, args.lod).shifted_to(scene.origin)
    return model, scene, before


def traced_scene(model, lod):
    """:func:`model.ground.analysis_scene`, or the CLI's error for a model without surfaces."""
    from stadtbild.model.ground import analysis_scene

    scene = analysis_scene(model, lod)
    if scene.n_triangles == 0:
        raise InputError(None, "the model has no surface geometry to cast shadows")
    return scene


def parse_extent(args):
    return common.parse_floats(args.extent, 4, "--extent") if args.extent else None


def parse_polygon(args, model):
    """The --polygon area as one shapely (Multi)Polygon in the model CRS, or None."""
    text = getattr(args, "polygon", None)
    if not text:
        return None
    import numpy as np
    import shapely

    path = Path(text)
    if path.exists():
        import pyogrio

        try:
            meta, _, wkb, _ = pyogrio.raw.read(path)
        except Exception as exc:
            raise InputError(path, f"cannot read the polygon file: {' '.join(str(exc).split())[:200]}") from None
        geoms = [g for g in shapely.from_wkb(wkb) if g is not None and g.geom_type in ("Polygon", "MultiPolygon")]
        if not geoms:
            raise InputError(path, "no polygons in the file")
        area = shapely.union_all(geoms)
        src_crs = meta.get("crs")
        if src_crs and model.crs and model.crs.epsg:
            from pyproj import CRS, Transformer

            src = CRS.from_user_input(src_crs)
            if src.to_epsg() != model.crs.epsg:
                tr = Transformer.from_crs(src, model.crs.epsg, always_xy=True)
                area = shapely.transform(area, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        return area
    try:
        pts = [tuple(float(v) for v in pair.split(",")) for pair in text.replace(";", " ").split()]
        area = shapely.Polygon(pts)
    except (ValueError, TypeError):
        raise InputError(None, f"--polygon {text!r} is neither a file nor 'x,y x,y x,y …'") from None
    if len(pts) < 3 or not area.is_valid or area.area <= 0:
        raise InputError(None, f"--polygon {text!r} is not a valid polygon (≥ 3 points, not self-crossing)")
    return area


def analysis_site(args, scene):
    """The site for sun positions: --site LAT,LON, else the model's position via its CRS."""
    from stadtbild.analysis.sun import Site, site_from_model, timezone_at

    if getattr(args, "site", None):
        lat, lon = common.parse_floats(args.site, 2, "--site")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(None, f"--site {args.site}: latitude/longitude out of range")
        return Site(lat, lon, 0.0, args.tz or timezone_at(lat, lon), 0.0)
    return site_from_model(scene, tz=args.tz)


def check_view(args) -> None:
    from stadtbild.viewer.camera import VIEWS

    if args.view != "auto" and args.view not in VIEWS:
        raise InputError(None, f"unknown --view {args.view!r} (choose from auto, {', '.join(VIEWS)})")


def run(args) -> int:
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import before_after, shadow_at
    from stadtbild.analysis.sun import parse_local_time, zone
    from stadtbild.model.ground import ground_of

    if args.tz:
        zone(args.tz)
    check_view(args)
    model, scene, before = prepare(args)
    site = analysis_site(args, scene)
    parse_local_time(args.time, site.tz)  # validate before heavy work
    kw = dict(time=args.time, cell_m=args.grid, extent=parse_extent(args), polygon=parse_polygon(args, model),
              surfaces=args.surfaces,
              surface_cell_m=args.surface_grid, site=site, ground=ground_of(model, args.lod))
    diff = None
    if before is not None:
        diff = before_after(before, scene, "shadow", **kw)
        result = diff.after
    else:
        result = shadow_at(scene, raycaster=RayCaster(scene, backend=args.backend), **kw)
    figures = result.figures()
    cast = result.cast_on_neighbours()
    top = sorted(cast.items(), key=lambda kv: -(kv[1]["ground_m2"] + kv[1]["buildings_m2"]))
    figures["casters"] = [{"id": oid, **v} for oid, v in top[:20]]
    if diff is not None:
        figures["difference"] = diff.figures()
    if args.output:
        write_output(args.output, result, model, diff=diff, title=f"Schatten {result.sun.record()['time_local'][:16]}",
                     view=args.view)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    else:
        print(f"{figures['time_local']} (UTC {figures['time_utc']}): sun azimuth {figures['sun_azimuth_deg']:.2f}°, "
              f"elevation {figures['sun_elevation_deg']:.2f}°; shadow {figures['shadow_area_m2']:.1f} m² of "
              f"{figures['ground_area_m2']:.1f} m² open ground ({figures['sample_count']} samples)")
    return 0


# ---------------------------------------------------------------------- outputs
def write_output(path, result, model, diff=None, title: str | None = None, view: str = "auto") -> None:
    """Write a ShadowResult / SunHoursResult (or the difference when given) by file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".tif", ".tiff"):
        from stadtbild.exporters.tables import write_geotiff

        raster = diff.raster() if diff is not None else result.raster()
        write_geotiff(raster, path, crs=raster.crs)
    elif suffix in (".geojson", ".json"):
        from stadtbild.exporters.analysis_files import write_polygon_features

        features = (diff if diff is not None else result).features()
        write_polygon_features(path, features, model.crs)
    elif suffix == ".csv":
        from stadtbild.exporters.analysis_files import write_table_csv

        write_table_csv(path, result.sample_table(diff))
    elif suffix == ".png":
        from stadtbild.viewer.overlays import render_result

        render_result(result, path, title=title, difference=diff, view=view)
