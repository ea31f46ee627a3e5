"""Draws the analysis results of :class:`app.state.AppState` — the view side of the state/view split.

Subscribed to the state's ``results_changed`` and ``scene_changed``, it keeps the 3D view, the
legend and the result rows of the layer tree in step with the *visible* results of the active
variant that fit the scene on screen (:meth:`AppState.shown_runs`): overlays are added and removed
by name, building colours come from the newest visible result that colours buildings, and the
legend shows one entry per visible result, marked stale when it no longer matches its parameters
or its variant's edits. Nothing else writes result overlays or result legends.
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from .i18n import tr


class ResultsView(QObject):
    def __init__(self, state, viewport, legend, layers, parent=None, extra_legend=None, describe_stale=None):
        super().__init__(parent)
        self.state = state
        self.viewport = viewport
        self.legend = legend
        self.layers = layers
        self.extra_legend = extra_legend or (lambda: [])  # entries drawn by others (colour theme)
        self.describe_stale = describe_stale or (lambda run: tr("stale"))
        self.drawn: dict[str, tuple] = {}  # overlay name -> (mesh, actor) drawn for a result
        self.colouring = None  # the run whose building colours are on screen
        self._last = None  # signature of what is drawn
        state.results_changed.connect(self.redraw)
        state.scene_changed.connect(self.redraw)
        layers.result_toggled.connect(state.set_visible)

    def redraw(self) -> None:
        st, vp = self.state, self.viewport
        if self._signature() == self._last:
            return  # nothing to draw again (parameters of an analysis without results changed, say)
        runs = st.shown_runs()
        want = {}
        for run in runs:
            for name, (mesh, kwargs) in run.layer.overlays.items():
                want[name] = (mesh, kwargs)
        changed = False  # render only when something drawn changed (a frame costs 0.1 s in software GL)
        for name in list(self.drawn):
            mesh, actor = self.drawn[name]
            if name not in want or want[name][0] is not mesh or vp.overlays.get(name) is not actor:
                if vp.overlays.get(name) is actor:
                    vp.remove_overlay(name, render=False)
                del self.drawn[name]
                changed = True
        for name, (mesh, kwargs) in want.items():
            if name not in self.drawn:
                vp.add_overlay(name, mesh, render=False, **kwargs)
                vp.overlays[name].GetMapper().Update()  # its geometry now; the pixels with the next frame
                self.drawn[name] = (mesh, vp.overlays[name])
                changed = True
        colouring = next((r for r in reversed(runs) if r.layer.building_rgb is not None), None)
        if colouring is not self.colouring or (colouring is None) != (vp.result_rgb is None):
            self.colouring = colouring
            vp.set_result_colours(colouring.layer.building_rgb if colouring is not None else None, render=False)
            changed = True
        if changed:  # painted with the next frame Qt draws (a synchronous render would draw it twice)
            vp.plotter.interactor.update()
        self._legend(runs)
        self._layer_rows()
        self._last = self._signature()

    def _signature(self) -> tuple:
        """What the drawing depends on: the scene, the results with their visibility and staleness,
        the theme legend, and whether what was drawn is still in the view."""
        st, vp = self.state, self.viewport
        return (id(vp.scene), vp.result_rgb is None,
                tuple((r.key, r.visible, st.drawable(r), st.is_stale(r), id(r)) for r in st.runs()),
                repr(self.extra_legend()),
                tuple((n, vp.overlays.get(n) is a) for n, (_m, a) in self.drawn.items()))

    def _legend(self, runs) -> None:
        entries = []
        for run in reversed(runs):  # newest first
            entry = dict(run.layer.legend or {"kind": "categories", "title": run.layer.title, "items": []})
            entry["summary"] = run.layer.summary
            if self.state.is_stale(run):
                entry["stale"] = self.describe_stale(run)
            entries.append(entry)
        if not any(r.layer.building_rgb is not None for r in runs):
            entries += list(self.extra_legend())
        if entries:
            self.legend.show_entries(entries)
        else:
            self.legend.show_surfaces()

    def _layer_rows(self) -> None:
        st = self.state
        rows = []
        for run in st.runs():
            stale = st.is_stale(run)
            rows.append({"key": run.key, "title": run.layer.title, "visible": run.visible,
                         "drawable": st.drawable(run), "stale": self.describe_stale(run) if stale else ""})
        self.layers.show_results(rows)
