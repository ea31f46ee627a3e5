"""Search dock: find objects by id or attribute value (substring, case-insensitive; numbers also
as ``>10``, ``<=5`` comparisons). Every match is listed and "Select all results" selects every
match: there is no cap on the number of hits (a city of 16 000 buildings lists 16 000). The list
shows each object's human label (model.labels) with the full id as tooltip."""
from __future__ import annotations

import operator
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDockWidget, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from .i18n import format_number, tr

_CMP = re.compile(r"^\s*(<=|>=|<|>|=)\s*(-?\d+(?:[.,]\d+)?)\s*$")
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq}


def matches(value, query: str) -> bool:
    m = _CMP.match(query)
    if m:
        try:
            return _OPS[m.group(1)](float(value), float(m.group(2).replace(",", ".")))
        except (TypeError, ValueError):
            return False
    return query.lower() in str(value).lower()


def search(model, field: str | None, query: str, limit: int | None = None) -> list[str]:
    """Ids of objects whose ``field`` (None: id; "*": any attribute or the id) matches ``query``
    (all of them, or the first ``limit``)."""
    query = query.strip()
    if not query or model is None:
        return []
    out = []
    for oid, obj in model.objects.items():
        if field is None:
            ok = matches(oid, query)
        elif field == "*":
            ok = matches(oid, query) or any(matches(v, query) for v in obj.attributes.values())
        else:
            ok = field in obj.attributes and matches(obj.attributes[field], query)
        if ok:
            out.append(oid)
            if limit is not None and len(out) >= limit:
                break
    return out


class SearchDock(QDockWidget):
    select_ids = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("SearchDock")
        self.model = None
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.field = QComboBox()
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.go = QPushButton()
        row.addWidget(self.field)
        row.addWidget(self.edit, 1)
        row.addWidget(self.go)
        lay.addLayout(row)
        self.count = QLabel()
        lay.addWidget(self.count)
        self.results = QListWidget()
        self.results.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        lay.addWidget(self.results, 1)
        self.select_all = QPushButton()
        lay.addWidget(self.select_all)
        self.setWidget(body)
        self.edit.returnPressed.connect(self.run)
        self.go.clicked.connect(self.run)
        self.results.itemSelectionChanged.connect(self._picked)
        self.select_all.clicked.connect(lambda: self.select_ids.emit(self.found))
        self.found: list[str] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Search"))
        self.edit.setPlaceholderText(tr("id or value, e.g. 1931 or >20"))
        self.go.setText(tr("Search"))
        self.select_all.setText(tr("Select all results"))
        if self.field.count() >= 2:
            self.field.setItemText(0, tr("ID"))
            self.field.setItemText(1, tr("All attributes"))
        self._update_count()

    def set_model(self, model) -> None:
        self.model = model
        keys = sorted({k for o in model.objects.values() for k, v in o.attributes.items()
                       if not isinstance(v, (dict, list))}) if model is not None else []
        self.field.clear()
        self.field.addItem(tr("ID"), None)
        self.field.addItem(tr("All attributes"), "*")
        for k in keys:
            self.field.addItem(k, k)
        self.results.clear()
        self.found = []
        self._update_count()

    def run(self) -> list[str]:
        from stadtbild.model.labels import object_label

        self.found = search(self.model, self.field.currentData(), self.edit.text())
        self.results.setUpdatesEnabled(False)
        self.results.clear()
        for oid in self.found:
            item = QListWidgetItem(object_label(self.model, oid))
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setToolTip(oid)
            self.results.addItem(item)
        self.results.setUpdatesEnabled(True)
        self._update_count()
        return self.found

    def _update_count(self) -> None:
        n = len(getattr(self, "found", []))
        self.count.setText(tr("{n} found").format(n=format_number(n, 0)))

    def _picked(self) -> None:
        ids = [i.data(Qt.ItemDataRole.UserRole) for i in self.results.selectedItems()]
        if ids:
            self.select_ids.emit(ids)
