"""Calls into the ``analysis`` package for the analysis pages: each ``*_job`` returns a function
``run(progress, cancelled)`` for a worker thread; each ``present_*`` shows the result in the
window (GUI thread) and returns a one-line summary. Kept apart from the widgets so the adapters
follow the analysis modules' APIs as they land."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP

from model.errors import InputError

from .i18n import format_number, tr
from .legend import colormap_rgb

NEUTRAL_RGB = (205, 205, 200)  # triangles an analysis does not cover (walls in a roof analysis …)
OK_RGB = (60, 170, 90)
BAD_RGB = (220, 40, 40)


def muted(rgb: np.ndarray) -> np.ndarray:
    """The normal colours washed out towards light grey, so result colours (red, green) stand out
    against red-brown roofs."""
    grey = rgb.astype(np.float32).mean(axis=1, keepdims=True)
    return (0.35 * grey + 0.65 * 215).astype(np.uint8).repeat(3, axis=1)


def _missing(name):
    raise InputError(None, tr("the analysis module {m} is not in this build").format(m=name))


# ------------------------------------------------------------------------------ sun
_sites: dict = {}


def site_of(model):
    """The model's site (WGS84 position, time zone, grid convergence), cached per model."""
    from analysis.sun import site_from_model

    key = id(model)
    if key not in _sites:
        _sites.clear()
        _sites[key] = site_from_model(model)
    return _sites[key]


def sun_position(model, when_local) -> dict | None:
    """Sun azimuth/elevation (°) and the unit vector towards the sun in the model grid frame at
    local wall-clock time ``when_local`` (naive datetime, site time zone); None when the model has
    no known place on earth or analysis.sun is missing."""
    try:
        from analysis.sun import sun_positions

        site = site_of(model)
        sp = sun_positions([when_local], site)
    except (ImportError, InputError):
        return None
    rec = sp.record(0)
    rec["direction"] = sp.direction_grid()[0]
    rec["tz"] = site.tz
    return rec


# ------------------------------------------------------------------------------ shadow
def has_sunhours() -> bool:
    try:
        import analysis.shadow as sh
    except ImportError:
        return False
    return hasattr(sh, "sun_hours") or hasattr(sh, "sunhours") or hasattr(sh, "compute_sun_hours")


SHADOW_RGB = (52, 62, 110)
SUN_RGB = (250, 215, 90)


def _analysis_scene(ctx):
    """The scene the ray casting uses (with terrain when the model has one) — the same as the CLI."""
    try:
        from analysis.ground import analysis_scene

        scene = analysis_scene(ctx.model)
    except ImportError:
        scene = ctx.scene
    return scene


def shadow_job(ctx, grid_m: float):
    """Instant ground shadow at the slider's local time (analysis.shadow.shadow_at)."""
    from analysis.shadow import shadow_at

    when = ctx.when_local
    site = site_of(ctx.model)  # pyproj/timezonefinder here in the GUI thread, not in the worker

    def run(progress, cancelled):
        progress(0.02)
        scene = _analysis_scene(ctx)
        from analysis.raycast import RayCaster

        rc = RayCaster(scene, cancel=cancelled)  # Cancel stops the ray casting within one chunk
        res = shadow_at(scene, when, cell_m=grid_m, site=site, raycaster=rc)
        progress(1.0)
        return res

    return run


def grid_overlay(grid, values_rgb, keep, lift_m: float = 0.05):
    """Flat mesh of the ground-grid cells in ``keep`` ((ny, nx) bool, row 0 = north) coloured by
    ``values_rgb`` ((ny, nx, 3) uint8), in local coordinates just above the ground."""
    import pyvista as pv

    rows, cols = np.nonzero(np.asarray(keep, dtype=bool))
    z = (float(np.nanmedian(grid.z[grid.inside])) if grid.inside.any() else 0.0) + lift_m
    x0 = grid.x0 + cols * grid.cell_m
    y1 = grid.y_top - rows * grid.cell_m  # north edge of the cell (row 0 = north)
    c = grid.cell_m
    corners = np.stack([np.c_[x0, y1 - c], np.c_[x0 + c, y1 - c], np.c_[x0 + c, y1], np.c_[x0, y1]], axis=1)
    pts = np.concatenate([corners.reshape(-1, 2), np.full((4 * len(rows), 1), z)], axis=1)
    faces = np.c_[np.full(len(rows), 4), np.arange(4 * len(rows)).reshape(-1, 4)].ravel()
    mesh = pv.PolyData(pts, faces)
    mesh.cell_data["rgb"] = np.asarray(values_rgb, dtype=np.uint8)[rows, cols]
    return mesh


