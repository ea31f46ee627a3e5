"""Shadow and sun-hour results drawn into a PyVista plotter: ground rasters as a coloured grid
surface, facade/roof sample values as colours of the scene's triangles, a scalar-bar legend (hours
or shadow classes) and the renderer's key light set to the analysis' sun direction.

Used by ``main.py shadow|sunhours … -o out.png`` (:func:`render_result`) and by the GUI viewport
(the ``add_*`` functions take any plotter). Coordinates are the scene's local frame, like
:mod:`viewer.scene_view`.
"""
from __future__ import annotations


import numpy as np

#: colour ramp for sun-hours (dark = little sun) and for before/after change (red = sun lost)
HOURS_CMAP = "inferno"
CHANGE_CMAP = "RdBu"
SHADOW_RGB = (0.20, 0.22, 0.42)
SUN_RGB = (0.98, 0.90, 0.55)


def _scalar_bar(title: str, fmt: str = "%.1f", n_labels: int = 5) -> dict:
    return {"title": title, "vertical": True, "position_x": 0.88, "position_y": 0.12, "height": 0.6,
            "width": 0.06, "color": "black", "fmt": fmt, "n_labels": n_labels, "title_font_size": 16,
            "label_font_size": 14}


def ground_lift_m(grid) -> float:
    """How far (m) a layer drawn on the ground grid floats above its samples' ground: a few cm over
    a flat ground, 0.3 m over terrain or ground cover, whose meshes would otherwise z-fight."""
    return 0.05 if grid.lift_m <= 0.02 else 0.3


def ground_cells_mesh(grid, keep, rgb=None):
    """PolyData of one quad per ground-grid cell in ``keep`` ((ny, nx) bool, row 0 = north), local
    frame, each at its cell's ground height + :func:`ground_lift_m`; with ``rgb`` ((ny, nx, 3)
    uint8) as cell data "rgb". The layer for categorical ground results (shadow, visibility):
    only the kept cells, so a large grid costs nothing where nothing is drawn."""
    import pyvista as pv

    rows, cols = np.nonzero(np.asarray(keep, dtype=bool))
    if len(rows) == 0:
        return pv.PolyData()
    c = grid.cell_m
    x0 = grid.x0 + cols * c
    y1 = grid.y_top - rows * c  # north edge of the cell
    z = np.asarray(grid.z, float)[rows, cols] + ground_lift_m(grid)
    pts = np.stack([np.column_stack([x0, y1 - c, z]), np.column_stack([x0 + c, y1 - c, z]),
                    np.column_stack([x0 + c, y1, z]), np.column_stack([x0, y1, z])], axis=1).reshape(-1, 3)
    faces = np.empty((len(rows), 5), dtype=np.int64)
    faces[:, 0] = 4
    faces[:, 1:] = np.arange(4 * len(rows)).reshape(-1, 4)
    mesh = pv.PolyData(pts, faces.ravel())
    if rgb is not None:
        mesh.cell_data["rgb"] = np.asarray(rgb, dtype=np.uint8)[rows, cols]
    return mesh


def ground_grid_mesh(grid, values: np.ndarray):
    """A flat ``pyvista.StructuredGrid`` over the ground grid cells (local frame) with cell data
    ``values`` (ny, nx; NaN = not drawn), following the ground height at cell centres."""
    import pyvista as pv

    xs = grid.x0 + np.arange(grid.nx + 1) * grid.cell_m
    ys = grid.y_top - np.arange(grid.ny + 1) * grid.cell_m
    x, y = np.meshgrid(xs, ys)
    # node heights: mean of the neighbouring cell heights (edge-padded)
    zc = np.pad(np.asarray(grid.z, dtype=float), 1, mode="edge")
    z = 0.25 * (zc[:-1, :-1] + zc[1:, :-1] + zc[:-1, 1:] + zc[1:, 1:]) + ground_lift_m(grid)
    mesh = pv.StructuredGrid(x, y, z)
    # pyvista orders points (and cells) of 2D node arrays in Fortran order: rows vary fastest
    mesh.cell_data["values"] = np.asarray(values, dtype=float).reshape(-1, order="F")
    return mesh


