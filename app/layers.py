"""Layer tree dock: one row per object type of the model (visibility, colour, transparency), the
ground plane, 2D layers, rows other parts of the window register (the Bebauungsplan) and the analysis results of the active variant (one checkable row per
result: ticking one shows it, results that draw on the same things are then hidden; stale results
say so, results of other edits of the variant cannot be drawn and are greyed out)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QColorDialog, QDockWidget, QHBoxLayout, QSlider, QToolButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from .i18n import tr

TYPE_NAMES_DE = {}  # object types are CityGML class names; they stay as in the standard


def swatch(rgb) -> QIcon:
    pm = QPixmap(16, 16)
    pm.fill(QColor(*rgb))
    return QIcon(pm)


class LayerDock(QDockWidget):
    result_toggled = Signal(object, bool)  # app.state.ResultKey, visible

    def __init__(self, viewport, parent=None):
        super().__init__(parent)
        self.setObjectName("LayerDock")
        self.viewport = viewport
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(True)
        from PySide6.QtWidgets import QHeaderView

        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 44)
        header.resizeSection(2, 90)
        lay.addWidget(self.tree)
        self.setWidget(body)
        self.tree.itemChanged.connect(self._item_changed)
        self.model_item = None
        self.ground_item = None
        self.type_items: dict[str, QTreeWidgetItem] = {}
        self.geo_actors: dict[int, list] = {}
        self.results_item = None
        self.result_items: list[QTreeWidgetItem] = []
        self._result_rows: list[dict] = []
        # rows of other parts of the window (the Bebauungsplan): key -> (text(), checked(), on_toggle(bool))
        self.toggles: dict[str, tuple] = {}
        self.toggle_items: dict[str, QTreeWidgetItem] = {}
        self.geo_callbacks: dict[int, tuple] = {}
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Layers"))
        self.tree.setHeaderLabels([tr("Layer"), tr("Colour"), tr("Opacity")])
        if self.model_item is not None:
            self.model_item.setText(0, tr("City model"))
        if self.ground_item is not None:
            self.ground_item.setText(0, tr("Ground plane"))
        for key, item in self.toggle_items.items():
            item.setText(0, self.toggles[key][0]())
        self.show_results(self._result_rows)

    def populate(self, counts: dict[str, int], files: list[str]) -> None:
        """Rebuild the tree for a model with ``counts`` objects per type (from the viewport)."""
        from stadtbild.viewer.scene_view import DEFAULT_COLOUR, TYPE_COLOURS

        self.tree.blockSignals(True)
        self.tree.clear()
        self.type_items = {}
        self.geo_actors = {}
        self.geo_callbacks = {}
        self.model_item = QTreeWidgetItem([tr("City model")])
        self.model_item.setToolTip(0, "\n".join(files))
        self.tree.addTopLevelItem(self.model_item)
        for t, n in counts.items():
            item = QTreeWidgetItem([f"{t} ({n})"])
            item.setData(0, Qt.ItemDataRole.UserRole, t)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            layer = self.viewport.layers.get(t, {})
            item.setCheckState(0, Qt.CheckState.Checked if layer.get("visible", True) else Qt.CheckState.Unchecked)
            self.model_item.addChild(item)
            self.type_items[t] = item
            button = QToolButton()
            button.setIcon(swatch(layer.get("colour") or TYPE_COLOURS.get(t, DEFAULT_COLOUR)))
            button.setToolTip(tr("Click: choose a colour; right click: semantic colours (roof, wall, ground)"))
            button.clicked.connect(lambda _=False, tt=t: self._choose_colour(tt))
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.customContextMenuRequested.connect(lambda _p, tt=t: self._reset_colour(tt))
            self.tree.setItemWidget(item, 1, button)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(10, 100)
            slider.setValue(int(round(layer.get("opacity", 1.0) * 100)))
            slider.setObjectName(f"opacity:{t}")
            slider.valueChanged.connect(lambda v, tt=t: self.viewport.set_layer(tt, opacity=v / 100.0))
            holder = QWidget()
            hl = QHBoxLayout(holder)
            hl.setContentsMargins(0, 0, 0, 0)
            hl.addWidget(slider)
            self.tree.setItemWidget(item, 2, holder)
        self.ground_item = QTreeWidgetItem([tr("Ground plane")])
        self.ground_item.setFlags(self.ground_item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        self.ground_item.setCheckState(0, Qt.CheckState.Checked)
        self.ground_item.setData(0, Qt.ItemDataRole.UserRole, "__ground__")
        self.tree.addTopLevelItem(self.ground_item)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self.toggle_items = {}
        for key in list(self.toggles):
            self._add_toggle_item(key)
        self.results_item = None
        self.show_results(self._result_rows)

    def set_toggle(self, key: str, text, checked, on_toggle) -> QTreeWidgetItem:
        """A checkable row that stays when the tree is rebuilt (a new variant, a new model):
        ``text()`` its label, ``checked()`` its state, ``on_toggle(bool)`` called when ticked."""
        self.toggles[key] = (text, checked, on_toggle)
        old = self.toggle_items.pop(key, None)
        if old is not None and self.tree.indexOfTopLevelItem(old) >= 0:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(old))
        return self._add_toggle_item(key)

    def remove_toggle(self, key: str) -> None:
        self.toggles.pop(key, None)
        item = self.toggle_items.pop(key, None)
        if item is not None and self.tree.indexOfTopLevelItem(item) >= 0:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))

    def _add_toggle_item(self, key: str) -> QTreeWidgetItem:
        text, checked, _on = self.toggles[key]
        self.tree.blockSignals(True)
        item = QTreeWidgetItem([text()])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if checked() else Qt.CheckState.Unchecked)
        item.setData(0, Qt.ItemDataRole.UserRole, "__toggle__")
        item.setData(0, Qt.ItemDataRole.UserRole + 1, key)
        self.tree.addTopLevelItem(item)
        self.toggle_items[key] = item
        self.tree.blockSignals(False)
        return item

    def show_results(self, rows: list[dict]) -> None:
        """The result rows (:class:`app.results_view.ResultsView`): ``key``, ``title``,
        ``visible``, ``drawable`` (fits the scene on screen), ``stale`` (reason or "")."""
        self._result_rows = list(rows)
        self.tree.blockSignals(True)
        if self.results_item is None or self.tree.indexOfTopLevelItem(self.results_item) < 0:
            self.results_item = QTreeWidgetItem([tr("Results")])
            self.results_item.setData(0, Qt.ItemDataRole.UserRole, "__results__")
            self.tree.addTopLevelItem(self.results_item)
        self.results_item.setText(0, tr("Results"))
        self.results_item.takeChildren()
        self.result_items = []
        for row in rows:
            text = row["title"] + (f"  ({tr('stale')})" if row["stale"] else "")
            item = QTreeWidgetItem([text])
            item.setData(0, Qt.ItemDataRole.UserRole, "__result__")
            item.setData(0, Qt.ItemDataRole.UserRole + 1, row["key"])
            item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable) if row["drawable"]
                          else item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(0, Qt.CheckState.Checked if row["visible"] and row["drawable"]
                               else Qt.CheckState.Unchecked)
            tip = row["stale"] or ""
            if not row["drawable"]:
                tip = tr("Computed for other edits of this variant: run it again to see it")
            item.setToolTip(0, tip)
            self.results_item.addChild(item)
            self.result_items.append(item)
        self.results_item.setHidden(not rows)
        self.results_item.setExpanded(True)
        self.tree.blockSignals(False)

    def add_geo_layer(self, name: str, actors, legend=None, visible: bool = True, on_toggle=None,
                      on_style=None, tooltip: str | None = None) -> QTreeWidgetItem:
        """A checkable row for a 2D layer on the ground (its VTK actors), with its colour swatch
        and one child row per class of its legend; ``on_toggle(visible)`` and ``on_style()``
        (double click or the swatch button: the style dialog) come from app.geo_layers."""
        self.tree.blockSignals(True)
        item = QTreeWidgetItem([tr("2D layer: {name}").format(name=name)])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
        item.setData(0, Qt.ItemDataRole.UserRole, "__geo__")
        if tooltip:
            item.setToolTip(0, tooltip)
        self.tree.addTopLevelItem(item)
        self.geo_actors[id(item)] = list(actors)
        legend = list(legend or [])
        if legend:
            button = QToolButton()
            button.setIcon(swatch(legend[0][1]))
            button.setToolTip(tr("Style: colour, fill, style by attribute, labels"))
            if on_style is not None:
                button.clicked.connect(lambda _=False: on_style())
            self.tree.setItemWidget(item, 1, button)
        if len(legend) > 1:
            for label, rgb in legend:
                child = QTreeWidgetItem([str(label)])
                child.setIcon(0, swatch(rgb))
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
            item.setExpanded(True)
        self.geo_callbacks[id(item)] = (on_toggle, on_style)
        self.tree.blockSignals(False)
        return item

    def clear_geo_layers(self) -> None:
        """Remove the rows of the 2D layers (app.geo_layers adds them again)."""
        self.tree.blockSignals(True)
        for i in range(self.tree.topLevelItemCount() - 1, -1, -1):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == "__geo__":
                self.geo_actors.pop(id(item), None)
                self.geo_callbacks.pop(id(item), None)
                self.tree.takeTopLevelItem(i)
        self.tree.blockSignals(False)

    def geo_items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())
                if self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "__geo__"]

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        cb = self.geo_callbacks.get(id(item))
        if cb is not None and cb[1] is not None:
            cb[1]()

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if column != 0 or key is None:
            return
        visible = item.checkState(0) == Qt.CheckState.Checked
        if key == "__result__":  # after this slot: the rows are rebuilt in answer
            rkey = item.data(0, Qt.ItemDataRole.UserRole + 1)
            QTimer.singleShot(0, lambda: self.result_toggled.emit(rkey, visible))
        elif key == "__toggle__":
            entry = self.toggles.get(item.data(0, Qt.ItemDataRole.UserRole + 1))
            if entry is not None:
                entry[2](visible)
        elif key == "__geo__":
            cb = self.geo_callbacks.get(id(item))
            if cb is not None and cb[0] is not None:
                cb[0](visible)
                return
            for a in self.geo_actors.get(id(item), []):
                a.SetVisibility(visible)
            self.viewport.render()
        elif key == "__ground__":
            self.viewport.set_ground_visible(visible)
        else:
            self.viewport.set_layer(key, visible=visible)

    def _choose_colour(self, object_type: str) -> None:
        from stadtbild.viewer.scene_view import DEFAULT_COLOUR, TYPE_COLOURS

        current = self.viewport.layers.get(object_type, {}).get("colour") or TYPE_COLOURS.get(object_type,
                                                                                             DEFAULT_COLOUR)
        colour = QColorDialog.getColor(QColor(*current), self, tr("Colour of {type}").format(type=object_type))
        if colour.isValid():
            self.set_colour(object_type, (colour.red(), colour.green(), colour.blue()))

    def set_colour(self, object_type: str, rgb) -> None:
        self.viewport.set_layer(object_type, colour=rgb)
        item = self.type_items.get(object_type)
        if item is not None:
            self.tree.itemWidget(item, 1).setIcon(swatch(rgb))

    def _reset_colour(self, object_type: str) -> None:
        from stadtbild.viewer.scene_view import DEFAULT_COLOUR, TYPE_COLOURS

        self.viewport.set_layer(object_type, reset_colour=True)
        item = self.type_items.get(object_type)
        if item is not None:
            self.tree.itemWidget(item, 1).setIcon(swatch(TYPE_COLOURS.get(object_type, DEFAULT_COLOUR)))
