"""Calls into the ``analysis`` package for the analysis pages: each ``*_job`` returns a function
``run(progress, cancelled)`` for a worker thread (it captures everything it needs in the GUI
thread: jobs never touch widgets); each ``*_layer`` turns a result into an
:class:`app.state.ResultLayer` (overlays, building colours, legend, summary) without touching the
window: :class:`app.results_view.ResultsView` draws the visible layers.

Colours in legends are the colours as drawn: a translucent overlay over the (unlit) ground plane
appears as the blend of the two (:func:`over_ground`), and that blend is the swatch.
"""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP

from stadtbild.model.errors import InputError

from stadtbild.viewer.overlays import ground_cells_mesh
from stadtbild.viewer.scene_view import GROUND_PLANE_RGB

from .i18n import format_number, tr
from .legend import colormap_rgb
from .state import ResultLayer

NEUTRAL_RGB = (205, 205, 200)  # triangles an analysis does not cover (walls in a roof analysis …)
OK_RGB = (60, 170, 90)
BAD_RGB = (220, 40, 40)
#: the ground plane of the 3D view (drawn without lighting, so overlays over it have one known colour)
GROUND_RGB = GROUND_PLANE_RGB


def muted(rgb: np.ndarray) -> np.ndarray:
    """The normal colours washed out towards light grey, so result colours (red, green) stand out
    against red-brown roofs."""
    grey = rgb.astype(np.float32).mean(axis=1, keepdims=True)
    return (0.35 * grey + 0.65 * 215).astype(np.uint8).repeat(3, axis=1)


def over_ground(rgb, opacity: float) -> tuple[int, int, int]:
    """The colour a translucent overlay of ``rgb`` with ``opacity`` shows over the ground plane."""
    c = opacity * np.asarray(rgb, float) + (1.0 - opacity) * np.asarray(GROUND_RGB, float)
    return tuple(int(v) for v in np.round(c))


def ground_style(opacity: float) -> dict:
    """add_mesh keywords of a result drawn flat on the ground (per-cell ``rgb``, no lighting)."""
    return {"scalars": "rgb", "rgb": True, "opacity": opacity, "lighting": False}


# ------------------------------------------------------------------------------ sun
_sites: dict = {}


def site_of(model):
    """The model's site (WGS84 position, time zone, grid convergence), cached per model."""
    from stadtbild.analysis.sun import site_from_model

    key = id(model)
    if key not in _sites:
        _sites.clear()
        _sites[key] = site_from_model(model)
    return _sites[key]


def sun_position(model, when_local) -> dict | None:
    """Sun azimuth/elevation (°) and the unit vector towards the sun in the model grid frame at
    local wall-clock time ``when_local`` (naive datetime, site time zone); None when the model has
    no known place on earth (no CRS)."""
    from stadtbild.analysis.sun import sun_positions

    try:
        site = site_of(model)
    except InputError:
        return None
    sp = sun_positions([when_local], site)
    rec = sp.record(0)
    rec["direction"] = sp.direction_grid()[0]
    rec["tz"] = site.tz
    return rec


def analysis_scene(ctx):
    """The scene the ray casting uses (with terrain when the model has one) — as the CLI."""
    from stadtbild.model.ground import analysis_scene as scene_of

    return scene_of(ctx.model)


def study_extent(base_model) -> tuple[float, float, float, float]:
    """The ground area every shadow and sun-hours run of the window covers (xmin, ymin, xmax, ymax
    in the model CRS): the existing buildings' bbox grown on every side by the longest shadow at
    10° sun elevation (at most 1 km) — as the CLI's sun-hours default. One fixed area for every
    time of day and every variant, so that shadow areas and the open ground they are measured
    against compare like with like."""
    from stadtbild.model.ground import ground_for
    from stadtbild.analysis.shadow import SUNHOURS_EXTENT_ELEVATION_DEG, ground_grid, longest_shadow_m

    scene = base_model.scene()
    ground = ground_for(scene)
    grow = longest_shadow_m(scene, ground.plane_z, SUNHOURS_EXTENT_ELEVATION_DEG)
    return tuple(round(v, 3) for v in ground_grid(scene, 1.0, ground=ground, grow_m=grow).extent_world)


