"""Measurements panel: every distance, height and area measured in the 3D view as a row of a
table (what, value, details, points in the model CRS), selectable and copyable (Ctrl+C or the
Copy button: tab-separated, pastes into a spreadsheet), cleared with the measurements."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDockWidget, QHBoxLayout, QHeaderView, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .i18n import format_number, surface_label, tr


def _point(p) -> str:
    return ", ".join(format_number(float(c), 2) for c in p)


def measurement_row(m: dict) -> tuple[str, str, str]:
    """(what, value, details) of a measurement dict (:meth:`app.viewport.Viewport._report`)."""
    snap = {"vertex": tr("corner"), "edge": tr("edge")}
    if m["kind"] == "distance":
        snaps = [snap.get(s) for s in m.get("snap", ()) if s in snap]
        details = tr("horizontal {h} m, height difference {z} m; from {a} to {b}").format(
            h=format_number(m["horizontal_m"]), z=format_number(m["dz_m"]), a=_point(m["a"]), b=_point(m["b"]))
        if snaps:
            details += "; " + tr("snapped to: {what}").format(what=", ".join(snaps))
        return tr("Distance"), f"{format_number(m['distance_m'])} m", details
    if m["kind"] == "height":
        details = tr("absolute height {z} m at {p}").format(z=format_number(m["z"]), p=_point(m["point"]))
        if m.get("snap") in snap:
            details += "; " + tr("snapped to: {what}").format(what=snap[m["snap"]])
        return tr("Height above ground"), f"{format_number(m['height_above_ground_m'])} m", details
    return (tr("Area"), f"{format_number(m['area_m2'], 2)} m²",
            tr("{surface}, tilt {t}°").format(surface=surface_label(m["surface"]), t=format_number(m["tilt_deg"], 1)))


class MeasureDock(QDockWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("MeasureDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.table = QTableWidget(0, 3)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy)
        self.clear_button = QPushButton()
        row.addWidget(self.copy_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.setWidget(body)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.measurements: list[dict] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Measurements"))
        self.table.setHorizontalHeaderLabels([tr("Measurement"), tr("Value"), tr("Details")])
        self.copy_button.setText(tr("Copy"))
        self.clear_button.setText(tr("Clear"))
        self._fill()

    def add(self, m: dict) -> None:
        self.measurements.append(dict(m))
        self._fill()
        self.table.selectRow(self.table.rowCount() - 1)
        self.show()
        self.raise_()

    def clear(self) -> None:
        self.measurements = []
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.measurements))
        for r, m in enumerate(self.measurements):
            for c, text in enumerate(measurement_row(m)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()

    def text(self, rows=None) -> str:
        """The rows (default: the selected ones, else all) as tab-separated text with a header."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()}) if rows is None else rows
        rows = rows or range(self.table.rowCount())
        head = [self.table.horizontalHeaderItem(c).text() for c in range(3)]
        lines = ["\t".join(head)] + ["\t".join(self.table.item(r, c).text() for c in range(3)) for r in rows]
        return "\n".join(lines) + "\n"

    def copy(self) -> str:
        text = self.text()
        QApplication.clipboard().setText(text)
        return text