def present_shadow(window, result) -> str:
    grid = result.grid
    keep = result.shadow & grid.active
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = SHADOW_RGB
    vp = window.viewport
    vp.remove_overlay("sunhours", render=False)
    if keep.any():
        vp.add_overlay("shadow", grid_overlay(grid, rgb, keep), scalars="rgb", rgb=True, opacity=0.65,
                       lighting=False)
    else:
        vp.remove_overlay("shadow")
    vp.set_result_colours(None)
    f = result.figures()
    if f["sun_elevation_deg"] > 0:
        vp.set_sun_direction(result.sun.direction_grid()[0])
    share = 100.0 * f["shadow_area_m2"] / f["ground_area_m2"] if f["ground_area_m2"] else 0.0
    summary = tr("Shadow on {a} m² of {g} m² open ground ({p} %); sun azimuth {az}°, elevation {el}°, "
                 "{t}").format(a=format_number(f["shadow_area_m2"], 0), g=format_number(f["ground_area_m2"], 0),
                               p=format_number(share, 1), az=format_number(f["sun_azimuth_deg"], 1),
                               el=format_number(f["sun_elevation_deg"], 1), t=f["time_local"][:16].replace("T", " "))
    window.legend.show_categories("Shadow", [(tr("Shadow on the ground"), SHADOW_RGB),
                                             (tr("Sun"), (235, 235, 228))], summary)
    window.last_result_overlay_cells = int(keep.sum())
    return summary


def sunhours_job(ctx, grid_m: float, step_min: int):
    """Hours of direct sun on the ground over the slider's day (analysis.shadow.sun_hours)."""
    from analysis.shadow import sun_hours

    date = ctx.when_local.date().isoformat()
    site = site_of(ctx.model)

    def run(progress, cancelled):
        scene = _analysis_scene(ctx)
        return sun_hours(scene, date=date, step_min=float(step_min), cell_m=grid_m, progress=progress, site=site)

    return run


def present_sunhours(window, result) -> str:
    grid = result.grid
    keep = grid.active
    vmax = max(result.possible_hours, 1e-6)
    rgb = colormap_rgb(np.nan_to_num(result.hours).ravel(), 0.0, vmax, "plasma").reshape(grid.shape + (3,))
    vp = window.viewport
    vp.remove_overlay("shadow", render=False)
    vp.add_overlay("sunhours", grid_overlay(grid, rgb, keep), scalars="rgb", rgb=True, opacity=0.85,
                   lighting=False)
    vp.set_result_colours(None)
    f = result.figures()
    summary = tr("Sun hours on {d}: mean {mean} h, min {min} h, max {max} h of {pos} h possible").format(
        d=f["time_local_start"][:10], mean=format_number(f["mean_sun_hours_h"] or 0, 1),
        min=format_number(f["min_sun_hours_h"] or 0, 1), max=format_number(f["max_sun_hours_h"] or 0, 1),
        pos=format_number(f["possible_sun_hours_h"], 1))
    window.legend.show_ramp("Sun hours", "h", 0.0, vmax, "plasma", summary, decimals=1)
    return summary


# ------------------------------------------------------------------------------ sightline
VISIBLE_RGB = (30, 160, 60)
BLOCKED_RGB = (220, 40, 40)


def sightline_job(ctx, points, eye_m: float, target_id=None):
    """Sightline from the picked viewpoint (eye ``eye_m`` above the picked point) to the picked
    target point, or to the top of the picked target building (analysis.sightline.sightline)."""
    from analysis.sightline import sightline

    if points[0] is None or points[1] is None:
        raise InputError(None, tr("pick a viewpoint and a target in the 3D view first"))
    observer = np.asarray(points[0], float) + np.array([0.0, 0.0, eye_m])
    target = np.asarray(points[1], float)

    def run(progress, cancelled):
        scene = _analysis_scene(ctx)
        if target_id is not None and target_id in scene.object_ids:
            return sightline(scene, observer, target_id=target_id)
        return sightline(scene, observer, target=target)

    return run