def add_ground_values(plotter, grid, values, cmap=HOURS_CMAP, clim=None, title: str = "h",
                      name: str = "ground-values", fmt: str = "%.1f", opacity: float = 1.0,
                      show_scalar_bar: bool = True, n_colors: int = 256, n_labels: int = 5,
                      annotations: dict | None = None):
    """Draw a (ny, nx) ground result with a colour ramp and a scalar-bar legend; ``annotations``
    {value: text} label classes on the bar instead of numbers (shadow / sun)."""
    mesh = ground_grid_mesh(grid, values)
    finite = np.asarray(values, dtype=float)[np.isfinite(values)]
    if clim is None:
        clim = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        if clim[1] <= clim[0]:
            clim = (clim[0], clim[0] + 1.0)
    bar = _scalar_bar(title, fmt, 0 if annotations else n_labels)
    extra = {"annotations": annotations} if annotations else {}
    actor = plotter.add_mesh(mesh, scalars="values", cmap=cmap, clim=clim, nan_opacity=0.0, opacity=opacity,
                             name=name, pickable=False, lighting=False, n_colors=n_colors,
                             show_scalar_bar=show_scalar_bar, scalar_bar_args=bar, **extra)
    if annotations and show_scalar_bar:
        try:  # class names right of the bar, in black, readable size
            sb = plotter.scalar_bars[title]
            sb.SetTextPositionToPrecedeScalarBar()  # tick labels left, annotations right
            sb.SetPosition(0.84, 0.12)
            tp = sb.GetAnnotationTextProperty()
            tp.SetColor(0.0, 0.0, 0.0)
            tp.SetFontSize(16)
            sb.SetDrawAnnotations(True)
        except (KeyError, AttributeError):
            pass
    return actor


def add_surface_values(plotter, scene, surfaces, values, cmap=HOURS_CMAP, clim=None, title: str = "h",
                       name: str = "surface-values", show_scalar_bar: bool = False):
    """Colour the scene's triangles by the area-weighted mean of their samples' ``values``;
    triangles without samples stay light grey."""
    import pyvista as pv

    from .scene_view import scene_to_polydata

    m = scene.n_triangles
    w = surfaces.area_m2
    num = np.bincount(surfaces.triangle, weights=w * np.asarray(values, dtype=float), minlength=m)
    den = np.bincount(surfaces.triangle, weights=w, minlength=m)
    tri_vals = np.divide(num, den, out=np.full(m, np.nan), where=den > 0)
    mesh = scene_to_polydata(scene)
    mesh.cell_data["values"] = tri_vals
    if clim is None:
        f = tri_vals[np.isfinite(tri_vals)]
        clim = (float(f.min()), float(f.max())) if len(f) else (0.0, 1.0)
    pv.global_theme.nan_color = (0.85, 0.85, 0.85)
    return plotter.add_mesh(mesh, scalars="values", cmap=cmap, clim=clim, nan_color=(0.85, 0.85, 0.85), name=name,
                            show_scalar_bar=show_scalar_bar, scalar_bar_args=_scalar_bar(title),
                            ambient=0.35, diffuse=0.65, specular=0.0)


def set_sun_light(plotter, sun_direction) -> None:
    """Replace the plotter's lights by a key light from ``sun_direction`` (unit vector towards the
    sun, local frame) plus the default fill (``viewer.render.add_default_lights``). A sun below
    the horizon gives a dim light from above (night)."""
    from .render import add_default_lights

    d = np.asarray(sun_direction, dtype=float)
    plotter.remove_all_lights()
    if d[2] <= 0:
        d = np.array([0.0, 0.0, 1.0])
    add_default_lights(plotter, d)


def auto_view(result) -> str:
    """A camera on the shadow side: for an instant shadow the iso view looking towards the sun
    (the camera stands where the shadows fall, so they are not hidden behind the buildings), for
    sun-hours from the north-east (north sides get the least sun)."""
    from stadtbild.analysis.shadow import ShadowResult

    if isinstance(result, ShadowResult) and result.sun.elevation_deg[0] > 0:
        d = result.sun.direction_grid()[0]
        return {(True, True): "iso-ne", (True, False): "iso-se", (False, True): "iso-nw",
                (False, False): "iso"}[(bool(-d[0] >= 0), bool(-d[1] >= 0))]
    return "iso-ne"


def _frame(result, difference=None) -> np.ndarray:
    """(2, 3) local bounds the camera frames: the changed cells (with a margin) for a difference,
    else the buildings plus the shadowed part of the grid for a shadow, else the buildings."""
    scene, grid = result.scene, result.grid
    lo, hi = scene.bounds
    x, y = grid.centres_local()
    sel = None
    if difference is not None:
        sel = np.isfinite(difference.ground) & (np.abs(np.nan_to_num(difference.ground)) > 1e-9)
    elif hasattr(result, "shadow"):
        sel = result.shadow & grid.active
    if sel is not None and sel.any():
        xs, ys = x[sel], y[sel]
        if difference is not None:
            pad = max(0.25 * max(np.ptp(xs), np.ptp(ys)), 50.0)
            return np.array([[xs.min() - pad, ys.min() - pad, lo[2]], [xs.max() + pad, ys.max() + pad, hi[2]]])
        return np.array([[min(lo[0], xs.min()), min(lo[1], ys.min()), lo[2]],
                         [max(hi[0], xs.max()), max(hi[1], ys.max()), hi[2]]])
    return np.array([lo, hi])