# ------------------------------------------------------------------------------ shadow
SHADOW_RGB = (52, 62, 110)
SHADOW_OPACITY = 0.65


_shadow_lock = threading.Lock()  # one job at a time uses the prepared ray caster (its cancel point)
_shadow_prepared: dict = {}


def prepared_shadow(model, cell_m: float, extent):
    """(scene, RayCaster, GroundGrid) for instant shadows of ``model`` on ``extent``: built once
    and kept for the latest model, cell size and extent only (a new model, e.g. after an edit,
    replaces them), so that moving the time slider costs only the rays towards the sun: the ray
    caster's BVH and the grid's footprint cells stay the same. Call with ``_shadow_lock`` held."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import shadow_grid
    from stadtbild.model.ground import analysis_scene as scene_of

    key = (id(model), float(cell_m), tuple(extent) if extent is not None else None)
    prep = _shadow_prepared.get(key)
    if prep is None or prep[0] is not model:  # (an id can be reused by a later model)
        _shadow_prepared.clear()  # the previous model's BVH goes now, not with the next one
        scene = scene_of(model)
        rc = RayCaster(scene)
        grid = shadow_grid(scene, cell_m, extent, raycaster=rc) if extent is not None else None
        prep = _shadow_prepared[key] = (model, scene, rc, grid)
    return prep[1:]


def shadow_job(ctx, cell_m: float, extent):
    """Instant ground shadow at the slider's local time (analysis.shadow.shadow_at) over ``extent``,
    on the ray caster and grid :func:`prepared_shadow` keeps for the model."""
    from stadtbild.analysis.shadow import shadow_at

    when = ctx.when_local
    site = site_of(ctx.model)  # pyproj/timezonefinder here in the GUI thread, not in the worker
    model = ctx.model

    def run(progress, cancelled):
        progress(0.02)
        with _shadow_lock:
            scene, rc, grid = prepared_shadow(model, cell_m, extent)
            rc.cancel = cancelled  # Cancel stops the ray casting within one chunk
            try:
                res = shadow_at(scene, when, cell_m=cell_m, extent=extent, site=site, raycaster=rc, grid=grid)
            finally:
                rc.cancel = None
        progress(1.0)
        return res

    return run


def when_text(iso: str) -> str:
    """'21.03.2026 15:00' from an ISO local time."""
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]} {iso[11:16]}"


def shadow_layer(scene, base_rgb, result) -> ResultLayer:
    grid = result.grid
    keep = result.shadow & grid.active
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = SHADOW_RGB
    f = result.figures()
    overlays = {}
    if keep.any():
        overlays["shadow"] = (ground_cells_mesh(grid, keep, rgb), ground_style(SHADOW_OPACITY))
    share = 100.0 * f["shadow_area_m2"] / f["ground_area_m2"] if f["ground_area_m2"] else 0.0
    summary = tr("Shadow on {a} m² of {g} m² open ground ({p} %); sun azimuth {az}°, elevation {el}°, "
                 "{t}").format(a=format_number(f["shadow_area_m2"], 0), g=format_number(f["ground_area_m2"], 0),
                               p=format_number(share, 1), az=format_number(f["sun_azimuth_deg"], 1),
                               el=format_number(f["sun_elevation_deg"], 1), t=f["time_local"][:16].replace("T", " "))
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Shadow"),
              "items": [(tr("Shadow on the ground"), over_ground(SHADOW_RGB, SHADOW_OPACITY)),
                        (tr("Sun"), GROUND_RGB)], "summary": summary}
    layer = ResultLayer(tr("Shadow {when}").format(when=when_text(f["time_local"])), summary, overlays,
                        legend=legend, ground={"shadow"})
    layer.cells = int(keep.sum())
    return layer


def sunhours_job(ctx, cell_m: float, step_min: int, extent):
    """Hours of direct sun on the ground over the slider's day (analysis.shadow.sun_hours)."""
    from stadtbild.analysis.shadow import sun_hours

    date = ctx.when_local.date().isoformat()
    site = site_of(ctx.model)

    def run(progress, cancelled):
        scene = analysis_scene(ctx)
        return sun_hours(scene, date=date, step_min=float(step_min), cell_m=cell_m, extent=extent,
                         progress=progress, site=site)

    return run


