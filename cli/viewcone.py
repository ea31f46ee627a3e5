"""``main.py viewcone FILE --from X,Y[,Z] --target ID|X,Y,Z [--half-angle 5 | --width M]
[--aim top|centre] [--grid 1] [--above-ground] [--scenario S] -o out.{tif,obj,geojson,csv,png}
--json`` – protected view corridor (Sichtachse): which objects intrude and by how much.

The corridor is the wedge (``--half-angle``, default 5°) or strip (``--width``) from the viewpoint
to the target, bounded below by the sight plane (level across the axis, rising linearly from the
eye to the target point). ``--json`` prints ``intruding`` [{``id``, ``above_m``}] (metres above the
sight plane, largest first) and ``target`` [x, y, z] (docs/ARCHITECTURE.md) plus extras. Outputs: ``.tif`` the
height limit (sight-plane height per cell, absolute; ``--above-ground`` relative to the ground),
``.obj`` the height-limit surface as triangles (model CRS), ``.geojson`` the corridor footprint
(3D, at the sight plane) and the intruders' highest points, ``.csv`` the intruders, ``.png`` a
picture (translucent corridor, intruding buildings red).
"""
from __future__ import annotations

from pathlib import Path

from stadtbild.model.errors import InputError

from . import common
from .sightline import add_view_arguments, check_suffix, eye_point, load_scene, write_csv, write_geojson

SUFFIXES = (".tif", ".tiff", ".obj", ".geojson", ".json", ".csv", ".png")


def add_parser(sub) -> None:
    p = sub.add_parser("viewcone", help="protected view corridor: intruding objects and the height limit")
    common.add_model_arguments(p)
    add_view_arguments(p)
    p.add_argument("--target", required=True, metavar="ID|X,Y,Z", help="target object id or point (model CRS)")
    p.add_argument("--aim", default="top", choices=["top", "centre"],
                   help="point of a target object the sight plane runs to (default: its highest corner)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--half-angle", type=float, metavar="DEG", help="horizontal half opening angle (default 5°)")
    g.add_argument("--width", type=float, metavar="M", help="constant corridor width in m instead of a wedge")
    p.add_argument("--grid", type=float, default=1.0, metavar="M", help="height-limit raster cell size (default 1 m)")
    p.add_argument("--above-ground", action="store_true", help="height-limit raster relative to the ground")
    p.add_argument("--include-terrain", action="store_true", help="also report terrain rising above the plane")
    p.set_defaults(func=run)


def _target_point(text: str):
    parts = text.split(",")
    if len(parts) in (2, 3):
        try:
            return [float(v) for v in parts]
        except ValueError:
            return None
    return None


def run(args) -> int:
    from stadtbild.analysis.corridor import view_corridor

    check_suffix(args, SUFFIXES)
    if not args.from_:
        raise InputError(None, "--from X,Y[,Z] is required")
    common.parse_floats(args.from_, (2, 3), "--from")
    if not (0 < args.grid <= 1000):
        raise InputError(None, f"--grid must be between 0 and 1000 m, got {args.grid}")
    model, scene, ground, rc = load_scene(args)
    vp = eye_point(scene, ground, args.from_, args.eye_height)
    point = _target_point(args.target)
    target_id = None
    target = None
    if args.target in scene.object_ids or point is None:
        target_id = args.target
    else:
        target = eye_point(scene, ground, args.target, args.eye_height, "--target")
    half = args.half_angle if args.half_angle is not None else (None if args.width is not None else 5.0)
    res = view_corridor(scene, vp, target=target, target_id=target_id, aim=args.aim, half_angle_deg=half,
                        width_m=args.width, raycaster=rc, exclude_terrain=not args.include_terrain)
    figures = res.figures()
    if args.output:
        write_output(args.output, res, args, ground)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    else:
        if figures["intruding"]:
            print(f"{len(figures['intruding'])} objects intrude into the view corridor:")
            for e in figures["intruding"]:
                print(f"  {e['id']}: {e['above_m']:.2f} m above the sight plane")
        else:
            print("no object intrudes into the view corridor")
        print(f"target {figures['target']}, corridor {figures['length_m']:.1f} m long, sight plane rises "
              f"{figures['sight_plane_slope']:.4f} m/m")
    return 0


def write_output(path, res, args, ground) -> None:
    import numpy as np
    import shapely

    suffix = Path(path).suffix.lower()
    scene = res.scene
    if suffix in (".tif", ".tiff"):
        from stadtbild.exporters.tables import write_geotiff

        r, _grid = res.height_limit(args.grid, above_ground=args.above_ground, ground=ground)
        write_geotiff(r, path, crs=r.crs)
    elif suffix == ".obj":
        v, f = res.corridor.surface(scene)
        lines = ["# stadtbild view-corridor height limit (sight plane), model CRS"
                 + (f" EPSG:{scene.crs.epsg}" if getattr(scene.crs, "epsg", None) else "")]
        lines += [f"v {x:.4f} {y:.4f} {z:.4f}" for x, y, z in v]
        lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in f]
        common.atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())
    elif suffix in (".geojson", ".json"):
        feats = [(res.corridor.footprint(world=True, scene=scene),
                  {"kind": "corridor", "length_m": round(res.corridor.length_m, 3),
                   "sight_plane_slope": round(res.corridor.slope, 6)})]
        for i, a, p in zip(res.intruders, res.above_m, res.at):
            feats.append((shapely.Point(scene.to_world(p)), {"kind": "intrusion", "object_id": scene.object_ids[i],
                                                            "above_m": round(float(a), 3)}))
        write_geojson(path, scene, feats)
    elif suffix == ".csv":
        ids = [scene.object_ids[i] for i in res.intruders]
        at = scene.to_world(res.at) if len(res.at) else np.zeros((0, 3))
        write_csv(path, {"id": ids, "above_m": np.round(res.above_m, 3), "x": at[:, 0], "y": at[:, 1], "z": at[:, 2]})
    elif suffix == ".png":
        from stadtbild.viewer.sight_view import render_corridor

        render_corridor(res, path)
