"""``main.py render FILE -o out.png [--size 1920x1080] [--view iso|top|north|…]`` and media output:

    main.py render FILE [--scenario S] --size 7680x4320 -o plan.png [--title T] [--credit C]
    main.py render FILE --tour T.json -o tour.mp4 [--fps 30] [--size 1920x1080]
    main.py render FILE --sun-animation --date 2026-06-21 --from 06:00 --to 20:00 [--step 10] -o sun.mp4
    main.py render FILE --sun-animation --year-at 12:00 [--step 7] -o jahr.mp4   (day-of-year stepping)
    main.py render FILE --before-after S.json -o vergleich.png [--size 3840x1080]

PNG stills carry a legend, north arrow, scale bar, the CRS and optional title and data credit
(``--plain``: the bare 3D view). A tour file is the JSON of :class:`viewer.camera.Tour` (or a
Stadtbild project whose views hold a tour, ``--tour-name`` picks one).

What the picture shows besides the model (:mod:`viewer.picture`), in stills and videos alike:

    --terrain DEM            the ground follows the DEM
    --ortho F [F …]          orthophoto tiles / VRT (--ortho-crs when a world file names no CRS)
    --flood F.tif            water depth (m): wet cells coloured, colour bar "Wassertiefe [m]"
    --raster F.tif           any single band through --cmap (default viridis) over --clim MIN,MAX
    --layer L.gpkg           vector layers: polygons draped, lines, points as pins
    --label [LAYER=]FIELD    labels from a field; --colour-by [LAYER=]FIELD categories
    --time 2026-03-21T15:00  sunlight of that local time, computed shadows on ground/roofs/facades
    --finish WORDS           presentation (stills' default: ssaa, ssao, sky, fog), interactive
                             (videos' default), plain; or words: ssaa|fxaa|msaa|noaa, ssao|edl|noao,
                             sky|nosky, fog|nofog

An option that cannot be honoured is an error (exit 2), never silently dropped.
"""
from __future__ import annotations

