"""Variants dock: the planning variants (scenarios) of the open model — switch, create, copy,
rename, delete, load/save ``*.scenario.json`` — plus the edit history of the active variant
(a QUndoView on the variant's QUndoStack) and a compare switch that shows the existing buildings
removed by the variant as transparent ghosts."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import (QCheckBox, QDockWidget, QGridLayout, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QUndoView, QVBoxLayout, QWidget)

from .i18n import tr
from .scenario_adapter import Variant


class VariantsDock(QDockWidget):
    active_changed = Signal(object)  # Variant
    compare_changed = Signal(bool)
    load_requested = Signal()
    save_requested = Signal()

    def __init__(self, undo_group: QUndoGroup, parent=None):
        super().__init__(parent)
        self.setObjectName("VariantsDock")
        self.group = undo_group
        self.variants: list[Variant] = []
        self.stacks: dict[int, QUndoStack] = {}
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        grid = QGridLayout()
        self.new_button = QPushButton()
        self.copy_button = QPushButton()
        self.rename_button = QPushButton()
        self.delete_button = QPushButton()
        self.load_button = QPushButton()
        self.save_button = QPushButton()
        self.compare_button = QPushButton()  # side-by-side table (app.project_io)
        for i, b in enumerate((self.new_button, self.copy_button, self.rename_button, self.delete_button,
                               self.load_button, self.save_button, self.compare_button)):
            grid.addWidget(b, i // 2, i % 2)
        lay.addLayout(grid)
        self.compare = QCheckBox()
        lay.addWidget(self.compare)
        self.history_label = QLabel()
        lay.addWidget(self.history_label)
        self.history = QUndoView(undo_group)
        lay.addWidget(self.history, 1)
        self.setWidget(body)
        self.list.currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(lambda: self.add_variant(self._next_name(), []))
        self.copy_button.clicked.connect(self._copy)
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(self._delete)
        self.load_button.clicked.connect(self.load_requested.emit)
        self.save_button.clicked.connect(self.save_requested.emit)
        self.compare.toggled.connect(self.compare_changed.emit)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Variants"))
        self.new_button.setText(tr("New"))
        self.copy_button.setText(tr("Duplicate"))
        self.rename_button.setText(tr("Rename…"))
        self.delete_button.setText(tr("Delete"))
        self.load_button.setText(tr("Load…"))
        self.save_button.setText(tr("Save…"))
        self.compare_button.setText(tr("Compare…"))
        self.compare.setText(tr("Compare: show removed buildings as ghosts"))
        self.history_label.setText(tr("Edit history"))
        self.history.setEmptyLabel(tr("<original>"))
        if self.variants and self.variants[0].name in ("Bestand", "Existing"):
            self.variants[0].name = tr("Existing")
        self._refresh_names()

    # ------------------------------------------------------------ state
    def reset(self) -> None:
        """One variant per model: the existing state plus any the user adds."""
        for st in self.stacks.values():
            self.group.removeStack(st)
        self.stacks.clear()
        self.variants = []
        self.list.blockSignals(True)
        self.list.clear()
        v = self.add_variant(tr("Existing"), [])
        self.list.blockSignals(False)
        self.group.setActiveStack(self.stacks[id(v)])

    def add_variant(self, name: str, edits) -> Variant:
        v = Variant(name, list(edits))
        self.variants.append(v)
        stack = QUndoStack(self.group)
        self.stacks[id(v)] = stack
        self.list.addItem(QListWidgetItem(name))
        self.list.setCurrentRow(len(self.variants) - 1)
        return v

    def active(self) -> Variant | None:
        row = self.list.currentRow()
        return self.variants[row] if 0 <= row < len(self.variants) else None

    def active_stack(self) -> QUndoStack | None:
        v = self.active()
        return self.stacks.get(id(v)) if v is not None else None

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.variants):
            v = self.variants[row]
            self.group.setActiveStack(self.stacks[id(v)])
            self.active_changed.emit(v)

    def _refresh_names(self) -> None:
        for i, v in enumerate(self.variants):
            item = self.list.item(i)
            if item is not None:
                n = len(v.edits)
                edits = "  (" + tr("{n} edits").format(n=n) + ")" if n else ""
                item.setText(v.name + edits)

    def _next_name(self) -> str:
        k = len(self.variants)
        names = {v.name for v in self.variants}
        while True:
            name = tr("Variant {letter}").format(letter=chr(ord("A") + (k - 1) % 26))
            if name not in names:
                return name
            k += 1

    def _copy(self) -> None:
        v = self.active()
        if v is not None:
            self.add_variant(tr("{name} (copy)").format(name=v.name), [dict(e) for e in v.edits])

    def _rename(self) -> None:
        v = self.active()
        if v is None:
            return
        name, ok = QInputDialog.getText(self, tr("Rename variant"), tr("Name"), text=v.name)
        if ok and name.strip():
            v.name = name.strip()
            self._refresh_names()

    def _delete(self) -> None:
        row = self.list.currentRow()
        if row <= 0:  # the existing state stays
            return
        v = self.variants.pop(row)
        self.group.removeStack(self.stacks.pop(id(v)))
        self.list.takeItem(row)
        self.list.setCurrentRow(max(0, row - 1))

    def edits_changed(self) -> None:
        self._refresh_names()
