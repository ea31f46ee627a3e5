"""Small non-modal dialogs for the editing tools (extrude a drawn footprint, set a building's
height, place an inserted design). Non-modal so the 3D view stays usable and tests can fill them."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout

from .i18n import tr

ROOFS = ("flat", "gable", "hip", "shed", "pyramid")


def _spin(lo, hi, value, step=0.5, decimals=2, suffix=""):
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setValue(value)
    if suffix:
        s.setSuffix(suffix)
    return s


class ParamDialog(QDialog):
    """A form of named fields with OK/Cancel; ``values()`` returns {name: value}."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(max(380, self.fontMetrics().horizontalAdvance(title) + 160))  # the whole title shows
        self.form = QFormLayout(self)
        self.fields: dict = {}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def add(self, name: str, label: str, widget):
        self.fields[name] = widget
        self.form.addRow(label, widget)
        return widget

    def finish(self) -> "ParamDialog":
        self.form.addRow(self.buttons)
        return self

    def values(self) -> dict:
        out = {}
        for k, w in self.fields.items():
            out[k] = w.currentData() if isinstance(w, QComboBox) else w.value()
        return out


def extrude_dialog(parent=None) -> ParamDialog:
    d = ParamDialog(tr("New building from the drawn footprint"), parent)
    d.add("height_m", tr("Eave height above ground"), _spin(0.5, 500.0, 12.0, suffix=" m"))
    roof = QComboBox()
    names = {"flat": tr("flat"), "gable": tr("gable"), "hip": tr("hip"), "shed": tr("shed"), "pyramid": tr("pyramid")}
    for r in ROOFS:
        roof.addItem(names[r], r)
    d.add("roof", tr("Roof"), roof)
    roof_height = d.add("roof_height_m", tr("Roof height"), _spin(0.0, 100.0, 3.0, suffix=" m"))

    def roof_changed(_i=0):  # a flat roof has no roof height: the field is off and says why
        flat = roof.currentData() == "flat"
        roof_height.setEnabled(not flat)
        roof_height.setToolTip(tr("A flat roof has no roof height") if flat else
                               tr("Height of the ridge above the eaves"))
        d.form.labelForField(roof_height).setEnabled(not flat)

    roof.currentIndexChanged.connect(roof_changed)
    roof_changed()
    return d.finish()


def height_dialog(current_m: float, parent=None) -> ParamDialog:
    d = ParamDialog(tr("Set building height"), parent)
    d.add("height_m", tr("New height (highest − lowest point)"), _spin(0.5, 1000.0, round(current_m, 2), suffix=" m"))
    return d.finish()


PLACEMENTS = ("auto", "origin", "base_center", "georeferenced")


def insert_dialog(parent=None) -> ParamDialog:
    """Rotation, scale and which point of the design goes to the clicked point (the ``anchor`` of
    the insert edit), or the design's own georeferenced position (IFC map conversion, CityJSON CRS)."""
    d = ParamDialog(tr("Place the design"), parent)
    place = QComboBox()
    names = {"auto": tr("Automatic (file origin; lowest point if centred)"),
             "origin": tr("The file's origin (0, 0, 0)"),
             "base_center": tr("Centre of the design's base"),
             "georeferenced": tr("Where the file is georeferenced (ignore the click)")}
    for key in PLACEMENTS:
        place.addItem(names[key], key)
    d.add("placement", tr("Clicked point takes"), place)
    d.add("rotation_deg", tr("Rotation (counter-clockwise)"), _spin(-360.0, 360.0, 0.0, step=5.0, decimals=1, suffix=" °"))
    d.add("scale", tr("Scale"), _spin(0.001, 1000.0, 1.0, step=0.1, decimals=3))
    return d.finish()
