"""``main.py viewshed FILE --from X,Y[,Z] [--radius 500] [--grid 2] [--azimuth A --hfov 360]
[--vfov MIN,MAX] [--no-surfaces] [--scenario S] -o out.{tif,geojson,csv,png} --json`` – what can
be seen from a viewpoint: ground cells and facade/roof samples within the radius and field of view.

``main.py viewshed FILE --landmark ID [--extent XMIN,YMIN,XMAX,YMAX] [--layer streets.gpkg] [--grid 5] …``
– the reverse question: from which street points (open ground at eye height, on a grid over the
extent, or inside the polygons of the ``--layer`` files; lines are buffered by one cell) is the
landmark visible?

``--json`` prints ``visible_fraction`` (visible share of the open ground in range; with
``--landmark``: share of street points that see it), ``visible_objects`` [ids, most visible area
first], ``sample_count`` (docs/ARCHITECTURE.md) and extras. Outputs: ``.tif`` GeoTIFF (1 visible, 0 hidden,
nodata −1; model CRS), ``.geojson`` merged visible-ground polygons (and the observer), ``.csv``
one row per sample, ``.png`` a picture (ground and facades coloured by visibility).
"""
from __future__ import annotations

from pathlib import Path

from stadtbild.model.errors import InputError

from . import common
from .sightline import add_view_arguments, check_suffix, eye_point, load_scene, write_csv, write_geojson

SUFFIXES = (".tif", ".tiff", ".geojson", ".json", ".csv", ".png")


def add_parser(sub) -> None:
    p = sub.add_parser("viewshed", help="visible ground and facades from a viewpoint (or where a landmark is seen from)")
    common.add_model_arguments(p)
    add_view_arguments(p)
    p.add_argument("--radius", type=float, default=500.0, metavar="M", help="horizontal radius in m (default 500)")
    p.add_argument("--grid", type=float, default=None, metavar="M",
                   help="ground grid spacing in m (default 2; 5 with --landmark)")
    p.add_argument("--surface-grid", type=float, metavar="M", help="facade/roof sample spacing (default: --grid)")
    p.add_argument("--no-surfaces", action="store_true", help="ground only, no facade/roof samples")
    p.add_argument("--azimuth", type=float, metavar="DEG", help="view direction (grid azimuth, 0 = north, clockwise)")
    p.add_argument("--hfov", type=float, default=360.0, metavar="DEG", help="horizontal field of view (default 360)")
    p.add_argument("--vfov", metavar="MIN,MAX", help="vertical field of view as elevation angles (default -90,90)")
    p.add_argument("--landmark", metavar="ID", help="instead: from which street points is this object visible?")
    p.add_argument("--extent", metavar="XMIN,YMIN,XMAX,YMAX", help="street-point area for --landmark "
                   "(default: the --layer polygons, else within --radius of the landmark)")
    p.add_argument("--points", type=int, default=32, metavar="N", help="target points on the landmark (default 32)")
    p.set_defaults(func=run)