import sys

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("render", help="render the model to a PNG (or a tour / sun animation to MP4) off-screen")
    common.add_model_arguments(p)
    p.add_argument("--size", default=None, help="image size WxH in pixels (default 1920x1080; up to 16384 per side)")
    p.add_argument("--view", default="iso", help="iso, iso-ne, iso-nw, iso-se, top, north, south, east, west")
    p.add_argument("--colour", "--color", dest="colour", default="auto", choices=["auto", "surface", "type"],
                   help="colour by semantic surface, by object type, or auto")
    p.add_argument("--title", help="title text drawn on the image")
    p.add_argument("--credit", help="data credit drawn in the lower right (e.g. 'Daten: Geobasis NRW')")
    p.add_argument("--plain", action="store_true", help="PNG without legend, north arrow and scale bar")
    p.add_argument("--tour", metavar="T.json", help="render a camera tour (JSON or project file) to an MP4 video")
    p.add_argument("--tour-name", help="which tour of a project file (default: the first)")
    p.add_argument("--sun-animation", action="store_true", help="render the sun and shadows over a day to an MP4")
    p.add_argument("--date", help="day of the sun animation, e.g. 2026-06-21")
    p.add_argument("--from", dest="time_from", default="06:00", help="local start time (default 06:00)")
    p.add_argument("--to", dest="time_to", default="20:00", help="local end time (default 20:00)")
    p.add_argument("--step", type=float, default=None,
                   help="minutes between sun-animation frames (default 10); days with --year-at (default 7)")
    p.add_argument("--year-at", metavar="HH:MM",
                   help="sun animation through the year (of --date, default this year) at this local time")
    p.add_argument("--tz", help="time zone (default: from the model's location)")
    p.add_argument("--grid", type=float, default=1.0, help="shadow cell size in metres for the sun animation")
    p.add_argument("--fps", type=float, default=30.0, help="video frames per second (default 30)")
    p.add_argument("--before-after", metavar="S.json",
                   help="side-by-side still: the model (after --scenario) left, with this scenario right")
    p.add_argument("--plan", metavar="PLAN.gml",
                   help="draw an XPlanGML Bebauungsplan: Baufenster envelopes, zones, Baugrenzen and Baulinien")
    p.add_argument("--hide-existing", action="store_true",
                   help="with --plan: hide the existing buildings inside the plan area (inserted ones stay)")
    g = p.add_argument_group("picture (orthophoto, rasters, layers, sun, finish)")
    g.add_argument("--ortho", metavar="IMG", nargs="+", action="extend",
                   help="orthophoto(s): GeoTIFF, JPEG/PNG with world file, VRT of local files, or a folder of tiles")
    g.add_argument("--ortho-crs", metavar="CRS", help="CRS of orthophotos that name none (default: the model's)")
    g.add_argument("--flood", metavar="DEPTH.tif", action="append", default=[],
                   help="water depth raster in metres (flood, heavy rain): wet cells coloured by depth")
    g.add_argument("--raster", metavar="R.tif", action="append", default=[],
                   help="any single-band raster draped with a colour ramp (--cmap, --clim)")
    g.add_argument("--cmap", default=None, help="colour ramp of --raster (matplotlib name, default viridis)")
    g.add_argument("--clim", metavar="MIN,MAX", help="value range of the colour ramp (--raster, --flood)")
    g.add_argument("--raster-crs", metavar="CRS", help="CRS of --flood/--raster files that name none")
    g.add_argument("--label", metavar="[LAYER=]FIELD", action="append", default=[],
                   help="label the features of a --layer by a field (e.g. POIs: --label name)")
    g.add_argument("--colour-by", "--color-by", dest="colour_by", metavar="[LAYER=]FIELD", action="append",
                   default=[], help="colour the features of a --layer by the categories of a field")
    g.add_argument("--time", metavar="DATETIME",
                   help="sunlight of this local date and time (e.g. 2026-03-21T15:00) with the computed shadows "
                        "on the ground, roofs and facades")
    g.add_argument("--texture-theme", metavar="THEME",
                   help="appearance theme of the model's textures (default: the first in the file)")
    g.add_argument("--no-textures", action="store_true", help="draw the model in its semantic colours, untextured")
    g.add_argument("--finish", metavar="WORDS",
                   help="presentation | interactive | plain, or words: ssaa, fxaa, msaa, noaa, ssao, edl, noao, "
                        "sky, nosky, fog, nofog (default: presentation for stills, interactive for videos)")
    p.set_defaults(func=run)


def _load_tour(path, name=None):
    import json
    from pathlib import Path

    from stadtbild.viewer.camera import Tour

    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    try:
        head = p.read_bytes()[:4096]
        is_project = b"stadtbild-project" in head or head[:4] == b"PK\x03\x04"
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror})") from None
    if not is_project:
        tour = Tour.load(p)
        if name and tour.name != name:
            raise InputError(p, f"the tour is named {tour.name!r}, not {name!r}")
        return tour
    from stadtbild.model.project import Project
    from stadtbild.viewer.camera import project_tours

    try:
        tours = project_tours(Project.open(p))
    except ValueError as exc:
        raise InputError(p, str(exc)) from None
    except json.JSONDecodeError as exc:  # pragma: no cover - Project.open reports these itself
        raise InputError(p, str(exc)) from None
    if name:
        tours = [t for t in tours if t.name == name]
    if not tours:
        raise InputError(p, "the project has no tour" + (f" named {name!r}" if name else ""))
    return tours[0]


