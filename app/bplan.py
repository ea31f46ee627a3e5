"""The Bebauungsplan in the window (issue 23): load an XPlanGML plan (File ▸ Load Bebauungsplan…,
or drop the file on the window), see it as a layer — the Baufenster as translucent volumes up to
their height limits, the zones in PlanZV colours and the Baugrenzen/Baulinien on the ground —,
hide the existing buildings inside the plan area with one click (as VC Map does), and check the
active variant against the plan on the analysis page "Bebauungsplan": buildings green (compliant)
or red (a violation), the parts outside the Baugrenze and the stretches of Baulinie not built on
drawn in red, a table of the buildings (click: select and zoom), the check's figures in the
attribute dock of the clicked building, and a report for the council (PDF, GeoJSON, GeoPackage,
CSV).

The plan is read and reprojected to the model CRS in a worker thread (``importers.xplanung``);
the envelopes ``analysis.bplan_envelopes`` and the check ``analysis.bplan``; the meshes ``viewer.bplan_view``; the
report ``exporters.bplan``. The plan layer is drawn again whenever the scene changes (a variant,
an edit), because its geometry is in the scene's local frame.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDoubleSpinBox, QFileDialog, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem)

from .analysis import AnalysisPage
from .i18n import format_number, tr

COMPLIANT_RGB = (60, 170, 90)
VIOLATION_RGB = (220, 40, 40)
KIND_LABELS = {"height": QT_TRANSLATE_NOOP("", "Height"), "baugrenze": QT_TRANSLATE_NOOP("", "Baugrenze"),
               "baulinie": QT_TRANSLATE_NOOP("", "Baulinie"), "storeys": QT_TRANSLATE_NOOP("", "Storeys"),
               "grz": "GRZ", "gfz": "GFZ"}
STATUS_LABELS = {"inserted": QT_TRANSLATE_NOOP("", "new"), "changed": QT_TRANSLATE_NOOP("", "changed"),
                 "existing": QT_TRANSLATE_NOOP("", "existing")}
ENVELOPE_MESHES = ("bplan-envelopes", "bplan-envelope-edges")


def edited_ids(base_model, model, variant) -> tuple[list, list]:
    """(inserted, changed) object ids of a variant: new top-level objects, and those its move /
    rotate / height / roof / attribute edits name."""
    inserted = [oid for oid, o in model.objects.items() if base_model is not None and oid not in base_model.objects
                and not [p for p in o.parents if p in model.objects]]
    changed = []
    for e in (variant.edits if variant is not None else []):
        if e.get("op") in ("move", "rotate", "set_height", "set_roof", "set_attributes"):
            for oid in e.get("ids", [e.get("id")] if e.get("id") else []):
                if oid in model.objects and oid not in changed and oid not in inserted:
                    changed.append(oid)
    return inserted, changed


# ====================================================================== the analysis page
class BplanPage(AnalysisPage):
    """Check the active variant against the loaded Bebauungsplan (``analysis.bplan``)."""

    key = "bplan"
    controller = None  # PlanController, set when the window is built

    def title(self) -> str:
        return tr("Bebauungsplan check")

    def description(self) -> str:
        return tr("Every building of the variant in the plan area against the Bebauungsplan (XPlanGML): inside "
                  "the Baufenster, on the Baulinie, eave / ridge / top heights, full storeys, GRZ and GFZ per zone.")

    def build(self) -> None:
        self.plan_label = QLabel("–")
        self.plan_label.setWordWrap(True)
        self.plan_label.setObjectName("bplanPlanLabel")
        self.form.addRow(self.plan_label)
        self.load_button = QPushButton()
        self.load_button.setObjectName("bplanLoad")
        self.form.addRow(self.load_button)
        self.hide_box = QCheckBox()
        self.hide_box.setObjectName("bplanHideExisting")
        self.form.addRow(self.hide_box)
        self.tolerance = self.add_row(QT_TRANSLATE_NOOP("", "Tolerance [m]"), QDoubleSpinBox())
        self.tolerance.setRange(0.0, 2.0)
        self.tolerance.setDecimals(2)
        self.tolerance.setSingleStep(0.05)
        self.tolerance.setValue(0.01)
        self.storey = self.add_row(QT_TRANSLATE_NOOP("", "Storey height (estimate) [m]"), QDoubleSpinBox())
        self.storey.setRange(2.0, 6.0)
        self.storey.setDecimals(2)
        self.storey.setSingleStep(0.1)
        self.storey.setValue(3.0)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("bplanTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(160)
        self.form.addRow(self.table)
        self.report_button = QPushButton()
        self.report_button.setObjectName("bplanReport")
        self.report_button.setEnabled(False)
        self.form.addRow(self.report_button)
        self.rows: list[str] = []  # building / zone id per table row

    def retranslate(self) -> None:
        super().retranslate()
        self.load_button.setText(tr("Load Bebauungsplan (XPlanGML) …"))
        self.hide_box.setText(tr("Hide existing buildings in the plan area"))
        self.report_button.setText(tr("Save report (PDF, GeoJSON, GeoPackage, CSV) …"))
        self.table.setHorizontalHeaderLabels([tr("Building"), tr("Status"), tr("Result"), tr("Details")])
        if self.controller is not None:
            self.controller.update_page()

    def params(self, ctx) -> dict:
        c = self.controller
        return {"plan": c.path if c is not None else None, "plan_mtime": c.mtime if c is not None else None,
                "tolerance_m": round(self.tolerance.value(), 3), "storey_height_m": round(self.storey.value(), 3)}

    def job(self, ctx):
        from stadtbild.analysis.bplan import check_compliance
        from stadtbild.model.errors import InputError

        c = self.controller
        if c is None or c.plan is None:
            raise InputError(None, tr("Load a Bebauungsplan first (File ▸ Load Bebauungsplan…)"))
        plan, model = c.plan, ctx.model
        inserted, changed = edited_ids(ctx.base_model, model, getattr(ctx, "variant", None) or c.window.state.active)
        tol, storey = self.tolerance.value(), self.storey.value()

        def run(progress, cancelled):
            return check_compliance(model, plan, inserted=inserted, changed=changed, tolerance_m=tol,
                                    storey_height_m=storey, progress=lambda d, n=1: progress(d / max(n, 1)),
                                    cancelled=cancelled)

        return run

    def layer(self, scene, base_rgb, result):
        return compliance_layer(scene, base_rgb, result)

    def parameter_text(self, params: dict) -> str:
        name = Path(params.get("plan") or "–").name
        return tr("plan {name}, tolerance {tol} m").format(name=name, tol=format_number(params.get("tolerance_m", 0),
                                                                                       2))


def _root_mask(scene, model, ids) -> np.ndarray:
    """Per triangle of ``scene``: it belongs to one of the buildings ``ids`` (or their parts)."""
    from stadtbild.model.surgery import roots

    ids = set(ids)
    root = roots(model) if model is not None else {}
    per_obj = np.array([root.get(oid, oid) in ids for oid in scene.object_ids], dtype=bool)
    return per_obj[scene.object_index] if scene.n_triangles else np.zeros(0, bool)


def compliance_layer(scene, base_rgb, result):
    """How a check is drawn (:class:`app.state.ResultLayer`): buildings checked green or red, the
    others washed out; the violating parts as overlays; a category legend."""
    from stadtbild.viewer.bplan_view import OUTSIDE_RGB, violation_meshes

    from .analysis_calls import muted
    from .state import ResultLayer

    model = getattr(result, "model", None)
    rgb = muted(base_rgb)
    ok = [b.id for b in result.buildings if b.compliant]
    bad = [b.id for b in result.buildings if not b.compliant]
    if scene.n_triangles:
        rgb[_root_mask(scene, model, ok)] = COMPLIANT_RGB
        rgb[_root_mask(scene, model, bad)] = VIOLATION_RGB
    n_v = len(result.violations)
    zones_bad = sum(1 for z in result.zones if z.violations)
    summary = tr("{n} buildings checked: {ok} compliant, {bad} with violations; {v} violations").format(
        n=len(result.buildings), ok=len(ok), bad=len(bad), v=n_v)
    if zones_bad:
        summary += "; " + tr("GRZ/GFZ exceeded in {z} zones").format(z=zones_bad)
    items = [(tr("Compliant with the plan"), COMPLIANT_RGB), (tr("Violation"), VIOLATION_RGB)]
    if any(v.kind in ("baugrenze", "baulinie") for v in result.violations):
        items.append((tr("Outside the Baugrenze / Baulinie not met"), OUTSIDE_RGB))
    legend = {"kind": "categories", "title": QT_TRANSLATE_NOOP("", "Bebauungsplan check"), "items": items,
              "summary": summary, "lit": True}
    return ResultLayer(tr("Bebauungsplan check"), summary, violation_meshes(result, scene), building_rgb=rgb,
                       legend=legend)


# ====================================================================== the controller
class PlanController(QObject):
    """The loaded Bebauungsplan: menu actions, layer rows, drawing, hiding, the page's table."""

    plan_changed = Signal()

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.plan = None
        self.path: str | None = None
        self.mtime: float | None = None
        self.prepared = None
        self.envelopes = None
        self.show_envelopes = True
        self.show_ground = True
        self.hide_existing = False
        self.hidden: list[str] = []
        self._drawn: list[str] = []
        self._job = None
        w = window
        self.load_action = QAction(w)
        self.load_action.setObjectName("loadBebauungsplan")
        self.load_action.triggered.connect(self.load_dialog)
        file_menu = w.menus["file"]
        anchor = w.actions_by_name.get("add_layer")
        actions = file_menu.actions()
        after = actions[actions.index(anchor) + 1] if anchor in actions and actions.index(anchor) + 1 < len(actions) \
            else None
        file_menu.insertAction(after, self.load_action) if after is not None else file_menu.addAction(self.load_action)
        self.hide_action = QAction(w)
        self.hide_action.setObjectName("hideExistingInPlan")
        self.hide_action.setCheckable(True)
        self.hide_action.setEnabled(False)
        self.hide_action.toggled.connect(self.set_hide_existing)
        w.menus["view"].addAction(self.hide_action)
        self.page = w.analysis.page("bplan")
        self.page.controller = self
        self.page.load_button.clicked.connect(self.load_dialog)
        self.page.hide_box.toggled.connect(self.set_hide_existing)
        self.page.report_button.clicked.connect(self.report_dialog)
        self.page.table.cellClicked.connect(self._row_clicked)
        self.page.storey.valueChanged.connect(lambda _v: self.redraw())  # envelopes drawn from Z × storey height
        self.pending: list[str] = []  # plans dropped together with the model: read once it is open
        self._on_loaded = None  # a project's restore: what it shows, and what to do once it is in
        w.state.model_opened.connect(self._model_opened)
        w.state.scene_changed.connect(self.redraw)
        w.state.results_changed.connect(self.update_page)
        w.attributes.row_providers.append(self.attribute_rows)
        self.retranslate()

    def retranslate(self) -> None:
        self.load_action.setText(tr("Load &Bebauungsplan (XPlanGML)…"))
        self.hide_action.setText(tr("Hide existing buildings in the plan area"))
        self.update_page()

    # ------------------------------------------------------------------ loading
    def load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, tr("Load Bebauungsplan"), "",
                                              tr("XPlanGML (*.gml *.xml);;All files (*)"))
        if path:
            self.load(path)

    def load(self, path) -> None:
        """Read the plan in a worker (reprojected to the model CRS), then show it."""
        w = self.window
        if w.model is None or getattr(w, "_load_job", None) is not None:
            if getattr(w, "_load_job", None) is not None:  # the model is being read: the plan follows it
                self.pending.append(str(path))
                return
            w.show_error(tr("Open a city model first; the plan is then placed in its coordinate system"))
            return
        crs = w.model.crs if w.model.crs else None
        path = str(path)

        def run(progress, cancelled):
            from stadtbild.importers.xplanung import read_xplanung

            progress(0.1)
            return read_xplanung(path, crs=crs)

        w.statusBar().showMessage(tr("Loading {name} …").format(name=Path(path).name))
        self._job = w.jobs.start(run, tr("Bebauungsplan"), on_done=lambda plan: self._loaded(plan, path),
                                 on_error=self._load_failed)

    def _load_failed(self, message: str) -> None:
        self._on_loaded = None  # a project's plan that could not be read: the next load is a plain one
        self.window.show_error(message)

    def _loaded(self, plan, path) -> None:
        import shapely

        w = self.window
        self.plan, self.path = plan, path
        try:
            self.mtime = Path(path).stat().st_mtime
        except OSError:
            self.mtime = None
        self.hide_action.setEnabled(True)
        restoring, self._on_loaded = self._on_loaded, None
        if restoring is not None:  # a project's plan: shown as it was saved
            self.show_envelopes, self.show_ground = restoring["show_envelopes"], restoring["show_ground"]
        w.layers.set_toggle("bplan-3d", lambda: tr("Baufenster 3D ({name})").format(name=self.name()),
                            lambda: self.show_envelopes, self.set_show_envelopes)
        w.layers.set_toggle("bplan-ground", lambda: tr("Plan on the ground ({name})").format(name=self.name()),
                            lambda: self.show_ground, self.set_show_ground)
        for key in ("bplan-3d", "bplan-ground"):
            w.layers.toggle_items[key].setToolTip(0, path)
        self.redraw()
        if restoring is None:  # a project's plan keeps the project's camera
            self.frame()
        info = plan.info()
        text = tr("Bebauungsplan {name} (XPlanGML {v}): {bf} Baufenster, {btf} zones").format(
            name=self.name(), v=plan.version, bf=info["baufenster"], btf=info["baugebiete"])
        bb = w.model.bbox()
        if bb is not None and not plan.geltungsbereich().intersects(shapely.box(bb[0], bb[1], bb[3], bb[4])):
            w.show_error(tr("{file}: the plan area does not overlap the city model (plan {a}, model {b})").format(
                file=path, a=plan.source_crs.name, b=w.model.crs.name))
        w.statusBar().showMessage(text, 10000)
        self.page.changed.emit()  # another plan: earlier checks are stale
        self.update_page()
        if restoring is not None:
            self.set_hide_existing(restoring["hide_existing"])
            if restoring["then"] is not None:
                restoring["then"]()
        self.plan_changed.emit()

    # ------------------------------------------------------------------ projects
    def to_list(self) -> list[dict]:
        """The loaded plan as a project keeps it (``model.project.Project.plans``): its file and
        which of its parts are shown."""
        if self.plan is None or not self.path:
            return []
        return [{"path": str(Path(self.path).resolve()), "show_envelopes": self.show_envelopes,
                 "show_ground": self.show_ground, "hide_existing": self.hide_existing}]

    def restore(self, entries, then=None) -> None:
        """Load a project's plan (entries of :meth:`to_list`; the window shows one plan, the last)
        with what it showed; ``then`` runs once it is on screen."""
        if not entries:
            return
        entry = entries[-1]
        self._on_loaded = {"show_envelopes": bool(entry.get("show_envelopes", True)),
                           "show_ground": bool(entry.get("show_ground", True)),
                           "hide_existing": bool(entry.get("hide_existing", False)), "then": then}
        self.load(entry["path"])

    def _model_opened(self) -> None:
        """A new model: plans waiting for it are read; a loaded plan in another CRS is read again."""
        pending, self.pending = self.pending, []
        w = self.window
        if self.plan is not None and not pending and w.model is not None and w.model.crs \
                and self.plan.crs.epsg != w.model.crs.epsg:
            pending = [self.path]
        for path in pending:
            self.load(path)

    def name(self) -> str:
        if self.plan is None:
            return ""
        return self.plan.name() or Path(self.path or "").stem

    # ------------------------------------------------------------------ drawing
    def redraw(self) -> None:
        """Draw the plan into the scene on screen (again: the scene's local frame may have moved)."""
        w = self.window
        vp = w.viewport
        for name in self._drawn:
            vp.remove_overlay(name, render=False)
        self._drawn = []
        if self.plan is None or w.scene is None or w.scene.n_triangles == 0:
            return
        from stadtbild.analysis.bplan_envelopes import HeightReferences, envelopes, prepare
        from stadtbild.model.ground import Ground
        from stadtbild.viewer.bplan_view import plan_meshes

        scene = w.scene
        grid = getattr(w.model, "terrain_grid", None)
        ground = Ground(origin=scene.origin, plane_z=vp.ground_z, grid=grid, kind="terrain" if grid else "plane")
        self.prepared = prepare(self.plan, scene.origin)
        self.envelopes = envelopes(self.prepared, ground, HeightReferences(self.plan.bezugshoehe()),
                                   storey_height_m=self.page.storey.value())
        for name, mesh, kwargs in plan_meshes(self.prepared, self.envelopes, ground):
            vp.add_overlay(name, mesh, render=False, **kwargs)
            vp.overlays[name].SetVisibility(self.show_envelopes if name in ENVELOPE_MESHES else self.show_ground)
            self._drawn.append(name)
        self._apply_hidden(render=False)
        vp.render()

    def frame(self, view: str = "iso") -> None:
        """Look at the whole plan area (and its envelopes) from the preset ``view``."""
        from stadtbild.viewer.bplan_view import plan_bounds
        from stadtbild.viewer.camera import apply_view

        vp = self.window.viewport
        if self.prepared is None or vp.scene is None:
            return
        apply_view(vp.plotter, plan_bounds(self.prepared, self.envelopes), view)
        vp.plotter.reset_camera_clipping_range()
        vp.render()

    def set_show_envelopes(self, on: bool) -> None:
        self.show_envelopes = bool(on)
        self._visibility()

    def set_show_ground(self, on: bool) -> None:
        self.show_ground = bool(on)
        self._visibility()

    def _visibility(self) -> None:
        vp = self.window.viewport
        for name in self._drawn:
            actor = vp.overlays.get(name)
            if actor is not None:
                actor.SetVisibility(self.show_envelopes if name in ENVELOPE_MESHES else self.show_ground)
        vp.render()

    # ------------------------------------------------------------------ hiding the existing buildings
    def set_hide_existing(self, on: bool) -> None:
        """Hide (or show again) the existing buildings inside the plan area; new ones stay."""
        on = bool(on)
        for widget in (self.hide_action, self.page.hide_box):
            if widget.isChecked() != on:
                widget.blockSignals(True)
                widget.setChecked(on)
                widget.blockSignals(False)
        self.hide_existing = on
        self._apply_hidden()

    def _apply_hidden(self, render: bool = True) -> None:
        from stadtbild.analysis.bplan import buildings_in_area

        from .scenario_adapter import expand_with_parts

        w = self.window
        ids: list = []
        if self.hide_existing and self.plan is not None and w.model is not None:
            inserted, _changed = edited_ids(w.base_model, w.model, w.state.active)
            ids = sorted(expand_with_parts(w.model, buildings_in_area(w.model, self.plan, exclude=inserted)))
        self.hidden = ids
        w.viewport.set_hidden(ids, render=render)
        if self.hide_existing:
            w.statusBar().showMessage(tr("{n} existing buildings in the plan area hidden").format(
                n=len([i for i in ids if w.model.objects[i].type == "Building"])), 5000)

    # ------------------------------------------------------------------ the page's table, attributes
    def shown_run(self):
        """The check on screen for the active variant (or None)."""
        st = self.window.state
        return next((r for r in reversed(st.shown_runs()) if r.key.analysis == "bplan"), None)

    def update_page(self) -> None:
        page = self.page
        if self.plan is None:
            page.plan_label.setText(tr("No Bebauungsplan loaded."))
        else:
            info = self.plan.info()
            page.plan_label.setText(tr("{name} (XPlanGML {v}): {bf} Baufenster, {btf} zones, CRS {crs}").format(
                name=self.name(), v=self.plan.version, bf=info["baufenster"], btf=info["baugebiete"],
                crs=self.plan.crs.name or "–"))
        run = self.shown_run()
        page.report_button.setEnabled(run is not None)
        table = page.table
        table.setRowCount(0)
        page.rows = []
        if run is None:
            return
        res = run.result
        rows = []
        for b in res.buildings:
            if b.compliant:
                result, details = tr("compliant"), ""
            else:
                result = ", ".join(dict.fromkeys(tr(KIND_LABELS.get(v.kind, v.kind)) for v in b.violations))
                details = "; ".join(_violation_text(v) for v in b.violations)
            rows.append((b.id, tr(STATUS_LABELS.get(b.status, b.status)), result, details, b.compliant))
        for z in res.zones:
            for v in z.violations:
                rows.append((z.id, tr("zone"), tr(KIND_LABELS.get(v.kind, v.kind)), _violation_text(v), False))
        rows.sort(key=lambda r: r[4])  # violations first, then the compliant ones (stable: inserted first)
        table.setRowCount(len(rows))
        for i, (oid, status, result, details, ok) in enumerate(rows):
            for j, text in enumerate((oid, status, result, details)):
                item = QTableWidgetItem(text)
                if j == 2:
                    item.setForeground(Qt.GlobalColor.darkGreen if ok else Qt.GlobalColor.red)
                table.setItem(i, j, item)
            page.rows.append(oid)

    def _row_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.page.rows):
            oid = self.page.rows[row]
            w = self.window
            if w.model is not None and oid in w.model.objects:
                w.select_and_zoom([oid])

    def attribute_rows(self, object_id) -> list:
        """Attribute-dock rows of the check on screen for the clicked building."""
        run = self.shown_run()
        if run is None or object_id is None:
            return []
        from stadtbild.model.surgery import roots

        root = roots(self.window.model).get(object_id, object_id) if self.window.model is not None else object_id
        b = run.result.by_id().get(root)
        if b is None:
            return []
        r = b.row()
        rows = [("§ " + tr("Bebauungsplan"), tr("compliant") if b.compliant else tr("violation")),
                ("§ " + tr("Baufenster"), r["baufenster"] or "–"),
                ("§ " + tr("Outside the Baugrenze [m²]"), format_number(r["area_outside_m2"] or 0.0, 2)),
                ("§ " + tr("Largest distance outside [m]"), format_number(r["max_outside_m"] or 0.0, 2)),
                ("§ " + tr("Eave / top [m]"), f"{format_number(r['eave_z_m'], 2)} / {format_number(r['top_z_m'], 2)}"),
                ("§ " + tr("Height limits"), r["height_limits"] or "–"),
                ("§ " + tr("Full storeys"), f"{b.storeys} ({tr('file') if b.storeys_source == 'attribute' else tr('estimate')})")]
        for v in b.violations:
            rows.append(("§ " + tr(KIND_LABELS.get(v.kind, v.kind)), _violation_text(v)))
        return rows

    # ------------------------------------------------------------------ report
    def report_dialog(self) -> None:
        run = self.shown_run()
        w = self.window
        if run is None:
            w.show_error(tr("Run the Bebauungsplan check first"))
            return
        path, _ = QFileDialog.getSaveFileName(w, tr("Save report"), f"{self.name() or 'bplan'}-pruefung.pdf",
                                              tr("PDF (*.pdf);;GeoJSON (*.geojson);;GeoPackage (*.gpkg);;CSV (*.csv)"))
        if path:
            self.save_report(path, run)

    def save_report(self, path, run=None) -> str | None:
        from stadtbild.exporters.bplan import write
        from stadtbild.model.errors import InputError

        run = run or self.shown_run()
        w = self.window
        if any(Path(path).resolve() == Path(f).resolve() for f in list(w.files) + [self.path]):
            w.show_error(tr("{file}: refusing to overwrite an input file").format(file=path))
            return None
        variant = w.state.variant_by_uid(run.key.variant)
        try:
            write(run.result, path, scenario_name=variant.name if variant is not None else None)
        except (InputError, OSError) as exc:
            w.show_error(str(exc))
            return None
        w.statusBar().showMessage(tr("Report saved: {path}").format(path=path), 8000)
        return str(path)


def _violation_text(v) -> str:
    """"Höhe +0,50 m", "Baugrenze +1,00 m", "Geschosse +2", "GRZ +0,150" (− under a minimum)."""
    what = tr(KIND_LABELS.get(v.kind, v.kind))
    sign = "−" if v.bound == "min" else "+"
    if v.unit == "m":
        return f"{what} {sign}{format_number(v.amount, 2)} m"
    if v.unit == "storeys":
        return f"{what} {sign}{format_number(v.amount, 0)}"
    return f"{what} {sign}{format_number(v.amount, 3)}"


__all__ = ["PlanController", "BplanPage", "compliance_layer", "edited_ids"]