SUNHOURS_OPACITY = 0.85


def sunhours_layer(scene, base_rgb, result) -> ResultLayer:
    grid = result.grid
    keep = grid.active
    vmax = max(result.possible_hours, 1e-6)
    rgb = colormap_rgb(np.nan_to_num(result.hours).ravel(), 0.0, vmax, "plasma").reshape(grid.shape + (3,))
    f = result.figures()
    summary = tr("Sun hours on {d}: mean {mean} h, min {min} h, max {max} h of {pos} h possible").format(
        d=f["time_local_start"][:10], mean=format_number(f["mean_sun_hours_h"] or 0, 1),
        min=format_number(f["min_sun_hours_h"] or 0, 1), max=format_number(f["max_sun_hours_h"] or 0, 1),
        pos=format_number(f["possible_sun_hours_h"], 1))
    legend = {"kind": "ramp", "title": QT_TRANSLATE_NOOP("", "Sun hours"), "unit": "h", "vmin": 0.0, "vmax": vmax,
              "cmap": "plasma", "summary": summary, "decimals": 1, "over": (SUNHOURS_OPACITY, GROUND_RGB)}
    d = f["time_local_start"][:10]
    return ResultLayer(tr("Sun hours {date}").format(date=f"{d[8:10]}.{d[5:7]}.{d[0:4]}"), summary,
                       {"sunhours": (ground_cells_mesh(grid, keep, rgb), ground_style(SUNHOURS_OPACITY))},
                       legend=legend, ground={"sunhours"})


# ------------------------------------------------------------------------------ sightline
VISIBLE_RGB = (30, 160, 60)
BLOCKED_RGB = (220, 40, 40)


def sightline_job(ctx, points_world, eye_m: float, target_id=None):
    """Sightline from the picked viewpoint (eye ``eye_m`` above the picked point) to the picked
    target point, or to the top of the picked target building (analysis.sightline.sightline).
    ``points_world``: the picked points in the model CRS."""
    from stadtbild.analysis.sightline import sightline

    if points_world[0] is None or points_world[1] is None:
        raise InputError(None, tr("pick a viewpoint and a target in the 3D view first"))
    observer_w = np.asarray(points_world[0], float) + np.array([0.0, 0.0, eye_m])
    target_w = np.asarray(points_world[1], float)

    model = ctx.model

    def run(progress, cancelled):
        scene = analysis_scene(ctx)
        observer = scene.to_local(observer_w)
        if target_id is not None and target_id in scene.object_ids:
            res = sightline(scene, observer, target_id=target_id)
        else:
            res = sightline(scene, observer, target=scene.to_local(target_w))
        return with_labels(res, model, res.blocked_by)

    return run


def with_labels(result, model, ids):
    """``result`` with ``labels`` {object id: human label (model.labels)} of ``ids``, computed
    in the worker, so the result's text names buildings by address, name or short id."""
    from stadtbild.model.labels import object_label

    result.labels = {oid: object_label(model, oid) for oid in dict.fromkeys(ids)}
    return result


def labeller(result):
    """oid -> label from the result's ``labels`` (:func:`with_labels`), else the short id."""
    from stadtbild.model.labels import short_id

    labels = getattr(result, "labels", None) or {}
    return lambda oid: labels.get(oid) or short_id(oid)


def _object_mask(scene, ids) -> np.ndarray:
    """Per-triangle bool: the triangle belongs to one of ``ids``."""
    ids = set(ids)
    per_obj = np.array([oid in ids for oid in scene.object_ids], dtype=bool)
    return per_obj[scene.object_index] if scene.n_triangles else np.zeros(0, bool)


