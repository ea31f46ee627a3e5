"""The window's state in one object, apart from the widgets that show it.

Following napari's split of model and view (``napari/components`` vs ``napari/_qt``), the open
model, its variants, the selection, the sun time, the analysis parameters and every analysis
result live in one :class:`AppState`. Widgets never write each other's attributes: they call the
state's methods, and the state emits a Qt signal for each kind of change that the docks and views
subscribe to (``scene_changed`` → 3D view, layer tree, search; ``selection_changed`` → highlight,
attribute dock; ``results_changed`` → result layers, legend, comparison; …).

Results are keyed by what they were computed for (:class:`ResultKey`): the variant (its stable
uid *and* a fingerprint of its edits at run time), the analysis and its parameters (date and time,
grid, rule set, picked points …). A result is *current* while the variant still has those edits
and the analysis page still has those parameters; otherwise it is *stale*: still available as a
layer, marked as such, never silently shown as if it were up to date. Comparing variants means
looking up the same analysis and parameters for every variant (:meth:`AppState.result_for`).

Only ``app/`` imports Qt: this module is Qt-side state (signals, undo stacks), the model and
analysis objects it holds come from the pure layers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from .scenario_adapter import Variant

#: results kept per variant and analysis (the newest; visible ones always stay)
MAX_RUNS_PER_ANALYSIS = 8


def edits_fingerprint(edits) -> str:
    """A short hash of a variant's edit list (what its model is made of)."""
    return hashlib.sha1(json.dumps(edits, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:12]


def freeze_params(params: dict) -> tuple:
    """Parameters as a hashable, order-free tuple ((name, value), …); numpy values and lists are
    turned into plain (tuple) values, floats rounded to µm/µs precision."""
    def plain(v):
        if isinstance(v, (np.ndarray, list, tuple)):
            return tuple(plain(x) for x in (v.tolist() if isinstance(v, np.ndarray) else v))
        if isinstance(v, (np.floating, float)):
            return round(float(v), 6)
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, (dt.datetime, dt.date)):
            return v.isoformat()
        return v

    return tuple(sorted((str(k), plain(v)) for k, v in params.items()))


@dataclass(frozen=True)
class ResultKey:
    """What a result was computed for: variant (uid + edits fingerprint), analysis, parameters."""

    variant: str
    edits: str
    analysis: str
    params: tuple

    @classmethod
    def make(cls, variant: Variant, analysis: str, params: dict) -> "ResultKey":
        return cls(variant.uid, edits_fingerprint(variant.edits), analysis, freeze_params(params))

    def param(self, name: str, default=None):
        return dict(self.params).get(name, default)


@dataclass
class ResultLayer:
    """How a result is drawn: ground overlays and markers (``overlays``: actor name → (PyVista
    mesh, add_mesh keyword arguments), in the scene's local coordinates), building colours
    (``building_rgb``: (m, 3) uint8 per triangle of ``scene``, or None), its legend (a
    :class:`app.legend.LegendDock` entry: ``{"kind": "categories" | "ramp", …}``), a one-line
    summary and optionally the sun direction for the key light."""

    title: str
    summary: str = ""
    overlays: dict = field(default_factory=dict)
    building_rgb: np.ndarray | None = None
    legend: dict | None = None
    ground: set = field(default_factory=set)  # names of the overlays that cover the ground
    cells: int | None = None  # ground cells drawn (grid results)

    def channels(self) -> set[str]:
        """What the layer draws on: "buildings" (colours), "ground" (overlays covering the ground)
        and/or "marks" (lines, markers). Two visible layers never share a channel: showing one
        hides the others there."""
        out = set()
        if self.building_rgb is not None:
            out.add("buildings")
        for name in self.overlays:
            out.add("ground" if name in self.ground else "marks")
        return out


@dataclass
class AnalysisRun:
    """One analysis result: its key, the result object of the ``analysis`` package, how it is
    drawn, the scene it was computed on, the seconds it took."""

    key: ResultKey
    result: object
    layer: ResultLayer
    scene: object
    seconds: float = 0.0
    visible: bool = True
    created: float = field(default_factory=time.time)
    live: bool = False  # computed for a time slider position on the way; the next position replaces it


