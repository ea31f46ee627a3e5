"""Projects and variants in the window (issue 8, GUI part).

File ▸ New / Open / Save / Save as project (``*.stadtbild``, :class:`model.project.Project`):
the source files with their SHA-256, the named variants (scenarios; the first row of the variants
dock, the existing state, is the untouched model and is not stored), the active variant, the
saved views (the current camera as ``"Fenster"`` bookmark plus the presentation's views) and a few
settings (sun date/time, colour theme, analysis figures of each variant). Opening a project whose
source file is missing or changed shows a warning dialog (the edits may no longer fit).

Everything the user built is in the project: the named variants' edits (the existing state,
"Bestand", never holds edits: app.variants), the undo history of each variant, the 2D layers
with their style (app.geo_layers). Work that differs from the last saved (or opened) state is
*unsaved*: opening another model or project, "New project" and quitting ask Save / Discard /
Cancel first (:meth:`ProjectController.maybe_save`). Saving removes the autosave journal;
discarding keeps it as the last copy (model.autosave).

Compare: a table of the existing state and every variant side by side
(:func:`analysis.variants.compare_variants`: gross floor area estimate, volume, max height,
eave/ridge heights; Δ against the existing state), plus the figures of every analysis that was run
in this session — like with like: for each analysis the same parameters (those on its page now:
date and time, grid, weather, rule set, picked points) for every variant. Runs missing for a
variant are computed first, with progress; the table states the parameters of each analysis.
The figures are stored in the project.
"""
from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from .i18n import error_text, format_number, plural, tr

PROJECT_FILTER = QT_TRANSLATE_NOOP("", "Stadtbild projects (*.stadtbild)")
WINDOW_VIEW = "Fenster"  # name of the bookmark holding the window's camera

#: rows of the comparison: (key in compare_variants rows, label, decimals)
COMPARE_ROWS = (
    ("buildings", QT_TRANSLATE_NOOP("", "Buildings"), 0),
    ("demolished", QT_TRANSLATE_NOOP("", "Demolished"), 0),
    ("inserted", QT_TRANSLATE_NOOP("", "Inserted"), 0),
    ("footprint_area_m2", QT_TRANSLATE_NOOP("", "Footprint area [m²]"), 0),
    ("gross_floor_area_m2", QT_TRANSLATE_NOOP("", "Gross floor area, estimate [m²]"), 0),
    ("volume_m3", QT_TRANSLATE_NOOP("", "Volume [m³]"), 0),
    ("max_height_m", QT_TRANSLATE_NOOP("", "Max. height [m]"), 1),
    ("mean_eave_height_m", QT_TRANSLATE_NOOP("", "Mean eave height [m]"), 1),
    ("max_eave_height_m", QT_TRANSLATE_NOOP("", "Max. eave height [m]"), 1),
    ("mean_ridge_height_m", QT_TRANSLATE_NOOP("", "Mean ridge height [m]"), 1),
    ("max_ridge_height_m", QT_TRANSLATE_NOOP("", "Max. ridge height [m]"), 1),
    ("shadow_area_m2", QT_TRANSLATE_NOOP("", "Shadow on the ground [m²]"), 0),
    ("open_ground_m2", QT_TRANSLATE_NOOP("", "Open ground of the study area [m²]"), 0),
    ("shadow_share_pct", QT_TRANSLATE_NOOP("", "Shadow share of the open ground [%]"), 1),
    ("sunhours_mean_h", QT_TRANSLATE_NOOP("", "Mean sun hours on the ground [h]"), 1),
    ("solar_yield_mwh_a", QT_TRANSLATE_NOOP("", "Roof PV yield [MWh/a]"), 1),
    ("solar_mean_kwh_m2a", QT_TRANSLATE_NOOP("", "Mean roof irradiation [kWh/m²·a]"), 0),
    ("sightline_blockers", QT_TRANSLATE_NOOP("", "Sightline: blocking buildings"), 0),
    ("viewshed_visible_pct", QT_TRANSLATE_NOOP("", "Viewshed: visible open ground [%]"), 1),
    ("corridor_intruding", QT_TRANSLATE_NOOP("", "View corridor: intruding buildings"), 0),
    ("sunlight_points_ok", QT_TRANSLATE_NOOP("", "Facade points meeting DIN 5034-1"), 0),
    ("sunlight_points_lost", QT_TRANSLATE_NOOP("", "Facade points losing DIN 5034-1 sunlight"), 0),
    ("bplan_buildings_violating", QT_TRANSLATE_NOOP("", "Bebauungsplan: buildings with violations"), 0),
    ("bplan_violations", QT_TRANSLATE_NOOP("", "Bebauungsplan: violations"), 0),
    ("setback_conflicts", QT_TRANSLATE_NOOP("", "Setback areas: conflicts"), 0),
    ("setback_buildings", QT_TRANSLATE_NOOP("", "Setback areas: buildings in conflict"), 0),
    ("setback_new_conflicts", QT_TRANSLATE_NOOP("", "Setback areas: new conflicts of the variant"), 0),
)