def present_sightline(window, result, points) -> str:
    import pyvista as pv

    vp = window.viewport
    colour = VISIBLE_RGB if result.visible else BLOCKED_RGB
    line = pv.Line(result.observer, result.target)
    vp.add_overlay("sightline", line, color=[c / 255 for c in colour], line_width=5)
    vp.add_overlay("sightline-eye", pv.Sphere(radius=1.0, center=result.observer), color="#1f77b4")
    if result.first_hit is not None and not result.visible:
        vp.add_overlay("sightline-hit", pv.Sphere(radius=1.2, center=result.first_hit), color="#d62728")
    else:
        vp.remove_overlay("sightline-hit")
    blockers = set(result.blocked_by)
    rgb = muted(vp.base_rgb)
    if blockers:
        idx = np.array([oid in blockers for oid in window.scene.object_ids])
        rgb[idx[window.scene.object_index]] = BLOCKED_RGB
    vp.set_result_colours(rgb)
    f = result.figures()
    if result.visible:
        summary = tr("Visible: the line of {d} m is free").format(d=format_number(f["length_m"], 1))
    else:
        summary = tr("Blocked by {n} building(s), first after {d} m: {ids}").format(
            n=len(blockers), d=format_number(f["distance_m"], 1), ids=", ".join(result.blocked_by[:5]))
    window.legend.show_categories("Sightline", [(tr("Sightline free"), VISIBLE_RGB),
                                                (tr("Blocked / blocking building"), BLOCKED_RGB)], summary)
    return summary


# ------------------------------------------------------------------------------ viewshed / view corridor
def _picked_eye(points, eye_m: float):
    if points[0] is None:
        raise InputError(None, tr("pick a viewpoint in the 3D view first"))
    return np.asarray(points[0], float) + np.array([0.0, 0.0, eye_m])


def viewshed_job(ctx, points, eye_m: float, radius_m: float, grid_m: float):
    """Ground and facades visible from the picked viewpoint (analysis.sightline.viewshed)."""
    from analysis.sightline import viewshed

    observer = _picked_eye(points, eye_m)

    def run(progress, cancelled):
        scene = _analysis_scene(ctx)
        return viewshed(scene, observer, radius_m=radius_m, cell_m=grid_m,
                        progress=lambda done, total: progress(done / max(total, 1)))

    return run


def present_viewshed(window, result) -> str:
    """Visible ground cells green (hidden grey) and buildings coloured by their visible share."""
    import pyvista as pv

    grid = result.grid
    keep = result.active
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = (150, 150, 150)
    rgb[result.visible] = VISIBLE_RGB
    vp = window.viewport
    if keep.any():
        vp.add_overlay("viewshed", grid_overlay(grid, rgb, keep), scalars="rgb", rgb=True, opacity=0.75,
                       lighting=False)
    vp.add_overlay("viewshed-eye", pv.Sphere(radius=1.5, center=result.observer), color="#1f77b4")
    share = {}
    if result.object_share is not None:
        share = {oid: float(result.object_share[i]) for i, oid in enumerate(result.scene.object_ids)}
    scene = window.scene
    per_obj = np.array([share.get(oid, np.nan) for oid in scene.object_ids])
    tri = per_obj[scene.object_index] if scene.n_triangles else np.zeros(0)
    base = muted(vp.base_rgb).astype(float)
    mix = np.clip(np.nan_to_num(tri), 0, 1)[:, None] ** 0.5
    seen = np.isfinite(tri) & (np.nan_to_num(tri) > 0)
    out = base.copy()
    out[seen] = (1 - mix[seen]) * base[seen] + mix[seen] * np.array(VISIBLE_RGB)
    vp.set_result_colours(out.astype(np.uint8))
    f = result.figures()
    summary = tr("{p} % of the open ground within {r} m visible; {n} buildings visible").format(
        p=format_number(100 * f["visible_fraction"], 1), r=format_number(f["radius_m"], 0),
        n=len(f["visible_objects"]))
    window.legend.show_categories("Viewshed", [(tr("Visible"), VISIBLE_RGB), (tr("Hidden"), (150, 150, 150))],
                                  summary)
    return summary