def _finish_picture(plotter, scene, size, out_path, title=None, subtitle=None) -> None:
    """The captions (:func:`viewer.render.add_captions`), then the PNG (viewer.render.save_png)."""
    from .render import add_captions, save_png

    add_captions(plotter, scene, size, title, subtitle)
    save_png(plotter, out_path)


def render_result(result, out_path, size=(1920, 1080), view: str = "auto", title: str | None = None,
                  difference=None) -> str:
    """Render a ShadowResult / SunHoursResult (or its before/after ``difference``) to a PNG: the
    scene, the ground values with a legend, facade values when sampled, sun as key light.
    ``view`` is a :data:`viewer.camera.VIEWS` name or "auto" (:func:`auto_view`)."""
    from stadtbild.analysis.shadow import ShadowResult

    from .camera import apply_view
    from .render import make_plotter
    from .scene_view import add_scene

    scene = result.scene
    plotter = make_plotter(size)
    try:
        grid = result.grid
        is_shadow = isinstance(result, ShadowResult)
        if difference is not None:
            vals = difference.ground
            if difference.kind == "shadow":
                from matplotlib import colormaps

                ramp = colormaps[CHANGE_CMAP + "_r"].resampled(3)
                add_ground_values(plotter, grid, vals, cmap=ramp, clim=(-1, 1), n_colors=3, title="Schatten",
                                  annotations={-2 / 3: "entfällt", 0.0: "unverändert", 2 / 3: "neu"})
            else:
                lim = max(float(np.nanmax(np.abs(vals))) if np.isfinite(vals).any() else 1.0, 0.1)
                add_ground_values(plotter, grid, vals, cmap=CHANGE_CMAP, clim=(-lim, lim), title="Δ Sonnenstunden [h]")
        elif is_shadow:
            vals = np.where(grid.active, result.shadow.astype(float), np.nan)
            from matplotlib.colors import ListedColormap

            add_ground_values(plotter, grid, vals, cmap=ListedColormap([SUN_RGB, SHADOW_RGB]), clim=(0, 1),
                              n_colors=2, title="Boden", annotations={0.25: "Sonne", 0.75: "Schatten"})
        else:
            hi = max(result.possible_hours, 1e-6)
            add_ground_values(plotter, grid, np.where(grid.active, result.hours, np.nan), clim=(0, hi),
                              title="Sonnenstunden [h]")
        if result.surfaces is not None and difference is None:
            if is_shadow:
                from matplotlib.colors import ListedColormap

                add_surface_values(plotter, scene, result.surfaces, result.surface_shadow.astype(float),
                                   cmap=ListedColormap([SUN_RGB, SHADOW_RGB]), clim=(0, 1))
            else:
                add_surface_values(plotter, scene, result.surfaces, result.surface_hours,
                                   clim=(0, max(result.possible_hours, 1e-6)))
        else:
            add_scene(plotter, scene, ground=False)
        # sun: the instant for a shadow, the highest sun of the period for sun-hours
        k = 0 if is_shadow else int(np.argmax(result.sun.elevation_deg))
        set_sun_light(plotter, result.sun.direction_grid()[k])
        bounds = _frame(result, difference)
        apply_view(plotter, bounds, auto_view(result) if view == "auto" else view)
        rec = result.sun.record(k)
        _finish_picture(plotter, scene, size, out_path, title,
                        f"Sonne: Azimut {rec['azimuth_deg']:.1f}°, Höhe {rec['elevation_deg']:.1f}°  "
                        f"({rec['time_local'][:16]} Ortszeit)")
    finally:
        plotter.close()
    return str(out_path)


#: DIN 5034-1 point classes (analysis.sunlight): both days met, equinox only, not met; lost by
#: the scenario
SUNLIGHT_RGB = {2: (0.13, 0.63, 0.30), 1: (0.98, 0.75, 0.18), 0: (0.84, 0.16, 0.16)}
SUNLIGHT_LOST_RGB = (0.55, 0.10, 0.60)


def sunlight_point_rgb(result) -> np.ndarray:
    """(k, 3) float colours of the check points of an :class:`analysis.sunlight.SunlightResult`:
    green both days met, amber equinox only, red not met; purple where the scenario took
    compliance away."""
    cls = result.point_class
    rgb = np.array([SUNLIGHT_RGB[int(c)] for c in (2, 1, 0)])[2 - cls] if len(cls) else np.zeros((0, 3))
    if result.before is not None:
        rgb[result.lost_compliance()] = SUNLIGHT_LOST_RGB
    return rgb


