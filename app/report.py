"""The council report from the window (Datei ▸ Exportieren… as PDF): every analysis that was run,
with its map as the view draws it (colours, ground layer, legend), its parameters and its figures
for every variant against Bestand, what each variant changes, the data credit, the CRS and the
date — in the UI's language (exporters.council_report writes it).

The maps are taken from the results' layers (:class:`app.state.ResultLayer`: the building colours
per triangle and the ground overlays the 3D view shows), projected to plan in the model CRS.
"""
from __future__ import annotations

import copy

import numpy as np

from stadtbild.exporters.council_report import FigureRow, PlanMap, ReportInfo, ReportSection, ReportTexts, VariantChanges

from .i18n import current_language, format_number, tr

REPORT_CONTEXT = "report"
#: triangles whose normal is steeper than this (|n_z| below) are walls: not seen in plan
WALL_NZ = 0.2


def report_texts() -> ReportTexts:
    """The UI language for the report (translations in the "report" context, German decimal comma)."""
    from PySide6.QtCore import QCoreApplication

    return ReportTexts(translate=lambda s: QCoreApplication.translate(REPORT_CONTEXT, s) or s,
                       number=format_number, language=current_language())


def _rgba(colour, alpha: float = 1.0) -> np.ndarray:
    from matplotlib.colors import to_rgba

    if isinstance(colour, (list, tuple, np.ndarray)) and len(colour) >= 3 and max(colour[:3]) > 1.0:
        colour = [c / 255.0 for c in colour[:3]]
    return np.asarray(to_rgba(colour, alpha))


def plan_map(scene, layer, base_rgb=None) -> PlanMap:
    """The plan of ``scene`` as ``layer`` draws it: roofs (every triangle not a wall) in the
    layer's building colours, ground overlays with their colours and opacity, line overlays as
    lines, small closed meshes (markers) as points; everything in the model CRS, lower first."""
    from stadtbild.viewer.scene_view import triangle_colours

    origin = np.asarray(scene.origin, float)
    tris, cols, zs = [], [], []
    if scene.n_triangles:
        up = np.abs(scene.face_normals[:, 2]) > WALL_NZ
        c = scene.corners[up]
        rgb = layer.building_rgb if layer is not None and layer.building_rgb is not None else (
            base_rgb if base_rgb is not None else triangle_colours(scene))
        tris.append(c[:, :, :2] + origin[:2])
        cols.append(np.c_[np.asarray(rgb, float)[up] / 255.0, np.ones(int(up.sum()))])
        zs.append(c[:, :, 2].mean(axis=1))
    lines, points = [], []
    for _name, (mesh, kwargs) in (layer.overlays.items() if layer is not None else []):
        if mesh is None or mesh.n_points == 0:
            continue
        b = np.asarray(mesh.bounds, float)
        alpha = float(kwargs.get("opacity", 1.0))
        if mesh.n_cells and (b[1] - b[0]) < 4.0 and (b[3] - b[2]) < 4.0:  # a marker (sphere)
            points.append((np.asarray(mesh.center, float)[:2] + origin[:2], _colour255(kwargs), 6))
            continue
        if mesh.n_lines and not mesh.n_faces_strict:
            xyz = np.asarray(mesh.points, float)
            conn = np.asarray(mesh.lines)
            k = 0
            while k < len(conn):
                n = int(conn[k])
                lines.append((xyz[conn[k + 1:k + 1 + n], :2] + origin[:2], _colour255(kwargs),
                              float(kwargs.get("line_width", 2.0)) * 0.6))
                k += n + 1
            continue
        tri = mesh.triangulate()
        faces = np.asarray(tri.faces).reshape(-1, 4)[:, 1:] if tri.n_cells else np.zeros((0, 3), int)
        if not len(faces):
            continue
        pts = np.asarray(tri.points, float)[faces]
        if kwargs.get("scalars") == "rgb" and "rgb" in tri.cell_data:
            rgb = np.asarray(tri.cell_data["rgb"], float)[:, :3] / 255.0
            cc = np.c_[rgb, np.full(len(rgb), alpha)]
        else:
            cc = np.tile(_rgba(kwargs.get("color", (0.5, 0.5, 0.5)), alpha), (len(faces), 1))
        tris.append(pts[:, :, :2] + origin[:2])
        cols.append(cc)
        zs.append(pts[:, :, 2].mean(axis=1))
    if tris:
        t, c, z = np.concatenate(tris), np.concatenate(cols), np.concatenate(zs)
        order = np.argsort(z, kind="stable")
        t, c = t[order], c[order]
    else:
        t, c = np.zeros((0, 3, 2)), np.zeros((0, 4))
    lo, hi = scene.bounds
    extent = (lo[0] + origin[0], lo[1] + origin[1], hi[0] + origin[0], hi[1] + origin[1])
    legend = dict(layer.legend) if layer is not None and layer.legend else None
    if legend is not None and legend.get("title"):
        legend["title"] = tr(legend["title"])
    from stadtbild.viewer.scene_view import GROUND_PLANE_RGB

    return PlanMap(t, c, lines, points, legend, extent, background=GROUND_PLANE_RGB)


def _colour255(kwargs) -> tuple:
    return tuple(int(round(v * 255)) for v in _rgba(kwargs.get("color", (0.1, 0.1, 0.1)))[:3])


