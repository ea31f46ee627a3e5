"""Autosave and crash recovery in the window (the journals themselves are :mod:`model.autosave`).

- The work on the open model (every variant's edits and undo history, the 2D layers) is
  journalled one second after each edit (undo stack change) and every 30 s, atomically, in the
  journal of *that* model or project: opening another model switches to another journal and never
  overwrites or removes the previous one. A state without changes is not journalled.
- Saving the project removes the journal; quitting (or opening another model) with unsaved work
  asks first (app.project_io), and "Discard" keeps the journal as the last copy, offered again
  when that model is opened.
- Recovery is offered only for journals that hold changes, never in a blocking dialog: at start
  for sessions that crashed (killed, power cut), and whenever a model is opened for which such a
  journal exists. "Recover" restores the variants with their edits, history and layers;
  "Discard" removes the journal. ``STADTBILD_RECOVER=yes|no`` answers without a dialog (tests,
  kiosk).
"""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from stadtbild.model.autosave import Autosaver, Recovery, pending_recoveries

from .i18n import plural, tr

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
        self.offer_box: QMessageBox | None = None  # the open (non-modal) recovery question
        self.offered: Recovery | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.save_now)
        self.timer.start(self.INTERVAL_MS)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self.save_now)
        window.undo_group.indexChanged.connect(lambda _i: self.debounce.start(self.AFTER_EDIT_MS))

    # ------------------------------------------------------------------ saving
    def state(self):
        """(files, variants as dicts, active variant name, extra {layers, plans, history})."""
        w = self.window
        variants = list(getattr(w.variants, "variants", []))
        active = w.variants.active()
        history = {v.name: w.variants.history_of(v) for v in variants[1:] if w.variants.history_of(v)["commands"]}
        layers = w.geo_layers.to_list() if hasattr(w.geo_layers, "to_list") else []
        plans = w.bplan.to_list() if hasattr(w, "bplan") else []
        extra = {"layers": layers, "plans": plans, "history": history}
        return list(w.files), [v.to_dict() for v in variants], (active.name if active is not None else None), extra

    def _project_path(self):
        projects = getattr(self.window, "projects", None)
        return projects.path if projects is not None else None

    def switch_to_work(self) -> None:
        """The window shows another model or project: journal it in its own journal from now on
        (the previous model's journal stays as it is)."""
        self.saver.switch(self.window.files, self._project_path())

    def saved_as_project(self, path) -> None:
        """The work was saved as project ``path``: its journal is not needed any more."""
        self.saver.discard()
        self.saver.switch(self.window.files, path)

    def save_now(self):
        """Journal the current state (nothing when no model is open or nothing was changed);
        returns the journal path."""
        files, variants, active, extra = self.state()
        if not files or self._recovery is not None:
            return None
        path = self.saver.save(files, variants, active, project_path=self._project_path(), extra=extra)
        folder_ok = path is not None or not self._has_changes(variants, extra)
        if not folder_ok and not self._warned:
            self._warned = True
            log.warning("autosave folder %s is not writable; edits are not journalled", self.saver.folder)
            self.window.statusBar().showMessage(tr("Autosave is not possible: {folder} is not writable").format(
                folder=self.saver.folder), 10000)
        return path

    @staticmethod
    def _has_changes(variants, extra) -> bool:
        from stadtbild.model.autosave import has_changes

        return has_changes(variants, extra)

    def close_unsaved(self) -> None:
        """The user leaves the work unsaved ("Discard"): journal it one last time and keep the
        journal, marked so it is offered when this model is opened again."""
        self.debounce.stop()
        self.save_now()
        self.saver.close_unsaved()

    def stop(self) -> None:
        """The window closes: no more saving (the journal, if any, stays)."""
        self.timer.stop()
        self.debounce.stop()

    def discard(self) -> None:
        """Remove the journal of the open model (its work is saved, or there is none)."""
        self.debounce.stop()
        self.saver.discard()

    # ------------------------------------------------------------------ recovery
    def offer_recovery(self, files=None) -> Recovery | None:
        """At start: offer the newest journal of a crashed session that holds changes (of
        ``files`` when given, else of any model). Never blocks: the question is a non-modal
        dialog, the start goes on behind it. Returns the recovery being restored right away
        (only with ``STADTBILD_RECOVER=yes``), else None."""
        recs = [r for r in pending_recoveries(self.saver.folder) if not r.closed_unsaved]
        if files:
            mine = [r for r in recs if r.matches(files)]
            recs = mine or recs
        if not recs:
            return None
        return self._offer(recs[0], at_start=True)

    def offer_for_open_model(self) -> None:
        """A model was opened: offer the newest journal of it (crashed or left unsaved) that
        holds changes, in a non-modal dialog."""
        w = self.window
        if self._recovery is not None or not w.files:
            return
        recs = [r for r in pending_recoveries(self.saver.folder)
                if r.matches(w.files, self._project_path()) and r.path != self.saver.path]
        if recs:
            self._offer(recs[0], at_start=False)

    def _offer(self, rec: Recovery, at_start: bool) -> Recovery | None:
        answer = os.environ.get("STADTBILD_RECOVER", "").lower()
        if answer == "yes":
            self.recover(rec)
            return rec
        if answer == "no":
            rec.discard()
            return None
        names = ", ".join(os.path.basename(s) for s in rec.sources[:3]) or "–"
        what = plural(rec.n_edits, tr("{n} unsaved edit"), tr("{n} unsaved edits"))
        if rec.n_layers:
            what += ", " + plural(rec.n_layers, tr("{n} 2D layer"), tr("{n} 2D layers"))
        if rec.closed_unsaved:
            text = tr("{files} has work that was not saved when it was last closed: {what} (journal of {when} "
                      "UTC). Restore it?").format(files=names, what=what, when=rec.saved_at.replace("T", " ")[:16])
        else:
            text = tr("Stadtbild was not closed properly. Recover {what} of {files} (saved {when} UTC)?").format(
                what=what, files=names, when=rec.saved_at.replace("T", " ")[:16])
        if self.offer_box is not None:
            self.offer_box.done(0)
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, tr("Stadtbild – recover unsaved work"), text,
                          B.Yes | B.Discard | B.Ignore, self.window)
        box.setObjectName("recoveryDialog")
        box.setDefaultButton(B.Yes)
        box.setModal(False)  # the window stays usable behind the question
        box.button(B.Ignore).setText(tr("Later"))
        box.finished.connect(lambda result, r=rec: self._answered(r, result))
        self.offer_box, self.offered = box, rec
        box.show()
        return None

    def _answered(self, rec: Recovery, result: int) -> None:
        B = QMessageBox.StandardButton
        self.offer_box = None
        self.offered = None
        if result == B.Yes:
            self.recover(rec)
        elif result == B.Discard:
            rec.discard()
        # Later (or the window closed): the journal stays for another time

    def recover(self, rec: Recovery) -> None:
        """Open the recovered files (when another model is open), then restore the variants."""
        missing = [s for s in rec.sources if not os.path.exists(s)]
        if missing or not rec.sources:
            self.window.show_error(tr("{file}: cannot recover: the file is missing").format(
                file=missing[0] if missing else "–"))
            return
        w = self.window
        self._recovery = rec
        same = w.base_model is not None and rec.matches(w.files)
        if not same:
            w.open_paths(rec.sources)
        self._wait_for_model()

    def _wait_for_model(self) -> None:
        w = self.window
        rec = self._recovery
        if rec is None:
            return
        if w._load_job is not None or w.base_model is None or not rec.matches(w.files):
            if w.last_error and w._load_job is None:  # loading failed: keep the journal
                self._recovery = None
                return
            QTimer.singleShot(100, self._wait_for_model)
            return
        self._recovery = None
        dock = w.variants
        history = (rec.extra or {}).get("history") or {}
        for s in rec.scenarios:
            edits = list(s.get("edits", []))
            if not edits and (not dock.variants or s is rec.scenarios[0]):
                continue  # the existing state ("Bestand") is the fresh first row
            v = dock.add_variant(str(s.get("name") or tr("Recovered")), edits)
            if isinstance(history.get(v.name), dict):
                dock.restore_history(v, history[v.name], lambda: w.apply_edits(reset_camera=False))
        names = [v.name for v in dock.variants]
        if rec.active_scenario in names:
            dock.list.setCurrentRow(len(names) - 1 - names[::-1].index(rec.active_scenario))
        for lyr in (rec.extra or {}).get("layers") or []:
            if isinstance(lyr, dict) and isinstance(lyr.get("path"), str) and hasattr(w.geo_layers, "add_file"):
                w.geo_layers.add_file(lyr["path"], lyr.get("style"), layer_name=lyr.get("layer"))
        plans = [p for p in (rec.extra or {}).get("plans") or [] if isinstance(p, dict) and isinstance(p.get("path"), str)]
        if plans and hasattr(w, "bplan"):
            w.bplan.restore(plans)
        if rec.project_path and getattr(w, "projects", None) is not None and os.path.exists(rec.project_path):
            from pathlib import Path

            w.projects.path = Path(rec.project_path)
            self.switch_to_work()
        w.apply_edits(reset_camera=False)
        rec.discard()
        self.save_now()
        w.statusBar().showMessage(plural(rec.n_edits, tr("Recovered {n} edit"), tr("Recovered {n} edits")), 10000)