def sunlight_points_mesh(result, radius_m: float | None = None):
    """Square markers (two triangles each) on the facades at the check points, facing out, with an
    ``rgb`` cell array. Half-size ``radius_m`` (default: 30 % of the smaller of the point spacing
    and the storey height); points that lost compliance are drawn 1.3× larger."""
    import pyvista as pv

    p = result.points
    k = len(p)
    if k == 0:
        return pv.PolyData()
    r = np.full(k, radius_m or 0.3 * min(getattr(result, "spacing_m", 2.0), getattr(result, "storey_height_m", 3.0)))
    if result.before is not None:
        r[result.lost_compliance()] *= 1.3
    n = p.normals
    u = np.c_[-n[:, 1], n[:, 0], np.zeros(k)]
    u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    v = np.cross(n, u)
    c = p.points + 0.03 * n
    ru, rv = r[:, None] * u, r[:, None] * v
    quad = np.stack([c - ru - rv, c + ru - rv, c + ru + rv, c - ru + rv], axis=1)
    faces = np.c_[np.full(k, 4), np.arange(4 * k).reshape(-1, 4)].ravel()
    mesh = pv.PolyData(quad.reshape(-1, 3), faces)
    mesh.cell_data["rgb"] = (sunlight_point_rgb(result) * 255).astype(np.uint8)
    return mesh


def render_sunlight(result, out_path, size=(1920, 1080), view: str = "auto", title: str | None = None) -> str:
    """Render a facade sunlight check (:mod:`analysis.sunlight`) to a PNG: the scene with the check
    points as coloured markers and a legend."""
    from .camera import apply_view
    from .render import make_plotter
    from .scene_view import ground_plane, scene_to_polydata

    scene = result.scene
    plotter = make_plotter(size)
    try:
        model_mesh = scene_to_polydata(scene)
        if model_mesh.n_cells:  # light grey buildings: red roofs would read as "not met"
            model_mesh.cell_data["rgb"] = np.full((model_mesh.n_cells, 3), 222, dtype=np.uint8)
            plotter.add_mesh(model_mesh, scalars="rgb", rgb=True, name="model", ambient=0.25, diffuse=0.75,
                             specular=0.05)
            plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), name="model-ground", ambient=0.4,
                             diffuse=0.6)
        mesh = sunlight_points_mesh(result)
        if mesh.n_cells:
            plotter.add_mesh(mesh, scalars="rgb", rgb=True, lighting=False, name="sunlight")
        labels = [(f"beide Tage erfüllt (≥ {result.equinox_threshold_h:g} h / ≥ {result.winter_threshold_h:g} h)",
                   SUNLIGHT_RGB[2]),
                  (f"nur {result.dates[0].strftime('%d.%m.')} erfüllt", SUNLIGHT_RGB[1]),
                  ("nicht erfüllt", SUNLIGHT_RGB[0])]
        if result.before is not None:
            labels.append(("durch die Planung verloren", SUNLIGHT_LOST_RGB))
        plotter.add_legend([[text, rgb] for text, rgb in labels], bcolor="white",
                           size=(0.3, 0.045 * len(labels)), loc="lower left", face="rectangle")
        from stadtbild.analysis.sun import sun_positions

        noon = result.dates[0]
        import datetime as dt
        from zoneinfo import ZoneInfo

        tz = getattr(result.site, "tz", "UTC")
        sun = sun_positions([dt.datetime.combine(noon, dt.time(13, 0), tzinfo=ZoneInfo(tz))], result.site) \
            if result.site is not None else None
        if sun is not None:
            set_sun_light(plotter, sun.direction_grid()[0])
        lo, hi = scene.bounds
        lost = result.lost_compliance()
        if lost.any():  # a comparison: frame the points that lost compliance
            pts = result.points.points[lost]
            pad = max(40.0, 0.5 * float(np.ptp(pts[:, :2], axis=0).max()))
            lo = np.r_[pts[:, :2].min(axis=0) - pad, lo[2]]
            hi = np.r_[pts[:, :2].max(axis=0) + pad, pts[:, 2].max()]
        apply_view(plotter, np.array([lo, hi]), "iso-se" if view == "auto" else view)
        f = result.figures()
        _finish_picture(plotter, scene, size, out_path,
                        title or f"Besonnung nach DIN 5034-1: {f['points_meeting_both']} von {f['check_points']} "
                                 f"Fassadenpunkten erfüllen beide Tage")
    finally:
        plotter.close()
    return str(out_path)
