"""Roofs coloured by annual irradiation (kWh/m²·a) with a scalar-bar legend, plus the figures of a
picked roof and a building's monthly yield, for the GUI and off-screen pictures.

Usage from the GUI::

    from stadtbild.viewer.solar_view import add_solar, surface_figures, building_monthly_yield
    actor = add_solar(plotter, scene, result)          # result = analysis.solar.compute_solar(...)
    # on pick of a cell of the "solar-roofs" mesh:
    surf = int(mesh.cell_data["solar_surface"][cell_id]); figures = surface_figures(result, surf)
    months = building_monthly_yield(result, figures["building_id"])   # 12 kWh values, Jan..Dec

Cell data of the roof mesh: ``irradiation_kwh_m2a`` (colours), ``solar_surface`` (index into the
result's surfaces, for picking), ``object_index`` (scene object), ``yield_kwh_a``.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv

#: German labels (the GUI's default language); pass ``title=`` for others
LEGEND_TITLE = "Einstrahlung kWh/m²·a"
MONTH_LABELS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
DEFAULT_CMAP = "inferno"


def roof_polydata(scene, result) -> pv.PolyData:
    """The analysed roof triangles with per-cell results (see module docstring)."""
    tri_surface = result.surfaces.triangle_surface
    mask = tri_surface >= 0
    tris = scene.triangles[mask]
    if not len(tris):
        return pv.PolyData()
    faces = np.empty((len(tris), 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = tris
    mesh = pv.PolyData(scene.vertices, faces.ravel())
    s = tri_surface[mask]
    mesh.cell_data["solar_surface"] = s.astype(np.int64)
    mesh.cell_data["irradiation_kwh_m2a"] = np.asarray(result.irradiation_kwh_m2a, dtype=float)[s]
    mesh.cell_data["yield_kwh_a"] = np.asarray(result.yield_kwh_a, dtype=float)[s]
    mesh.cell_data["object_index"] = scene.object_index[mask]
    return mesh


def colour_limits(result, step: float = 100.0) -> tuple[float, float]:
    """Rounded colour range: from the 2nd percentile of the surface values (area-weighted would hide
    small shaded roofs) down to a multiple of ``step`` to the maximum rounded up."""
    v = np.asarray(result.irradiation_kwh_m2a, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo = np.floor(np.percentile(v, 2) / step) * step
    hi = np.ceil(v.max() / step) * step
    return float(lo), float(max(hi, lo + step))


def add_solar(plotter, scene, result, clim=None, cmap: str = DEFAULT_CMAP, title: str = LEGEND_TITLE,
              context: bool = True, name: str = "solar", n_labels: int = 5):
    """Add the roofs coloured by kWh/m²·a (with a scalar bar) and, with ``context``, the rest of
    the scene in light grey; returns the roof actor (None without roofs)."""
    roofs = roof_polydata(scene, result)
    if context:
        from .scene_view import scene_to_polydata

        rest = scene_to_polydata(scene, "surface", triangle_mask=result.surfaces.triangle_surface < 0)
        if rest.n_cells:
            plotter.add_mesh(rest, color=(0.86, 0.86, 0.84), name=f"{name}-context", pickable=False,
                             ambient=0.3, diffuse=0.7)
    if not roofs.n_cells:
        return None
    clim = clim or colour_limits(result)
    actor = plotter.add_mesh(
        roofs, scalars="irradiation_kwh_m2a", cmap=cmap, clim=clim, name=f"{name}-roofs",
        ambient=0.35, diffuse=0.65, specular=0.0, show_scalar_bar=True,
        scalar_bar_args={"title": title, "n_labels": n_labels, "fmt": "%.0f", "color": "black",
                         "vertical": True, "position_x": 0.88, "position_y": 0.15, "height": 0.7,
                         "width": 0.06, "title_font_size": 14, "label_font_size": 12},
    )
    return actor


def surface_figures(result, surface: int) -> dict:
    """Figures of one roof surface for a pick dialog (units in the keys)."""
    row = result.surface_row(int(surface))
    row["monthly_kwh_m2"] = [round(float(v), 1) for v in result.monthly_kwh_m2[int(surface)]]
    return row


def building_monthly_yield(result, building_id: str) -> list[float]:
    """12 monthly PV yields (kWh, Jan…Dec) of a building, for the GUI chart."""
    b = result.buildings().get(building_id)
    return list(b["monthly_yield_kwh"]) if b else [0.0] * 12


def monthly_chart(values, title: str = "PV-Ertrag kWh", ax=None):
    """A matplotlib bar chart of 12 monthly values; returns the Figure (Agg-safe, no pyplot state)."""
    from matplotlib.figure import Figure

    fig = None
    if ax is None:
        fig = Figure(figsize=(5, 2.6), dpi=100)
        ax = fig.add_subplot(111)
    ax.bar(range(12), values, color="#e8a33d")
    ax.set_xticks(range(12))
    ax.set_xticklabels(MONTH_LABELS, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    if fig is not None:
        fig.tight_layout()
    return fig if fig is not None else ax.figure


def render_solar(scene, result, out_path, size=(1600, 1000), view: str = "iso", title: str | None = None,
                 clim=None, zoom: float = 1.5) -> str:
    """Off-screen PNG of the coloured roofs (for reports and for checking the view)."""
    from .camera import apply_view
    from .render import add_captions, make_plotter, save_png

    plotter = make_plotter(size)
    try:
        add_solar(plotter, scene, result, clim=clim)
        apply_view(plotter, scene.bounds, view)
        if zoom and zoom != 1.0:
            plotter.camera.zoom(zoom)
        add_captions(plotter, scene, size, title)
        save_png(plotter, out_path)
    finally:
        plotter.close()
    return str(out_path)