def _local(result_scene, scene, p):
    """A point of a result (local to the analysis scene) in the local frame of ``scene``."""
    return scene.to_local(result_scene.to_world(np.asarray(p, float)))


def sightline_layer(scene, base_rgb, result, label=None) -> ResultLayer:
    from stadtbild.viewer.marks import line_mesh, marker_mesh

    label = label or labeller(result)
    rs = getattr(result, "scene", None) or scene
    colour = VISIBLE_RGB if result.visible else BLOCKED_RGB
    a, b = _local(rs, scene, result.observer), _local(rs, scene, result.target)
    overlays = {"sightline": (line_mesh(a, b), {"color": [c / 255 for c in colour], "line_width": 5}),
                "sightline-eye": (marker_mesh(a, 1.0), {"color": "#1f77b4"})}
    if result.first_hit is not None and not result.visible:
        overlays["sightline-hit"] = (marker_mesh(_local(rs, scene, result.first_hit), 1.2), {"color": "#d62728"})
    blockers = set(result.blocked_by)
    rgb = muted(base_rgb)
    if blockers:
        rgb[_object_mask(scene, blockers)] = BLOCKED_RGB
    f = result.figures()
    if result.visible:
        summary = tr("Visible: the line of {d} m is free").format(d=format_number(f["length_m"], 1))
    else:
        summary = tr("Blocked by {n} building(s), first after {d} m: {ids}").format(
            n=len(blockers), d=format_number(f["distance_m"], 1), ids=", ".join(label(i) for i in result.blocked_by[:5]))
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Sightline"),
              "items": [(tr("Sightline free"), VISIBLE_RGB), (tr("Blocked / blocking building"), BLOCKED_RGB)],
              "summary": summary, "lit": True}
    return ResultLayer(tr("Sightline"), summary, overlays, building_rgb=rgb, legend=legend)


# ------------------------------------------------------------------------------ viewshed / view corridor
def _picked_eye(points_world, eye_m: float):
    if points_world[0] is None:
        raise InputError(None, tr("pick a viewpoint in the 3D view first"))
    return np.asarray(points_world[0], float) + np.array([0.0, 0.0, eye_m])


def viewshed_job(ctx, points_world, eye_m: float, radius_m: float, cell_m: float):
    """Ground and facades visible from the picked viewpoint (analysis.viewshed.viewshed)."""
    from stadtbild.analysis.viewshed import viewshed

    observer_w = _picked_eye(points_world, eye_m)

    def run(progress, cancelled):
        scene = analysis_scene(ctx)
        return viewshed(scene, scene.to_local(observer_w), radius_m=radius_m, cell_m=cell_m,
                        progress=lambda done, total: progress(done / max(total, 1)))

    return run


HIDDEN_RGB = (150, 150, 150)
VIEWSHED_OPACITY = 0.75


def viewshed_layer(scene, base_rgb, result) -> ResultLayer:
    """Visible ground cells green (hidden grey) and buildings coloured by their visible share."""
    from stadtbild.viewer.marks import marker_mesh

    grid = result.grid
    keep = result.active
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = HIDDEN_RGB
    rgb[result.visible] = VISIBLE_RGB
    overlays = {}
    if keep.any():
        overlays["viewshed"] = (ground_cells_mesh(grid, keep, rgb), ground_style(VIEWSHED_OPACITY))
    overlays["viewshed-eye"] = (marker_mesh(_local(result.scene, scene, result.observer), 1.5), {"color": "#1f77b4"})
    share = {}
    if result.object_share is not None:
        share = {oid: float(result.object_share[i]) for i, oid in enumerate(result.scene.object_ids)}
    per_obj = np.array([share.get(oid, np.nan) for oid in scene.object_ids])
    tri = per_obj[scene.object_index] if scene.n_triangles else np.zeros(0)
    base = muted(base_rgb).astype(float)
    mix = np.clip(np.nan_to_num(tri), 0, 1)[:, None] ** 0.5
    seen = np.isfinite(tri) & (np.nan_to_num(tri) > 0)
    out = base.copy()
    out[seen] = (1 - mix[seen]) * base[seen] + mix[seen] * np.array(VISIBLE_RGB)
    f = result.figures()
    summary = tr("{p} % of the open ground within {r} m visible; {n} buildings visible").format(
        p=format_number(100 * f["visible_fraction"], 1), r=format_number(f["radius_m"], 0),
        n=len(f["visible_objects"]))
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Viewshed"),
              "items": [(tr("Visible"), over_ground(VISIBLE_RGB, VIEWSHED_OPACITY)),
                        (tr("Hidden"), over_ground(HIDDEN_RGB, VIEWSHED_OPACITY))], "summary": summary}
    return ResultLayer(tr("Viewshed"), summary, overlays, building_rgb=out.astype(np.uint8), legend=legend,
                       ground={"viewshed"})