def viewcone_job(ctx, points, eye_m: float, target_id, half_angle_deg: float):
    """Protected view corridor from the picked viewpoint to the picked landmark (its top) or
    point (analysis.sightline.view_corridor)."""
    from analysis.sightline import view_corridor

    observer = _picked_eye(points, eye_m)
    if points[1] is None:
        raise InputError(None, tr("pick a viewpoint and a target in the 3D view first"))
    target = np.asarray(points[1], float)

    def run(progress, cancelled):
        scene = _analysis_scene(ctx)
        if target_id is not None and target_id in scene.object_ids:
            return view_corridor(scene, observer, target_id=target_id, half_angle_deg=half_angle_deg)
        return view_corridor(scene, observer, target=target, half_angle_deg=half_angle_deg)

    return run


def present_viewcone(window, result) -> str:
    """Corridor volume translucent blue, intruding buildings red, the target yellow."""
    import pyvista as pv

    vp = window.viewport
    scene = result.scene
    top = float(scene.bounds[1, 2]) + 5.0
    v, f = result.corridor.volume_mesh(top)
    vp.add_overlay("viewcone", pv.PolyData(v, np.c_[np.full(len(f), 3), f].ravel()), color=(0.35, 0.55, 0.95),
                   opacity=0.25)
    sv, sf = result.corridor.surface()
    vp.add_overlay("viewcone-plane", pv.PolyData(sv, np.c_[np.full(len(sf), 3), sf].ravel()),
                   color=(0.2, 0.4, 0.9), opacity=0.5)
    intruding = {scene.object_ids[i] for i in result.intruders}
    target = scene.object_ids[result.target_object] if result.target_object >= 0 else None
    rgb = muted(vp.base_rgb)
    wscene = window.scene
    if wscene.n_triangles:
        red = np.array([oid in intruding for oid in wscene.object_ids])
        rgb[red[wscene.object_index]] = BLOCKED_RGB
        if target is not None:
            yellow = np.array([oid == target for oid in wscene.object_ids])
            rgb[yellow[wscene.object_index]] = (250, 200, 20)
    vp.set_result_colours(rgb)
    figs = result.figures()
    if figs["intruding"]:
        worst = figs["intruding"][0]
        summary = tr("{n} building(s) intrude into the view corridor, up to {h} m above the sight plane ({id})").format(
            n=len(figs["intruding"]), h=format_number(worst["above_m"], 2), id=worst["id"])
    else:
        summary = tr("No building intrudes into the view corridor")
    window.legend.show_categories("View corridor", [(tr("Intruding building"), BLOCKED_RGB),
                                                    (tr("Target"), (250, 200, 20))], summary)
    return summary


# ------------------------------------------------------------------------------ solar
def solar_job(ctx, grid_m: float = 1.0):
    """Annual roof irradiation with shading (analysis.solar.compute_solar, default weather of the
    site when none is loaded)."""
    from analysis.solar import SolarOptions, compute_solar

    scene, model = ctx.scene, ctx.model

    def run(progress, cancelled):
        return compute_solar(scene, None, SolarOptions(grid_m=grid_m), model=model, progress=progress)

    return run


def present_solar(window, result) -> str:
    scene = window.scene
    surf = result.surfaces
    per_tri = np.full(scene.n_triangles, np.nan)
    covered = surf.triangle_surface >= 0
    per_tri[covered] = result.irradiation_kwh_m2a[surf.triangle_surface[covered]]
    from viewer.solar_view import colour_limits

    # rounded range from the 2nd percentile to the maximum (as in the CLI's pictures): a few fully
    # shaded roofs near 0 would otherwise push most roofs into the top third of the ramp
    vmin, vmax = colour_limits(result)
    rgb = colormap_rgb(per_tri, vmin, vmax, "inferno", nan_rgb=NEUTRAL_RGB)
    window.viewport.set_result_colours(rgb)
    s = result.summary()
    summary = tr("{n} roof surfaces, mean {mean} kWh/m²·a, PV yield {total} MWh/a on {area} m² suitable").format(
        n=s["surfaces"], mean=format_number(s["mean_kwh_m2a"], 0), total=format_number(s["total_kwh_a"] / 1000, 1),
        area=format_number(s["suitable_area_m2"], 0))
    window.legend.show_ramp(QT_TRANSLATE_NOOP("", "Annual irradiation"), "kWh/m²·a", vmin, vmax, "inferno", summary, decimals=0)
    if getattr(window, "solar", None) is not None:  # click a roof for its figures, monthly chart (app.solar_panel)
        window.solar.set_result(result, scene)
    return summary


