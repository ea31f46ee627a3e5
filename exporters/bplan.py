"""Outputs of the Bebauungsplan check (``analysis.bplan.ComplianceResult``): GeoJSON, GeoPackage,
CSV and a PDF page set for the council.

- **GeoJSON** (one layer): the checked buildings' footprints with one row of figures each
  (status, Baufenster, area and distance outside, eave/top heights and the limits applied,
  storeys, the violations as text, ``compliant``).
- **GeoPackage**: ``buildings`` (as above), ``violations`` (one row per violation with its
  geometry: the part outside the Baufenster, the stretch of Baulinie not built on, the footprint
  for height/storeys, the zone for GRZ/GFZ), ``baugebiete`` (GRZ/GFZ reached and allowed),
  ``baufenster`` (fixings and height limits) and ``geltungsbereich``.
- **CSV**: the buildings table with the footprint centroid ``x``, ``y`` and ``crs``.
- **PDF** (A4 landscape, matplotlib): a plan of the zones in PlanZV colours with the Baufenster,
  Baulinien and the buildings (compliant green, violating red, the violating parts hatched), the
  key figures, the violations table, GRZ/GFZ per zone and the assumptions.

All coordinates are written in the model CRS (absolute), the CRS is named; files are written
atomically.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path

import numpy as np
import shapely

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import atomic_write_bytes

from .vector import VectorLayer, geometry_type, write_vector

FORMATS = (".geojson", ".json", ".gpkg", ".csv", ".pdf")
COMPLIANT_RGB = (60, 160, 80)
VIOLATING_RGB = (214, 39, 40)
BAUGRENZE_RGB = (30, 90, 200)
BAULINIE_RGB = (200, 30, 30)


def _absolute(geom, origin):
    if geom is None:
        return None
    o = np.asarray(origin, dtype=np.float64).reshape(-1)[:2]
    return shapely.transform(geom, lambda c: c + o)


def building_table(result):
    rows = [b.row() for b in result.buildings]
    geoms = [_absolute(b.footprint, result.origin) for b in result.buildings]
    return rows, geoms


def violation_table(result):
    rows, geoms = [], []
    for v in result.violations:
        rows.append(v.to_dict())
        geoms.append(_absolute(v.geometry, result.origin))
    return rows, geoms


def zone_table(result):
    zones = {z.id: z for z in result.prepared.baugebiete}
    rows, geoms = [], []
    for zc in result.zones:
        r = zc.row()
        z = zones.get(zc.id)
        if z is not None:
            r["label"] = z.feature.label()
            r["nutzung_name"] = z.feature.nutzung_name
        rows.append(r)
        geoms.append(_absolute(z.geometry if z is not None else None, result.origin))
    return rows, geoms


def baufenster_table(result):
    rows, geoms = [], []
    for z in result.prepared.baufenster:
        f = z.feature
        rows.append({"id": f.id, "nutzung": z.nutzung, "ebene": f.ebene, "label": f.label(),
                     "height_limits": "; ".join(h.label() for h in z.heights),
                     "storeys_max": z.storeys.get("max"), "storeys_min": z.storeys.get("min"),
                     "storeys_mandatory": z.storeys.get("mandatory"),
                     "baugebiet": z.btf.id if z.btf is not None else None,
                     "area_m2": round(float(z.geometry.area), 2)})
        geoms.append(_absolute(z.geometry, result.origin))
    return rows, geoms


def _columns(rows: list) -> dict:
    names: list = []
    for r in rows:
        for k in r:
            if k not in names:
                names.append(k)
    return {k: [r.get(k) for r in rows] for k in names}


def _layer(name, rows, geoms, force_polygons=False):
    cols = _columns(rows) if rows else {"id": []}
    gtype = "MultiPolygon" if force_polygons else (geometry_type([g for g in geoms if g is not None]) if geoms else "Unknown")
    if force_polygons:
        geoms = [None if g is None else (g if g.geom_type == "MultiPolygon" else
                                         shapely.MultiPolygon([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]))
                 for g in geoms]
    return VectorLayer(name, cols, geoms, gtype)


def write_geojson(result, path) -> dict:
    rows, geoms = building_table(result)
    layer = _layer("buildings", rows, geoms, force_polygons=True)
    layer.options = {"WRITE_NAME": "NO", "COORDINATE_PRECISION": 4}
    write_vector(path, [layer], result.crs, driver="GeoJSON")
    return {"features": len(rows)}


def write_gpkg(result, path) -> dict:
    layers = [_layer("buildings", *building_table(result), force_polygons=True)]
    vrows, vgeoms = violation_table(result)
    if vrows:
        layers.append(_layer("violations", vrows, vgeoms))
    layers.append(_layer("baugebiete", *zone_table(result), force_polygons=True))
    layers.append(_layer("baufenster", *baufenster_table(result), force_polygons=True))
    plan = result.prepared.plan
    layers.append(_layer("geltungsbereich", [{"name": plan.name(), "file": plan.source, "version": plan.version}],
                         [_absolute(result.prepared.area, result.origin)], force_polygons=True))
    write_vector(path, layers, result.crs, driver="GPKG")
    return {"features": len(result.buildings), "layers": [lyr.name for lyr in layers]}


def write_csv(result, path) -> dict:
    rows, geoms = building_table(result)
    cols = _columns(rows) if rows else {"id": []}
    cents = [None if g is None or g.is_empty else g.centroid for g in geoms]
    cols["x"] = [None if c is None else round(c.x, 3) for c in cents]
    cols["y"] = [None if c is None else round(c.y, 3) for c in cents]
    cols["crs"] = [result.crs.name or "" if result.crs else ""] * len(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    names = list(cols)
    w.writerow(names)
    for i in range(len(rows)):
        w.writerow(["" if cols[n][i] is None else cols[n][i] for n in names])
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))
    return {"features": len(rows)}


# ---------------------------------------------------------------------------- PDF
def _patches(ax, geoms, **kw):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    for g in geoms:
        for p in shapely.get_parts(g) if g is not None else []:
            if p.geom_type != "Polygon" or p.is_empty:
                continue
            verts, codes = [], []
            for ring in [p.exterior, *p.interiors]:
                xy = np.asarray(ring.coords)[:, :2]
                verts.append(xy)
                codes += [MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY]
            ax.add_patch(PathPatch(MPath(np.concatenate(verts), codes), **kw))


def _lines(ax, geoms, **kw):
    for g in geoms:
        for p in shapely.get_parts(g) if g is not None else []:
            if p.geom_type in ("LineString", "LinearRing"):
                xy = np.asarray(p.coords)
                ax.plot(xy[:, 0], xy[:, 1], **kw)
            elif p.geom_type == "Polygon":
                xy = np.asarray(p.exterior.coords)
                ax.plot(xy[:, 0], xy[:, 1], **kw)


def _draw_plan(ax, result, detail: bool = True) -> None:
    """Zones in PlanZV colours, Baufenster (Baugrenze), Baulinien, the plan boundary, the
    checked buildings (green / red) and the violating parts, model CRS."""
    from stadtbild.model.bplan import zone_colour

    prep = result.prepared
    o = result.origin
    for f in prep.plan.zones():
        if f.attributes.get("flaechenschluss", True) is False:
            continue
        rgb = np.array(zone_colour(f)) / 255
        _patches(ax, [f.geometry], facecolor=(*rgb, 0.35), edgecolor=(*rgb * 0.7, 0.8), lw=0.3, zorder=1)
    lw = 1.0 if detail else 0.4
    _lines(ax, [_absolute(z.geometry, o) for z in prep.baufenster], color=np.array(BAUGRENZE_RGB) / 255, lw=lw,
           ls=(0, (6, 2, 1, 2)), zorder=3)
    _lines(ax, [_absolute(line, o) for _f, line, _b in prep.baulinien], color=np.array(BAULINIE_RGB) / 255,
           lw=1.5 * lw, ls=(0, (6, 2, 1, 2, 1, 2)), zorder=3)
    _lines(ax, [_absolute(prep.area, o)], color="0.15", lw=2.2 if detail else 1.0, zorder=4)
    ok = [_absolute(b.footprint, o) for b in result.buildings if b.compliant]
    bad = [_absolute(b.footprint, o) for b in result.buildings if not b.compliant]
    _patches(ax, ok, facecolor=np.array(COMPLIANT_RGB) / 255, edgecolor="0.2", lw=0.4, zorder=5)
    _patches(ax, bad, facecolor=np.array(VIOLATING_RGB) / 255, edgecolor="0.1", lw=0.6, zorder=5)
    if not detail:
        return
    _patches(ax, [_absolute(v.geometry, o) for v in result.violations if v.kind == "baugrenze"], facecolor="none",
             edgecolor="black", hatch="////", lw=0.8, zorder=6)
    _lines(ax, [_absolute(v.geometry, o) for v in result.violations if v.kind == "baulinie"], color="black", lw=2.5,
           zorder=6)


def _detail_extent(result, min_size_m: float = 80.0):
    """(xmin, ymin, xmax, ymax) around the checked buildings (inserted ones if any), model CRS."""
    o = result.origin
    chosen = [b for b in result.buildings if b.status == "inserted"] or list(result.buildings)
    if not chosen:
        return _absolute(result.prepared.area, o).bounds
    b = shapely.total_bounds(np.array([_absolute(x.footprint, o) for x in chosen], dtype=object))
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    half = max(b[2] - b[0], b[3] - b[1], min_size_m) * 0.65
    return cx - half, cy - half, cx + half, cy + half


def plan_figure(result, title: str | None = None, scenario_name: str | None = None, size=(11.69, 8.27)):
    """Page 1: a detail plan around the checked buildings with the zones, Baufenster labels and the
    violations, an overview of the whole plan, key figures and legend (matplotlib Figure)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    from stadtbild.model.bplan import zone_colour

    prep = result.prepared
    plan = prep.plan
    o = result.origin
    fig = Figure(figsize=size)
    heading = title or f"Bebauungsplan {plan.name() or Path(plan.source).stem} – Prüfung der Variante"
    fig.text(0.04, 0.955, heading, fontsize=15, weight="bold", va="top")
    fig.text(0.04, 0.91, f"Variante / scenario: {scenario_name or '– (Bestand)'} · XPlanGML {plan.version} · "
             f"{result.crs.name if result.crs else 'CRS unbekannt'}", fontsize=9, va="top", color="0.3")
    ax = fig.add_axes([0.05, 0.08, 0.56, 0.8])
    _draw_plan(ax, result, detail=True)
    x0, y0, x1, y1 = _detail_extent(result)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    view = shapely.box(x0, y0, x1, y1)
    for z in prep.baufenster:  # Nutzungsschablone-like labels of the Baufenster in view
        g = _absolute(z.geometry, o)
        if not g.intersects(view):
            continue
        label = " · ".join(p for p in [z.nutzung or "", z.feature.label().replace(f"{z.nutzung} · ", "")] if p)
        if label:
            p = shapely.intersection(g, view).representative_point()
            ax.text(p.x, p.y, label.replace(" · ", "\n"), fontsize=5.5, color=np.array(BAUGRENZE_RGB) / 300,
                    ha="center", va="center", zorder=4.5, alpha=0.9)
    for b in result.buildings:
        fp = _absolute(b.footprint, o)
        if not b.compliant and fp.intersects(view):
            c = fp.representative_point()
            ax.annotate(b.id, (c.x, c.y), xytext=(8, 8), textcoords="offset points", fontsize=6.5, zorder=7,
                        arrowprops=dict(arrowstyle="-", lw=0.5, color="0.2"),
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.5", lw=0.4, alpha=0.9))
    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=6)
    ax.set_xlabel(f"Rechtswert / easting [m] ({result.crs.name if result.crs else '–'})", fontsize=7)
    ax.set_ylabel("Hochwert / northing [m]", fontsize=7)
    # overview of the whole plan with the detail frame
    ov = fig.add_axes([0.65, 0.6, 0.31, 0.28])
    _draw_plan(ov, result, detail=False)
    ax_b = _absolute(prep.area, o).bounds if not prep.area.is_empty else (x0, y0, x1, y1)
    pad = 0.04 * max(ax_b[2] - ax_b[0], ax_b[3] - ax_b[1], 1.0)
    ov.set_xlim(ax_b[0] - pad, ax_b[2] + pad)
    ov.set_ylim(ax_b[1] - pad, ax_b[3] + pad)
    ov.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", lw=1.0, zorder=8))
    ov.set_aspect("equal")
    ov.set_xticks([])
    ov.set_yticks([])
    ov.set_title("Übersicht / overview", fontsize=8)
    s = result.summary()
    figures = {
        "Gebäude geprüft / checked": s["buildings_checked"],
        "eingehalten / compliant": s["compliant_buildings"],
        "Verstöße / violations": len(s["violations"]),
        **{f"  {k}": n for k, n in s["violations_by_kind"].items() if n},
        "Toleranz / tolerance": f"{result.tolerance_m:g} m",
        "Geschosshöhe (Annahme)": f"{result.storey_height_m:g} m",
    }
    y = 0.55
    fig.text(0.65, y, "Kennzahlen / key figures", fontsize=10, weight="bold", va="top")
    y -= 0.032
    for k, v in figures.items():
        fig.text(0.65, y, str(k), fontsize=8, va="top")
        fig.text(0.88, y, str(v), fontsize=8, va="top")
        y -= 0.024
    handles = [Patch(facecolor=np.array(COMPLIANT_RGB) / 255, label="Gebäude eingehalten / compliant"),
               Patch(facecolor=np.array(VIOLATING_RGB) / 255, label="Gebäude mit Verstoß / violation"),
               Patch(facecolor="none", edgecolor="black", hatch="////", label="außerhalb der Baugrenze"),
               Patch(facecolor="none", edgecolor=np.array(BAUGRENZE_RGB) / 255, label="Baugrenze (Baufenster)"),
               Patch(facecolor="none", edgecolor=np.array(BAULINIE_RGB) / 255, label="Baulinie"),
               Patch(facecolor="none", edgecolor="0.15", lw=2, label="Geltungsbereich")]
    seen = set()
    for f in plan.zones():
        key = f.nutzung or f.type
        if f.attributes.get("flaechenschluss", True) is False or key in seen or len(seen) >= 6:
            continue
        seen.add(key)
        handles.append(Patch(facecolor=np.array(zone_colour(f)) / 255, alpha=0.5,
                             label=f.nutzung_name or f.type.replace("BP_", "").replace("SO_", "")))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.64, 0.05), fontsize=6.5, frameon=False,
               title="Legende / legend", title_fontsize=8)
    _footer(fig, result, 1)
    return fig


