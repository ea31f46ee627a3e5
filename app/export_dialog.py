"""File ▸ Export…: the shown model (with the active variant's edits) to any export format, with
the "public export" option (:mod:`model.privacy`) and a confirmation before an existing file is
replaced. The writers (:func:`exporters.export.export`) write atomically (temp file + rename),
so a failed export never leaves half a file; the user's source files are never overwritten.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QVBoxLayout)

from .i18n import error_text, tr

#: the formats of the dialog: (label, file endings; the first is appended to a name without one)
EXPORT_FORMATS = (
    ("CityJSON", (".city.json",)), ("CityJSONSeq", (".city.jsonl",)), ("CityGML", (".gml",)), ("DXF", (".dxf",)),
    ("glTF", (".glb", ".gltf")), ("OBJ", (".obj",)), ("STL", (".stl",)), ("IFC", (".ifc",)), ("CSV", (".csv",)),
    ("GeoJSON", (".geojson",)), ("GeoPackage", (".gpkg",)), ("PDF", (".pdf",)),
)
EXPORT_FILTER = ";;".join(f"{label} ({' '.join('*' + e for e in ends)})" for label, ends in EXPORT_FORMATS)
ALL_ENDINGS = tuple(e for _label, ends in EXPORT_FORMATS for e in ends) + (".json", ".jsonl", ".citygml")


def with_ending(path: str, endings) -> str:
    """``path`` with the chosen format's ending: kept when it already has one of ``endings``,
    replacing another known export ending, else appended."""
    low = path.lower()
    if any(low.endswith(e) for e in endings):
        return path
    for e in sorted(ALL_ENDINGS, key=len, reverse=True):
        if low.endswith(e):
            return path[: -len(e)] + endings[0]
    return path + endings[0]


def format_of_name(path: str) -> str | None:
    """The export format whose own ending ``path`` has (the longest match), else None."""
    low = path.lower()
    found = [(len(e), label) for label, ends in EXPORT_FORMATS for e in ends if low.endswith(e)]
    return max(found)[1] if found else None


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
    """File name and format of an export. The chosen format's ending is added to (or replaces
    the ending of) the name; a name typed with a format's own ending chooses that format; the
    folder of the last export is the starting folder."""

    def __init__(self, parent=None, start: str = "", fmt: str | None = None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("Export"))
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for label, ends in EXPORT_FORMATS:
            self.format.addItem(f"{label} ({', '.join(ends)})", label)
        if fmt is not None and self.format.findData(fmt) >= 0:
            self.format.setCurrentIndex(self.format.findData(fmt))
        self.path_edit = QLineEdit(with_ending(start, self.endings()) if start else start)
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
        lay.addWidget(QLabel(tr("Format:")))
        lay.addWidget(self.format)
        lay.addWidget(QLabel(tr("File:")))
        lay.addLayout(row)
        lay.addWidget(self.public)
        lay.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textEdited.connect(self._name_typed)
        self.browse_dialog = None

    def endings(self) -> tuple:
        return dict(EXPORT_FORMATS)[self.format.currentData()]

    def _format_changed(self, _i: int) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(with_ending(text, self.endings()))

    def _name_typed(self, text: str) -> None:
        """A typed name with the ending of another format ("plan.dxf") chooses that format."""
        fmt = format_of_name(text.strip())
        if fmt is not None and fmt != self.format.currentData():
            self.format.setCurrentIndex(self.format.findData(fmt))

    def path(self) -> str:
        """The file name with the chosen format's ending."""
        text = self.path_edit.text().strip()
        return with_ending(text, self.endings()) if text else ""

    def _browse(self) -> None:
        # Qt's own dialog asks before replacing; confirm_overwrite asks again for typed names
        label = self.format.currentData()
        name_filter = next(f for f in EXPORT_FILTER.split(";;") if f.startswith(label + " ("))
        path, chosen = QFileDialog.getSaveFileName(self, tr("Export"), self.path(), EXPORT_FILTER, name_filter)
        if path:
            label = chosen.split(" (")[0] if chosen else label
            if self.format.findData(label) >= 0:
                self.format.setCurrentIndex(self.format.findData(label))
            self.path_edit.setText(with_ending(path, self.endings()))


def start_export(window, path, public: bool = False):
    """Export ``window.model`` (edits applied) to ``path`` in a worker job after the checks:
    known format, not one of the opened source files, existing file only after confirmation.
    Returns the job, or None when nothing was started."""
    from stadtbild.exporters._common import Edits
    from stadtbild.exporters.export import export, format_of
    from stadtbild.model.errors import InputError

    path = str(path)
    try:
        fmt = format_of(path)
    except InputError as exc:
        window.show_error(error_text(exc))
        return None
    if any(Path(path).resolve() == Path(f).resolve() for f in window.files):
        window.show_error(tr("{file}: refusing to overwrite an input file").format(file=path))
        return None
    if not confirm_overwrite(window, path):
        return None
    model, base = window.model, window.base_model or window.model
    if public:
        from stadtbild.model.privacy import internal_patterns, public_copy

        try:
            patterns = internal_patterns()
        except InputError as exc:
            window.show_error(error_text(exc))
            return None
        model = public_copy(model, patterns)[0]
        base = public_copy(base, patterns)[0]
    edits = Edits.between(base, model)
    variant = window.variants.active()
    if fmt == "PDF" and not public:
        return start_report(window, path)

    def run(progress, cancelled):
        progress(0.05)
        summary = export(model, path, fmt, edits=edits, scenario_name=variant.name if variant is not None else None)
        progress(1.0)
        return summary

    def done(summary):
        window.statusBar().showMessage(tr("Exported {n} objects to {file}").format(
            n=(summary or {}).get("objects", len(model.objects)), file=path), 10000)

    return window.jobs.start(run, tr("Export"), on_done=done, on_error=window.show_error)


def start_report(window, path):
    """The council report (app.report, exporters.council_report) in a worker job."""
    from stadtbild.exporters.council_report import write_council_report

    from .report import build_report, report_texts

    info, sections, finish = build_report(window)
    texts = report_texts()

    def run(progress, cancelled):
        progress(0.05)
        changes = finish()
        progress(0.4)
        summary = write_council_report(path, info, sections, changes, texts)
        progress(1.0)
        return summary

    def done(summary):
        window.last_report = {"path": str(path), **(summary or {})}
        window.statusBar().showMessage(tr("Report with {n} analyses written to {file}").format(
            n=(summary or {}).get("analyses", 0), file=path), 10000)

    return window.jobs.start(run, tr("Report"), on_done=done, on_error=window.show_error)


def ask_export(window):
    """The File ▸ Export… dialog: starts in the folder (and format) of the last export."""
    if window.model is None:
        window.show_error(tr("Open a city model first"))
        return None
    q = window.settings.q
    stem = Path(window.files[0]).name.split(".")[0] + "-export" if window.files else "export"
    folder = str(q.value("export/folder", "") or "")
    if not folder or not Path(folder).is_dir():
        folder = str(Path(window.files[0]).parent) if window.files else str(Path.home())
    fmt = str(q.value("export/format", "CityJSON") or "CityJSON")
    dlg = ExportDialog(window, str(Path(folder) / stem), fmt)
    window._dialog = dlg
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.path():
        return None
    path = dlg.path()
    q.setValue("export/folder", str(Path(path).resolve().parent))
    q.setValue("export/format", dlg.format.currentData())
    q.sync()
    return start_export(window, path, dlg.public.isChecked())