# ------------------------------------------------------------------------------ facade sunlight
def sunlight_job(ctx, year: int, spacing_m: float, storey_height_m: float, step_min: float, compare: bool):
    """DIN 5034-1 facade sunlight (analysis.sunlight) on 21 March and 17 January of ``year``;
    with ``compare`` and a variant open, the same points in the unedited model too."""
    from analysis.sunlight import compare_sunlight, default_dates, facade_sunlight

    model, base = ctx.model, getattr(ctx, "base_model", None)
    site = site_of(model)
    parent = {oid: o.parents[0] for oid, o in model.objects.items() if o.parents}
    kw = dict(dates=default_dates(year), step_min=step_min, spacing_m=spacing_m, storey_height_m=storey_height_m,
              site=site, object_parent=parent)

    def run(progress, cancelled):
        from analysis.ground import ground_for_model

        progress(0.01)
        scene = _analysis_scene(ctx)
        kw["ground"] = ground_for_model(model)
        if compare and base is not None and base is not model:
            from analysis.ground import analysis_scene

            before = analysis_scene(base).shifted_to(scene.origin)
            return compare_sunlight(before, scene, cancel=cancelled, progress=progress, **kw)
        return facade_sunlight(scene, cancel=cancelled, progress=progress, **kw)

    return run


SUNLIGHT_CLASSES = [
    (QT_TRANSLATE_NOOP("", "Both days met (≥ 4 h equinox, ≥ 1 h 17 Jan)"), (33, 161, 77)),
    (QT_TRANSLATE_NOOP("", "Equinox only"), (250, 191, 46)),
    (QT_TRANSLATE_NOOP("", "Not met"), (214, 41, 41)),
    (QT_TRANSLATE_NOOP("", "Lost through the variant"), (140, 26, 153)),
]


def present_sunlight(window, result) -> str:
    """Check points as coloured markers on the facades (viewer.overlays.sunlight_points_mesh), the
    buildings washed out, a category legend."""
    from viewer.overlays import sunlight_points_mesh

    vp = window.viewport
    for name in ("shadow", "sunhours"):
        vp.remove_overlay(name, render=False)
    mesh = sunlight_points_mesh(result)
    if mesh.n_cells:
        vp.add_overlay("sunlight", mesh, scalars="rgb", rgb=True, lighting=False)
    else:
        vp.remove_overlay("sunlight")
    vp.set_result_colours(muted(vp.base_rgb))
    f = result.figures()
    summary = tr("{both} of {n} facade points meet DIN 5034-1 on both days, {eq} at the equinox").format(
        both=f["points_meeting_both"], n=f["check_points"], eq=f["points_meeting_equinox"])
    items = SUNLIGHT_CLASSES[:3]
    if "difference" in f:
        d = f["difference"]
        summary += "; " + tr("{p} points on {b} buildings lose compliance in the variant").format(
            p=d["points_losing_compliance"], b=d["buildings_losing_compliance"])
        items = SUNLIGHT_CLASSES
    window.legend.show_categories(QT_TRANSLATE_NOOP("", "Sunlight (DIN 5034-1)"),
                                  [(tr(label), rgb) for label, rgb in items], summary)
    # the clicked building's figures in the attribute dock while this result is on screen
    window._sunlight_rows = (window.scene, result.per_building(), result.before is not None)
    if getattr(window, "_sunlight_provider", None) is None:  # registered once per window
        window._sunlight_provider = lambda oid, w=window: sunlight_rows(w, oid)
        window.attributes.row_providers.append(window._sunlight_provider)
    window._show_attributes()
    return summary