def _footer(fig, result, page: int) -> None:
    date = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    plan = result.prepared.plan
    fig.text(0.04, 0.025, f"Stadtbild · {date} · CRS {result.crs.name if result.crs else 'unbekannt'} · "
             f"Plan: {Path(plan.source).name}", fontsize=7, color="0.35")
    fig.text(0.96, 0.025, f"Seite {page}", fontsize=7, color="0.35", ha="right")


def _fmt(v, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    if isinstance(v, bool):
        return "ja" if v else "nein"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _short(text, n: int = 22) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


_KIND_DE = {"height": "Höhe", "baugrenze": "Baugrenze", "baulinie": "Baulinie", "storeys": "Geschosse",
            "grz": "GRZ", "gfz": "GFZ"}
_STATUS_DE = {"inserted": "neu", "changed": "geändert", "existing": "Bestand"}


def _table_pages(title: str, header: list, rows: list, widths: list, size, rows_per_page: int = 24):
    """(Figure, …) with ``rows`` in a matplotlib table, ``rows_per_page`` per page."""
    from matplotlib.figure import Figure

    for start in range(0, max(len(rows), 1), rows_per_page):
        fig = Figure(figsize=size)
        fig.text(0.04, 0.955, title, fontsize=14, weight="bold", va="top")
        ax = fig.add_axes([0.04, 0.08, 0.92, 0.82])
        ax.set_axis_off()
        chunk = rows[start:start + rows_per_page] or [["–"] + [""] * (len(header) - 1)]
        tab = ax.table(cellText=chunk, colLabels=header, colWidths=widths, loc="upper left", cellLoc="left")
        tab.auto_set_font_size(False)
        tab.set_fontsize(7)
        tab.scale(1.0, 1.25)
        for (r, _c), cell in tab.get_celld().items():
            cell.set_edgecolor("0.75")
            cell.set_linewidth(0.4)
            if r == 0:
                cell.set_facecolor("0.9")
                cell.get_text().set_weight("bold")
        yield fig


def table_figures(result, size=(11.69, 8.27)):
    """Pages 2…: every checked building, the violations, GRZ/GFZ per zone, assumptions."""
    import textwrap

    from matplotlib.figure import Figure

    brows = []
    for b in result.buildings:
        r = b.row()
        lim = "; ".join(sorted({h["limit"] for h in b.heights})) or "–"
        z = b.storey_limits
        zl = "=" + _fmt(z["mandatory"], 0) if "mandatory" in z else "≤" + _fmt(z["max"], 0) if "max" in z else "–"
        brows.append([_short(b.id), _STATUS_DE.get(b.status, b.status), _short(b.baufenster[0] if b.baufenster else "–", 16),
                      _fmt(r["area_outside_m2"]), _fmt(r["max_outside_m"]), _fmt(r["eave_z_m"]), _fmt(r["top_z_m"]),
                      _short(lim, 26), f"{b.storeys} ({'Datei' if b.storeys_source == 'attribute' else 'gesch.'})",
                      zl, "eingehalten" if b.compliant else "VERSTOSS"])
    pages = list(_table_pages(
        "Geprüfte Gebäude / buildings checked",
        ["Gebäude", "Status", "Baufenster", "außerh. m²", "außerh. m", "Traufe m", "Oberk. m", "Höhenfestsetzung",
         "Geschosse", "Z", "Ergebnis"],
        brows, [0.14, 0.06, 0.11, 0.07, 0.07, 0.07, 0.07, 0.17, 0.08, 0.05, 0.09], size))
    vrows = [[_short(v.id, 26), _KIND_DE.get(v.kind, v.kind), f"{v.amount:.2f} {v.unit}",
              _fmt(v.limit), _fmt(v.value), _short(v.reference or "", 10), _short(v.feature, 18),
              _short(v.detail, 60)] for v in result.violations]
    pages += list(_table_pages(
        "Verstöße / violations",
        ["Gebäude / Fläche", "Prüfung", "Überschreitung", "Grenzwert", "Ist-Wert", "Bezug", "Festsetzung", "Erläuterung"],
        vrows, [0.15, 0.08, 0.1, 0.07, 0.07, 0.06, 0.13, 0.34], size))
    zrows = [[_short(z.id, 26), z.nutzung or "–", f"{z.area_m2:.0f}", f"{z.footprint_m2:.1f}", f"{z.floor_area_m2:.1f}",
              f"{z.grz:.3f}", _fmt(z.limits.get("GRZ"), 2), f"{z.gfz:.3f}", _fmt(z.limits.get("GFZ"), 2),
              "eingehalten" if not z.violations else "VERSTOSS"] for z in result.zones]
    pages += list(_table_pages(
        "Maß der baulichen Nutzung je Baugebietsteilfläche / density per zone",
        ["Baugebietsteilfläche", "Art", "Fläche m²", "Grundfl. m²", "Geschossfl. m²", "GRZ", "GRZ zul.", "GFZ",
         "GFZ zul.", "Ergebnis"],
        zrows, [0.2, 0.05, 0.08, 0.09, 0.1, 0.07, 0.07, 0.07, 0.07, 0.1], size))
    fig = Figure(figsize=size)
    fig.text(0.04, 0.955, "Annahmen und Hinweise / assumptions and notes", fontsize=14, weight="bold", va="top")
    y = 0.88
    for head, items in (("Annahmen / assumptions", result.assumptions), ("Hinweise / notes", result.warnings[:15])):
        if not items:
            continue
        fig.text(0.04, y, head, fontsize=10, weight="bold", va="top")
        y -= 0.04
        for a in items:
            for line in textwrap.wrap(a, 150) or [""]:
                fig.text(0.05, y, line, fontsize=7.5, va="top")
                y -= 0.026
            y -= 0.008
        y -= 0.02
    pages.append(fig)
    for k, page in enumerate(pages):
        _footer(page, result, k + 2)
        yield page


def write_pdf(result, path, title: str | None = None, scenario_name: str | None = None) -> dict:
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    pages = 0
    with PdfPages(buf, metadata={"Title": title or "Bebauungsplan – Prüfung", "Creator": "Stadtbild"}) as pdf:
        pdf.savefig(plan_figure(result, title, scenario_name))
        pages += 1
        for fig in table_figures(result):
            pdf.savefig(fig)
            pages += 1
    atomic_write_bytes(path, buf.getvalue())
    return {"pages": pages}


def write(result, path, title: str | None = None, scenario_name: str | None = None) -> dict:
    """Write ``result`` by the suffix of ``path`` (.geojson/.json, .gpkg, .csv, .pdf)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".json"):
        return write_geojson(result, path)
    if suffix == ".gpkg":
        return write_gpkg(result, path)
    if suffix == ".csv":
        return write_csv(result, path)
    if suffix == ".pdf":
        return write_pdf(result, path, title, scenario_name)
    raise InputError(path, f"bplan writes {', '.join(FORMATS)}; give an output name ending in one of them")
