"""PDF report for council documents, drawn with matplotlib (``PdfPages``; no VTK, no Qt).

Pages (A4 landscape):

1. Title page: title, scenario, source files, CRS, date, object counts (demolished / inserted),
   list of analyses.
2. One page per analysis: a picture (the analysis' own ``image`` PNG when it has one, else a plan
   view drawn here: object footprints coloured by the analysis' per-object values, or every
   non-vertical surface with a per-surface value drawn in plan (a solar cadastre's roofs), or its
   raster as an image; its 2D layers on top), the legend
   (colour bar with units or class patches), the parameters, the key figures, and a footer with
   date, CRS and data source.
3. Without results: one plan page of the (edited) model (inserted objects blue, demolished
   footprints as red dashed outlines).

Fonts: matplotlib's bundled DejaVu Sans (umlauts and ² / ³ print correctly); the PDF embeds them.
"""
from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

import numpy as np

from stadtbild.model.footprint import object_footprints

from ._common import DEMOLISHED_RGB, INSERTED_RGB, Edits

A4_LANDSCAPE = (11.69, 8.27)  # inches


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, (int, np.integer)):
        return str(int(v)) if abs(int(v)) < 100000 else f"{int(v):,}".replace(",", " ")
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        return f"{v:,.4g}".replace(",", " ") if abs(v) < 1e6 else f"{v:.4e}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    return str(v)


class _Footprints:
    """Footprint outlines (exterior rings, CRS) of all objects, computed once per report."""

    def __init__(self, model, lod):
        self.ids, self.rings = [], []
        for oid, (fp, _) in object_footprints(model, None, lod).items():
            if fp is None:
                continue
            for p in getattr(fp, "geoms", [fp]):
                if p.geom_type == "Polygon" and not p.is_empty:
                    self.ids.append(oid)
                    self.rings.append(np.asarray(p.exterior.coords)[:, :2])


def _object_values(analysis, model, lod) -> tuple[dict, str | None]:
    key = analysis.colour_key()
    if key is None:
        return {}, None
    kind, name = key
    if kind == "objects":
        out = {}
        for oid, attrs in analysis.objects.items():
            try:
                out[oid] = float(attrs.get(name))
            except (TypeError, ValueError):
                pass
        return out, name
    vals = np.asarray(analysis.surfaces[name], dtype=float)
    areas = model.polygon_areas()
    out = {}
    for oid, obj in model.objects.items():
        g = model.select_geometry(obj, lod)
        if g is None:
            continue
        v = vals[g.poly_start:g.poly_stop]
        a = areas[g.poly_start:g.poly_stop]
        ok = np.isfinite(v) & (a > 0)
        if ok.any():
            out[oid] = float(np.average(v[ok], weights=a[ok]))
    return out, name