def analysis_figures(key: str, result) -> dict:
    """The comparable figures of an analysis result (shadow: area m² and its time; solar: total
    yield MWh/a and mean irradiation kWh/m²·a; sightline: number of blocking buildings; viewshed:
    visible share of the open ground %; view corridor: number of intruding buildings; facade
    sunlight: points meeting DIN 5034-1 on both days, and those lost against the existing state;
    Bebauungsplan check: buildings with violations, violations)."""
    if key == "shadow":
        f = result.figures()
        ground = float(f["ground_area_m2"])
        return {"shadow_area_m2": float(f["shadow_area_m2"]), "open_ground_m2": ground,
                "shadow_share_pct": 100.0 * float(f["shadow_area_m2"]) / ground if ground else None,
                "shadow_time": str(f["time_local"])[:16]}
    if key == "sunhours":
        return {"sunhours_mean_h": result.figures()["mean_sun_hours_h"]}
    if key == "sightline":
        return {"sightline_blockers": len(set(result.blocked_by))}
    if key == "viewshed":
        return {"viewshed_visible_pct": 100.0 * float(result.figures()["visible_fraction"])}
    if key == "viewcone":
        return {"corridor_intruding": len(result.figures()["intruding"])}
    if key == "sunlight":
        f = result.figures()
        out = {"sunlight_points_ok": int(f["points_meeting_both"])}
        if "difference" in f:
            out["sunlight_points_lost"] = int(f["difference"]["points_losing_compliance"])
        return out
    if key == "bplan":
        return {"bplan_buildings_violating": sum(1 for b in result.buildings if not b.compliant),
                "bplan_violations": len(result.violations)}
    if key == "setbacks":  # app.analysis_calls.SetbackRun (or a plain setbacks result)
        res = getattr(result, "result", result)
        out = {"setback_conflicts": len(res.violations), "setback_buildings": len({v["id"] for v in res.violations})}
        if getattr(result, "conflicts", None) is not None:
            out["setback_new_conflicts"] = len(result.conflicts["new"])
        return out
    if key == "solar":
        s = result.summary()
        return {"solar_yield_mwh_a": float(s["total_kwh_a"]) / 1000.0, "solar_mean_kwh_m2a": float(s["mean_kwh_m2a"])}
    return {}


def unique_names(names) -> list[str]:
    out, seen = [], set()
    for n in names:
        base, k, m = n, 2, n
        while m in seen:
            m = f"{base} ({k})"
            k += 1
        seen.add(m)
        out.append(m)
    return out


