"""The tour editor of presentation mode: the saved views in order, each with a name and the
seconds it is shown; tours saved to and loaded from ``*.tour.json`` (:class:`viewer.camera.Tour`)."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QHBoxLayout, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from .presentation import _t


class TourDialog(QDialog):
    """Minimal tour editor: the saved views in order with a name and seconds each."""

    def __init__(self, views: list, add_current, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_t("Edit tour"))
        self.views = [dict(v) for v in views]
        self.add_current = add_current
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_t("Name"), _t("Seconds")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        for text, fn in ((_t("Add current view"), self._add), (_t("Up"), lambda: self._move(-1)),
                         (_t("Down"), lambda: self._move(1)), (_t("Remove"), self._remove)):
            b = QPushButton(text)
            b.clicked.connect(fn)
            row.addWidget(b)
        lay.addLayout(row)
        files = QHBoxLayout()
        for text, fn in ((_t("Save tour…"), self._save), (_t("Load tour…"), self._load)):
            b = QPushButton(text)
            b.clicked.connect(fn)
            files.addWidget(b)
        lay.addLayout(files)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.views))
        for k, v in enumerate(self.views):
            self.table.setItem(k, 0, QTableWidgetItem(str(v.get("name") or _t("View {n}").format(n=k + 1))))
            spin = QDoubleSpinBox()
            spin.setRange(0.5, 600.0)
            spin.setDecimals(1)
            spin.setValue(float(v.get("duration_s", 4.0)))
            self.table.setCellWidget(k, 1, spin)

    def _collect(self) -> None:
        for k, v in enumerate(self.views):
            item = self.table.item(k, 0)
            if item is not None:
                v["name"] = item.text()
            spin = self.table.cellWidget(k, 1)
            if spin is not None:
                v["duration_s"] = float(spin.value())

    def _add(self) -> None:
        self._collect()
        self.views.append(self.add_current(len(self.views)))
        self._fill()

    def _move(self, step: int) -> None:
        self._collect()
        k = self.table.currentRow()
        j = k + step
        if 0 <= k < len(self.views) and 0 <= j < len(self.views):
            self.views[k], self.views[j] = self.views[j], self.views[k]
            self._fill()
            self.table.selectRow(j)

    def _remove(self) -> None:
        self._collect()
        k = self.table.currentRow()
        if 0 <= k < len(self.views):
            del self.views[k]
            self._fill()

    def _save(self) -> None:
        import json

        from stadtbild.model.fileio import atomic_write_bytes
        from stadtbild.viewer.camera import Tour

        path, _ = QFileDialog.getSaveFileName(self, _t("Save tour…"), "rundgang.tour.json", "JSON (*.json)")
        if path:
            data = Tour("Tour", self.result_views()).to_dict()
            atomic_write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))

    def _load(self) -> None:
        from stadtbild.model.errors import InputError
        from stadtbild.viewer.camera import Tour

        path, _ = QFileDialog.getOpenFileName(self, _t("Load tour…"), "", "JSON (*.json)")
        if path:
            try:
                self.views = [dict(v) for v in Tour.load(path).views]
            except InputError as exc:
                self.setWindowTitle(str(exc))
                return
            self._fill()

    def result_views(self) -> list:
        self._collect()
        return self.views
