"""Attribute dock: every attribute of the selected object as read from the file, its hierarchy and
source, plus computed metrics (``analysis.metrics`` when available, else measured here from the
object's triangles)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QDockWidget, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from stadtbild.model.semantics import SURFACE_CODE

from .i18n import format_number, tr



def flatten(prefix: str, value, out: list) -> None:
    """Nested dicts become dotted keys, lists are joined; scalars as they are."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, list) and value and all(not isinstance(v, (dict, list)) for v in value):
        out.append((prefix, ", ".join(map(str, value))))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(f"{prefix}[{i}]", v, out)
    else:
        out.append((prefix, value))


def decoded(key: str, value):
    """An ALKIS code (building function, roof form) as "name (code)"; other values as they are."""
    from stadtbild.model.codelists import decode

    name = decode(key.rsplit(".", 1)[-1], value)
    return f"{name} ({value})" if name else value


def triangle_metrics(scene, object_index: int) -> dict:
    """Areas (m², true 3D area; footprint projected onto the horizontal) and heights (m) of one
    object from its triangles and their semantic surfaces."""
    mask = scene.object_index == object_index
    if not mask.any():
        return {}
    areas = scene.triangle_areas[mask]
    st = scene.surface_type[mask]
    corners = scene.corners[mask]
    nz = np.abs(scene.face_normals[mask][:, 2])
    z = corners[:, :, 2]
    out = {
        "height_m": float(z.max() - z.min()),
        "z_min_m": float(z.min() + scene.origin[2]),
        "z_max_m": float(z.max() + scene.origin[2]),
    }
    ground = st == SURFACE_CODE["GroundSurface"]
    if ground.any():
        out["footprint_area_m2"] = float((areas[ground] * nz[ground]).sum())
    roof = st == SURFACE_CODE["RoofSurface"]
    if roof.any():
        out["roof_area_m2"] = float(areas[roof].sum())
    wall = st == SURFACE_CODE["WallSurface"]
    if wall.any():
        out["wall_area_m2"] = float(areas[wall].sum())
    return out


METRIC_LABELS = {
    "height_m": QT_TRANSLATE_NOOP("", "Height (highest − lowest point) [m]"),
    "z_min_m": QT_TRANSLATE_NOOP("", "Lowest point [m]"),
    "z_max_m": QT_TRANSLATE_NOOP("", "Highest point [m]"),
    "footprint_area_m2": QT_TRANSLATE_NOOP("", "Footprint area [m²]"),
    "roof_area_m2": QT_TRANSLATE_NOOP("", "Roof area [m²]"),
    "wall_area_m2": QT_TRANSLATE_NOOP("", "Wall area [m²]"),
    "ground_height_m": QT_TRANSLATE_NOOP("", "Ground height [m]"),
    "eave_height_m": QT_TRANSLATE_NOOP("", "Eave height [m]"),
    "ridge_height_m": QT_TRANSLATE_NOOP("", "Ridge height [m]"),
    "volume_m3": QT_TRANSLATE_NOOP("", "Volume [m³]"),
    "roof_type": QT_TRANSLATE_NOOP("", "Roof type"),
}


