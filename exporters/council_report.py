"""The council report (PDF, A4 landscape, matplotlib; no Qt, no VTK): what a planning office hands
to the council about its variants.

Pages:

1. Title: project, date, variants, coordinate reference system, data sources and their credit,
   the analyses in the report.
2. What changed: per variant, the edits in words (demolished / new buildings by their labels,
   heights set, moves) and its figures against the existing state ("Bestand"): buildings, footprint
   and gross floor area, volume, heights — with Δ.
3. One page per analysis that was run: its map in plan (buildings coloured as the result draws
   them, the result's ground layer, lines and markers) with its legend and a scale, the
   parameters it was computed with, and its key figures per variant against Bestand (a variant the
   analysis was not run for shows "–" and says so).

Every page has a footer with the date, the CRS, the data credit and "page n of N". All text
comes through ``texts`` (:class:`ReportTexts`): the caller's translation and number format, so
the report is in the UI's language; the English source strings are :data:`TEXTS`.

Maps are plain arrays (:class:`PlanMap`) the caller derives from what its view draws, so the
report shows the same colours as the screen.
"""
from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass, field

import numpy as np

from .report import A4_LANDSCAPE

#: every text the council report writes (English source strings; the window translates them in
#: the "report" context of its translations, app/translations/texts_de.ts)
TEXTS = (
    "Council report", "Variants", "Date", "Coordinate reference system", "Data source", "Data credit",
    "Analyses in this report", "What changed", "Parameters", "Legend", "page {n} of {total}",
    "no analysis was run", "Demolished: {names}", "New buildings: {names}", "Height set: {names}",
    "Moved or turned: {names}", "Other edits: {n}", "no edits", "not computed for this variant",
    "Δ against Bestand", "unknown", "Map of {variant}", "Created with Stadtbild {version}", "Figures per variant",
    "Computed for",
)


@dataclass
class ReportTexts:
    """The report's language: ``translate(english) -> text`` and ``number(value, decimals) -> text``."""

    translate: object = None
    number: object = None
    language: str = "en"

    def t(self, text: str, **params) -> str:
        out = self.translate(text) if self.translate is not None else text
        return out.format(**params) if params else out

    def n(self, value, decimals: int = 1) -> str:
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            return "–"
        if self.number is not None:
            return self.number(float(value), decimals)
        return f"{float(value):,.{decimals}f}"


@dataclass
class PlanMap:
    """A plan map as plain arrays in the model CRS (metres): filled triangles ``triangles`` (m, 3,
    2) with colours ``rgba`` (m, 4, 0..1), drawn in order (lower first); ``lines`` [(xy (k, 2),
    rgb 0..255, width pt)]; ``points`` [(xy (2,), rgb, size pt)]; ``legend`` a legend entry
    (``{"kind": "categories", "title", "items": [(label, rgb)]}`` or ``{"kind": "ramp", "title",
    "unit", "vmin", "vmax", "cmap"}``) and the area shown ``extent`` (xmin, ymin, xmax, ymax)."""

    triangles: np.ndarray
    rgba: np.ndarray
    lines: list = field(default_factory=list)
    points: list = field(default_factory=list)
    legend: dict | None = None
    extent: tuple | None = None
    background: tuple | None = None  # the ground's colour (rgb 0..255) under translucent layers


@dataclass
class FigureRow:
    """One key figure of an analysis for every variant (``values`` in the order of the report's
    variants; None: not computed for that variant)."""

    label: str
    values: list
    decimals: int = 1


@dataclass
class ReportSection:
    """One analysis that was run: title, parameters (label → text), figures per variant, its map."""

    title: str
    parameters: dict
    figures: list  # [FigureRow]
    map: PlanMap | None = None
    map_variant: str = ""
    summary: str = ""


@dataclass
class VariantChanges:
    """What a variant changes: its name, lines of edits in words, and figures (name → value) of the
    variant and of Bestand (same keys) with their decimals."""

    name: str
    lines: list
    figures: dict = field(default_factory=dict)  # label -> (bestand, variant, decimals)


@dataclass
class ReportInfo:
    title: str
    variants: list  # names, Bestand first
    crs: str | None
    sources: list
    credit: str
    date: str = ""
    version: str = ""


def _footer(fig, info: ReportInfo, texts: ReportTexts, page: int, total: int) -> None:
    credit = info.credit or "; ".join(info.sources) or "–"
    fig.text(0.04, 0.025, f"Stadtbild · {info.date} · {info.crs or texts.t('unknown')} · {credit}"[:170],
             fontsize=7, color="0.35")
    fig.text(0.96, 0.025, texts.t("page {n} of {total}", n=page, total=total), fontsize=7, color="0.35", ha="right")


