"""Colour-by-attribute themes for the 3D view: "colour by height", eave height, storeys, volume
(continuous, with a scalar-bar legend) and roof type (categorical, with a legend).

Values are given per object id (e.g. from :class:`analysis.metrics.Metrics`) and mapped onto the
scene's triangles through ``scene.object_index``. Objects without a value are drawn grey.

    from stadtbild.analysis.metrics import compute_metrics
    from stadtbild.viewer.themes import add_metric_theme
    add_metric_theme(plotter, scene, compute_metrics(model), "height")
"""
from __future__ import annotations

import numpy as np

from stadtbild.model.scene import Scene

NAN_COLOUR = (190, 190, 190)

#: theme name -> (metrics column, legend title, colour map)
THEMES: dict[str, tuple[str, str, str]] = {
    "height": ("ridge_height_m", "Gebäudehöhe [m]", "viridis"),
    "eave": ("eave_height_m", "Traufhöhe [m]", "viridis"),
    "ground": ("ground_height_m", "Geländehöhe [m]", "terrain"),
    "storeys": ("storeys", "Geschosse (geschätzt)", "plasma"),
    "volume": ("volume_m3", "Volumen [m³]", "magma"),
    "footprint": ("footprint_area_m2", "Grundfläche [m²]", "cividis"),
    "roof_type": ("roof_type", "Dachform", "categorical"),
}

#: roof types -> (German label, colour)
ROOF_TYPE_STYLE = {
    "flat": ("Flachdach", (120, 120, 120)),
    "shed": ("Pultdach", (86, 180, 233)),
    "gable": ("Satteldach", (213, 94, 0)),
    "hip": ("Walmdach", (0, 158, 115)),
    "complex": ("Mischform", (204, 121, 167)),
    "none": ("kein Dach", NAN_COLOUR),
}


def object_values(scene: Scene, values_by_id: dict, inherit_parent: dict | None = None) -> np.ndarray:
    """Per scene object the value of its id (object array for text, float for numbers; NaN /
    None when missing). ``inherit_parent`` {child id: parent id}: children without their own
    value take their parent's (BuildingParts coloured by their Building)."""
    out = []
    for oid in scene.object_ids:
        v = values_by_id.get(oid)
        if v is None and inherit_parent and oid in inherit_parent:
            v = values_by_id.get(inherit_parent[oid])
        out.append(v)
    if any(isinstance(v, str) for v in out):
        return np.array(out, dtype=object)
    return np.array([np.nan if v is None else float(v) for v in out], dtype=float)


def metric_values(scene: Scene, metrics, column: str, by: str = "own") -> np.ndarray:
    """Values of a metrics column per scene object. ``by="own"``: each Building/BuildingPart its
    own row; ``by="building"``: parts take the value of their Building (whole-building height)."""
    vals = metrics.value_by_id(column)
    parents = {oid: p for oid, p in zip(metrics.ids, metrics.parent_ids) if p}
    if by == "building":
        vals = {oid: (vals.get(parents[oid]) if oid in parents else v) for oid, v in vals.items()}
    return object_values(scene, vals, inherit_parent=parents)


def _mesh(scene: Scene):
    from .scene_view import scene_to_polydata

    return scene_to_polydata(scene, "auto")


def add_scalar_theme(plotter, scene: Scene, values: np.ndarray, title: str, cmap: str = "viridis",
                     clim=None, name: str = "model", n_labels: int = 5):
    """Draw ``scene`` coloured by a number per scene object with a scalar bar; objects with
    NaN in grey. Returns the actor."""
    values = np.asarray(values, dtype=float)
    mesh = _mesh(scene)
    if not mesh.n_cells:
        return None
    cell = values[scene.object_index] if len(values) else np.full(scene.n_triangles, np.nan)
    mesh.cell_data[title] = cell
    finite = cell[np.isfinite(cell)]
    if clim is None:
        clim = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        if clim[0] == clim[1]:
            clim = (clim[0] - 0.5, clim[1] + 0.5)
    return plotter.add_mesh(mesh, scalars=title, cmap=cmap, clim=clim, nan_color=np.array(NAN_COLOUR) / 255,
                            name=name, show_edges=False, lighting=True, ambient=0.3, diffuse=0.7,
                            scalar_bar_args={"title": title, "vertical": True, "position_x": 0.8,
                                             "position_y": 0.1, "width": 0.06, "height": 0.7, "n_labels": n_labels,
                                             "fmt": "%.0f", "color": "black"})