def viewcone_job(ctx, points_world, eye_m: float, target_id, half_angle_deg: float):
    """Protected view corridor from the picked viewpoint to the picked landmark (its top) or
    point (analysis.corridor.view_corridor)."""
    from stadtbild.analysis.corridor import view_corridor

    observer_w = _picked_eye(points_world, eye_m)
    if points_world[1] is None:
        raise InputError(None, tr("pick a viewpoint and a target in the 3D view first"))
    target_w = np.asarray(points_world[1], float)

    model = ctx.model

    def run(progress, cancelled):
        scene = analysis_scene(ctx)
        observer = scene.to_local(observer_w)
        if target_id is not None and target_id in scene.object_ids:
            res = view_corridor(scene, observer, target_id=target_id, half_angle_deg=half_angle_deg)
        else:
            res = view_corridor(scene, observer, target=scene.to_local(target_w), half_angle_deg=half_angle_deg)
        return with_labels(res, model, [v["id"] for v in res.figures()["intruding"]])

    return run


TARGET_RGB = (250, 200, 20)


def viewcone_layer(scene, base_rgb, result, label=None) -> ResultLayer:
    """Corridor volume translucent blue, intruding buildings red, the target yellow."""
    from stadtbild.viewer.marks import triangle_mesh

    label = label or labeller(result)
    rs = result.scene
    shift = rs.origin - scene.origin  # result local -> view local
    top = float(rs.bounds[1, 2]) + 5.0
    v, f = result.corridor.volume_mesh(top)
    sv, sf = result.corridor.surface()
    overlays = {
        "viewcone": (triangle_mesh(np.asarray(v) + shift, f), {"color": (0.35, 0.55, 0.95), "opacity": 0.25}),
        "viewcone-plane": (triangle_mesh(np.asarray(sv) + shift, sf), {"color": (0.2, 0.4, 0.9), "opacity": 0.5})}
    intruding = {rs.object_ids[i] for i in result.intruders}
    target = rs.object_ids[result.target_object] if result.target_object >= 0 else None
    rgb = muted(base_rgb)
    if scene.n_triangles:
        rgb[_object_mask(scene, intruding)] = BLOCKED_RGB
        if target is not None:
            rgb[_object_mask(scene, {target})] = TARGET_RGB
    figs = result.figures()
    if figs["intruding"]:
        worst = figs["intruding"][0]
        summary = tr("{n} building(s) intrude into the view corridor, up to {h} m above the sight plane ({id})").format(
            n=len(figs["intruding"]), h=format_number(worst["above_m"], 2), id=label(worst["id"]))
    else:
        summary = tr("No building intrudes into the view corridor")
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "View corridor"),
              "items": [(tr("Intruding building"), BLOCKED_RGB), (tr("Target"), TARGET_RGB)], "summary": summary,
              "lit": True}
    return ResultLayer(tr("View corridor"), summary, overlays, building_rgb=rgb, legend=legend)


