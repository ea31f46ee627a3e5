"""``main.py sightline FILE --from X,Y[,Z] (--to X,Y[,Z] | --target ID) [--aim top|centre|any]
[--eye-height 1.6] [--scenario S] -o out.{geojson,csv,png} --json`` – is the target visible?

``--json`` prints ``visible, blocked_by [ids, nearest first], first_hit [x, y, z] (model CRS) or
null, distance_m`` (docs/ARCHITECTURE.md; distance to the first hit, or to the target when visible) plus
``observer, target, length_m, blocker_distances_m, min_clearance_m, min_clearance_at_m`` and, for an
object target, ``target_id, aim, visible_points, target_points``. A point without Z stands at
ground height plus ``--eye-height``. Outputs: ``.geojson`` the line, first hit and blockers
(model CRS), ``.csv`` the clearance profile, ``.png`` a picture (line green/red, hit marked).

The helpers here are shared by ``viewshed`` and ``viewcone``.
"""
from __future__ import annotations

from pathlib import Path

from stadtbild.model.errors import InputError

from . import common

SUFFIXES = (".geojson", ".json", ".csv", ".png")


# ---------------------------------------------------------------------- shared helpers
def add_view_arguments(p) -> None:
    """--from, --eye-height, --backend (shared by sightline, viewshed, viewcone)."""
    p.add_argument("--from", dest="from_", metavar="X,Y[,Z]", help="observer / viewpoint in the model CRS "
                   "(without Z: ground height + --eye-height)")
    p.add_argument("--eye-height", type=float, default=1.6, metavar="M", help="eye height above ground in m (default 1.6)")
    p.add_argument("--backend", default="auto", choices=["auto", "embree", "numpy"], help="ray-casting backend")


def check_suffix(args, allowed) -> None:
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in allowed:
            raise InputError(args.output, f"unknown output type {suffix or '(none)'}; use {', '.join(allowed)}")


def parse_point(text: str, what: str) -> list[float]:
    return common.parse_floats(text, (2, 3), what)


