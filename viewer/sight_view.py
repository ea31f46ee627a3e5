"""Sightline, viewshed and view-corridor results drawn into a PyVista plotter (local scene frame).

* sight lines: green where the line is free, red behind the first hit, the hit point as a red
  ball, observer blue and target yellow, blocking buildings orange;
* viewshed: ground cells coloured visible (green) / hidden (grey), facades and roofs coloured by
  the visible share of their samples, the observer as a blue ball;
* view corridor: the corridor volume as a translucent prism over the sight plane (the sight plane
  itself a little more opaque), intruding buildings red, the others neutral.

``add_*`` take any plotter (the GUI viewport's too); ``render_*`` write a PNG for ``-o out.png``.
"""
from __future__ import annotations


import numpy as np

from .overlays import ground_cells_mesh

VISIBLE_RGB = (46, 160, 67)
HIDDEN_RGB = (150, 150, 150)
BLOCKED_RGB = (220, 40, 40)
BLOCKER_RGB = (245, 140, 30)
OBSERVER_RGB = (40, 90, 220)
TARGET_RGB = (250, 200, 20)
INTRUDER_RGB = (220, 40, 40)
NEUTRAL_RGB = (225, 222, 215)


def _c(rgb):
    return tuple(v / 255.0 for v in rgb)


def _marker(plotter, centre, radius, rgb, name):
    import pyvista as pv

    return plotter.add_mesh(pv.Sphere(radius=radius, center=tuple(centre)), color=_c(rgb), name=name,
                            pickable=False, reset_camera=False)


def _tube(plotter, a, b, radius, rgb, name):
    import pyvista as pv

    line = pv.Line(tuple(a), tuple(b))
    return plotter.add_mesh(line.tube(radius=radius, n_sides=12), color=_c(rgb), name=name, pickable=False,
                            reset_camera=False, lighting=False)


def scene_with_object_colours(plotter, scene, colours: dict, name: str = "model", base_rgb=None, opacity=1.0):
    """The scene with objects {object index: rgb} recoloured (others keep their surface colours,
    or ``base_rgb``)."""
    from .scene_view import scene_to_polydata

    mesh = scene_to_polydata(scene)
    if mesh.n_cells == 0:
        return None
    rgb = mesh.cell_data["rgb"].copy()
    if base_rgb is not None:
        rgb[:] = base_rgb
    for oi, col in colours.items():
        rgb[scene.object_index == oi] = col
    mesh.cell_data["rgb"] = rgb
    return plotter.add_mesh(mesh, scalars="rgb", rgb=True, name=name, opacity=opacity, ambient=0.3, diffuse=0.7,
                            specular=0.0, reset_camera=False)


def add_sightline(plotter, res, radius: float | None = None, name: str = "sightline") -> None:
    """Draw one :class:`analysis.sightline.SightlineResult` (line, hit point, ends)."""
    o, t = res.observer, res.target
    r = radius or max(0.15, res.length_m / 500.0)
    if res.first_hit is not None and not res.visible:
        _tube(plotter, o, res.first_hit, r, VISIBLE_RGB, f"{name}-free")
        _tube(plotter, res.first_hit, t, r, BLOCKED_RGB, f"{name}-blocked")
        _marker(plotter, res.first_hit, 4 * r, BLOCKED_RGB, f"{name}-hit")
    else:
        _tube(plotter, o, t, r, VISIBLE_RGB if res.visible else BLOCKED_RGB, f"{name}-free")
    _marker(plotter, o, 3 * r, OBSERVER_RGB, f"{name}-observer")
    _marker(plotter, t, 3 * r, TARGET_RGB, f"{name}-target")


def _line_camera(plotter, a, b, extra_points=()):
    """Look at the segment a-b from the side and above, framing it and ``extra_points``."""
    pts = np.vstack([a, b, *extra_points]) if len(extra_points) else np.vstack([a, b])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2
    axis = np.asarray(b, float) - np.asarray(a, float)
    axis[2] = 0
    n = np.linalg.norm(axis)
    axis = axis / n if n > 0 else np.array([1.0, 0, 0])
    side = np.array([-axis[1], axis[0], 0.0])
    direction = -side * 1.0 + np.array([0, 0, 0.75]) - axis * 0.35
    direction /= np.linalg.norm(direction)
    size = max(float(np.linalg.norm(hi - lo)), 20.0)
    dist = size * 1.25
    plotter.camera_position = [tuple(centre + direction * dist), tuple(centre), (0, 0, 1)]
    plotter.reset_camera_clipping_range()


def _finish(plotter, out_path, scene, title, subtitle, size):
    from .render import add_captions, save_png

    add_captions(plotter, scene, size, title, subtitle)
    return save_png(plotter, out_path)