# ------------------------------------------------------------------------------ solar
def solar_job(ctx, cell_m: float = 1.0):
    """Annual roof irradiation with shading (analysis.solar.compute_solar, default weather of the
    site)."""
    from stadtbild.analysis.solar import SolarOptions, compute_solar

    scene, model = ctx.scene, ctx.model

    def run(progress, cancelled):
        return compute_solar(scene, None, SolarOptions(cell_m=cell_m), model=model, progress=progress)

    return run


def solar_layer(scene, base_rgb, result) -> ResultLayer:
    from stadtbild.viewer.solar_view import colour_limits

    surf = result.surfaces
    per_tri = np.full(scene.n_triangles, np.nan)
    covered = surf.triangle_surface >= 0
    per_tri[covered] = result.irradiation_kwh_m2a[surf.triangle_surface[covered]]
    # rounded range from the 2nd percentile to the maximum (as in the CLI's pictures): a few fully
    # shaded roofs near 0 would otherwise push most roofs into the top third of the ramp
    vmin, vmax = colour_limits(result)
    rgb = colormap_rgb(per_tri, vmin, vmax, "inferno", nan_rgb=NEUTRAL_RGB)
    s = result.summary()
    summary = tr("{n} roof surfaces, mean {mean} kWh/m²·a, PV yield {total} MWh/a on {area} m² suitable").format(
        n=s["surfaces"], mean=format_number(s["mean_kwh_m2a"], 0), total=format_number(s["total_kwh_a"] / 1000, 1),
        area=format_number(s["suitable_area_m2"], 0))
    legend = {"kind": "ramp", "title": QT_TRANSLATE_NOOP("", "Annual irradiation"), "unit": "kWh/m²·a",
              "vmin": vmin, "vmax": vmax, "cmap": "inferno", "summary": summary, "decimals": 0, "lit": True}
    return ResultLayer(tr("Solar potential"), summary, building_rgb=rgb, legend=legend)


# ------------------------------------------------------------------------------ facade sunlight
def sunlight_job(ctx, year: int, spacing_m: float, storey_height_m: float, step_min: float, compare: bool):
    """DIN 5034-1 facade sunlight (analysis.sunlight) on 21 March and 17 January of ``year``;
    with ``compare`` and a variant open, the same points in the unedited model too."""
    from stadtbild.model.ground import analysis_scene as scene_of
    from stadtbild.model.ground import ground_of as ground_for_model
    from stadtbild.analysis.sunlight import compare_sunlight, default_dates, facade_sunlight

    model, base = ctx.model, getattr(ctx, "base_model", None)
    site = site_of(model)
    parent = {oid: o.parents[0] for oid, o in model.objects.items() if o.parents}
    kw = dict(dates=default_dates(year), step_min=step_min, spacing_m=spacing_m, storey_height_m=storey_height_m,
              site=site, object_parent=parent)

    def run(progress, cancelled):
        progress(0.01)
        scene = analysis_scene(ctx)
        kw["ground"] = ground_for_model(model)
        if compare and base is not None and base is not model:
            before = scene_of(base).shifted_to(scene.origin)
            return compare_sunlight(before, scene, cancel=cancelled, progress=progress, **kw)
        return facade_sunlight(scene, cancel=cancelled, progress=progress, **kw)

    return run


SUNLIGHT_CLASSES = [
    (QT_TRANSLATE_NOOP("", "Both days met (≥ 4 h equinox, ≥ 1 h 17 Jan)"), (33, 161, 77)),
    (QT_TRANSLATE_NOOP("", "Equinox only"), (250, 191, 46)),
    (QT_TRANSLATE_NOOP("", "Not met"), (214, 41, 41)),
    (QT_TRANSLATE_NOOP("", "Lost through the variant"), (140, 26, 153)),
]


