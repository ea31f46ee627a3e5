"""2D layers over the city model (parcels, Bebauungsplan areas, streets): read, styled, labelled,
listed in the layer tree and the legend, and clicked for their attributes.

Each layer file (GeoJSON, GeoPackage, Shapefile … read by :mod:`importers.layers`, reprojected to
the model CRS in a worker) becomes a :class:`GeoLayer` with a *style* (plain data, saved in the
project and the autosave journal)::

    {"colour": [r, g, b],        # one colour for all features (when not styled by a field)
     "fill_opacity": 0.35,       # polygons are filled (0 = outlines only)
     "colour_by": "nutzung",     # style by attribute: categories, or quantile classes of numbers
     "classes": 5,
     "label_by": "flstkennz",    # label every feature with this field (None: no labels)
     "visible": true}

Polygons are filled on the ground plane (triangulated exactly, viewer.layers_view.flat_fill_polydata)
with darker outlines, in the layer's colour or the class colours of ``colour_by``; the legend dock
and the layer tree show the same swatches. A click on the ground inside a feature (select tool,
no building hit) shows its attributes in the attribute dock.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QPushButton, QSlider, QSpinBox)

from .i18n import format_number, tr

#: default colours of new layers (Okabe–Ito, colour-blind safe; none is the roof red)
LAYER_COLOURS = ((0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0))
LIFT_M = 0.12  # the layer lies this far above the ground plane (against z-fighting)


def default_style(k: int) -> dict:
    return {"colour": list(LAYER_COLOURS[k % len(LAYER_COLOURS)]), "fill_opacity": 0.35, "colour_by": None,
            "classes": 5, "label_by": None, "visible": True}


@dataclass(eq=False)
class GeoLayer:
    path: str
    layer: object  # importers.layers.Layer in the model CRS
    style: dict
    actors: list = field(default_factory=list)
    legend: list = field(default_factory=list)  # [(label, rgb)]
    item: object = None  # its row in the layer tree
    _tree: object = None  # STRtree of the local geometries, for clicks
    _local: object = None
    _origin: object = None

    @property
    def name(self) -> str:
        return self.layer.name

    def feature_at(self, xy_local) -> int | None:
        """Index of the feature under the local point (the smallest polygon containing it, or
        a line/point within 1 m), None when there is none."""
        import shapely

        if self._tree is None:
            self._local = np.asarray(self.layer.to_local(self._origin), dtype=object)
            ok = np.array([g is not None and not g.is_empty for g in self._local])
            self._local = np.where(ok, self._local, shapely.Point())
            self._tree = shapely.STRtree(self._local)
        pt = shapely.Point(float(xy_local[0]), float(xy_local[1]))
        hits = self._tree.query(pt, predicate="dwithin", distance=1.0)
        if not len(hits):
            return None
        geoms = self._local[hits]
        inside = np.array([g.geom_type in ("Polygon", "MultiPolygon") and g.covers(pt) for g in geoms])
        if inside.any():
            areas = shapely.area(geoms[inside])
            return int(hits[inside][np.argmin(areas)])
        dist = shapely.distance(geoms, pt)
        return int(hits[np.argmin(dist)])


class GeoLayers:
    """The 2D layers of the window (see module docstring)."""

    def __init__(self, window):
        self.window = window
        self.entries: list[GeoLayer] = []
        self.dialog = None
        self.jobs: list = []

    # ------------------------------------------------------------------ reading
    def add_file(self, path, style: dict | None = None, layer_name: str | None = None, then=None):
        """Read ``path`` (all its layers, or the one named ``layer_name``) in a worker and show
        it with ``style`` (default: the next layer colour). ``then()`` runs once it is shown."""
        w = self.window
        if w.model is None:
            w.show_error(tr("Open a city model first"))
            return None
        crs = w.model.crs if w.model.crs else None
        path = str(path)

        def run(progress, cancelled):
            from stadtbild.importers.layers import read_layers

            return read_layers(path, crs)

        def done(layers):
            for lyr in layers:
                if layer_name is None or lyr.name == layer_name:
                    self.add_layer(path, lyr, style)
            if then is not None:
                then()

        job = w.jobs.start(run, tr("Layer"), on_done=done, on_error=w.show_error)
        self.jobs.append(job)
        return job

    def add_layer(self, path: str, layer, style: dict | None = None) -> GeoLayer:
        st = default_style(len(self.entries))
        st.update({k: v for k, v in (style or {}).items() if k in st})
        entry = GeoLayer(str(path), layer, st)
        self.entries.append(entry)
        self.draw(entry)
        self.attach_rows()
        self.window.statusBar().showMessage(tr("2D layer {name}: {n} features").format(name=layer.name, n=len(layer)),
                                            8000)
        return entry

    # ------------------------------------------------------------------ drawing
    def colours(self, entry: GeoLayer):
        """(n, 3) uint8 feature colours and the legend [(label, rgb)] of the entry's style."""
        from stadtbild.viewer.layers_view import categorical_colours, graduated_colours, is_numeric_column

        st = entry.style
        n = len(entry.layer)
        field_name = st.get("colour_by")
        if field_name and field_name in entry.layer.attributes:
            values = entry.layer.column(field_name)
            if is_numeric_column(values):
                rgb, legend = graduated_colours(values, int(st.get("classes") or 5), "viridis",
                                                fmt=lambda v: format_number(v, _decimals(v)))
            else:
                rgb, legend = categorical_colours(values)
                legend = [(label if label != "–" else tr("(no value)"), c) for label, c in legend]
            return rgb, [(f"{field_name}: {label}", c) for label, c in legend[:30]] + (
                [(tr("… {n} more classes").format(n=len(legend) - 30), (200, 200, 200))] if len(legend) > 30 else [])
        colour = tuple(int(c) for c in st.get("colour") or LAYER_COLOURS[0])
        return np.tile(np.array(colour, dtype=np.uint8), (n, 1)), [(entry.name, colour)]

    def draw(self, entry: GeoLayer) -> None:
        from stadtbild.model.terrain import TerrainGrid
        from stadtbild.viewer.layers_view import add_layer

        w = self.window
        vp = w.viewport
        for a in entry.actors:
            vp.plotter.remove_actor(a, render=False)
        bb = w.model.bbox()
        ext = entry.layer.extent() or (bb[0], bb[1], bb[3], bb[4])
        xmin, ymin = min(ext[0], bb[0]), min(ext[1], bb[1])
        xmax, ymax = max(ext[2], bb[3]), max(ext[3], bb[4])
        z0 = float(w.scene.to_world([0.0, 0.0, vp.ground_z])[2])
        grid = TerrainGrid(np.full((2, 2), z0), xmin, ymax, max(xmax - xmin, 1.0), max(ymax - ymin, 1.0))
        rgb, legend = self.colours(entry)
        st = entry.style
        label_by = st.get("label_by") if st.get("label_by") in entry.layer.attributes else None
        k = self.entries.index(entry)
        actors = add_layer(vp.plotter, entry.layer, grid, w.scene.origin, colour_by=None, label_by=label_by,
                           offset_m=LIFT_M, fill_opacity=float(st.get("fill_opacity", 0.35)), line_width=2.0,
                           name=f"geolayer-{k}-{entry.name}", legend=False, feature_rgb=rgb,
                           flat_z=float(vp.ground_z), label_format=_label_text)
        entry.actors = [a for a in (actors or []) if a is not None]
        entry.legend = legend
        entry._origin = np.asarray(w.scene.origin, dtype=np.float64)
        entry._tree = None
        for a in entry.actors:
            a.SetVisibility(bool(st.get("visible", True)))
        self.update_legend()
        vp.render()

    def set_style(self, entry: GeoLayer, **changes) -> None:
        entry.style.update(changes)
        self.draw(entry)
        self.attach_rows()

    def set_visible(self, entry: GeoLayer, visible: bool) -> None:
        entry.style["visible"] = bool(visible)
        for a in entry.actors:
            a.SetVisibility(bool(visible))
        self.update_legend()
        self.window.viewport.render()

    def remove(self, entry: GeoLayer) -> None:
        for a in entry.actors:
            self.window.viewport.plotter.remove_actor(a, render=False)
        self.entries.remove(entry)
        self.attach_rows()
        self.update_legend()
        self.window.viewport.render()

    def clear(self) -> None:
        """A new model: no layers."""
        for e in list(self.entries):
            for a in e.actors:
                self.window.viewport.plotter.remove_actor(a, render=False)
        self.entries = []
        self.update_legend()

    def attach_rows(self) -> None:
        """(Re)create the layers' rows in the layer tree (it is rebuilt after each edit)."""
        dock = self.window.layers
        dock.clear_geo_layers()
        for e in self.entries:
            e.item = dock.add_geo_layer(e.name, e.actors, legend=e.legend, visible=e.style.get("visible", True),
                                        on_toggle=lambda v, ee=e: self.set_visible(ee, v),
                                        on_style=lambda ee=e: self.style_dialog(ee), tooltip=e.path)

    def update_legend(self) -> None:
        legend = getattr(self.window, "legend", None)
        if legend is not None and hasattr(legend, "set_layers"):
            legend.set_layers([(e.name, e.legend) for e in self.entries if e.style.get("visible", True)])

    # ------------------------------------------------------------------ project
    def to_list(self) -> list[dict]:
        return [{"path": e.path, "layer": e.name, "style": dict(e.style)} for e in self.entries]

    # ------------------------------------------------------------------ clicks
    def feature_at(self, point_local):
        """(entry, feature index) of the topmost visible layer under a local point, or None."""
        if point_local is None:
            return None
        for e in reversed(self.entries):
            if not e.style.get("visible", True):
                continue
            i = e.feature_at(np.asarray(point_local, dtype=float)[:2])
            if i is not None:
                return e, i
        return None

    def show_feature(self, entry: GeoLayer, index: int) -> None:
        rec = entry.layer.records()[index]
        self.window.attributes.show_feature(entry.name, index, rec)

    # ------------------------------------------------------------------ style dialog
    def style_dialog(self, entry: GeoLayer) -> "LayerStyleDialog":
        d = LayerStyleDialog(entry, self.window)
        d.accepted.connect(lambda: self.set_style(entry, **d.values()))
        d.open()
        self.dialog = d
        return d