def _title_page(fig, info: ReportInfo, sections, texts: ReportTexts) -> None:
    t = texts.t
    fig.text(0.06, 0.86, info.title or t("Council report"), fontsize=24, weight="bold")
    fig.text(0.06, 0.81, t("Created with Stadtbild {version}", version=info.version), fontsize=10, color="0.35")
    rows = [(t("Date"), info.date), (t("Variants"), ", ".join(info.variants)),
            (t("Coordinate reference system"), info.crs or t("unknown")),
            (t("Data source"), "; ".join(info.sources) or "–"), (t("Data credit"), info.credit or "–")]
    y = 0.72
    for label, value in rows:
        fig.text(0.06, y, label, fontsize=10, weight="bold", va="top")
        y = _wrapped(fig, 0.30, y, value, 95, fontsize=10) - 0.015
    fig.text(0.06, y - 0.02, t("Analyses in this report"), fontsize=12, weight="bold", va="top")
    y -= 0.065
    if not sections:
        fig.text(0.08, y, t("no analysis was run"), fontsize=10, va="top", style="italic")
    for s in sections:
        fig.text(0.08, y, f"• {s.title}", fontsize=10, va="top")
        y -= 0.032


def _wrapped(fig, x, y, text, width, fontsize=9, **kw) -> float:
    import textwrap

    for line in textwrap.wrap(str(text), width) or [""]:
        fig.text(x, y, line, fontsize=fontsize, va="top", **kw)
        y -= 0.022 * fontsize / 9
    return y


def _changes_page(fig, changes, texts: ReportTexts, variants) -> None:
    t = texts.t
    fig.text(0.04, 0.95, t("What changed"), fontsize=16, weight="bold", va="top")
    if not changes:
        fig.text(0.05, 0.88, t("no edits"), fontsize=10, style="italic", va="top")
        return
    x_cols = np.linspace(0.05, 0.97, len(changes) + 1)[:-1]
    width = (0.92 / len(changes))
    chars = max(30, int(width * 160))
    for x, ch in zip(x_cols, changes):
        y = 0.88
        fig.text(x, y, ch.name, fontsize=12, weight="bold", va="top")
        y -= 0.045
        for line in ch.lines or [t("no edits")]:
            y = _wrapped(fig, x, y, line, chars, fontsize=9) - 0.008
        y -= 0.02
        fig.text(x, y, t("Δ against Bestand"), fontsize=10, weight="bold", va="top")
        y -= 0.035
        for label, (before, after, dec) in ch.figures.items():
            if after is None:
                continue
            delta = None if before is None else after - before
            sign = "+" if delta is not None and delta > 0 else ""
            text = f"{label}: {texts.n(after, dec)}" + (f" ({sign}{texts.n(delta, dec)})" if delta is not None else "")
            y = _wrapped(fig, x, y, text, chars, fontsize=8.5) - 0.004


def _draw_map(ax, m: PlanMap, texts: ReportTexts) -> object:
    """The map into ``ax``; returns a ScalarMappable for a ramp legend (or None)."""
    from matplotlib.collections import LineCollection, PolyCollection

    if m.background is not None:
        ax.set_facecolor(np.asarray(m.background[:3], float) / 255.0)
    if len(m.triangles):
        pc = PolyCollection(m.triangles, facecolors=m.rgba, edgecolors="none", linewidths=0, antialiased=False)
        pc.set_rasterized(True)  # hundreds of thousands of cells: an image in the PDF, not vectors
        ax.add_collection(pc)
    if m.lines:
        ax.add_collection(LineCollection([xy for xy, _c, _w in m.lines],
                                         colors=[np.asarray(c) / 255 for _xy, c, _w in m.lines],
                                         linewidths=[w for _xy, _c, w in m.lines], zorder=4))
    for xy, c, size in m.points:
        ax.plot(xy[0], xy[1], "o", color=np.asarray(c) / 255, ms=size, mec="k", mew=0.5, zorder=5)
    if m.extent is not None:
        xmin, ymin, xmax, ymax = m.extent
        pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
        ax.set_xlim(xmin - pad, xmax + pad)
        ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=6)
    _scale_bar(ax, texts)
    legend = m.legend or {}
    if legend.get("kind") == "ramp":
        from matplotlib import colormaps
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        sm = ScalarMappable(norm=Normalize(legend["vmin"], legend["vmax"]), cmap=colormaps[legend.get("cmap", "viridis")])
        sm.label = legend.get("title", "")
        sm.units = legend.get("unit", "")
        return sm
    return None