def _legend(plotter, entries):
    width = min(0.45, 0.04 + 0.011 * max(len(label) for label, _ in entries))
    height = 0.035 * len(entries) + 0.01
    actor = plotter.add_legend([[label, _c(rgb)] for label, rgb in entries], bcolor=(1, 1, 1), border=True,
                               size=(width, height), loc="upper right", face="rectangle")
    actor.SetPosition(1.0 - width - 0.01, 1.0 - height - 0.01)  # keep the whole box inside the picture
    actor.SetPosition2(width, height)


def render_sightline(res, out_path, size=(1600, 900)) -> str:
    """PNG of a sightline: the model (blockers orange), the line green/red, the hit marked."""
    from .render import make_plotter
    from .scene_view import ground_plane

    scene = res.scene
    plotter = make_plotter(size)
    try:
        scene_with_object_colours(plotter, scene, {i: BLOCKER_RGB for i in res.blockers})
        plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), pickable=False, ambient=0.4, diffuse=0.6)
        add_sightline(plotter, res)
        _line_camera(plotter, res.observer, res.target)
        _legend(plotter, [("Sichtlinie frei", VISIBLE_RGB), ("verdeckt", BLOCKED_RGB),
                          ("verdeckende Objekte", BLOCKER_RGB), ("Betrachter", OBSERVER_RGB), ("Ziel", TARGET_RGB)])
        f = res.figures()
        state = "sichtbar" if res.visible else f"verdeckt durch {len(res.blockers)} Objekt(e)"
        sub = f"Sichtlinie {f['length_m']:.1f} m: {state}"
        if res.first_hit is not None:
            sub += f"; erster Treffer nach {res.distance_m:.1f} m"
        if f.get("min_clearance_m") is not None:
            sub += f"; min. Abstand {f['min_clearance_m']:.2f} m"
        return _finish(plotter, out_path, scene, "Sichtlinie", sub, size)
    finally:
        plotter.close()


def add_viewshed(plotter, res, name: str = "viewshed") -> None:
    """Ground cells green/grey by visibility, facades/roofs by their visible share, observer."""
    from .scene_view import scene_to_polydata

    grid = res.grid
    keep = res.active
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = HIDDEN_RGB
    rgb[res.visible] = VISIBLE_RGB
    if keep.any():
        plotter.add_mesh(ground_cells_mesh(grid, keep, rgb), scalars="rgb", rgb=True, name=f"{name}-ground",
                         pickable=False, lighting=False, reset_camera=False)
    scene = res.scene
    mesh = scene_to_polydata(scene)
    if mesh.n_cells:
        tri_rgb = np.tile(np.array(NEUTRAL_RGB, np.uint8), (scene.n_triangles, 1))
        if res.surfaces is not None and len(res.surfaces):
            s = res.surfaces
            m = scene.n_triangles
            tot = np.bincount(s.triangle, weights=s.area_m2, minlength=m)
            vis = np.bincount(s.triangle[res.surface_visible], weights=s.area_m2[res.surface_visible], minlength=m)
            share = np.divide(vis, tot, out=np.full(m, np.nan), where=tot > 0)
            has = np.isfinite(share)
            mix = share[has, None]
            tri_rgb[has] = (mix * np.array(VISIBLE_RGB) + (1 - mix) * np.array(HIDDEN_RGB)).astype(np.uint8)
        mesh.cell_data["rgb"] = tri_rgb
        plotter.add_mesh(mesh, scalars="rgb", rgb=True, name=f"{name}-surfaces", ambient=0.35, diffuse=0.65,
                         specular=0.0, reset_camera=False)
    _marker(plotter, res.observer, max(1.0, res.radius_m / 150.0), OBSERVER_RGB, f"{name}-observer")


def add_landmark_visibility(plotter, res, name: str = "landmark") -> None:
    """Street points green (landmark seen) / grey, the landmark yellow, the rest neutral."""
    grid = res.grid
    rgb = np.empty(grid.shape + (3,), np.uint8)
    rgb[:] = HIDDEN_RGB
    vis = np.zeros(grid.shape, dtype=bool)
    vis[res.grid_mask] = res.visible
    rgb[vis] = VISIBLE_RGB
    if res.grid_mask.any():
        plotter.add_mesh(ground_cells_mesh(grid, res.grid_mask, rgb), scalars="rgb", rgb=True, name=f"{name}-ground",
                         pickable=False, lighting=False, reset_camera=False)
    scene_with_object_colours(plotter, res.scene, {res.landmark: TARGET_RGB}, name=f"{name}-model",
                              base_rgb=NEUTRAL_RGB)