def _plan(ax, model, footprints: _Footprints, analysis=None, edits: Edits | None = None, lod=None):
    """Draw the plan view; returns (mappable or None, legend handles)."""
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import BoundaryNorm, Normalize
    from matplotlib.patches import Patch

    handles = []
    mappable = None
    inserted = set(edits.inserted) if edits else set()
    raster_drawn = False
    if analysis is not None and analysis.rasters:
        name, r = next(iter(analysis.rasters.items()))
        xmin, ymin, xmax, ymax = r.bounds
        vals = np.asarray(r.values, dtype=float)
        if r.nodata is not None and np.isfinite(r.nodata):
            vals = np.where(vals == r.nodata, np.nan, vals)
        mappable = ax.imshow(vals, extent=(xmin, xmax, ymin, ymax), origin="upper" if r.transform[4] < 0 else "lower",
                             cmap=analysis.cmap, interpolation="nearest", zorder=0)
        mappable.units = r.units or analysis.units.get(name, "")
        mappable.label = name
        raster_drawn = True
    values, vname = (_object_values(analysis, model, lod) if analysis is not None else ({}, None))
    face = []
    colours = []
    if values and not raster_drawn:
        allv = np.array(list(values.values()))
        breaks = analysis.breaks(allv)
        cmap = colormaps.get(analysis.cmap, colormaps["viridis"]) if hasattr(colormaps, "get") else colormaps[analysis.cmap]
        norm = BoundaryNorm(breaks, cmap.N) if analysis.classes else Normalize(breaks[0], breaks[-1])
        for oid, ring in zip(footprints.ids, footprints.rings):
            face.append(ring)
            v = values.get(oid)
            colours.append(cmap(norm(v)) if v is not None and np.isfinite(v) else (0.85, 0.85, 0.85, 1))
        from matplotlib.cm import ScalarMappable

        mappable = ScalarMappable(norm=norm, cmap=cmap)
        mappable.units = analysis.units.get(vname, "")
        mappable.label = vname
    else:
        for oid, ring in zip(footprints.ids, footprints.rings):
            face.append(ring)
            colours.append(np.append(np.asarray(INSERTED_RGB) / 255, 1) if oid in inserted else (0.78, 0.78, 0.76, 1))
    ax.add_collection(PolyCollection(face, facecolors=colours, edgecolors=(0.3, 0.3, 0.3, 1), linewidths=0.2,
                                     zorder=1))
    key = analysis.colour_key() if analysis is not None else None
    if key is not None and key[0] == "surfaces" and mappable is not None and not raster_drawn:
        _surface_plan(ax, model, analysis.surfaces[key[1]], mappable)
    if inserted:
        handles.append(Patch(facecolor=np.asarray(INSERTED_RGB) / 255, label="eingefügt / inserted"))
    if edits and edits.demolished and edits.original is not None:
        for oid, (fp, _) in object_footprints(edits.original, edits.demolished, lod).items():
            for p in getattr(fp, "geoms", [fp]) if fp is not None else []:
                if p.geom_type == "Polygon":
                    xy = np.asarray(p.exterior.coords)
                    ax.plot(xy[:, 0], xy[:, 1], ls="--", lw=0.8, color=np.asarray(DEMOLISHED_RGB) / 255, zorder=3)
        handles.append(Patch(facecolor="none", edgecolor=np.asarray(DEMOLISHED_RGB) / 255, linestyle="--",
                             label="abgerissen / demolished"))
    if analysis is not None:
        palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
        for i, (lname, feats) in enumerate(analysis.layers_with_isolines().items()):
            colour = palette[i % len(palette)]
            for geom, _props in feats:
                _draw_geom(ax, geom, colour)
            handles.append(Patch(facecolor=colour, alpha=0.5, label=lname))
    bb = model.bbox()
    if bb is not None:
        pad = 0.03 * max(bb[3] - bb[0], bb[4] - bb[1], 1.0)
        ax.set_xlim(bb[0] - pad, bb[3] + pad)
        ax.set_ylim(bb[1] - pad, bb[4] + pad)
    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=6)
    ax.set_xlabel(f"Rechtswert / easting [m] ({model.crs.name or 'CRS unbekannt'})", fontsize=7)
    ax.set_ylabel("Hochwert / northing [m]", fontsize=7)
    return mappable, handles


def _surface_plan(ax, model, values, mappable) -> None:
    """Per-surface values drawn surface by surface in plan (roofs of a solar cadastre): every
    polygon with a value and a non-vertical normal, projected to the plane, lower ones first."""
    from matplotlib.collections import PolyCollection

    from stadtbild.model.shapes import polygon_shapes

    vals = np.asarray(values, dtype=float)
    rows = np.flatnonzero(np.isfinite(vals[: model.n_polygons]))
    if not len(rows):
        return
    geoms = polygon_shapes(model, rows)
    rings, zs, cols = [], [], []
    for row, g in zip(rows, geoms):
        if g is None:
            continue
        xyz = np.asarray(g.exterior.coords)
        area2d = 0.5 * abs(np.dot(xyz[:-1, 0], xyz[1:, 1]) - np.dot(xyz[1:, 0], xyz[:-1, 1]))
        if area2d < 1e-3:  # vertical walls vanish in plan
            continue
        rings.append(xyz[:, :2])
        zs.append(xyz[:, 2].mean())
        cols.append(mappable.to_rgba(vals[row]))
    order = np.argsort(zs)
    ax.add_collection(PolyCollection([rings[i] for i in order], facecolors=[cols[i] for i in order],
                                     edgecolors=(0.25, 0.25, 0.25, 0.6), linewidths=0.1, zorder=1.5))


def _draw_geom(ax, geom, colour):
    if geom is None or geom.is_empty:
        return
    gt = geom.geom_type
    if gt.startswith("Multi") or gt == "GeometryCollection":
        for g in geom.geoms:
            _draw_geom(ax, g, colour)
    elif gt == "Polygon":
        xy = np.asarray(geom.exterior.coords)
        ax.fill(xy[:, 0], xy[:, 1], color=colour, alpha=0.45, lw=0.6, zorder=2)
    elif gt in ("LineString", "LinearRing"):
        xy = np.asarray(geom.coords)
        ax.plot(xy[:, 0], xy[:, 1], color=colour, lw=1.0, zorder=4)
    elif gt == "Point":
        ax.plot(geom.x, geom.y, "o", color=colour, ms=3, zorder=4)


def _text_block(fig, x, y, title, items: dict, width=0.36, max_rows=14, value_chars=48):
    fig.text(x, y, title, fontsize=10, weight="bold", va="top")
    y -= 0.035
    for k, v in list(items.items())[:max_rows]:
        text = _fmt(v)
        if len(text) > value_chars:
            text = "…" + text[-(value_chars - 1):]
        fig.text(x, y, str(k)[:40], fontsize=8, va="top")
        fig.text(x + width * 0.55, y, text, fontsize=8, va="top")
        y -= 0.028
    if len(items) > max_rows:
        fig.text(x, y, f"… {len(items) - max_rows} weitere", fontsize=7, va="top", style="italic")
        y -= 0.028
    return y - 0.02


