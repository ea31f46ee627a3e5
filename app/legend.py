"""Legend dock: one entry per visible result (a colour ramp with its value range and unit, or a
colour key of categories), or the semantic surface colours when nothing else is shown.

Swatches and ramps show the colours as drawn in the 3D view, not the material colours: lit
surfaces (roofs, walls, result colours on buildings: entry ``"lit": True``) are shaded like VTK
shades them under the view's lights (:func:`viewer.render.lit_rgb`; a wall as a facade at 45° to
the sun, everything else facing up), and a translucent ground overlay is blended over the ground
colour (entry ``"over": (opacity, ground_rgb)`` for ramps; category colours of ground overlays are
given already blended). An entry with ``"stale"`` is marked as such, in red, with the reason.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QDockWidget, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .i18n import format_number, tr

UP = (0.0, 0.0, 1.0)
FACADE = (-0.70710678, 0.0, 0.0)  # turned towards the sun's azimuth by 45° (see :meth:`LegendDock.shade`)
SELECTED_RGB = (255, 200, 0)


def colormap_rgb(values, vmin: float, vmax: float, cmap: str = "viridis", nan_rgb=(170, 170, 170)) -> np.ndarray:
    """(n, 3) uint8 colours of ``values`` on a matplotlib colormap (or the flood ramp of
    :func:`viewer.drape.ramp_colours`) between vmin and vmax."""
    import matplotlib

    from stadtbild.viewer.drape import FLOOD_CMAP, ramp_colours

    values = np.asarray(values, dtype=float)
    span = (vmax - vmin) or 1.0
    t = np.nan_to_num(np.clip((values - vmin) / span, 0.0, 1.0))
    if cmap == FLOOD_CMAP:  # a ramp of our own, sampled as the draped image's 256-entry table
        rgba = ramp_colours(cmap, 256)[np.round(t * 255).astype(int)]
    else:
        rgba = matplotlib.colormaps[cmap](t)
    out = (rgba[:, :3] * 255 + 0.5).astype(np.uint8)
    out[~np.isfinite(values)] = nan_rgb
    return out


def ramp_pixmap(cmap: str, width: int = 24, height: int = 200, transform=None) -> QPixmap:
    """Vertical colour ramp, maximum at the top; ``transform`` maps (n, 3) colours to drawn colours."""
    rgb = colormap_rgb(np.linspace(1.0, 0.0, height), 0.0, 1.0, cmap)
    if transform is not None:
        rgb = np.asarray(transform(rgb), np.uint8)
    img = np.ascontiguousarray(np.repeat(rgb[:, None, :], width, axis=1))
    qimg = QImage(img.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimg)


def swatch_pixmap(rgb, w: int = 18, h: int = 14) -> QPixmap:
    pm = QPixmap(w, h)
    pm.fill(QColor(*[int(c) for c in rgb]))
    return pm


def _empty(layout) -> None:
    """Take every widget out of ``layout`` (and delete it): the legend's sections are rebuilt."""
    while layout.count():
        w = layout.takeAt(0).widget()
        if w is not None:
            w.hide()
            w.setParent(None)
            w.deleteLater()