def page_settings(dock) -> dict:
    """The parameters of every analysis page ({page key: {parameter label: value}}): spin boxes
    by value, combo boxes by their item data (or text)."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QFormLayout

    out: dict = {}
    for page in dock.pages:
        values = {}
        for key, label in getattr(page, "labels", {}).items():
            row, _role = page.form.getWidgetPosition(label)
            item = page.form.itemAt(row, QFormLayout.ItemRole.FieldRole) if row >= 0 else None
            widget = item.widget() if item is not None else None
            if isinstance(widget, QComboBox):
                data = widget.currentData()
                values[key] = data if isinstance(data, (str, int, float)) else widget.currentText()
            elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "value"):
                values[key] = widget.value()
        if values:
            out[page.key] = values
    return out


def restore_page_settings(dock, settings: dict) -> None:
    """Set the pages' parameters from :func:`page_settings` output (unknown keys are ignored)."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QFormLayout

    for page in dock.pages:
        values = settings.get(page.key) if isinstance(settings, dict) else None
        if not isinstance(values, dict):
            continue
        for key, label in getattr(page, "labels", {}).items():
            if key not in values:
                continue
            row, _role = page.form.getWidgetPosition(label)
            item = page.form.itemAt(row, QFormLayout.ItemRole.FieldRole) if row >= 0 else None
            widget = item.widget() if item is not None else None
            v = values[key]
            if isinstance(widget, QComboBox):
                k = widget.findData(v)
                k = k if k >= 0 else widget.findText(str(v))
                if k >= 0:
                    widget.setCurrentIndex(k)
            elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "setValue") and isinstance(v, (int, float)):
                widget.setValue(v)


