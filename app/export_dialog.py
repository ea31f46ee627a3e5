"""File ▸ Export…: the shown model (with the active variant's edits) to any export format, with
the "public export" option (:mod:`model.privacy`) and a confirmation before an existing file is
replaced. The writers (:func:`exporters.export.export`) write atomically (temp file + rename),
so a failed export never leaves half a file; the user's source files are never overwritten.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QVBoxLayout)

from .i18n import tr

EXPORT_FILTER = ("CityJSON (*.city.json);;CityJSONSeq (*.city.jsonl);;CityGML (*.gml);;DXF (*.dxf);;glTF (*.glb *.gltf);;"
                 "OBJ (*.obj);;STL (*.stl);;IFC (*.ifc);;CSV (*.csv);;GeoJSON (*.geojson);;GeoPackage (*.gpkg);;PDF (*.pdf)")


def confirm_overwrite(parent, path) -> bool:
    """True when ``path`` does not exist or the user agreed to replace it (default: No)."""
    if not Path(path).exists():
        return True
    answer = QMessageBox.question(
        parent, tr("Stadtbild – replace file?"),
        tr("{file} already exists. Replace it?").format(file=path),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ExportDialog(QDialog):
    def __init__(self, parent=None, start: str = ""):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("Export"))
        self.path_edit = QLineEdit(start)
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.public = QCheckBox(tr("Public export: leave out internal attributes (owners, addresses, parcels)"))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("File (the format follows the name ending):")))
        lay.addLayout(row)
        lay.addWidget(self.public)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        # Qt's own dialog asks before replacing; confirm_overwrite asks again for typed names
        path, _ = QFileDialog.getSaveFileName(self, tr("Export"), self.path_edit.text(), EXPORT_FILTER)
        if path:
            self.path_edit.setText(path)


def start_export(window, path, public: bool = False):
    """Export ``window.model`` (edits applied) to ``path`` in a worker job after the checks:
    known format, not one of the opened source files, existing file only after confirmation.
    Returns the job, or None when nothing was started."""
    from exporters._common import Edits
    from exporters.export import export, format_of
    from model.errors import InputError

    path = str(path)
    try:
        fmt = format_of(path)
    except InputError as exc:
        window.show_error(str(exc))
        return None
    if any(Path(path).resolve() == Path(f).resolve() for f in window.files):
        window.show_error(tr("{file}: refusing to overwrite an input file").format(file=path))
        return None
    if not confirm_overwrite(window, path):
        return None
    model, base = window.model, window.base_model or window.model
    if public:
        from model.privacy import internal_patterns, public_copy

        try:
            patterns = internal_patterns()
        except InputError as exc:
            window.show_error(str(exc))
            return None
        model = public_copy(model, patterns)[0]
        base = public_copy(base, patterns)[0]
    edits = Edits.between(base, model)
    variant = window.variants.active()

    def run(progress, cancelled):
        progress(0.05)
        summary = export(model, path, fmt, edits=edits, scenario_name=variant.name if variant is not None else None)
        progress(1.0)
        return summary

    def done(summary):
        window.statusBar().showMessage(tr("Exported {n} objects to {file}").format(
            n=(summary or {}).get("objects", len(model.objects)), file=path), 10000)

    return window.jobs.start(run, tr("Export"), on_done=done, on_error=window.show_error)


def ask_export(window):
    """The File ▸ Export… dialog."""
    if window.model is None:
        window.show_error(tr("Open a city model first"))
        return None
    start = str(Path(window.files[0]).with_name(Path(window.files[0]).name.split(".")[0] + "-export.city.json")) \
        if window.files else ""
    dlg = ExportDialog(window, start)
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.path_edit.text().strip():
        return None
    return start_export(window, dlg.path_edit.text().strip(), dlg.public.isChecked())