def _plan_overlays(model, plan, args, inserted) -> dict:
    """Scene (without the existing buildings in the plan area with --hide-existing), the plan's
    meshes, framing bounds, legend rows and a summary for the JSON."""
    import numpy as np

    from stadtbild.analysis.bplan import buildings_in_area
    from stadtbild.analysis.bplan_envelopes import HeightReferences, envelopes, prepare
    from stadtbild.model.ground import ground_for
    from stadtbild.viewer.bplan_view import plan_bounds, plan_legend, plan_meshes

    hidden = buildings_in_area(model, plan, exclude=inserted) if args.hide_existing else []
    if hidden:
        from stadtbild.model.surgery import roots

        gone = set(hidden)
        r = roots(model)
        scene = model.scene(lod=args.lod, object_ids=[oid for oid in model.objects if r.get(oid, oid) not in gone])
        if scene.n_triangles == 0:  # nothing but the hidden ones: show them all the same
            scene, hidden = model.scene(lod=args.lod), []
    else:
        scene = model.scene(lod=args.lod)
    full = model.scene(lod=args.lod)
    ground = ground_for(full, model.terrain_grid)
    prepared = prepare(plan, scene.origin)
    env = envelopes(prepared, ground, HeightReferences(plan.bezugshoehe()))
    pb = plan_bounds(prepared, env)
    sb = np.asarray(scene.bounds) if scene.n_triangles else pb
    bounds = np.array([np.minimum(sb[0], pb[0]), np.maximum(sb[1], pb[1])])
    return {"scene": scene, "overlays": plan_meshes(prepared, env, ground), "bounds": bounds,
            "legend": plan_legend(prepared, env),
            "summary": {"file": str(args.plan), "version": plan.version, "baufenster": len(env.zones),
                        "hidden_existing": len(hidden), "warnings": plan.warnings + env.notes}}


def _progress(args, label):
    return None if args.json else common.Progress(1, label)


def _field_map(items, layers, what: str) -> dict:
    """``[LAYER=]FIELD`` options → {layer name: field}; a bare FIELD applies to every layer that has
    it (an error if none has). Unknown layers or fields are errors (never silently ignored)."""
    out: dict = {}
    names = [lyr.name for lyr in layers]
    for item in items:
        if not layers:
            raise InputError(None, f"--{what} needs a --layer to apply to")
        if "=" in item:
            name, field = (t.strip() for t in item.split("=", 1))
            match = [lyr for lyr in layers if lyr.name == name]
            if not match:
                raise InputError(None, f"--{what} {item}: no layer named {name!r} (layers: {', '.join(names)})")
        else:
            field = item.strip()
            match = [lyr for lyr in layers if field in lyr.fields]
            if not match:
                raise InputError(None, f"--{what} {item}: no layer has a field {field!r} (layers: {', '.join(names)})")
        for lyr in match:
            if field not in lyr.fields:
                raise InputError(lyr.source, f"--{what}: layer {lyr.name!r} has no field {field!r} "
                                             f"(has: {', '.join(lyr.fields) or 'none'})")
            out[lyr.name] = field
    return out


def picture_spec(args, model, video: bool = False):
    """The :class:`viewer.picture.PictureSpec` of the picture options (None when none is given and
    the finish is the default of a plain still). Raises InputError for what cannot be honoured."""
    from stadtbild.viewer.finish import parse_finish
    from stadtbild.viewer.picture import LayerSpec, PictureSpec, RasterSpec

    try:
        finish = parse_finish(args.finish, "interactive" if video else "presentation")
    except ValueError as exc:
        raise InputError(None, f"--finish: {exc}") from None
    clim = None
    if args.clim:
        clim = tuple(common.parse_floats(args.clim, 2, "--clim"))
        if not clim[1] > clim[0]:
            raise InputError(None, f"--clim needs MIN < MAX, got {args.clim}")
    if args.cmap:
        from stadtbild.viewer.drape import ramp_colours

        try:
            ramp_colours(args.cmap, 2)
        except ValueError as exc:
            raise InputError(None, f"--cmap: {exc}") from None
        if not args.raster:
            raise InputError(None, "--cmap colours a --raster; give one")
    layers = list(model.layers)
    labels = _field_map(args.label, layers, "label")
    colours = _field_map(args.colour_by, layers, "colour-by")
    ortho = None
    if args.ortho:
        from stadtbild.importers.rasters import open_mosaic

        ortho = open_mosaic(args.ortho, model.crs if model.crs else None, image_crs=args.ortho_crs)
        for w in ortho.warnings:
            model.warn(f"orthophoto {w}")
            if not args.json:
                sys.stderr.write(f"warning: orthophoto {w}\n")
    elif args.ortho_crs:
        raise InputError(None, "--ortho-crs needs --ortho")
    if args.raster_crs and not (args.flood or args.raster):
        raise InputError(None, "--raster-crs needs --flood or --raster")
    rasters = [RasterSpec(path=f, kind="flood", clim=clim, raster_crs=args.raster_crs) for f in args.flood]
    rasters += [RasterSpec(path=f, kind="ramp", cmap=args.cmap, clim=clim, raster_crs=args.raster_crs)
                for f in args.raster]
    if args.time:
        from stadtbild.analysis.sun import parse_local_time

        parse_local_time(args.time, "UTC")  # syntax only; the site's zone applies when the sun is computed
    return PictureSpec(finish=finish, ortho=ortho, rasters=rasters,
                       layers=[LayerSpec(lyr, colours.get(lyr.name), labels.get(lyr.name)) for lyr in layers],
                       terrain=model.terrain_grid, when=args.time, tz=args.tz,
                       textured_model=_textured(args, model))