def ask_layer_file(parent, title: str) -> str:
    """The file of a 2D layer, chosen in a file dialog ("" when cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", tr("GIS layers (*.geojson *.json *.gpkg *.shp);;All files (*)"))
    return path


def _decimals(v: float) -> int:
    a = abs(float(v))
    return 0 if a >= 100 or float(v).is_integer() else (1 if a >= 10 else 2)


def _label_text(v) -> str:
    """A label in the UI's number format (German decimal comma) when the value is a number."""
    if isinstance(v, (float, np.floating)) and np.isfinite(v):
        return format_number(float(v), _decimals(float(v)))
    return str(v)


def field_choice(none_text: str, fields, current) -> QComboBox:
    """A choice of one of a layer's attribute ``fields`` (or none, shown as ``none_text``), set to
    ``current``."""
    box = QComboBox()
    box.addItem(none_text, None)
    for f in fields:
        box.addItem(f, f)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class LayerStyleDialog(QDialog):
    """Style of one 2D layer: colour, fill opacity, style by attribute (classes), labels."""

    def __init__(self, entry: GeoLayer, parent=None):
        super().__init__(parent)
        self.setObjectName("layerStyleDialog")
        self.setWindowTitle(tr("Style of {name}").format(name=entry.name))
        self.entry = entry
        st = entry.style
        form = QFormLayout(self)
        self.colour = QColor(*st.get("colour", LAYER_COLOURS[0]))
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._pick_colour)
        self._paint_button()
        form.addRow(tr("Colour"), self.colour_button)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(int(round(100 * float(st.get("fill_opacity", 0.35)))))
        form.addRow(tr("Fill opacity"), self.opacity)
        fields = list(entry.layer.attributes)
        self.colour_by = field_choice(tr("(one colour)"), fields, st.get("colour_by"))
        form.addRow(tr("Style by attribute"), self.colour_by)
        self.classes = QSpinBox()
        self.classes.setRange(2, 12)
        self.classes.setValue(int(st.get("classes") or 5))
        form.addRow(tr("Classes (numbers)"), self.classes)
        self.label_by = field_choice(tr("(no labels)"), fields, st.get("label_by"))
        form.addRow(tr("Label by"), self.label_by)
        self.visible = QCheckBox(tr("Visible"))
        self.visible.setChecked(bool(st.get("visible", True)))
        form.addRow(self.visible)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _paint_button(self) -> None:
        self.colour_button.setText(self.colour.name())
        self.colour_button.setStyleSheet(f"background-color: {self.colour.name()};")

    def _pick_colour(self) -> None:
        c = QColorDialog.getColor(self.colour, self, tr("Colour of {name}").format(name=self.entry.name))
        if c.isValid():
            self.colour = c
            self._paint_button()

    def values(self) -> dict:
        return {"colour": [self.colour.red(), self.colour.green(), self.colour.blue()],
                "fill_opacity": self.opacity.value() / 100.0, "colour_by": self.colour_by.currentData(),
                "classes": self.classes.value(), "label_by": self.label_by.currentData(),
                "visible": self.visible.isChecked()}

