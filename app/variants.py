"""Variants dock: the planning variants (scenarios) of the open model — switch, create, copy,
rename, delete, load/save ``*.scenario.json`` — plus the edit history of the active variant
(a QUndoView on the variant's QUndoStack) and a compare switch that shows the existing buildings
removed by the variant as transparent ghosts.

The first row, "Bestand", is the untouched source model and never takes an edit: an edit made
while it is active goes into a new named variant (:meth:`VariantsDock.stack_for_edit`), so every
comparison is made against the real existing state. "New" asks for the new variant's name."""
from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (QCheckBox, QDockWidget, QGridLayout, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QUndoView, QVBoxLayout, QWidget)

from .i18n import plural, tr
from .scenario_adapter import Variant


class VariantsDock(QDockWidget):
    """A view of the variants of :class:`app.state.AppState`: the list follows the state's
    ``variants_changed``/``active_variant_changed``; clicks and buttons call the state."""

    compare_changed = Signal(bool)
    load_requested = Signal()
    save_requested = Signal()

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("VariantsDock")
        self.state = state
        self.group = state.undo_group
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
        self.history = QUndoView(self.group)
        lay.addWidget(self.history, 1)
        self.setWidget(body)
        self.list.currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.ask_new_variant)
        self.name_dialog = None  # the open "name of the new variant" prompt
        self.copy_button.clicked.connect(self._copy)
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(self._delete)
        self.load_button.clicked.connect(self.load_requested.emit)
        self.save_button.clicked.connect(self.save_requested.emit)
        self.compare.toggled.connect(self.compare_changed.emit)
        state.variants_changed.connect(self._fill)
        state.active_variant_changed.connect(lambda _v: self._fill())
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
        self._fill()

    # ------------------------------------------------------------ state
    @property
    def variants(self) -> list[Variant]:
        return self.state.variants

    @property
    def stacks(self) -> dict[str, QUndoStack]:
        return self.state.stacks

    def add_variant(self, name: str, edits) -> Variant:
        return self.state.add_variant(name, edits)

    def active(self) -> Variant | None:
        return self.state.active

    def active_stack(self) -> QUndoStack | None:
        return self.state.stack()

    def is_existing(self, v: Variant | None) -> bool:
        """True for the first row: the untouched source model ("Bestand")."""
        return v is not None and bool(self.variants) and v is self.variants[0]

    def stack_for_edit(self) -> tuple[Variant | None, QUndoStack | None, bool]:
        """(variant, undo stack, created) for the next edit: the active variant, or a new named
        variant when the existing state ("Bestand") is active — it stays untouched."""
        v = self.active()
        if v is None:
            return None, None, False
        if not self.is_existing(v):
            return v, self.state.stack(v), False
        v = self.add_variant(self._next_name(), [])
        return v, self.state.stack(v), True

    def history_of(self, v: Variant) -> dict:
        """The undo history of a variant: ``{"index": n, "commands": [{"text", "edits"}]}`` (the
        commands after ``index`` were undone and can be redone)."""
        stack = self.state.stack(v)
        if stack is None:
            return {"index": 0, "commands": []}
        cmds = []
        for i in range(stack.count()):
            c = stack.command(i)
            edits = getattr(c, "edits", None)
            if edits is None:
                edits = [getattr(c, "edit", {})]
            cmds.append({"text": c.text(), "edits": copy.deepcopy(list(edits))})
        return {"index": stack.index(), "commands": cmds}

    def restore_history(self, v: Variant, history, changed) -> bool:
        """Rebuild the undo stack of ``v`` from :meth:`history_of` output so that undo and redo work
        as before saving. The edits the history leaves applied must equal ``v.edits`` (else the
        history is ignored and False returned). ``changed`` is what each command calls later."""
        from .commands import EditCommand
        from .transform_tool import TransformEditsCommand

        stack = self.state.stack(v)
        try:
            commands = list(history["commands"])
            index = int(history["index"])
            applied = [e for c in commands[:index] for e in c["edits"]]
        except (KeyError, TypeError, ValueError):
            return False
        if stack is None or not commands or applied != v.edits or not 0 <= index <= len(commands):
            return False
        saved = list(v.edits)
        v.edits.clear()
        made = []
        for c in commands:
            edits = [dict(e) for e in c["edits"]]
            cmd = (EditCommand(v, edits[0], lambda: None, str(c.get("text", ""))) if len(edits) == 1
                   else TransformEditsCommand(v, edits, lambda: None, str(c.get("text", ""))))
            stack.push(cmd)
            made.append(cmd)
        stack.setIndex(index)
        for cmd in made:
            cmd.changed = changed
        if v.edits != saved:  # cannot happen unless a command class changed its meaning
            v.edits[:] = saved
            stack.clear()
            return False
        return True

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.variants) and self.variants[row] is not self.state.active:
            self.state.set_active(self.variants[row])

    def _fill(self) -> None:
        """The list as the state has it: names with their number of edits, the active one current."""
        self.list.blockSignals(True)
        while self.list.count() > len(self.variants):
            self.list.takeItem(self.list.count() - 1)
        for i, v in enumerate(self.variants):
            n = len(v.edits)
            text = v.name + ("  (" + plural(n, tr("{n} edit"), tr("{n} edits")) + ")" if n else "")
            item = self.list.item(i)
            if item is None:
                self.list.addItem(QListWidgetItem(text))
            elif item.text() != text:
                item.setText(text)
        if self.state.active in self.variants:
            self.list.setCurrentRow(self.variants.index(self.state.active))
        self.list.blockSignals(False)
        own = self.state.active is not None and not self.is_existing(self.state.active)
        self.rename_button.setEnabled(own)  # the existing state is neither renamed nor deleted
        self.delete_button.setEnabled(own)

    def ask_new_variant(self) -> None:
        """"New": ask for the name of the new (empty) variant; OK creates and activates it."""
        d = QInputDialog(self)
        d.setObjectName("newVariantDialog")
        d.setWindowTitle(tr("New variant"))
        d.setLabelText(tr("Name of the new variant:"))
        d.setTextValue(self._next_name())
        d.textValueSelected.connect(self._create_named)
        d.open()
        self.name_dialog = d

    def _create_named(self, name: str) -> None:
        name = name.strip()
        if name:
            self.add_variant(self._unique(name), [])

    def _unique(self, name: str) -> str:
        names = {v.name for v in self.variants}
        out, k = name, 2
        while out in names:
            out = f"{name} ({k})"
            k += 1
        return out

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
        if v is None or self.is_existing(v):  # "Bestand" names the source model, in the UI's language
            return
        name, ok = QInputDialog.getText(self, tr("Rename variant"), tr("Name"), text=v.name)
        if ok and name.strip():
            self.state.rename_variant(v, name.strip())

    def _delete(self) -> None:
        v = self.active()
        if v is not None and self.variants and v is not self.variants[0]:  # the existing state stays
            self.state.remove_variant(v)

    def edits_changed(self) -> None:
        self._fill()