def load_scene(args):
    """(model, analysis scene with terrain, ground, RayCaster) after --scenario/--terrain."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.model.ground import analysis_scene, ground_of

    if args.output:
        common.check_output_not_source(args.output, args.files)
    model = common.load_model(args)
    if args.output:
        common.check_output_not_source(args.output, getattr(model, "sources", args.files))
    scene = analysis_scene(model, args.lod)
    if scene.n_triangles == 0:
        raise InputError(args.files[0], "the model has no surface geometry")
    ground = ground_of(model, args.lod)
    return model, scene, ground, RayCaster(scene, backend=args.backend)


def eye_point(scene, ground, text: str, eye_height: float, what: str = "--from"):
    from stadtbild.analysis.sightline import place_points

    if not text:
        raise InputError(None, f"{what} X,Y[,Z] is required")
    if not (0 <= eye_height < 1000):
        raise InputError(None, f"--eye-height must be between 0 and 1000 m, got {eye_height}")
    return place_points(scene, [parse_point(text, what) + ([] if len(text.split(",")) == 3 else [float("nan")])],
                        eye_height, ground)[0]


def write_geojson(path, scene, features) -> None:
    """``features`` [(shapely geometry in the model CRS, {properties})] as GeoJSON
    (:func:`exporters.analysis_files.write_feature_collection`)."""
    from stadtbild.exporters.analysis_files import write_feature_collection

    write_feature_collection(path, features, scene.crs)


def write_csv(path, columns: dict) -> None:
    """``columns`` as CSV (:func:`exporters.analysis_files.write_table_csv`)."""
    from stadtbild.exporters.analysis_files import write_table_csv

    write_table_csv(path, columns)


# ---------------------------------------------------------------------- command
def add_parser(sub) -> None:
    p = sub.add_parser("sightline", help="is a target point or object visible from a viewpoint?")
    common.add_model_arguments(p)
    add_view_arguments(p)
    p.add_argument("--to", metavar="X,Y[,Z]", help="target point in the model CRS (without Z: ground + eye height)")
    p.add_argument("--target", metavar="ID", help="target object id (see --aim)")
    p.add_argument("--aim", default="top", choices=["top", "centre", "any"],
                   help="point of the target object: its highest corner (default), the centroid of its "
                        "surface, or 'any': visible if any of --points points on its facades/roofs is")
    p.add_argument("--points", type=int, default=32, metavar="N", help="target points for --aim any (default 32)")
    p.add_argument("--clearance-step", type=float, default=1.0, metavar="M",
                   help="sample spacing of the clearance profile in m (default 1)")
    p.set_defaults(func=run)


def run(args) -> int:
    from stadtbild.analysis.sightline import sightline

    check_suffix(args, SUFFIXES)
    if (args.to is None) == (args.target is None):
        raise InputError(None, "give either --to X,Y[,Z] or --target ID")
    if not args.from_:
        raise InputError(None, "--from X,Y[,Z] is required")
    parse_point(args.from_, "--from")
    if args.to:
        parse_point(args.to, "--to")
    if not (0 < args.clearance_step <= 1000):
        raise InputError(None, f"--clearance-step must be between 0 and 1000 m, got {args.clearance_step}")
    if not (1 <= args.points <= 10000):
        raise InputError(None, f"--points must be between 1 and 10000, got {args.points}")
    model, scene, ground, rc = load_scene(args)
    obs = eye_point(scene, ground, args.from_, args.eye_height)
    target = eye_point(scene, ground, args.to, args.eye_height, "--to") if args.to else None
    res = sightline(scene, obs, target=target, target_id=args.target, aim=args.aim, n_points=args.points,
                    raycaster=rc, ground=ground, clearance_step_m=args.clearance_step)
    figures = res.figures()
    if args.output:
        write_output(args.output, res)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    else:
        state = "visible" if res.visible else "blocked by " + ", ".join(res.blocked_by)
        print(f"{state}; line {figures['length_m']:.1f} m"
              + (f", first hit after {figures['distance_m']:.1f} m at {figures['first_hit']}" if res.first_hit is not None else "")
              + (f"; min clearance {figures['min_clearance_m']:.2f} m" if figures.get("min_clearance_m") is not None else ""))
    return 0


def write_output(path, res) -> None:
    import numpy as np
    import shapely

    suffix = Path(path).suffix.lower()
    scene = res.scene
    w = scene.to_world
    if suffix in (".geojson", ".json"):
        feats = [(shapely.LineString([w(res.observer), w(res.target)]),
                  {"kind": "sightline", "visible": res.visible, "distance_m": round(res.distance_m, 3),
                   "length_m": round(res.length_m, 3), "blocked_by": ";".join(res.blocked_by)})]
        feats.append((shapely.Point(w(res.observer)), {"kind": "observer"}))
        feats.append((shapely.Point(w(res.target)), {"kind": "target"}))
        if res.first_hit is not None:
            feats.append((shapely.Point(w(res.first_hit)), {"kind": "first_hit", "object_id": res.blocked_by[0]
                          if res.blocked_by else None, "distance_m": round(res.distance_m, 3)}))
        u = (res.target - res.observer) / max(res.length_m, 1e-12)
        for oid, d in zip(res.blocked_by, res.blocker_distances_m):
            feats.append((shapely.Point(w(res.observer + d * u)), {"kind": "blocker", "object_id": oid,
                                                                   "distance_m": round(float(d), 3)}))
        write_geojson(path, scene, feats)
    elif suffix == ".csv":
        c = res.clearance
        if c is None:
            raise InputError(path, "no clearance profile was computed")
        ids = np.array(list(scene.object_ids) + [""], dtype=object)
        xy = c.xy + scene.origin[:2]
        write_csv(path, {"s_m": c.s_m, "x": xy[:, 0], "y": xy[:, 1], "z_line": c.z_line + scene.origin[2],
                         "z_below": c.z_below + scene.origin[2], "clearance_m": c.clearance_m,
                         "object_below": ids[c.object_index]})
    elif suffix == ".png":
        from stadtbild.viewer.sight_view import render_sightline

        render_sightline(res, path)