def add_category_theme(plotter, scene: Scene, categories: np.ndarray, style: dict, title: str = "",
                       name: str = "model"):
    """Draw ``scene`` coloured by a category per scene object (``style``: {value: (label,
    rgb)}) with a legend of the categories present. Returns the actor."""
    mesh = _mesh(scene)
    if not mesh.n_cells:
        return None
    cats = np.asarray(categories, dtype=object)
    table = {k: np.array(v[1], dtype=np.uint8) for k, v in style.items()}
    obj_rgb = np.array([table.get(c, np.array(NAN_COLOUR, np.uint8)) for c in cats] or [NAN_COLOUR], dtype=np.uint8)
    mesh.cell_data["rgb"] = obj_rgb[scene.object_index]
    actor = plotter.add_mesh(mesh, scalars="rgb", rgb=True, name=name, show_edges=False, lighting=True,
                             ambient=0.3, diffuse=0.7)
    present = [c for c in style if c in set(cats.tolist())]
    if present:
        entries = [[style[c][0], np.array(style[c][1]) / 255] for c in present]
        plotter.add_legend(entries, bcolor=(1.0, 1.0, 1.0), border=True, size=(0.18, 0.04 * len(entries) + 0.02),
                           background_opacity=0.85,
                           loc="upper right", face="rectangle")
        if title:
            plotter.add_text(title, position="upper_left", font_size=12, color="black")
    return actor


def add_metric_theme(plotter, scene: Scene, metrics, theme: str = "height", by: str = "own", clim=None):
    """Add one of :data:`THEMES` ("height", "eave", "ground", "storeys", "volume", "footprint",
    "roof_type") for a :class:`analysis.metrics.Metrics`. Returns the actor."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (choose from {', '.join(THEMES)})")
    column, title, cmap = THEMES[theme]
    values = metric_values(scene, metrics, column, by=by)
    if cmap == "categorical":
        return add_category_theme(plotter, scene, values, ROOF_TYPE_STYLE, title)
    return add_scalar_theme(plotter, scene, values, title, cmap=cmap, clim=clim)


def render_theme(scene: Scene, metrics, out_path, theme: str = "height", size=(1600, 1000), view: str = "iso",
                 setbacks=None) -> str:
    """Off-screen PNG of a theme (and optionally setback areas, see viewer.setback_view)."""
    from .camera import apply_view
    from .render import add_captions, make_plotter, save_png
    from .scene_view import ground_plane

    plotter = make_plotter(size)
    try:
        add_metric_theme(plotter, scene, metrics, theme)
        bounds = np.array(scene.bounds, dtype=float)
        if setbacks is not None:
            from .setback_view import add_setbacks, setback_polydata

            add_setbacks(plotter, setbacks, scene)
            fill, _ = setback_polydata(setbacks, scene)
            if fill.n_points:
                bounds[0, :2] = np.minimum(bounds[0, :2], fill.points[:, :2].min(axis=0))
                bounds[1, :2] = np.maximum(bounds[1, :2], fill.points[:, :2].max(axis=0))
        plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), pickable=False, ambient=0.4, diffuse=0.6)
        apply_view(plotter, bounds, view)
        add_captions(plotter, scene, size)
        save_png(plotter, out_path)
    finally:
        plotter.close()
    return str(out_path)