class ProjectController:
    """File ▸ project actions, per-variant analysis figures and the compare dialog."""

    def __init__(self, window):
        self.window = window
        self.path: Path | None = None
        self.stored: dict[str, dict] = {}  # variant uid -> figures read from a project file
        self.last_warnings: list[str] = []
        self.compare_progress = None
        self.dialog = None
        self._warning_box = None
        A = window.actions_by_name
        A["project_new"] = QAction(window)
        A["project_new"].triggered.connect(self.new_project)
        A["project_open"] = QAction(window)
        A["project_open"].triggered.connect(self.open_dialog)
        A["project_open"].setShortcut(QKeySequence("Ctrl+Shift+O"))
        A["project_save"] = QAction(window)
        A["project_save"].triggered.connect(self.save)
        A["project_save"].setShortcut(QKeySequence.StandardKey.Save)
        A["project_save_as"] = QAction(window)
        A["project_save_as"].triggered.connect(self.save_dialog)
        A["compare_variants"] = QAction(window)
        A["compare_variants"].triggered.connect(self.compare)
        menu = window.menus["file"]
        before = A["load_scenario"]
        menu.insertActions(before, [A["project_new"], A["project_open"], A["project_save"], A["project_save_as"],
                                    A["compare_variants"]])
        menu.insertSeparator(before)
        vd = window.variants
        if hasattr(vd, "compare_button"):
            vd.compare_button.clicked.connect(self.compare)

    # ------------------------------------------------------------ unsaved work
    def work_state(self) -> dict:
        """What the user built (variants with edits, 2D layers with their style, the Bebauungsplan
        placed), as data."""
        w = self.window
        layers = w.geo_layers.to_list() if hasattr(w, "geo_layers") and hasattr(w.geo_layers, "to_list") else []
        plans = w.bplan.to_list() if hasattr(w, "bplan") else []
        return {"variants": [[v.name, v.edits] for v in w.variants.variants[1:]], "layers": layers, "plans": plans}

    def _fingerprint(self) -> str:
        import json

        return json.dumps(self.work_state(), sort_keys=True, default=str)

    def mark_saved(self) -> None:
        """The current state is the saved one (after save, open, a new model)."""
        self._saved = self._fingerprint()

    def has_unsaved_work(self) -> bool:
        """True when the state differs from the last saved/opened one and holds something (an
        edit or a 2D layer, or it belongs to a saved project)."""
        if self.window.base_model is None or not hasattr(self, "_saved"):
            return False
        if self._fingerprint() == self._saved:
            return False
        st = self.work_state()
        return self.path is not None or bool(st["layers"]) or any(edits for _n, edits in st["variants"])

    def unsaved_summary(self) -> str:
        st = self.work_state()
        n = sum(len(e) for _n, e in st["variants"])
        names = ", ".join(f"„{name}“" for name, e in st["variants"] if e)
        text = plural(n, tr("{n} unsaved edit"), tr("{n} unsaved edits")) + (f" ({names})" if names else "")
        if st["layers"]:
            text += ", " + plural(len(st["layers"]), tr("{n} 2D layer"), tr("{n} 2D layers"))
        if st["plans"]:
            text += ", " + tr("the Bebauungsplan {name}").format(name=self.window.bplan.name())
        return text

    def maybe_save(self, action: str) -> bool:
        """Before ``action`` (e.g. "opening another model") replaces or closes the work: ask
        Save / Discard / Cancel when there is unsaved work. Returns True when the action may go
        on (saved, discarded, or nothing to save). ``STADTBILD_UNSAVED=save|discard|cancel``
        answers without a dialog (scripted sessions)."""
        import os

        if not self.has_unsaved_work():
            return True
        w = self.window
        answer = os.environ.get("STADTBILD_UNSAVED", "").lower()
        if answer not in ("save", "discard", "cancel"):
            B = QMessageBox.StandardButton
            box = QMessageBox(QMessageBox.Icon.Warning, tr("Stadtbild – unsaved work"),
                              tr("The open model has {what}.").format(what=self.unsaved_summary()) + "\n\n"
                              + tr("Save it in a project before {action}?").format(action=action),
                              B.Save | B.Discard | B.Cancel, w)
            box.setObjectName("unsavedDialog")
            box.setDefaultButton(B.Save)
            box.setEscapeButton(B.Cancel)
            self.question = box
            clicked = box.exec()
            self.question = None
            answer = {B.Save: "save", B.Discard: "discard"}.get(B(clicked), "cancel")
        if answer == "save":
            return self.save()
        if answer == "discard":
            w.autosave.close_unsaved()  # the journal stays: the last copy of the discarded work
            self.mark_saved()
            return True
        return False

    def retranslate(self) -> None:
        A = self.window.actions_by_name
        A["project_new"].setText(tr("&New project"))
        A["project_open"].setText(tr("Open &project…"))
        A["project_save"].setText(tr("&Save project"))
        A["project_save_as"].setText(tr("Save project &as…"))
        A["compare_variants"].setText(tr("Compare variants…"))

    # ------------------------------------------------------------ per-variant analysis figures
    def variant_results(self, v, analyses=None) -> dict:
        """Figures of variant ``v``: of the runs with the parameters on the pages now (for the
        analyses in ``analyses``, default: all), over those read from a project file."""
        st = self.window.state
        out = dict(self.stored.get(v.uid, {}))
        for key in (analyses if analyses is not None else list(st.params)):
            run = st.result_for(st.current_key(key, v))
            if run is not None:
                out.update(analysis_figures(key, run.result))
        return out

    def compared_analyses(self) -> list[str]:
        """The analyses run in this session (for any variant), in the order of the analysis dock."""
        run_keys = {k.analysis for k in self.window.state.results}
        return [p.key for p in self.window.analysis.pages if p.key in run_keys and p.key != "metrics"]

    # ------------------------------------------------------------ project <-> window
    def to_project(self):
        """The window's state as a :class:`model.project.Project` (sources hashed now)."""
        from stadtbild.model.project import Project
        from stadtbild.model.scenario import Scenario
        from stadtbild.viewer.camera import bookmark_from_plotter

        w = self.window
        proj = Project()
        for f in w.files:
            proj.add_source(f)
        variants = w.variants.variants[1:]  # the first row is the untouched model
        names = unique_names([v.name for v in variants])
        for v, name in zip(variants, names):
            proj.scenarios.append(Scenario.from_dict({"name": name, "edits": copy.deepcopy(v.edits)}))
        proj.history = {name: w.variants.history_of(v) for v, name in zip(variants, names)
                        if w.variants.history_of(v)["commands"]}
        proj.layers = w.geo_layers.to_list() if hasattr(w.geo_layers, "to_list") else []
        proj.plans = w.bplan.to_list() if hasattr(w, "bplan") else []
        active = w.variants.active()
        if active is not None and active in variants:
            proj.active_scenario = names[variants.index(active)]
        if w.scene is not None:
            proj.views.append(bookmark_from_plotter(w.viewport.plotter, WINDOW_VIEW, origin=w.scene.origin))
        proj.views.extend(v for v in (getattr(w, "presentation_views", None) or []) if v.get("name") != WINDOW_VIEW)
        themes = getattr(w, "colour_themes", None)
        proj.analysis = {
            "sun_time_local": w.analysis.sun.when_local().isoformat(),
            "colour_theme": themes.theme if themes is not None else None,
            "pages": page_settings(w.analysis),
            "variant_results": {name: self.variant_results(v) for v, name in zip(variants, names)
                                if self.variant_results(v)},
            "result_parameters": self.parameter_texts(),
            "existing_results": self.variant_results(w.variants.variants[0]) if w.variants.variants else {},
            "picture": w.picture_controls.to_dict(self.path.resolve().parent if self.path else None),
        }
        return proj

    def save(self) -> bool:
        if self.path is None:
            return self.save_dialog()
        return self.save_to(self.path)

    def save_dialog(self) -> bool:
        start = str(self.path) if self.path else "projekt.stadtbild"
        path, _ = QFileDialog.getSaveFileName(self.window, tr("Save project"), start, tr(PROJECT_FILTER))
        if not path:
            return False
        if not path.endswith(".stadtbild"):
            path += ".stadtbild"
        return self.save_to(path)

    def save_to(self, path) -> bool:
        from stadtbild.model.errors import InputError

        w = self.window
        path = Path(path)
        if any(path.resolve() == Path(f).resolve() for f in w.files):
            w.show_error(tr("{file}: refusing to overwrite an input file").format(file=path))
            return False
        if not w.files:
            w.show_error(tr("Open a city model first"))
            return False
        try:
            self.to_project().save(path)
        except (InputError, OSError) as exc:
            w.show_error(error_text(exc))
            return False
        self.path = path
        self.mark_saved()
        w.autosave.saved_as_project(path)  # the work is safe: no journal of it is needed any more
        w.statusBar().showMessage(tr("Project saved: {file}").format(file=str(path)), 8000)
        return True

    def new_project(self) -> None:
        """A fresh project on the open model: only the existing state, no file name yet."""
        w = self.window
        if not self.maybe_save(tr("starting a new project")):
            return
        self.path = None
        self.stored.clear()
        if w.base_model is not None:
            w.show_model(w.base_model, w.base_model.scene(), w.files)
        w.statusBar().showMessage(tr("New project"), 5000)

    def open_dialog(self) -> None:
        if not self.maybe_save(tr("opening another project")):
            return
        path, _ = QFileDialog.getOpenFileName(self.window, tr("Open project"), "", tr(PROJECT_FILTER))
        if path:
            self.open(path)

    def open(self, path):
        """Read the project, warn about changed/missing sources, load its model in a worker,
        then restore variants, active variant, camera and settings. Returns the job (or None)."""
        from stadtbild.model.errors import InputError
        from stadtbild.model.project import Project

        w = self.window
        try:
            proj = Project.open(path)
        except InputError as exc:
            w.show_error(error_text(exc))
            return None
        self.last_warnings = list(proj.warnings)
        if proj.warnings:
            box = QMessageBox(QMessageBox.Icon.Warning, tr("Stadtbild – project"),
                              tr("The project's source data has changed since it was saved:") + "\n\n"
                              + "\n".join(proj.warnings), QMessageBox.StandardButton.Ok, w)
            box.setObjectName("projectWarning")
            box.open()
            self._warning_box = box
        if not proj.sources or not all(Path(s["path"]).exists() for s in proj.sources):
            w.show_error(tr("{file}: a source file of the project is missing").format(file=path))
            return None

        def load(progress, cancelled):
            progress(0.05)
            model = proj.load_model()
            progress(0.6)
            return model, model.scene()

        def done(r):
            model, scene = r
            self._restore(proj, model, scene)

        self.path = None  # set again once the project is shown (_restore)
        w.statusBar().showMessage(tr("Opening project {name} …").format(name=Path(path).name))
        return w.jobs.start(load, tr("Loading"), on_done=done, on_error=w.show_error)

    def _restore(self, proj, model, scene) -> None:
        from stadtbild.viewer.camera import resolve_view

        w = self.window
        w.show_model(model, scene, [s["path"] for s in proj.sources])
        self.stored.clear()
        vd = w.variants
        base = proj.path.resolve().parent if proj.path else None
        active_row = 0
        for sc in proj.scenarios:
            edits = copy.deepcopy(sc.to_dict()["edits"])
            for e in edits:  # files of inserts relative to the project folder -> absolute
                f = e.get("file")
                if isinstance(f, str) and f and base is not None and not Path(f).is_absolute():
                    e["file"] = str((base / f).resolve())
            v = vd.add_variant(sc.name, edits)
            hist = proj.history.get(sc.name)
            if hist:
                vd.restore_history(v, hist, lambda: w.apply_edits(reset_camera=False))
            res = (proj.analysis.get("variant_results") or {}).get(sc.name)
            if res:
                self.stored[v.uid] = dict(res)
            if sc.name == proj.active_scenario:
                active_row = len(vd.variants) - 1
        existing = proj.analysis.get("existing_results")
        if existing and vd.variants:
            self.stored[vd.variants[0].uid] = dict(existing)
        vd.list.setCurrentRow(active_row)
        if active_row == 0:
            w.apply_edits()
        w.presentation_views = [v for v in proj.views if isinstance(v, dict) and v.get("name") != WINDOW_VIEW]
        for v in proj.views:
            if isinstance(v, dict) and v.get("name") == WINDOW_VIEW and "position" in v:
                try:
                    vp = w.viewport
                    size = vp.plotter.ren_win.GetSize()
                    resolve_view(v, w.scene.bounds, w.scene.origin, aspect=size[0] / max(size[1], 1)).apply(vp.plotter)
                    vp.render()
                except (KeyError, ValueError, TypeError):
                    pass
        restore_page_settings(w.analysis, proj.analysis.get("pages") or {})
        when = proj.analysis.get("sun_time_local")
        if isinstance(when, str):
            try:
                from datetime import datetime

                w.analysis.sun.set_when(datetime.fromisoformat(when))
            except (ValueError, TypeError):
                pass
        theme = proj.analysis.get("colour_theme")
        themes = getattr(w, "colour_themes", None)
        if themes is not None and theme:
            themes.set_theme(theme)
        if proj.analysis.get("picture"):  # aerial images, rasters, 2D layers, finish (app.picture_controls)
            w.picture_controls.restore(proj.analysis["picture"], base)
        if proj.layers and hasattr(w.geo_layers, "add_file"):
            for lyr in proj.layers:  # read in workers; the saved state counts them once they are shown
                w.geo_layers.add_file(lyr["path"], lyr.get("style"), layer_name=lyr.get("layer"),
                                      then=self.mark_saved)
        if proj.plans and hasattr(w, "bplan"):  # read in a worker, like the layers
            w.bplan.restore(proj.plans, then=self.mark_saved)
        self.path = proj.path
        self.mark_saved()
        w.autosave.switch_to_work()
        w.statusBar().showMessage(tr("Project opened: {file}").format(file=str(proj.path)), 8000)

    # ------------------------------------------------------------ compare
    def parameter_texts(self, analyses=None) -> dict:
        """{analysis title: its parameters in words} of the compared analyses."""
        w = self.window
        out = {}
        for key in analyses if analyses is not None else self.compared_analyses():
            page = w.analysis.page(key)
            params = w.state.params.get(key)
            if params is not None:
                out[page.title()] = page.parameter_text(dict(params))
        return out

    def missing_runs(self, analyses) -> list:
        """(page, variant) pairs whose run with the current parameters is not there yet."""
        w = self.window
        st = w.state
        return [(w.analysis.page(a), v) for a in analyses for v in st.variants
                if st.result_for(st.current_key(a, v)) is None]

    def compare(self):
        """Compute what is missing (model figures; analysis runs of any variant that lacks them with
        the current parameters, one after the other with progress), then show the table."""
        from stadtbild.analysis.variants import compare_variants
        from stadtbild.model.scenario import Scenario

        w = self.window
        if w.base_model is None:
            w.show_error(tr("Open a city model first"))
            return None
        analyses = self.compared_analyses()
        todo = self.missing_runs(analyses)
        variants = list(w.variants.variants)
        others = variants[1:]
        names = unique_names([v.name for v in others])
        scenarios = [Scenario.from_dict({"name": n, "edits": copy.deepcopy(v.edits)}) for v, n in zip(others, names)]
        base = w.base_model
        progress = self._progress_dialog(len(todo) + 1)

        def run(progress_cb, cancelled):
            return compare_variants(base, scenarios)

        def rows_done(rows):
            rows[0]["name"] = variants[0].name
            self._pending_rows = rows
            self._run_missing(todo, 0, analyses, variants, progress)

        return w.jobs.start(run, tr("Compare variants"), on_done=rows_done, on_error=self._compare_failed)

    def _progress_dialog(self, steps: int):
        from PySide6.QtWidgets import QProgressDialog

        d = QProgressDialog(tr("Comparing variants …"), tr("Cancel"), 0, steps, self.window)
        d.setObjectName("compareProgress")
        d.setWindowTitle(tr("Compare variants"))
        d.setMinimumDuration(0)
        d.setValue(0)
        self.compare_progress = d
        return d

    def _compare_failed(self, message: str) -> None:
        if self.compare_progress is not None:
            self.compare_progress.close()
            self.compare_progress = None
        self.window.show_error(message)

    def _run_missing(self, todo, k: int, analyses, variants, progress) -> None:
        """Run the ``k``-th missing (page, variant) and go on; then show the table."""
        if progress.wasCanceled():
            self.compare_progress = None
            self.window.statusBar().showMessage(tr("Comparison cancelled"), 5000)
            return
        progress.setValue(k + 1)
        if k >= len(todo):
            progress.close()
            self.compare_progress = None
            rows = self._pending_rows
            for row, v in zip(rows, variants):
                row.update(self.variant_results(v, analyses))
            self.show_table(rows, self.parameter_texts(analyses))
            return
        page, v = todo[k]
        progress.setLabelText(tr("Computing {analysis} for {variant} ({k} of {n}) …").format(
            analysis=page.title(), variant=v.name, k=k + 1, n=len(todo)))
        job = self.window.run_analysis(page, variant=v, show=False,
                                       on_done=lambda _run: self._run_missing(todo, k + 1, analyses, variants, progress))
        if job is not None:
            job.signals.failed.connect(self._compare_failed)
            job.signals.cancelled.connect(lambda: progress.cancel())
            progress.canceled.connect(job.cancel)

    def show_table(self, rows, parameters=None) -> None:
        d = CompareDialog(rows, self.window, parameters or {})
        d.setObjectName("compareDialog")
        d.open()
        self.dialog = d