def display_value(value, key: str = "") -> str:
    """An attribute or figure as the user reads it: numbers in the UI's format (decimal comma in
    German, the decimals the value has, at most 6), yes/no, the computed roof classes translated."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return tr("yes") if value else tr("no")
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not np.isfinite(v):
            return "–"
        text = repr(v)
        decimals = 0 if v.is_integer() else (len(text.split(".")[1]) if "." in text and "e" not in text else 6)
        return format_number(v, min(decimals, 6))
    from .colour_themes import ROOF_LABELS  # the roof classes of analysis.metrics, named once

    if key.endswith("roof_type") and str(value) in ROOF_LABELS:
        return tr(ROOF_LABELS[str(value)])
    return str(value)


def tr_type(object_type: str) -> str:
    """A CityGML class name in the UI language where it has a translation (Building → Gebäude)."""
    return tr(object_type) if object_type in TYPE_TEXTS else object_type


#: CityGML classes shown in the UI language in headers (the table keeps the standard's name)
TYPE_TEXTS = {
    "Building": QT_TRANSLATE_NOOP("", "Building"), "BuildingPart": QT_TRANSLATE_NOOP("", "Building part"),
    "BuildingInstallation": QT_TRANSLATE_NOOP("", "Building installation"),
    "Bridge": QT_TRANSLATE_NOOP("", "Bridge"), "Road": QT_TRANSLATE_NOOP("", "Road"),
    "TINRelief": QT_TRANSLATE_NOOP("", "Terrain"), "WaterBody": QT_TRANSLATE_NOOP("", "Water body"),
    "PlantCover": QT_TRANSLATE_NOOP("", "Vegetation"), "SolitaryVegetationObject": QT_TRANSLATE_NOOP("", "Tree"),
    "LandUse": QT_TRANSLATE_NOOP("", "Land use"), "GenericCityObject": QT_TRANSLATE_NOOP("", "Other object"),
}


class AttributeDock(QDockWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("AttributeDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.header)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 150)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        lay.addWidget(self.table)
        self.setWidget(body)
        self.object_id: str | None = None
        self.label: str | None = None  # the shown object's human label (model.labels)
        self.n_selected = 0
        self._last = None
        self.extra_rows = None  # optional callable(object_id) -> [(label, text)] (e.g. app.solar_panel)
        self.row_providers: list = []  # more such callables (e.g. the facade sunlight of the last run)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Attributes"))
        self.table.setHorizontalHeaderLabels([tr("Attribute"), tr("Value")])
        if self._last is not None:
            self.show_object(*self._last)
        else:
            self.header.setText(tr("No object selected. Click a building in the 3D view."))

    def rows(self) -> dict[str, str]:
        """The table as {attribute: value} (for tests and copying)."""
        return {self.table.item(r, 0).text(): self.table.item(r, 1).text() for r in range(self.table.rowCount())}

    def show_feature(self, layer_name: str, index: int, record: dict) -> None:
        """The attributes of a clicked feature of a 2D layer (a parcel …), in file order."""
        self._last = None
        self.object_id = None
        self.label = None
        rows = [(tr("Layer"), layer_name), (tr("Feature"), str(index + 1))]
        for k, v in record.items():
            rows.append((str(k), display_value(v, str(k))))
        self.table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(str(k)))
            item = QTableWidgetItem(str(v))
            item.setToolTip(str(v))
            self.table.setItem(r, 1, item)
        self.header.setText("<b>" + tr("2D layer: {name}").format(name=layer_name) + "</b>")
        self.header.setToolTip("")
        self.show()
        self.raise_()

    def show_object(self, model, scene, object_id, n_selected: int = 1, metrics=None) -> None:
        self._last = (model, scene, object_id, n_selected, metrics)
        self.object_id = object_id
        self.n_selected = n_selected
        if object_id is None or model is None or object_id not in model.objects:
            self.table.setRowCount(0)
            self.header.setText(tr("No object selected. Click a building in the 3D view."))
            return
        obj = model.objects[object_id]
        rows: list[tuple[str, object]] = [(tr("ID"), obj.id), (tr("Type"), obj.type)]
        if obj.parents:
            rows.append((tr("Part of"), ", ".join(obj.parents)))
        if obj.children:
            rows.append((tr("Parts"), ", ".join(obj.children)))
        lods = sorted({g.lod for g in obj.geometries if g.lod is not None})
        if lods:
            rows.append((tr("LoD"), ", ".join(lods)))
        if obj.source:
            rows.append((tr("File"), obj.source))
        attrs: list = []
        flatten("", obj.attributes, attrs)
        rows.extend((k, decoded(k, v)) for k, v in attrs)
        extra: list = []
        for k, v in (obj.extra or {}).items():
            if k not in ("geographicalExtent",):
                flatten(k, v, extra)
        rows.extend(extra)
        computed = {}
        if scene is not None:
            try:
                computed.update(triangle_metrics(scene, scene.object_number(object_id)))
            except KeyError:
                pass
        if metrics:
            computed.update(metrics)
        for key, value in computed.items():
            label = tr(METRIC_LABELS.get(key, key))
            rows.append(("∑ " + label, format_number(value, 2) if isinstance(value, float)
                         else display_value(value, key)))
        extra_rows = []
        for provider in ([self.extra_rows] if self.extra_rows is not None else []) + self.row_providers:
            extra_rows.extend(provider(object_id))  # e.g. a clicked roof's solar figures
        rows[2:2] = extra_rows  # right under id and type
        self.table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(str(k)))
            text = display_value(v, str(k))
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(r, 1, item)
        from html import escape

        from stadtbild.model.labels import object_label

        label = object_label(model, object_id)
        self.label = label
        text = f"<b>{escape(label)}</b> · {escape(tr_type(obj.type))}"
        self.header.setToolTip(obj.id)  # the full id (also the first row of the table)
        if n_selected > 1:
            text += "<br>" + tr("{n} objects selected (showing the last one clicked)").format(n=n_selected)
        self.header.setText(text)