def _figure_rows(key: str, runs_by_variant: list) -> list[FigureRow]:
    """Rows of the comparable figures of analysis ``key`` (app.project_io.COMPARE_ROWS order)."""
    from .project_io import COMPARE_ROWS, analysis_figures

    figs = [analysis_figures(key, run.result) if run is not None else None for run in runs_by_variant]
    rows = []
    for name, label, dec in COMPARE_ROWS:
        if any(f is not None and isinstance(f.get(name), (int, float)) for f in figs):
            rows.append(FigureRow(tr(label), [None if f is None else f.get(name) for f in figs], dec))
    return rows


def _changes_lines(base_model, variant) -> list[str]:
    """A variant's edits in words, buildings by their labels (model.labels)."""
    from stadtbild.model.labels import labels_text

    demolished, new, heights, moved, other = [], [], [], [], 0
    for e in variant.edits:
        op = e.get("op")
        if op == "demolish":
            demolished += list(e.get("ids", []))
        elif op in ("extrude", "insert", "wind_turbine"):
            text = str(e.get("id", "?"))
            if op == "extrude":
                text += f" ({format_number(float(e.get('height_m', 0)) + float(e.get('roof_height_m', 0) or 0), 1)} m)"
            new.append(text)
        elif op == "set_height":
            heights += list(e.get("ids", [e.get("id")]))
        elif op in ("move", "rotate"):
            moved += list(e.get("ids", []))
        else:
            other += 1
    lines = []
    t = report_texts().t
    if demolished:
        lines.append(t("Demolished: {names}", names=labels_text(base_model, list(dict.fromkeys(demolished)), 6)))
    if new:
        lines.append(t("New buildings: {names}", names=", ".join(new[:6]) + (" …" if len(new) > 6 else "")))
    if heights:
        lines.append(t("Height set: {names}", names=labels_text(base_model, list(dict.fromkeys(heights)), 6)))
    if moved:
        lines.append(t("Moved or turned: {names}", names=labels_text(base_model, list(dict.fromkeys(moved)), 6)))
    if other:
        lines.append(t("Other edits: {n}", n=other))
    return lines


def data_credit(model) -> str:
    """The data credit from the model's metadata (CityJSON metadata, CityGML description), else
    the source files."""
    from pathlib import Path

    meta = getattr(model, "metadata", None) or {}
    parts = []
    for key in ("datasetTitle", "title", "datasetReferenceDate", "referenceDate"):
        if isinstance(meta.get(key), str):
            parts.append(meta[key])
    contact = meta.get("pointOfContact")
    if isinstance(contact, dict):
        name = contact.get("contactName") or contact.get("organisation") or contact.get("organization")
        if name:
            parts.append(f"© {name}")
    if isinstance(meta.get("licence") or meta.get("license"), str):
        parts.append(meta.get("licence") or meta.get("license"))
    names = ", ".join(Path(s).name for s in getattr(model, "sources", []) or [])
    return "; ".join(parts + ([names] if names else []))


def build_report(window):
    """Everything the report needs from the window, gathered in the GUI thread: (info, sections,
    variant edits) and a function ``finish(progress)`` for the worker that adds the variants'
    figures (analysis.variants.compare_variants) and returns the changes."""
    from stadtbild.model.logs import version

    from .project_io import COMPARE_ROWS, unique_names

    w = window
    st = w.state
    variants = list(st.variants)
    names = unique_names([v.name for v in variants])
    sections = []
    for page in w.analysis.pages:
        runs = st.runs(analysis=page.key)
        if not runs:
            continue
        params = st.params.get(page.key)
        per_variant = [st.result_for(st.current_key(page.key, v)) for v in variants]
        if not any(per_variant):  # runs with other parameters only: those of the newest
            newest = runs[-1]
            params = newest.key.params
            per_variant = [next((r for r in reversed(runs) if r.key.variant == v.uid and r.key.params == params), None)
                           for v in variants]
        shown = next((r for r, v in zip(per_variant, variants) if r is not None and v is st.active), None) \
            or next(r for r in per_variant + [runs[-1]] if r is not None)
        variant_name = next((n for v, n in zip(variants, names) if v.uid == shown.key.variant), "")
        ptext = page.parameter_text(dict(params)) if params is not None else ""
        computed = [n for r, n in zip(per_variant, names) if r is not None]
        parameters = {tr("Settings"): ptext or "–", report_texts().t("Computed for"): ", ".join(computed)}
        sections.append(ReportSection(page.title(), parameters, _figure_rows(page.key, per_variant),
                                      plan_map(shown.scene, shown.layer), variant_name, shown.layer.summary))
    model = w.base_model
    info = ReportInfo(title=report_texts().t("Council report"), variants=names, crs=model.crs.name,
                      sources=[str(s) for s in (model.sources or w.files)], credit=data_credit(model),
                      version=version())
    edits = [(n, copy.deepcopy(v.edits), _changes_lines(model, v)) for v, n in zip(variants[1:], names[1:])]
    rows = [(k, tr(label), dec) for k, label, dec in COMPARE_ROWS[:11]]

    def finish(progress=None):
        from stadtbild.analysis.variants import compare_variants
        from stadtbild.model.scenario import Scenario

        scen = [Scenario.from_dict({"name": n, "edits": e}) for n, e, _l in edits]
        figs = compare_variants(model, scen) if scen else []
        changes = []
        for (n, _e, lines), f in zip(edits, figs[1:]):
            changes.append(VariantChanges(n, lines, {label: (figs[0].get(k), f.get(k), dec) for k, label, dec in rows
                                                     if isinstance(f.get(k), (int, float))}))
        return changes

    return info, sections, finish