class AppState(QObject):
    """The open model, variants, selection, sun time, analysis parameters and results."""

    model_opened = Signal()  # a new source model (files) replaced the previous one
    scene_changed = Signal()  # ``model``/``scene`` are now those of the active variant
    variants_changed = Signal()  # variants added, removed, renamed, or their edits changed
    active_variant_changed = Signal(object)  # the Variant now shown
    selection_changed = Signal(list)  # ids of the selected (root) objects
    results_changed = Signal()  # results added, removed, shown/hidden, or their staleness changed
    sun_time_changed = Signal(object)  # datetime (local wall-clock time of the site)
    params_changed = Signal(str)  # analysis key whose parameters changed

    def __init__(self, undo_group: QUndoGroup | None = None, parent=None):
        super().__init__(parent)
        self.undo_group = undo_group or QUndoGroup(self)
        self.base_model = None  # the untouched source model
        self.model = None  # the active variant's model
        self.scene = None  # its scene (what the 3D view shows)
        self.files: list[str] = []
        self.variants: list[Variant] = []
        self.stacks: dict[str, QUndoStack] = {}  # variant uid -> its undo history
        self.active: Variant | None = None
        self.selection: list[str] = []
        self.metrics = None  # analysis.metrics table of ``model`` once computed
        self.when_local = dt.datetime(dt.date.today().year, 6, 21, 15, 0)
        self.params: dict[str, tuple] = {}  # analysis key -> frozen current parameters of its page
        self.results: dict[ResultKey, AnalysisRun] = {}

    # ------------------------------------------------------------------ model and scene
    def open_model(self, model, scene, files) -> None:
        """A freshly loaded source model: one variant (the existing state), no selection, no results."""
        from .i18n import tr

        self.base_model, self.model, self.scene = model, model, scene
        self.files = [str(f) for f in files]
        self.selection = []
        self.metrics = None
        self.results.clear()
        for st in self.stacks.values():
            self.undo_group.removeStack(st)
        self.stacks.clear()
        self.variants = []
        self.active = None
        self.add_variant(tr("Existing"), [], activate=True, quiet=True)
        self.model_opened.emit()
        self.variants_changed.emit()
        self.active_variant_changed.emit(self.active)
        self.scene_changed.emit()
        self.selection_changed.emit([])
        self.results_changed.emit()

    def set_scene(self, model, scene) -> None:
        """The active variant's model after its edits were applied."""
        self.model, self.scene = model, scene
        self.metrics = None
        self.selection = [s for s in self.selection if s in model.objects]
        self.scene_changed.emit()
        self.selection_changed.emit(list(self.selection))
        self.results_changed.emit()  # the current ones may have become stale

    # ------------------------------------------------------------------ variants
    def add_variant(self, name: str, edits=(), activate: bool = True, quiet: bool = False) -> Variant:
        v = Variant(name, [dict(e) for e in edits])
        self.variants.append(v)
        self.stacks[v.uid] = QUndoStack(self.undo_group)
        if activate:
            self.set_active(v, quiet=quiet)
        if not quiet:
            self.variants_changed.emit()
        return v

    def remove_variant(self, v: Variant) -> None:
        if v not in self.variants or v is self.variants[0]:
            return  # the existing state stays
        k = self.variants.index(v)
        self.variants.remove(v)
        self.undo_group.removeStack(self.stacks.pop(v.uid))
        for key in [key for key in self.results if key.variant == v.uid]:
            del self.results[key]
        if self.active is v:
            self.set_active(self.variants[max(0, k - 1)])
        self.variants_changed.emit()
        self.results_changed.emit()

    def rename_variant(self, v: Variant, name: str) -> None:
        v.name = name
        self.variants_changed.emit()

    def set_active(self, v: Variant, quiet: bool = False) -> None:
        if v not in self.variants:
            raise ValueError(f"unknown variant {v.name!r}")
        changed = v is not self.active
        self.active = v
        self.undo_group.setActiveStack(self.stacks[v.uid])
        if changed and not quiet:
            self.active_variant_changed.emit(v)

    def stack(self, v: Variant | None = None) -> QUndoStack | None:
        v = v or self.active
        return self.stacks.get(v.uid) if v is not None else None

    def edits_changed(self) -> None:
        """The active variant's edit list changed (an undoable command ran)."""
        self.variants_changed.emit()

    # ------------------------------------------------------------------ selection and time
    def set_selection(self, ids) -> None:
        model = self.model
        sel = [i for i in dict.fromkeys(ids) if model is not None and i in model.objects]
        if sel != self.selection:
            self.selection = sel
        self.selection_changed.emit(list(self.selection))

    def set_when(self, when: dt.datetime) -> None:
        if when != self.when_local:
            self.when_local = when
            self.sun_time_changed.emit(when)

    def set_params(self, analysis: str, params: dict) -> None:
        """The current parameters of an analysis page (what a run now would be computed with)."""
        frozen = freeze_params(params)
        if self.params.get(analysis) != frozen:
            self.params[analysis] = frozen
            self.params_changed.emit(analysis)
            if any(k.analysis == analysis for k in self.results):
                self.results_changed.emit()  # which of them are current changed

    # ------------------------------------------------------------------ results
    def current_key(self, analysis: str, variant: Variant | None = None) -> ResultKey | None:
        """The key a run of ``analysis`` for ``variant`` (default: the active one) would have now."""
        v = variant or self.active
        if v is None or analysis not in self.params:
            return None
        return ResultKey(v.uid, edits_fingerprint(v.edits), analysis, self.params[analysis])

    def result_for(self, key: ResultKey | None) -> AnalysisRun | None:
        return self.results.get(key) if key is not None else None

    def is_stale(self, run: AnalysisRun) -> bool:
        """True when the run no longer matches its variant's edits or its page's parameters."""
        return run.key != self.current_key(run.key.analysis, self.variant_by_uid(run.key.variant))

    def variant_by_uid(self, uid: str) -> Variant | None:
        return next((v for v in self.variants if v.uid == uid), None)

    def add_result(self, run: AnalysisRun, show: bool = True, replaces: AnalysisRun | None = None) -> AnalysisRun:
        """Store a result (replacing one with the same key); when ``show``, it becomes the one
        visible result of its variant (the others stay as layers to switch on again). With
        ``replaces`` it takes that shown result's place (a live update), the rest stays as it is;
        a replaced live update goes (the slider's positions on the way do not pile up as layers)."""
        fresh = self.results.get(run.key) is not run
        self.results[run.key] = run
        if replaces is not None:
            if run is not replaces:
                run.live = run.live or fresh
                was = replaces.visible
                replaces.visible = False
                if was:
                    self._show(run)
                else:
                    run.visible = False
                if replaces.live and self.results.get(replaces.key) is replaces:
                    del self.results[replaces.key]
        elif show:
            self._show(run, only=True)
        else:
            run.visible = False
        self._evict(run)
        self.results_changed.emit()
        return run

    def _evict(self, run: AnalysisRun) -> None:
        """Keep at most :data:`MAX_RUNS_PER_ANALYSIS` results per variant and analysis: the oldest
        hidden ones go (a time slider dragged over the day must not pile up shadows)."""
        same = [r for r in self.results.values()
                if r.key.variant == run.key.variant and r.key.analysis == run.key.analysis]
        for old in sorted(same, key=lambda r: r.created)[:max(0, len(same) - MAX_RUNS_PER_ANALYSIS)]:
            if not old.visible and old is not run:
                del self.results[old.key]

    def _show(self, run: AnalysisRun, only: bool = False) -> None:
        """Make ``run`` visible; hide the other visible results of its variant that draw on the
        same channels (``only``: all of them)."""
        run.visible = True
        mine = run.layer.channels()
        for other in self.results.values():
            if other is not run and other.visible and other.key.variant == run.key.variant and (
                    only or other.layer.channels() & mine):
                other.visible = False

    def set_visible(self, key: ResultKey, visible: bool) -> None:
        run = self.results.get(key)
        if run is None or run.visible == bool(visible):
            return
        if visible:
            self._show(run)
        else:
            run.visible = False
        self.results_changed.emit()

    def remove_result(self, key: ResultKey) -> None:
        if self.results.pop(key, None) is not None:
            self.results_changed.emit()

    def hide_results(self, variant: Variant | None = None) -> None:
        """Hide every result of ``variant`` (default: the active one); they stay as layers."""
        v = variant or self.active
        changed = False
        for run in self.results.values():
            if run.visible and v is not None and run.key.variant == v.uid:
                run.visible = False
                changed = True
        if changed:
            self.results_changed.emit()

    def runs(self, variant: Variant | None = None, analysis: str | None = None) -> list[AnalysisRun]:
        """Results of ``variant`` (default: the active one), optionally of one analysis, oldest first."""
        v = variant or self.active
        out = [r for r in self.results.values()
               if v is not None and r.key.variant == v.uid and (analysis is None or r.key.analysis == analysis)]
        return sorted(out, key=lambda r: r.created)

    def drawable(self, run: AnalysisRun) -> bool:
        """Whether ``run`` can be drawn on the scene on screen: computed for the active variant
        with the edits it has now (the same model, so the same triangles and local origin)."""
        v = self.active
        return (v is not None and self.scene is not None and run.key.variant == v.uid
                and run.key.edits == edits_fingerprint(v.edits)
                and getattr(run.scene, "n_triangles", None) == self.scene.n_triangles)

    def shown_runs(self) -> list[AnalysisRun]:
        """The visible results that are drawn on the scene on screen, oldest first."""
        return [r for r in self.runs() if r.visible and self.drawable(r)]