def _textured(args, model):
    """The model when its textures (or material colours) are to be drawn, else None; a
    ``--texture-theme`` the model does not have is an error."""
    if args.no_textures:
        if args.texture_theme:
            raise InputError(None, "--texture-theme and --no-textures contradict each other")
        return None
    tex = getattr(model, "textures", None)
    if args.texture_theme:
        if tex is None or args.texture_theme not in tex.themes:
            have = ", ".join(tex.themes) if tex is not None and tex.themes else "none"
            raise InputError(args.files[0], f"no appearance theme {args.texture_theme!r} (themes: {have})")
        if args.texture_theme != tex.theme:
            from stadtbild.importers.appearance import attach_textures

            tex = attach_textures(model, model.sources[0], args.texture_theme)
    note = tex.missing_note() if tex is not None else None
    if note:
        common.warn_model(args, args.files, note)
    return model if tex is not None else None


def run(args) -> int:
    from stadtbild.viewer.camera import VIEWS

    if not args.output:
        raise InputError(None, "render needs -o OUT.png (or OUT.mp4 with --tour / --sun-animation)")
    video = bool(args.tour or args.sun_animation)
    if args.tour and args.sun_animation:
        raise InputError(None, "give either --tour or --sun-animation, not both")
    if (args.tour or args.sun_animation) and args.before_after:
        raise InputError(None, "--before-after makes a still; it cannot be combined with a video")
    ext = ".mp4" if video else ".png"
    if not str(args.output).lower().endswith(ext):
        what = "videos (MP4)" if video else "PNG images"
        raise InputError(args.output, f"render writes {what} here; give an output name ending in {ext}")
    if args.view not in VIEWS:
        raise InputError(None, f"unknown --view {args.view!r} (choose from {', '.join(VIEWS)})")
    if not (0 < args.fps <= 120):
        raise InputError(None, f"--fps must be between 0 and 120, got {args.fps:g}")
    if args.sun_animation and not args.date and not args.year_at:
        raise InputError(None, "--sun-animation needs --date YYYY-MM-DD (or --year-at HH:MM)")
    if args.plan and (video or args.before_after):
        raise InputError(None, "--plan draws into stills; it cannot be combined with a video or --before-after")
    if args.hide_existing and not args.plan:
        raise InputError(None, "--hide-existing needs --plan (it hides the existing buildings in the plan area)")
    picture_options = [o for o, v in (("--ortho", args.ortho), ("--flood", args.flood), ("--raster", args.raster),
                                      ("--layer", args.layer), ("--terrain", args.terrain), ("--time", args.time),
                                      ("--label", args.label), ("--colour-by", args.colour_by),
                                      ("--finish", args.finish), ("--texture-theme", args.texture_theme)) if v]
    if args.before_after and picture_options:
        raise InputError(None, f"{picture_options[0]} is not drawn into --before-after stills; render the two "
                               f"states separately")
    if args.time and args.sun_animation:
        raise InputError(None, "--time lights one instant; --sun-animation steps through --date from --from to --to")
    size = common.parse_size(args.size or ("1280x720" if video else "1920x1080"))
    tour = _load_tour(args.tour, args.tour_name) if args.tour else None
    plan_view = None
    if args.plan:
        from .bplan import load_variant, read_plan

        _base, model, inserted, _changed, _name = load_variant(args)
        common.check_output_not_source(args.output, list(model.sources) + [args.plan])
        plan_view = _plan_overlays(model, read_plan(args.plan, model), args, inserted)
        scene = plan_view["scene"]
    else:
        model = common.load_model(args)
        common.check_output_not_source(args.output, model.sources)
        scene = model.scene(lod=args.lod)
    if scene.n_triangles == 0:
        raise InputError(args.files[0], "nothing to render: the model has no surface geometry")
    result = {"path": str(args.output), "view": args.view, "triangles": scene.n_triangles,
              "objects": len(scene.object_ids)}
    textured = getattr(model, "textures", None) is not None and not args.no_textures
    spec = None if args.before_after or (args.plain and not picture_options and not textured) \
        else picture_spec(args, model, video)
    if tour is not None:
        from stadtbild.viewer.media import render_tour

        try:
            tour.cameras(scene.bounds, scene.origin)
        except ValueError as exc:
            raise InputError(args.tour, str(exc)) from None
        out = render_tour(scene, tour, args.output, size=size, fps=args.fps, title=args.title, credit=args.credit,
                          colour_mode=args.colour, progress=_progress(args, "tour"), picture=spec)
        result.update(out, size=list(size), kind="tour", views=len(tour.views), duration_s=tour.duration_s)
    elif args.sun_animation:
        from stadtbild.viewer.sun_animation import render_sun_animation

        times = None
        if args.year_at:
            import datetime as dt

            from stadtbild.analysis.sun import site_from_model
            from stadtbild.viewer.sun_animation import year_steps

            step_days = args.step if args.step is not None else 7
            if not (1 <= step_days <= 183):
                raise InputError(None, f"--step must be 1..183 days with --year-at, got {step_days:g}")
            try:
                year = dt.date.fromisoformat(args.date).year if args.date else dt.date.today().year
            except ValueError:
                raise InputError(None, f"--date {args.date!r} must look like 2026-06-21") from None
            times = year_steps(year, args.year_at, int(step_days), site_from_model(scene, tz=args.tz).tz)
        step = args.step if args.step is not None else 10.0
        if times is None and not (0 < step <= 24 * 60):
            raise InputError(None, f"--step must be in (0, 1440] minutes, got {step:g}")
        out = render_sun_animation(scene, args.output, times=times, date=args.date, start=args.time_from,
                                   stop=args.time_to, step_min=step, fps=args.fps, size=size, view=args.view,
                                   cell_m=args.grid, title=args.title, credit=args.credit, tz=args.tz,
                                   progress=_progress(args, "sun"), picture=spec)
        result.update(out, size=list(size), kind="sun-animation")
    elif args.before_after:
        from stadtbild.viewer.media import render_before_after

        after = common.apply_scenario_file(model, args.before_after)
        out = render_before_after(model, after, args.output, size=size, view=args.view, title=args.title,
                                  credit=args.credit)
        result.update(out, kind="before-after")
    elif plan_view is not None:
        from stadtbild.viewer.media import screenshot

        out = screenshot(scene, args.output, size=size, view=args.view, title=args.title, credit=args.credit,
                         colour_mode=args.colour, overlays=plan_view["overlays"], bounds=plan_view["bounds"],
                         legend=[] if args.plain else None, extra_legend=[] if args.plain else plan_view["legend"],
                         picture=spec, decorations=not args.plain)
        result.update(out, kind="still", plan=plan_view["summary"])
    elif args.plain and spec is None:
        from stadtbild.viewer.render import render_scene

        render_scene(scene, args.output, size=size, view=args.view, colour_mode=args.colour, title=args.title,
                     credit=args.credit)
        result.update(size=list(size), kind="still")
    else:
        from stadtbild.viewer.media import screenshot

        try:
            out = screenshot(scene, args.output, size=size, view=args.view, title=args.title, credit=args.credit,
                             colour_mode=args.colour, picture=spec, decorations=not args.plain)
        except MemoryError as exc:
            raise InputError(args.output, str(exc)) from None
        result.update(out, kind="still")
    if args.json:
        common.print_json(result)
    return 0