class LegendDock(QDockWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("LegendDock")
        body = QWidget()
        self.lay = QVBoxLayout(body)
        self.lay.setContentsMargins(4, 4, 4, 4)
        self.box = QWidget()
        self.box_lay = QVBoxLayout(self.box)
        self.box_lay.setContentsMargins(0, 0, 0, 0)
        self.lay.addWidget(self.box)
        self.layers_widget = QWidget()  # the 2D layers' keys (app.geo_layers), under the results'
        self.layers_grid = QGridLayout(self.layers_widget)
        self.layers_grid.setColumnStretch(1, 1)
        self.layers_grid.setContentsMargins(0, 0, 0, 0)
        self.lay.addWidget(self.layers_widget)
        self.layers_widget.hide()
        self.layer_entries: list = []
        self.rasters_widget = QWidget()  # the colour bars of the picture's rasters (flood depth …)
        self.rasters_grid = QGridLayout(self.rasters_widget)
        self.rasters_grid.setContentsMargins(0, 0, 0, 0)
        self.lay.addWidget(self.rasters_widget)
        self.rasters_widget.hide()
        self.raster_bars: list[dict] = []
        self.lay.addStretch(1)
        self.setWidget(body)
        self.sun_direction = None  # the key light of the view (None: the default light)
        self.entries: list[dict] = [{"kind": "surfaces"}]
        self.blocks: list[dict] = []  # per entry: its widgets (title, summary, stale, swatches, ramp)
        self.retranslate()

    # ------------------------------------------------------------------ public
    @property
    def state(self) -> dict:
        """The first (newest) entry."""
        return self.entries[0]

    @property
    def title(self) -> QLabel:
        return self.blocks[0]["title"]

    @property
    def summary(self) -> QLabel:
        return self.blocks[0]["summary"]

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Legend"))
        self._apply()

    def show_surfaces(self) -> None:
        """The default key: semantic surface colours."""
        self.show_entries([{"kind": "surfaces"}])

    def show_ramp(self, title: str, unit: str, vmin: float, vmax: float, cmap: str = "viridis",
                  summary: str = "", decimals: int = 1, lit: bool = False) -> None:
        self.show_entries([{"kind": "ramp", "title": title, "unit": unit, "vmin": float(vmin), "vmax": float(vmax),
                            "cmap": cmap, "summary": summary, "decimals": decimals, "lit": lit}])

    def show_categories(self, title: str, items, summary: str = "", lit: bool = False) -> None:
        self.show_entries([{"kind": "categories", "title": title, "items": list(items), "summary": summary,
                            "lit": lit}])

    def show_entries(self, entries) -> None:
        self.entries = [dict(e) for e in entries] or [{"kind": "surfaces"}]
        self._apply()

    def set_sun_direction(self, direction) -> None:
        """The view's key light changed: lit swatches follow it."""
        self.sun_direction = None if direction is None else np.asarray(direction, float)
        self._apply()

    def shade(self, rgb, normal=UP) -> tuple[int, int, int]:
        """``rgb`` as drawn on a lit surface facing ``normal`` (FACADE: a wall 45° off the sun)."""
        from stadtbild.viewer.render import default_lights, lit_rgb

        if normal is FACADE:
            d = default_lights(self.sun_direction)[0][0]
            az = np.arctan2(d[1], d[0]) + np.radians(45.0)
            normal = (np.cos(az), np.sin(az), 0.0)
        return lit_rgb(rgb, normal, self.sun_direction)

    def swatch_colours(self, k: int = 0) -> list[tuple[int, int, int]]:
        """The colours of the swatches of entry ``k`` as painted (for tests and reports)."""
        return [tuple(b) for b in self.blocks[k].get("colours", [])]

    def texts(self) -> list[str]:
        """All visible texts (for tests)."""
        out = []
        for b in self.blocks:
            out += [w.text() for w in b["labels"] if w.text()]
        for i in range(self.layers_grid.count()):
            w = self.layers_grid.itemAt(i).widget()
            if isinstance(w, QLabel) and w.text():
                out.append(w.text())
        return out

    def set_layers(self, entries) -> None:
        """The keys of the visible 2D layers: ``[(layer name, [(label, rgb)])]``; the layers are
        drawn unlit, so the swatches are their colours as they are."""
        self.layer_entries = [(name, list(items)) for name, items in entries]
        _empty(self.layers_grid)
        r = 0
        for name, items in self.layer_entries:
            self.layers_grid.addWidget(QLabel("<b>" + tr("2D layer: {name}").format(name=name) + "</b>"), r, 0, 1, 2)
            r += 1
            for label, rgb in items:
                sw = QLabel()
                sw.setPixmap(swatch_pixmap(rgb))
                self.layers_grid.addWidget(sw, r, 0)
                self.layers_grid.addWidget(QLabel(str(label)), r, 1)
                r += 1
        self.layers_widget.setVisible(bool(self.layer_entries))

    def set_rasters(self, bars) -> None:
        """The colour bars of the rasters draped in the view (``viewer.picture`` ``colour_bars``:
        title, cmap, clim in the raster's unit), as drawn: unlit, so the ramp is the table's colours."""
        self.raster_bars = [dict(b) for b in bars]
        _empty(self.rasters_grid)
        for k, bar in enumerate(self.raster_bars):
            lo, hi = bar["clim"]
            self.rasters_grid.addWidget(QLabel("<b>" + str(bar["title"]) + "</b>"), 3 * k, 0, 1, 2)
            ramp = QLabel()
            ramp.setObjectName(f"rasterRamp{k}")
            ramp.setPixmap(ramp_pixmap(bar["cmap"], width=18, height=110))
            ramp.setFixedSize(18, 110)
            self.rasters_grid.addWidget(ramp, 3 * k + 1, 0, 2, 1)
            self.rasters_grid.addWidget(QLabel(format_number(hi, 2)), 3 * k + 1, 1, Qt.AlignmentFlag.AlignTop)
            self.rasters_grid.addWidget(QLabel(format_number(lo, 2)), 3 * k + 2, 1, Qt.AlignmentFlag.AlignBottom)
        self.rasters_widget.setVisible(bool(self.raster_bars))

    # ------------------------------------------------------------------ building the blocks
    def _clear(self) -> None:
        _empty(self.box_lay)
        self.blocks = []

    def _apply(self) -> None:
        self._clear()
        for entry in self.entries:
            self.blocks.append(self._block(entry))

    def _block(self, st: dict) -> dict:
        from stadtbild.viewer.scene_view import SURFACE_COLOURS

        frame = QWidget()
        lay = QVBoxLayout(frame)
        lay.setContentsMargins(0, 0, 0, 8)
        title = QLabel()
        title.setWordWrap(True)
        lay.addWidget(title)
        stale = QLabel()
        stale.setWordWrap(True)
        stale.setStyleSheet("color: #b00020;")
        stale.setObjectName("legendStale")
        lay.addWidget(stale)
        summary = QLabel()
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        block = {"frame": frame, "title": title, "summary": summary, "stale": stale, "labels": [title, stale],
                 "colours": []}
        if st.get("stale"):
            stale.setText("⚠ " + st["stale"])
        else:
            stale.hide()
        if st["kind"] == "ramp":
            title.setText(f"<b>{tr(st['title'])}</b>" + (f" [{st['unit']}]" if st["unit"] else ""))
            row = QHBoxLayout()
            ramp = QLabel()
            ramp.setPixmap(ramp_pixmap(st["cmap"], transform=self._ramp_transform(st)))
            row.addWidget(ramp)
            labels = QVBoxLayout()
            d = st["decimals"]
            texts = [format_number(st["vmax"], d), format_number((st["vmin"] + st["vmax"]) / 2, d),
                     format_number(st["vmin"], d)]
            for k, text in enumerate(texts):
                lab = QLabel(text)
                labels.addWidget(lab, 0, Qt.AlignmentFlag.AlignTop if k == 0 else (
                    Qt.AlignmentFlag.AlignBottom if k == 2 else Qt.AlignmentFlag.AlignVCenter))
                if k < 2:
                    labels.addStretch(1)
                block["labels"].append(lab)
            row.addLayout(labels)
            row.addStretch(1)
            lay.addLayout(row)
            block["ramp"] = ramp
            block["max_label"], block["mid_label"], block["min_label"] = block["labels"][-3:]
        else:
            if st["kind"] == "surfaces":
                title.setText("<b>" + tr("Surfaces") + "</b>")
                items = [(tr("Roof"), self.shade(SURFACE_COLOURS["RoofSurface"])),
                         (tr("Wall"), self.shade(SURFACE_COLOURS["WallSurface"], FACADE)),
                         (tr("Ground surface"), SURFACE_COLOURS["GroundSurface"]),
                         (tr("Selected"), self.shade(SELECTED_RGB))]
            else:
                title.setText(f"<b>{tr(st['title'])}</b>")
                items = [(label, self.shade(rgb) if st.get("lit") else tuple(rgb)) for label, rgb in st["items"]]
            grid = QGridLayout()
            grid.setColumnStretch(1, 1)
            for r, (label, rgb) in enumerate(items):
                sw = QLabel()
                sw.setPixmap(swatch_pixmap(rgb))
                sw.setObjectName("legendSwatch")
                grid.addWidget(sw, r, 0)
                text = QLabel(str(label))
                grid.addWidget(text, r, 1)
                block["labels"].append(text)
                block["colours"].append(tuple(int(c) for c in rgb))
                block.setdefault("swatches", []).append(sw)
            lay.addLayout(grid)
        summary.setText(st.get("summary", ""))
        lay.addWidget(summary)
        block["labels"].append(summary)
        self.box_lay.addWidget(frame)
        return block

    def _ramp_transform(self, st: dict):
        if st.get("lit"):
            from stadtbild.viewer.render import lit_rgb

            factor = lit_rgb((255, 255, 255), UP, self.sun_direction)[0] / 255.0
            return lambda rgb: np.clip(np.round(rgb.astype(float) * factor), 0, 255)
        if st.get("over"):
            alpha, under = st["over"]
            return lambda rgb: np.round(alpha * rgb.astype(float) + (1 - alpha) * np.asarray(under, float))
        return None

    # ------------------------------------------------------------------ compatibility for the ramp labels
    @property
    def max_label(self) -> QLabel:
        return self.blocks[0]["max_label"]

    @property
    def min_label(self) -> QLabel:
        return self.blocks[0]["min_label"]

    @property
    def mid_label(self) -> QLabel:
        return self.blocks[0]["mid_label"]
