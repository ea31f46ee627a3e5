"""File ▸ Publish…: the open model's Bestand and chosen variants as a public web scene (the same
:func:`exporters.publish.publish_site` the ``publish`` command runs): a folder with 3D Tiles and
the viewer page, internal attributes always left out (:mod:`model.privacy`, the ``--public`` list).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from .i18n import tr


class PublishDialog(QDialog):
    """Folder, title, licence and which variants to publish beside Bestand."""

    def __init__(self, parent, start: str, title: str, variant_names: list, active: str | None):
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.setWindowTitle(tr("Publish as web scene"))
        self.folder = QLineEdit(start)
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        folder_box = QWidget()
        folder_box.setLayout(row)
        self.title = QLineEdit(title)
        self.licence = QLineEdit()
        self.licence.setPlaceholderText(tr("e.g. dl-de/by-2-0, CC BY 4.0"))
        self.attribution = QLineEdit()
        self.attribution.setPlaceholderText(tr("e.g. City model: Stadt Musterstadt"))
        form = QFormLayout()
        form.addRow(tr("Folder:"), folder_box)
        form.addRow(tr("Title:"), self.title)
        form.addRow(tr("Data credit:"), self.attribution)
        form.addRow(tr("Data licence:"), self.licence)
        self.variant_boxes = []
        for name in variant_names:
            box = QCheckBox(name)
            box.setChecked(name == active)
            self.variant_boxes.append(box)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        if self.variant_boxes:
            lay.addWidget(QLabel(tr("Variants beside Bestand:")))
            for box in self.variant_boxes:
                lay.addWidget(box)
        note = QLabel(tr("Internal attributes (owners, addresses, parcels, contacts) are always left out."))
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Publish as web scene"), self.folder.text())
        if path:
            self.folder.setText(path)

    def chosen(self) -> list:
        return [b.text() for b in self.variant_boxes if b.isChecked()]


def start_publish(window, folder, names, title: str = "", licence: str = "", attribution: str = ""):
    """Publish ``window``'s base model with the variants called ``names`` to ``folder`` in a
    worker job (progress in the status bar); returns the job, or None when nothing started."""
    from stadtbild.analysis.sun import timezone_at
    from stadtbild.exporters.publish import public_states, publish_site
    from stadtbild.model.crs import transformer_to_wgs84
    from stadtbild.model.errors import InputError
    from stadtbild.model.privacy import internal_patterns

    from .scenario_adapter import to_scenario

    base = window.base_model or window.model
    if base is None:
        window.show_error(tr("Open a city model first"))
        return None
    if not base.crs:
        window.show_error(tr("The model has no known CRS, so it cannot be placed on the globe"))
        return None
    variants = [v for v in window.variants.variants if v.name in set(names) and v.edits]
    try:
        patterns = internal_patterns()
        scenarios = [to_scenario(v) for v in variants]
        bb = base.bbox()
        lon, lat = transformer_to_wgs84(base.crs).transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)
        tz = timezone_at(lat, lon)
    except InputError as exc:
        window.show_error(str(exc))
        return None
    sources = [Path(f).name for f in window.files]

    def run(progress, cancelled):
        progress(0.05)
        states, _ = public_states(base, scenarios, patterns)
        return publish_site(states, folder, title=title or "Stadtbild", time_zone=tz, attribution=attribution,
                            licence=licence, public_patterns=patterns, sources=sources,
                            progress=lambda done, total: progress(0.05 + 0.95 * done / max(total, 1)))

    def done(summary):
        msg = tr("Published {n} buildings to {folder}").format(n=summary["features"], folder=folder)
        if not summary.get("viewer"):
            msg += " – " + tr("without the viewer page (web viewer not built: make web)")
        window.statusBar().showMessage(msg, 15000)

    return window.jobs.start(run, tr("Publish"), on_done=done, on_error=window.show_error)


def ask_publish(window):
    """The File ▸ Publish… dialog."""
    if window.model is None:
        window.show_error(tr("Open a city model first"))
        return None
    first = Path(window.files[0]) if window.files else Path.home() / "stadtbild"
    stem = first.name.split(".")[0]
    names = [v.name for v in window.variants.variants if v.edits]
    active = window.variants.active()
    dlg = PublishDialog(window, str(first.with_name(stem + "-web")), stem, names,
                        active.name if active is not None else None)
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.folder.text().strip():
        return None
    return start_publish(window, dlg.folder.text().strip(), dlg.chosen(), dlg.title.text().strip(),
                         dlg.licence.text().strip(), dlg.attribution.text().strip())
