"""Autosave and crash recovery in the window (the journal itself is :mod:`model.autosave`).

- The open files and every variant's edits are journalled one second after each edit (undo
  stack change) and every 30 s, atomically; a clean close removes the journal.
- At start-up, journals of sessions that crashed (killed, power cut) are offered for recovery:
  "Recover" opens the same files and restores the variants with their edits; "Discard" removes
  the journal. ``STADTBILD_RECOVER=yes|no`` answers the question without a dialog (tests, kiosk).
"""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from model.autosave import Autosaver, Recovery, pending_recoveries

from .i18n import tr

log = logging.getLogger("stadtbild.app")


class AutosaveController(QObject):
    INTERVAL_MS = 30_000
    AFTER_EDIT_MS = 1_000

    def __init__(self, window, saver: Autosaver | None = None):
        super().__init__(window)
        self.window = window
        self.saver = saver or Autosaver()
        self._warned = False
        self._recovery: Recovery | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.save_now)
        self.timer.start(self.INTERVAL_MS)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self.save_now)
        window.undo_group.indexChanged.connect(lambda _i: self.debounce.start(self.AFTER_EDIT_MS))

    # ------------------------------------------------------------------ saving
    def state(self):
        w = self.window
        variants = list(getattr(w.variants, "variants", []))
        active = w.variants.active()
        return list(w.files), [v.to_dict() for v in variants], (active.name if active is not None else None)

    def save_now(self):
        """Journal the current state (nothing when no model is open); returns the journal path."""
        files, variants, active = self.state()
        if not files or self._recovery is not None:
            return None
        path = self.saver.save(files, variants, active)
        if path is None and not self._warned:
            self._warned = True
            log.warning("autosave folder %s is not writable; edits are not journalled", self.saver.folder)
            self.window.statusBar().showMessage(tr("Autosave is not possible: {folder} is not writable").format(
                folder=self.saver.folder), 10000)
        return path

    def discard(self) -> None:
        """Clean close: no recovery needed."""
        self.timer.stop()
        self.debounce.stop()
        self.saver.discard()

    # ------------------------------------------------------------------ recovery
    def offer_recovery(self) -> Recovery | None:
        """Ask about the newest crashed session (if any); returns the recovery being restored."""
        recs = pending_recoveries(self.saver.folder)
        if not recs:
            return None
        rec = recs[0]
        answer = os.environ.get("STADTBILD_RECOVER", "").lower()
        if answer not in ("yes", "no"):
            names = ", ".join(os.path.basename(s) for s in rec.sources[:3]) or "–"
            box = QMessageBox(QMessageBox.Icon.Question, tr("Stadtbild – recover unsaved work"),
                              tr("Stadtbild was not closed properly. Recover {n} unsaved edit(s) of {files} "
                                 "(saved {when} UTC)?").format(n=rec.n_edits, files=names, when=rec.saved_at),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard, self.window)
            answer = "yes" if box.exec() == QMessageBox.StandardButton.Yes else "no"
        if answer != "yes":
            for r in recs:
                r.discard()
            return None
        self.recover(rec)  # older crashed sessions keep their journals for a later start
        return rec

    def recover(self, rec: Recovery) -> None:
        """Open the recovered files; when the model is shown, restore the variants."""
        missing = [s for s in rec.sources if not os.path.exists(s)]
        if missing or not rec.sources:
            self.window.show_error(tr("{file}: cannot recover: the file is missing").format(
                file=missing[0] if missing else "–"))
            return
        self._recovery = rec
        self.window.open_paths(rec.sources)
        self._wait_for_model()

    def _wait_for_model(self) -> None:
        w = self.window
        if w._load_job is not None or w.base_model is None:
            if w.last_error and w._load_job is None:  # loading failed: keep the journal
                self._recovery = None
                return
            QTimer.singleShot(100, self._wait_for_model)
            return
        rec, self._recovery = self._recovery, None
        dock = w.variants
        first = True
        for s in rec.scenarios:
            edits = list(s.get("edits", []))
            if first and dock.variants and not edits:
                first = False  # the recovered "existing state" variant is the fresh one
                continue
            dock.add_variant(str(s.get("name") or tr("Recovered")), edits)
            first = False
        names = [v.name for v in dock.variants]
        if rec.active_scenario in names:
            dock.list.setCurrentRow(len(names) - 1 - names[::-1].index(rec.active_scenario))
        w.apply_edits(reset_camera=False)
        rec.discard()
        self.save_now()
        w.statusBar().showMessage(tr("Recovered {n} edit(s)").format(n=rec.n_edits), 10000)