def sunlight_layer(scene, base_rgb, result) -> ResultLayer:
    """Check points as coloured markers on the facades (viewer.overlays.sunlight_points_mesh), the
    buildings washed out, a category legend."""
    from stadtbild.viewer.overlays import sunlight_points_mesh

    mesh = sunlight_points_mesh(result)
    if mesh.n_cells:
        mesh.points = mesh.points + (result.scene.origin - scene.origin)
    overlays = {"sunlight": (mesh, {"scalars": "rgb", "rgb": True, "lighting": False})} if mesh.n_cells else {}
    f = result.figures()
    summary = tr("{both} of {n} facade points meet DIN 5034-1 on both days, {eq} at the equinox").format(
        both=f["points_meeting_both"], n=f["check_points"], eq=f["points_meeting_equinox"])
    items = SUNLIGHT_CLASSES[:3]
    if "difference" in f:
        d = f["difference"]
        summary += "; " + tr("{p} points on {b} buildings lose compliance in the variant").format(
            p=d["points_losing_compliance"], b=d["buildings_losing_compliance"])
        items = SUNLIGHT_CLASSES
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Sunlight (DIN 5034-1)"),
              "items": [(tr(label), rgb) for label, rgb in items], "summary": summary}
    return ResultLayer(tr("Facade sunlight (DIN 5034-1)"), summary, overlays, building_rgb=muted(base_rgb),
                       legend=legend)


def sunlight_rows(result, root_id) -> list[tuple[str, str]]:
    """Attribute-dock rows of a facade sunlight result for the building ``root_id``."""
    fig = result.per_building().get(root_id)
    if fig is None:
        return []
    rows = [("☼ " + tr("Facade check points"), str(fig["points"])),
            ("☼ " + tr("Meeting both days"), str(fig["meets_both"])),
            ("☼ " + tr("Meeting the equinox"), str(fig["meets_equinox"])),
            ("☼ " + tr("Best point, equinox [h]"), format_number(fig["best_equinox_h"], 1)),
            ("☼ " + tr("Best point, 17 January [h]"), format_number(fig["best_winter_h"], 1))]
    if result.before is not None:
        rows.append(("☼ " + tr("Points losing compliance"), str(fig["points_losing"])))
    return rows


# ------------------------------------------------------------------------------ setbacks
def setback_rules() -> list[tuple[str, str]]:
    from stadtbild.analysis.setbacks import RULES

    return [(k, r.name) for k, r in RULES.items()]


class SetbackRun:
    """A setbacks result of the shown model, with the existing state's result and the comparison
    when a variant is shown (``before``/``conflicts`` None otherwise), and the labels of the
    buildings in conflict."""

    def __init__(self, result, before=None, conflicts=None, labels=None):
        self.result = result
        self.before = before
        self.conflicts = conflicts
        self.labels = labels or {}

    def summary(self) -> dict:
        s = self.result.summary()
        if self.conflicts is not None:
            s["new_violations"] = self.conflicts["new"]
            s["resolved_violations"] = self.conflicts["resolved"]
        return s

    @property
    def origin(self):
        return self.result.origin


def setbacks_job(ctx, rule, parcels_path=None, compare: bool = True):
    """Setback areas of the shown model under ``rule`` ("auto": the Land of the existing model,
    for both states), with the parcels of ``parcels_path``; with ``compare`` and a variant shown,
    also of the existing state, so the variant's new conflicts can be told from the existing ones."""
    from stadtbild.analysis.setbacks import choose_rule, compare_conflicts, compute_setbacks, read_parcels
    from stadtbild.model.labels import object_label

    model, base = ctx.model, getattr(ctx, "base_model", None)

    def run(progress, cancelled):
        progress(0.02)
        parcels = pids = None
        if parcels_path:
            parcels, pids = read_parcels(parcels_path, model.crs)
        choice = choose_rule(base if base is not None else model) if rule == "auto" else None
        chosen = choice["rule"] if choice else rule
        res = compute_setbacks(model, chosen, parcels=parcels, parcel_ids=pids)
        res.choice = choice
        progress(0.5)
        before = conflicts = None
        if compare and base is not None and base is not model:
            before = compute_setbacks(base, chosen, parcels=parcels, parcel_ids=pids)
            before.choice = choice
            conflicts = compare_conflicts(before, res)
        progress(1.0)
        labels = {oid: object_label(model, oid) for oid in {v["id"] for v in res.violations}}
        return SetbackRun(res, before, conflicts, labels)

    return run