def _scale_bar(ax, texts: ReportTexts) -> None:
    """A round-length scale bar in the lower left corner of the map."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = (x1 - x0) / 5.0
    nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]
    length = max([v for v in nice if v <= span] or [nice[0]])
    xs, ys = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([xs, xs + length], [ys, ys], color="k", lw=3, solid_capstyle="butt", zorder=6)
    ax.text(xs + length / 2, ys + 0.015 * (y1 - y0), f"{texts.n(length, 0)} m", ha="center", va="bottom", fontsize=7,
            zorder=6, bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})


def _section_page(fig, s: ReportSection, texts: ReportTexts, variants) -> None:
    from matplotlib.patches import Patch

    t = texts.t
    fig.text(0.04, 0.95, s.title, fontsize=16, weight="bold", va="top")
    if s.map is not None:
        ax = fig.add_axes([0.06, 0.09, 0.54, 0.80])
        mappable = _draw_map(ax, s.map, texts)
        if s.map_variant:
            ax.set_title(t("Map of {variant}", variant=s.map_variant), fontsize=9, loc="left")
        legend = s.map.legend or {}
        # the legend in the lower part of the right column, under parameters and figures
        if mappable is not None:
            fig.text(0.66, 0.36, t("Legend"), fontsize=11, weight="bold", va="top")
            cax = fig.add_axes([0.67, 0.08, 0.014, 0.24])
            cb = fig.colorbar(mappable, cax=cax)
            unit = f" [{mappable.units}]" if mappable.units else ""
            cb.set_label(f"{mappable.label}{unit}", fontsize=8)
            cb.ax.tick_params(labelsize=7)
            cb.ax.yaxis.set_major_formatter(_formatter(texts))
        elif legend.get("items"):
            handles = [Patch(facecolor=np.asarray(rgb) / 255, edgecolor="0.3", label=str(label))
                       for label, rgb in legend["items"][:14]]
            fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.655, 0.06), fontsize=8,
                       title=t("Legend") + (f": {legend['title']}" if legend.get("title") else ""),
                       title_fontsize=9, frameon=False, alignment="left")
    x = 0.66
    y = 0.88
    fig.text(x, y, t("Parameters"), fontsize=11, weight="bold", va="top")
    y -= 0.035
    for label, value in s.parameters.items():
        fig.text(x, y, str(label), fontsize=8, va="top")
        y = _wrapped(fig, x + 0.11, y, value, 34, fontsize=8) - 0.006
    y -= 0.02
    fig.text(x, y, t("Figures per variant"), fontsize=11, weight="bold", va="top")
    y -= 0.04
    cols = [x + 0.14 + k * (0.19 / max(len(variants), 1)) for k in range(len(variants))]
    for c, name in zip(cols, variants):
        fig.text(c, y, name[:14], fontsize=7.5, weight="bold", va="top", ha="left")
    y -= 0.03
    missing = False
    for row in s.figures:
        import textwrap

        n_lines = len(textwrap.wrap(row.label, 22)) or 1
        yr = y
        y = min(y, _wrapped(fig, x, y, row.label, 22, fontsize=7.5))
        y = min(y, yr - 0.022 * 7.5 / 9 * 2)  # room for a value and its Δ
        base = row.values[0] if row.values else None
        for k, (c, v) in enumerate(zip(cols, row.values)):
            if v is None:
                text = "–"
                missing = True
            else:
                text = texts.n(v, row.decimals)
                if k > 0 and base is not None:
                    d = v - base
                    text += f"\n(Δ {'+' if d > 0 else ''}{texts.n(d, row.decimals)})"
            fig.text(c, yr, text, fontsize=7.5, va="top")
        y -= 0.012 * max(1, 3 - n_lines)
    if missing:
        fig.text(x, y - 0.01, "– " + t("not computed for this variant"), fontsize=7, style="italic", va="top")
        y -= 0.03
    if s.summary:
        _wrapped(fig, x, y - 0.02, s.summary, 58, fontsize=7.5, color="0.25")


def _formatter(texts: ReportTexts):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: texts.n(v, 0 if abs(v) >= 100 else 1))


def report_pages(info: ReportInfo, sections, changes, texts: ReportTexts | None = None):
    """The pages as matplotlib Figures (a generator: title, what changed, one per analysis)."""
    from matplotlib.figure import Figure

    texts = texts or ReportTexts()
    info.date = info.date or _dt.datetime.now().astimezone().strftime("%d.%m.%Y %H:%M")
    total = 2 + len(sections)
    fig = Figure(figsize=A4_LANDSCAPE)
    _title_page(fig, info, sections, texts)
    _footer(fig, info, texts, 1, total)
    yield fig
    fig = Figure(figsize=A4_LANDSCAPE)
    _changes_page(fig, changes, texts, info.variants)
    _footer(fig, info, texts, 2, total)
    yield fig
    for k, s in enumerate(sections):
        fig = Figure(figsize=A4_LANDSCAPE)
        _section_page(fig, s, texts, info.variants)
        _footer(fig, info, texts, 3 + k, total)
        yield fig


def write_council_report(path, info: ReportInfo, sections, changes, texts: ReportTexts | None = None) -> dict:
    """Write the PDF atomically. Returns ``{"pages": n, "analyses": n, "variants": n}``."""
    from matplotlib.backends.backend_pdf import PdfPages

    from stadtbild.model.fileio import atomic_write_bytes

    buf = io.BytesIO()
    pages = 0
    with PdfPages(buf, metadata={"Title": info.title, "Creator": "Stadtbild", "Subject": "; ".join(info.sources)}) as pdf:
        for fig in report_pages(info, sections, changes, texts):
            pdf.savefig(fig)
            pages += 1
    atomic_write_bytes(path, buf.getvalue())
    return {"pages": pages, "analyses": len(sections), "variants": len(info.variants), "objects": None}