class CompareDialog(QDialog):
    """Variants side by side: one column per variant, one row per figure, Δ to the existing state."""

    def __init__(self, rows, parent=None, parameters=None):
        super().__init__(parent)
        self.rows = rows
        self.parameters = dict(parameters or {})
        self.setWindowTitle(tr("Compare variants"))
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(COMPARE_ROWS), len(rows))
        self.table.setHorizontalHeaderLabels([r["name"] for r in rows])
        self.table.setVerticalHeaderLabels([tr(label) for _k, label, _d in COMPARE_ROWS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        base = rows[0]
        for r, (key, _label, dec) in enumerate(COMPARE_ROWS):
            for c, row in enumerate(rows):
                v = row.get(key)
                if v is None:
                    text = "–"
                else:
                    text = format_number(float(v), dec)
                    b = base.get(key)
                    if c > 0 and b is not None:
                        d = float(v) - float(b)
                        text += f"  (Δ {'+' if d > 0 else ''}{format_number(d, dec)})"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        lay.addWidget(self.table)
        self.parameters_label = QLabel("<br>".join(f"<b>{name}:</b> {text}" for name, text in self.parameters.items()))
        self.parameters_label.setWordWrap(True)
        self.parameters_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.parameters_label)
        note = QLabel(tr("Gross floor area estimate = footprint × storeys, storeys = eave height / 3 m "
                         "(an assumption). Every analysis is compared with the same parameters for all variants "
                         "(above); shadow areas are measured on one study area for all times and variants."))
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(300 + 170 * len(rows), 520)

    def cell(self, key: str, column: int) -> str:
        r = [k for k, _l, _d in COMPARE_ROWS].index(key)
        return self.table.item(r, column).text()
