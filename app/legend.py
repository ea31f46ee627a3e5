"""Results legend dock: a colour ramp with its value range and unit, or the colour key of the
current categories (semantic surfaces, layer colours)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QDockWidget, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .i18n import format_number, tr


def colormap_rgb(values, vmin: float, vmax: float, cmap: str = "viridis", nan_rgb=(170, 170, 170)) -> np.ndarray:
    """(n, 3) uint8 colours of ``values`` on a matplotlib colormap between vmin and vmax."""
    import matplotlib

    values = np.asarray(values, dtype=float)
    span = (vmax - vmin) or 1.0
    t = np.clip((values - vmin) / span, 0.0, 1.0)
    rgba = matplotlib.colormaps[cmap](np.nan_to_num(t))
    out = (rgba[:, :3] * 255 + 0.5).astype(np.uint8)
    out[~np.isfinite(values)] = nan_rgb
    return out


def ramp_pixmap(cmap: str, width: int = 24, height: int = 200) -> QPixmap:
    """Vertical colour ramp, maximum at the top."""
    rgb = colormap_rgb(np.linspace(1.0, 0.0, height), 0.0, 1.0, cmap)
    img = np.ascontiguousarray(np.repeat(rgb[:, None, :], width, axis=1))
    qimg = QImage(img.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimg)


class LegendDock(QDockWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("LegendDock")
        body = QWidget()
        self.lay = QVBoxLayout(body)
        self.lay.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.lay.addWidget(self.title)
        ramp_row = QHBoxLayout()
        self.ramp = QLabel()
        ramp_row.addWidget(self.ramp)
        labels = QVBoxLayout()
        self.max_label = QLabel()
        self.mid_label = QLabel()
        self.min_label = QLabel()
        labels.addWidget(self.max_label, 0, Qt.AlignmentFlag.AlignTop)
        labels.addStretch(1)
        labels.addWidget(self.mid_label)
        labels.addStretch(1)
        labels.addWidget(self.min_label, 0, Qt.AlignmentFlag.AlignBottom)
        ramp_row.addLayout(labels)
        ramp_row.addStretch(1)
        self.ramp_widget = QWidget()
        self.ramp_widget.setLayout(ramp_row)
        self.lay.addWidget(self.ramp_widget)
        self.cat_widget = QWidget()
        self.cat_grid = QGridLayout(self.cat_widget)
        self.cat_grid.setColumnStretch(1, 1)
        self.lay.addWidget(self.cat_widget)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lay.addWidget(self.summary)
        self.lay.addStretch(1)
        self.setWidget(body)
        self.state: dict = {"kind": "surfaces"}
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Legend"))
        self._apply()

    def show_surfaces(self) -> None:
        """The default key: semantic surface colours."""
        self.state = {"kind": "surfaces"}
        self._apply()

    def show_ramp(self, title: str, unit: str, vmin: float, vmax: float, cmap: str = "viridis",
                  summary: str = "", decimals: int = 1) -> None:
        self.state = {"kind": "ramp", "title": title, "unit": unit, "vmin": float(vmin), "vmax": float(vmax),
                      "cmap": cmap, "summary": summary, "decimals": decimals}
        self._apply()

    def show_categories(self, title: str, items, summary: str = "") -> None:
        self.state = {"kind": "categories", "title": title, "items": list(items), "summary": summary}
        self._apply()

    def _apply(self) -> None:
        from viewer.scene_view import SURFACE_COLOURS

        st = self.state
        while self.cat_grid.count():
            w = self.cat_grid.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()
        if st["kind"] == "ramp":
            self.ramp_widget.show()
            self.cat_widget.hide()
            self.title.setText(f"<b>{tr(st['title'])}</b>" + (f" [{st['unit']}]" if st["unit"] else ""))
            self.ramp.setPixmap(ramp_pixmap(st["cmap"]))
            d = st["decimals"]
            self.max_label.setText(format_number(st["vmax"], d))
            self.mid_label.setText(format_number((st["vmin"] + st["vmax"]) / 2, d))
            self.min_label.setText(format_number(st["vmin"], d))
            self.summary.setText(st.get("summary", ""))
            return
        self.ramp_widget.hide()
        self.cat_widget.show()
        if st["kind"] == "surfaces":
            self.title.setText("<b>" + tr("Surfaces") + "</b>")
            items = [(tr("Roof"), SURFACE_COLOURS["RoofSurface"]), (tr("Wall"), SURFACE_COLOURS["WallSurface"]),
                     (tr("Ground surface"), SURFACE_COLOURS["GroundSurface"]), (tr("Selected"), (255, 200, 0))]
            self.summary.setText("")
        else:
            self.title.setText(f"<b>{tr(st['title'])}</b>")
            items = st["items"]
            self.summary.setText(st.get("summary", ""))
        for r, (label, rgb) in enumerate(items):
            sw = QLabel()
            pm = QPixmap(18, 14)
            pm.fill(QColor(*rgb))
            sw.setPixmap(pm)
            self.cat_grid.addWidget(sw, r, 0)
            self.cat_grid.addWidget(QLabel(str(label)), r, 1)

    def texts(self) -> list[str]:
        """All visible texts (for tests)."""
        out = [self.title.text()]
        if self.state["kind"] == "ramp":
            out += [self.max_label.text(), self.mid_label.text(), self.min_label.text()]
        for i in range(self.cat_grid.count()):
            w = self.cat_grid.itemAt(i).widget()
            if isinstance(w, QLabel) and w.text():
                out.append(w.text())
        out.append(self.summary.text())
        return out