def _footer(fig, model, page: int, date: str):
    src = "; ".join(Path(s).name for s in model.sources) or "–"
    fig.text(0.04, 0.025, f"Stadtbild · {date} · CRS {model.crs.name or 'unbekannt'} · Daten: {src}",
             fontsize=7, color="0.35")
    fig.text(0.96, 0.025, f"Seite {page}", fontsize=7, color="0.35", ha="right")


def report_figures(model, results=None, edits: Edits | None = None, lod=None, title: str | None = None,
                   scenario_name: str | None = None):
    """The report's pages as matplotlib Figures (a generator; also used for PNG previews)."""
    from matplotlib.figure import Figure

    date = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    footprints = _Footprints(model, lod)
    pages = 0
    # ---- title page
    fig = Figure(figsize=A4_LANDSCAPE)
    fig.text(0.06, 0.86, title or "Stadtbild – Bericht", fontsize=26, weight="bold")
    fig.text(0.06, 0.80, f"Variante / scenario: {scenario_name or '– (Bestand)'}", fontsize=13)
    info = {
        "Datenquelle / source": "; ".join(map(str, model.sources)) or "–",
        "Koordinatensystem / CRS": model.crs.name or "unbekannt",
        "Höhenbezug / vertical": f"EPSG:{model.crs.vertical_epsg}" if model.crs.vertical_epsg else "–",
        "Objekte / objects": len(model.objects),
        "abgerissen / demolished": len(edits.demolished) if edits else 0,
        "eingefügt / inserted": len(edits.inserted) if edits else 0,
        "Datum / date": date,
    }
    for k, v in model.object_counts().items():
        info[f"  {k}"] = v
    _text_block(fig, 0.06, 0.72, "Modell / model", info, width=0.4, max_rows=20, value_chars=40)
    if results:
        _text_block(fig, 0.60, 0.72, "Analysen / analyses", {a.title or a.name: a.created for a in results},
                    width=0.36, value_chars=26)
    pages += 1
    _footer(fig, model, pages, date)
    yield fig
    # ---- analyses (or one plan of the model)
    for analysis in (list(results) if results else [None]):
        fig = Figure(figsize=A4_LANDSCAPE)
        heading = "Lageplan / site plan" if analysis is None else (analysis.title or analysis.name)
        fig.text(0.04, 0.95, heading, fontsize=16, weight="bold", va="top")
        ax = fig.add_axes([0.07, 0.09, 0.53, 0.8])
        mappable = None
        handles = []
        image = Path(analysis.image) if analysis is not None and analysis.image else None
        if image is not None and image.is_file():
            from matplotlib.image import imread

            ax.imshow(imread(image))
            ax.set_axis_off()
        else:
            mappable, handles = _plan(ax, model, footprints, analysis, edits, lod)
        if mappable is not None:
            cax = fig.add_axes([0.63, 0.12, 0.012, 0.4])
            cb = fig.colorbar(mappable, cax=cax)
            cb.set_label(f"{getattr(mappable, 'label', '')} [{getattr(mappable, 'units', '')}]".replace(" []", ""),
                         fontsize=8)
            cb.ax.tick_params(labelsize=7)
        if handles:
            fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.72, 0.1), fontsize=7,
                       title="Legende / legend", title_fontsize=8, frameon=False)
        y = 0.88
        if analysis is not None:
            y = _text_block(fig, 0.66, y, "Kennzahlen / key figures", analysis.figures or {"–": ""}, width=0.3)
            y = _text_block(fig, 0.66, y, "Parameter", analysis.parameters or {"–": ""}, width=0.3, max_rows=10)
        else:
            _text_block(fig, 0.66, y, "Modell / model", {"Objekte / objects": len(model.objects),
                                                          "CRS": model.crs.name or "–"}, width=0.3)
        pages += 1
        _footer(fig, model, pages, date)
        yield fig


def write_report(model, path, results=None, edits: Edits | None = None, lod=None, title: str | None = None,
                 scenario_name: str | None = None) -> dict:
    """Write the PDF report. Returns {"pages": n, "objects": n}."""
    from matplotlib.backends.backend_pdf import PdfPages

    from stadtbild.model.fileio import atomic_write_bytes

    buf = io.BytesIO()
    pages = 0
    with PdfPages(buf, metadata={"Title": title or "Stadtbild – Bericht", "Creator": "Stadtbild",
                                 "Subject": "; ".join(map(str, model.sources))}) as pdf:
        for fig in report_figures(model, results, edits, lod, title, scenario_name):
            pdf.savefig(fig)
            pages += 1
    atomic_write_bytes(path, buf.getvalue())
    return {"pages": pages, "objects": len(model.objects)}