def sunlight_rows(window, object_id) -> list[tuple[str, str]]:
    """Attribute-dock rows of the facade sunlight result for the building of ``object_id`` (none
    when the result is gone or the model changed since)."""
    state = getattr(window, "_sunlight_rows", None)
    if state is None or object_id is None or state[0] is not window.scene:
        return []
    _scene, per_b, compared = state
    fig = per_b.get(window._root(object_id))
    if fig is None:
        return []
    rows = [("☼ " + tr("Facade check points"), str(fig["points"])),
            ("☼ " + tr("Meeting both days"), str(fig["meets_both"])),
            ("☼ " + tr("Meeting the equinox"), str(fig["meets_equinox"])),
            ("☼ " + tr("Best point, equinox [h]"), format_number(fig["best_equinox_h"], 1)),
            ("☼ " + tr("Best point, 17 January [h]"), format_number(fig["best_winter_h"], 1))]
    if compared:
        rows.append(("☼ " + tr("Points losing compliance"), str(fig["points_losing"])))
    return rows


# ------------------------------------------------------------------------------ setbacks
def setback_rules() -> list[tuple[str, str]]:
    try:
        from analysis.setbacks import RULES
    except ImportError:
        return []
    return [(k, r.name) for k, r in RULES.items()]


def setbacks_job(ctx, rule):
    from analysis.setbacks import compute_setbacks

    model = ctx.model

    def run(progress, cancelled):
        progress(0.05)
        res = compute_setbacks(model, rule=rule)
        progress(1.0)
        return res

    return run


def setback_mesh(result, ground_z_local: float):
    """Setback areas of the outer walls as flat polygons (local coordinates) with an ``ok`` cell
    flag (1 = no conflict, 0 = overlaps a neighbour's area or building)."""
    import pyvista as pv
    import shapely

    bad = result.violating_mask()
    points, faces, ok = [], [], []
    n = 0
    gz = None
    if result.ground_z is not None:
        gz = np.asarray(result.ground_z, float) - float(result.origin[2])
    for i in np.flatnonzero(result.kind == "outer"):
        geom = result.areas[i]
        if geom is None or geom.is_empty:
            continue
        for poly in getattr(geom, "geoms", [geom]):
            ring = np.asarray(shapely.get_coordinates(poly.exterior))[:-1]
            if len(ring) < 3:
                continue
            z = (gz[i] if gz is not None else ground_z_local) + 0.08
            points.append(np.c_[ring, np.full(len(ring), z)])
            faces.append(np.r_[len(ring), np.arange(n, n + len(ring))])
            ok.append(0 if bad[i] else 1)
            n += len(ring)
    if not points:
        return None
    mesh = pv.PolyData(np.vstack(points), np.concatenate(faces))
    mesh.cell_data["ok"] = np.asarray(ok, dtype=np.uint8)
    rgb = np.where(np.asarray(ok)[:, None] == 1, np.array(OK_RGB), np.array(BAD_RGB)).astype(np.uint8)
    mesh.cell_data["rgb"] = rgb
    return mesh


def present_setbacks(window, result) -> str:
    vp = window.viewport
    if not np.allclose(result.origin, window.scene.origin):
        raise InputError(None, "setback result and scene use different local origins")
    mesh = setback_mesh(result, vp.ground_z)
    if mesh is not None:
        vp.add_overlay("setbacks", mesh.triangulate(), scalars="rgb", rgb=True, opacity=0.55, lighting=False)
    offenders = {v["id"] for v in result.violations}
    rgb = muted(vp.base_rgb)
    if offenders:
        idx = np.array([oid in offenders for oid in window.scene.object_ids])
        rgb[idx[window.scene.object_index]] = BAD_RGB
    vp.set_result_colours(rgb)
    s = result.summary()
    summary = tr("{rule}: {walls} outer walls, {bad} with conflicts ({n} buildings)").format(
        rule=s["rule_name"], walls=s["outer_walls"], bad=s["violating_walls"], n=len(offenders))
    window.legend.show_categories("Setback areas", [(tr("Setback area kept"), OK_RGB),
                                                    (tr("Overlap / conflict"), BAD_RGB)], summary)
    return summary