def run(args) -> int:
    from stadtbild.analysis.landmark import landmark_visibility, street_points
    from stadtbild.analysis.viewshed import viewshed

    check_suffix(args, SUFFIXES)
    if (args.from_ is None) == (args.landmark is None):
        raise InputError(None, "give --from X,Y[,Z] (viewshed) or --landmark ID (where is it seen from)")
    cell_m = args.grid if args.grid is not None else (5.0 if args.landmark else 2.0)
    if not (0 < cell_m <= 1000):
        raise InputError(None, f"--grid must be between 0 and 1000 m, got {cell_m}")
    if not (0 < args.radius <= 50000):
        raise InputError(None, f"--radius must be between 0 and 50000 m, got {args.radius}")
    vmin, vmax = common.parse_floats(args.vfov, 2, "--vfov") if args.vfov else (-90.0, 90.0)
    if args.hfov < 360 and args.azimuth is None:
        raise InputError(None, "--hfov below 360° needs --azimuth (the view direction)")
    model, scene, ground, rc = load_scene(args)
    progress = common.Progress(1, "viewshed", enabled=None if not args.json else False)
    if args.landmark:
        from stadtbild.analysis.sightline import object_centre, object_number

        extent = common.parse_floats(args.extent, 4, "--extent") if args.extent else None
        polygon = street_area(model, cell_m)
        if extent is None and polygon is None:
            c = scene.to_world(object_centre(scene, object_number(scene, args.landmark)))
            extent = (c[0] - args.radius, c[1] - args.radius, c[0] + args.radius, c[1] + args.radius)
        if polygon is not None and extent is not None:
            import shapely

            polygon = polygon.intersection(shapely.box(*extent))
            if polygon.is_empty:
                raise InputError(None, "the --layer street area does not overlap --extent")
        grid, mask, obs = street_points(scene, extent=None if polygon is not None else extent, polygon=polygon,
                                        cell_m=cell_m, eye_height_m=args.eye_height, ground=ground, raycaster=rc)
        if not len(obs):
            raise InputError(None, "no open ground (street points) in the area")
        res = landmark_visibility(scene, args.landmark, obs, aim="any", n_points=args.points, raycaster=rc,
                                  progress=progress)
        res.grid, res.cell_mask = grid, mask
    else:
        obs = eye_point(scene, ground, args.from_, args.eye_height)
        res = viewshed(scene, obs, radius_m=args.radius, cell_m=cell_m, surfaces=not args.no_surfaces,
                       surface_cell_m=args.surface_grid, azimuth_deg=args.azimuth, hfov_deg=args.hfov,
                       vmin_deg=vmin, vmax_deg=vmax, raycaster=rc, ground=ground, progress=progress)
    figures = res.figures()
    if args.output:
        write_output(args.output, res)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    elif args.landmark:
        print(f"{args.landmark} visible from {100 * figures['visible_fraction']:.1f} % of "
              f"{figures['sample_count']} street points")
    else:
        print(f"{100 * figures['visible_fraction']:.1f} % of {figures['ground_area_m2']:.0f} m² open ground visible "
              f"within {args.radius:g} m; {len(figures['visible_objects'])} objects visible "
              f"({figures['sample_count']} samples)")
    return 0


def street_area(model, cell_m: float):
    """The street area for ``--landmark`` from the ``--layer`` files (model CRS): the union of
    their polygons; lines (street centrelines) are buffered by one grid cell. None without layers."""
    layers = model.layers
    if not layers:
        return None
    import shapely

    area = shapely.union_all([lyr.union() for lyr in layers])
    if area.is_empty:
        return None
    if area.area <= 0:
        area = area.buffer(max(cell_m, 1.0))
    return area


def write_output(path, res) -> None:
    import numpy as np
    import shapely

    from stadtbild.analysis.landmark import LandmarkResult

    suffix = Path(path).suffix.lower()
    scene = res.scene
    if suffix in (".tif", ".tiff"):
        from stadtbild.exporters.tables import write_geotiff

        r = res.raster()
        write_geotiff(r, path, crs=r.crs)
    elif suffix in (".geojson", ".json"):
        poly = res.polygons()
        feats = []
        if not poly.is_empty:
            feats.append((poly, {"kind": "visible", "area_m2": round(poly.area, 3)}))
        if isinstance(res, LandmarkResult):
            from stadtbild.analysis.sightline import object_top

            feats.append((shapely.Point(scene.to_world(object_top(scene, res.landmark))),
                          {"kind": "landmark", "object_id": scene.object_ids[res.landmark]}))
        else:
            feats.append((shapely.Point(scene.to_world(res.observer)), {"kind": "observer"}))
        write_geojson(path, scene, feats)
    elif suffix == ".csv":
        if isinstance(res, LandmarkResult):
            p = scene.to_world(res.observers)
            write_csv(path, {"x": p[:, 0], "y": p[:, 1], "z_eye": p[:, 2], "visible": res.visible.astype(np.int8),
                             "visible_points": res.visible_points})
        else:
            write_csv(path, res.points())
    elif suffix == ".png":
        from stadtbild.viewer.sight_view import render_viewshed

        render_viewshed(res, path)