SETBACK_OPACITY = 0.55
EXISTING_RGB = (245, 150, 40)  # conflicts the existing buildings already have (variant compared)


def setbacks_layer(scene, base_rgb, run) -> ResultLayer:
    """Setback areas on the ground and offending buildings in colour; with a variant compared,
    its new conflicts (red) apart from the existing ones (orange); the summary names the rule
    and how it was chosen, the sliver tolerance and the parcels."""
    from stadtbild.viewer.setback_view import setback_polydata

    result = run.result if isinstance(run, SetbackRun) else run
    conflicts = run.conflicts if isinstance(run, SetbackRun) else None
    label = labeller(run)
    if not np.allclose(result.origin, scene.origin):
        raise InputError(None, "setback result and scene use different local origins")
    new_walls = {v["wall_id"] for v in conflicts["new"]} if conflicts is not None else None
    mesh, _outline = setback_polydata(result, scene, colours=(OK_RGB, BAD_RGB, EXISTING_RGB), new_walls=new_walls)
    overlays = {"setbacks": (mesh, ground_style(SETBACK_OPACITY))} if mesh.n_cells else {}
    offenders = {v["id"] for v in result.violations}
    new_offenders = {v["id"] for v in conflicts["new"]} if conflicts is not None else offenders
    rgb = muted(base_rgb)
    if offenders and conflicts is not None:
        rgb[_object_mask(scene, offenders - new_offenders)] = EXISTING_RGB
    if new_offenders:
        rgb[_object_mask(scene, new_offenders)] = BAD_RGB
    s = result.summary()
    choice = s["rule_choice"]
    rule_text = s["rule_name"]
    if choice.get("source") in ("attribute", "location"):
        how = tr("Land from the Gemeindeschlüssel") if choice["source"] == "attribute" else tr("Land from the position")
        land = choice.get("land_name") or tr("outside Germany")
        rule_text = f"{s['rule_name']} ({land}, {how})"
        if choice.get("near_border"):
            rule_text += " – " + tr("near a Land border: check the rule")
    summary = tr("{rule}: {walls} outer walls, {bad} with conflicts ({n} buildings)").format(
        rule=rule_text, walls=s["outer_walls"], bad=s["violating_walls"], n=len(offenders))
    if conflicts is not None:
        names = ", ".join(label(i) for i in sorted(new_offenders)[:3]) + (" …" if len(new_offenders) > 3 else "")
        summary += "; " + tr("the variant adds {new} conflict(s) ({b}), {old} exist already, {res} resolved").format(
            new=len(conflicts["new"]), b=names or "–", old=len(conflicts["existing"]), res=len(conflicts["resolved"]))
    if s["parcels"]:
        summary += "; " + tr("{n} parcels checked").format(n=s["parcels"])
    summary += "; " + tr("overlaps up to {a} m² or up to {w} m wide ignored as slivers ({n})").format(
        a=format_number(s["tolerance"]["min_overlap_m2"], 1), w=format_number(s["tolerance"]["min_width_m"], 2),
        n=s["slivers_ignored"])
    items = [(tr("Setback area kept"), over_ground(OK_RGB, SETBACK_OPACITY))]
    if conflicts is not None:
        items += [(tr("New conflict of the variant"), over_ground(BAD_RGB, SETBACK_OPACITY)),
                  (tr("Conflict in the existing state"), over_ground(EXISTING_RGB, SETBACK_OPACITY))]
    else:
        items += [(tr("Overlap / conflict"), over_ground(BAD_RGB, SETBACK_OPACITY))]
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Setback areas"), "items": items, "summary": summary}
    return ResultLayer(tr("Setback areas ({rule})").format(rule=s["rule_name"]), summary, overlays, building_rgb=rgb,
                       legend=legend, ground={"setbacks"})