def render_viewshed(res, out_path, size=(1600, 900), view: str = "iso") -> str:
    """PNG of a viewshed (or of a landmark-visibility result)."""
    from stadtbild.analysis.landmark import LandmarkResult

    from .camera import apply_view
    from .render import make_plotter

    scene = res.scene
    plotter = make_plotter(size)
    try:
        f = res.figures()
        if isinstance(res, LandmarkResult):
            add_landmark_visibility(plotter, res)
            _legend(plotter, [("Wahrzeichen sichtbar", VISIBLE_RGB), ("nicht sichtbar", HIDDEN_RGB),
                              ("Wahrzeichen", TARGET_RGB)])
            title = "Sichtbarkeit des Wahrzeichens"
            sub = f"sichtbar von {100 * f['visible_fraction']:.1f} % der {f['sample_count']} Straßenpunkte"
        else:
            add_viewshed(plotter, res)
            _legend(plotter, [("sichtbar", VISIBLE_RGB), ("nicht sichtbar", HIDDEN_RGB), ("Betrachter", OBSERVER_RGB)])
            title = "Sichtfeld (Viewshed)"
            sub = (f"{100 * f['visible_fraction']:.1f} % der Freifläche im Radius {res.radius_m:g} m sichtbar, "
                   f"{len(f['visible_objects'])} Objekte sichtbar")
        g = res.grid
        gx0, gy0 = g.x0, g.y_top - g.ny * g.cell_m
        lo, hi = scene.bounds
        bounds = np.array([[max(lo[0], gx0), max(lo[1], gy0), lo[2]],
                           [min(hi[0], gx0 + g.nx * g.cell_m), min(hi[1], g.y_top), hi[2]]])
        if not (bounds[1] > bounds[0]).all():
            bounds = np.array([[gx0, gy0, lo[2]], [gx0 + g.nx * g.cell_m, g.y_top, hi[2]]])
        apply_view(plotter, bounds, view)
        return _finish(plotter, out_path, scene, title, sub, size)
    finally:
        plotter.close()


def add_corridor(plotter, res, name: str = "corridor", opacity: float = 0.25) -> None:
    """Translucent corridor volume over the sight plane, the plane itself, the axis line."""
    import pyvista as pv

    scene = res.scene
    top = float(scene.bounds[1, 2]) + 5.0 if scene.n_triangles else res.corridor.target[2] + 10.0
    v, f = res.corridor.volume_mesh(top)
    vol = pv.PolyData(v, np.c_[np.full(len(f), 3), f].ravel())
    plotter.add_mesh(vol, color=(0.35, 0.55, 0.95), opacity=opacity, name=f"{name}-volume", pickable=False,
                     reset_camera=False, show_edges=False)
    sv, sf = res.corridor.surface()
    plane = pv.PolyData(sv, np.c_[np.full(len(sf), 3), sf].ravel())
    plotter.add_mesh(plane, color=(0.2, 0.4, 0.9), opacity=min(1.0, opacity * 2.2), name=f"{name}-plane",
                     pickable=False, reset_camera=False)
    r = max(0.15, res.corridor.length_m / 600.0)
    _tube(plotter, res.corridor.viewpoint, res.corridor.target, r,
          VISIBLE_RGB if res.target_visible else BLOCKED_RGB, f"{name}-axis")
    _marker(plotter, res.corridor.viewpoint, 3 * r, OBSERVER_RGB, f"{name}-viewpoint")
    _marker(plotter, res.corridor.target, 3 * r, TARGET_RGB, f"{name}-target")
    for k, p in enumerate(res.at[:50]):
        _marker(plotter, p, 2 * r, INTRUDER_RGB, f"{name}-intrusion-{k}")


def render_corridor(res, out_path, size=(1600, 900)) -> str:
    """PNG of a view corridor: intruding buildings red, the target yellow, corridor translucent."""
    from .render import make_plotter
    from .scene_view import ground_plane

    scene = res.scene
    plotter = make_plotter(size)
    try:
        colours = {int(i): INTRUDER_RGB for i in res.intruders}
        if res.target_object >= 0:
            colours[res.target_object] = TARGET_RGB
        scene_with_object_colours(plotter, scene, colours, base_rgb=NEUTRAL_RGB)
        plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), pickable=False, ambient=0.4, diffuse=0.6)
        add_corridor(plotter, res)
        fp = res.corridor.footprint_xy()
        extra = np.column_stack([fp, res.corridor.plane_z(fp)])
        _line_camera(plotter, res.corridor.viewpoint, res.corridor.target, extra)
        _legend(plotter, [("Sichtachse", (90, 140, 240)), ("hineinragende Objekte", INTRUDER_RGB),
                          ("Ziel", TARGET_RGB), ("Standpunkt", OBSERVER_RGB)])
        f = res.figures()
        top = f["intruding"][0] if f["intruding"] else None
        sub = (f"{len(f['intruding'])} Objekte ragen in die Sichtachse"
               + (f", max. {top['above_m']:.2f} m über der Sichtebene ({top['id']})" if top else "")
               + f"; Länge {f['length_m']:.0f} m")
        return _finish(plotter, out_path, scene, "Geschützte Sichtachse", sub, size)
    finally:
        plotter.close()
