"""Interactive move/rotate of buildings in the 3D view (Bearbeiten ▸ Verschieben/Drehen).

The tool targets the selected buildings (or the design just inserted). Then, in the 3D view:

* **left drag** on a building moves it on the ground plane: the offset is the difference of the
  points where the view rays through the press and the current cursor position meet the
  horizontal plane through the grabbed point (metres, model CRS), so the grabbed point stays
  under the cursor (a roof edge grabbed in a perspective view follows the mouse exactly);
* **Shift + left drag** rotates it about its footprint centroid (``model.footprint.footprint_centroids``,
  the same pivot the scenario's ``rotate`` op uses): the angle between the centroid→press and the
  centroid→cursor directions, counter-clockwise positive (degrees);
* **Alt + mouse wheel** rotates by 5° per notch (committed 0.7 s after the last notch);
* **Ctrl** while dragging snaps the offset to 0.5 m steps and the angle to 5° steps;
* **Esc** during a drag cancels it (the model is unchanged); Esc otherwise leaves the tool;
* a click (no drag) on another building makes it the target; a press on empty ground orbits as usual.

While dragging, only a translucent copy (ghost) of the buildings' triangles is moved by a
``vtkTransform`` (user transform of its actor): the scenario is not re-applied per mouse move.
On release ONE undoable command is pushed on the active variant's QUndoStack; it holds the
scenario edits ``rotate`` (with the explicit ``center``) and/or ``move`` with the final values, so
saving, the CLI ``apply`` and undo see exactly the same data (DESIGN.md "Scenario file").
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from .commands import EditCommand
from .i18n import format_number, tr

SNAP_OFFSET_M = 0.5
SNAP_ANGLE_DEG = 5.0
CLICK_TOLERANCE_PX = 4
WHEEL_STEP_DEG = 5.0  # Alt + mouse wheel: degrees per notch (120 eighths of a degree)
WHEEL_COMMIT_MS = 700  # the wheel rotation is committed this long after the last notch
GHOST_RGB = (0.2, 0.45, 1.0)  # blue: apart from the yellow selection and the red roofs
GHOST_OPACITY = 0.55


class TransformEditsCommand(EditCommand):
    """One undo step holding several scenario edits (rotate + move of one drag), appended in
    order on redo and removed together on undo."""

    def __init__(self, variant, edits: list[dict], changed, text: str):
        super().__init__(variant, {}, changed, text)
        import copy

        self.edits = [copy.deepcopy(e) for e in edits]
        self.edit = self.edits[-1] if self.edits else {}  # EditCommand's single-edit view (the last one)

    def redo(self) -> None:
        self.variant.edits.extend(self.edits)
        self.changed()

    def undo(self) -> None:
        mine = {id(e) for e in self.edits}
        self.variant.edits[:] = [e for e in self.variant.edits if id(e) not in mine]
        self.changed()


def transform_edits(ids, offset_xy, angle_deg: float, center_xy) -> list[dict]:
    """The scenario edits of one drag: rotate about ``center_xy`` (model CRS, m) by ``angle_deg``
    (counter-clockwise), then move by ``offset_xy`` (m). Zero parts are left out."""
    edits = []
    ids = list(ids)
    if abs(angle_deg) > 1e-9:
        edits.append({"op": "rotate", "ids": ids, "rotation_deg": float(angle_deg),
                      "center": [float(center_xy[0]), float(center_xy[1])]})
    if abs(offset_xy[0]) > 1e-9 or abs(offset_xy[1]) > 1e-9:
        edits.append({"op": "move", "ids": ids, "offset": [float(offset_xy[0]), float(offset_xy[1]), 0.0]})
    return edits


def snap(value: float, step: float) -> float:
    return round(value / step) * step


def wrap_deg(a: float) -> float:
    """Angle in (−180°, 180°]."""
    a = (a + 180.0) % 360.0 - 180.0
    return 180.0 if a == -180.0 else a


class TransformTool(QObject):
    """Move/rotate tool of the main window (see the module docstring)."""

    MODE = "transform"

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.vp = window.viewport
        self.ids: list[str] = []
        self.active = False
        self._drag = None  # dict while a drag is running
        self._ghost = None  # viewer.scene_view.DragGhost while dragging
        self.last_values = None  # (dx, dy, angle) of the last drag (committed or not)
        self._wheel_timer = QTimer(self)
        self._wheel_timer.setSingleShot(True)
        self._wheel_timer.setInterval(WHEEL_COMMIT_MS)
        self._wheel_timer.timeout.connect(self.finish_drag)
        self.action = QAction(window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.action.triggered.connect(lambda on: self.start() if on else self.stop())
        A = window.actions_by_name
        A["transform"] = A["mode_transform"] = self.action  # main window checks "mode_<mode>" on mode changes
        group = A["mode_select"].actionGroup()
        if group is not None:  # one checked tool at a time in the toolbar
            group.addAction(self.action)
        edit_menu = window.menus["edit"]
        edit_menu.insertAction(A["clear_selection"], self.action)
        window.toolbar.insertAction(A["undo"], self.action)
        self.vp.plotter.interactor.installEventFilter(self)  # installed last: sees events before the view
        self.vp.mode_changed.connect(self._mode_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(tr("&Move/rotate buildings (drag)"))
        self.action.setIconText(tr("Move/rotate"))
        self.action.setToolTip(tr("Move/rotate: drag a building; Shift+drag or Alt+wheel rotates, "
                                  "Ctrl snaps (0.5 m / 5°), Esc cancels"))

    # ------------------------------------------------------------------ start / stop
    def start(self, ids=None) -> bool:
        """Target ``ids`` (default: the selection) and switch the view to the tool."""
        w = self.window
        if w.model is None:
            self.action.setChecked(False)
            return False
        ids = [i for i in (w.selected if ids is None else ids) if i in w.model.objects]
        self.ids = list(dict.fromkeys(w._root(i) for i in ids))
        self.active = True
        self.action.setChecked(True)
        self.vp.set_mode(self.MODE)
        self.vp.plotter.interactor.setCursor(Qt.CursorShape.SizeAllCursor)
        if self.ids:
            w.set_selection(self.ids)
        self._hint()
        return True

    def start_for_new(self, before_ids) -> bool:
        """Target the objects that are in the model now but not in ``before_ids`` (an insert)."""
        model = self.window.model
        if model is None:
            return False
        new = [i for i in model.objects if i not in before_ids]
        return self.start(new) if new else False

    def stop(self) -> None:
        self.cancel_drag(message=False)
        self.active = False
        self.action.setChecked(False)
        if self.vp.mode == self.MODE:
            self.vp.set_mode("select")

    def _mode_changed(self, mode: str) -> None:
        if mode != self.MODE and self.active:
            self.cancel_drag(message=False)
            self.active = False
            self.action.setChecked(False)
            self.window.statusBar().clearMessage()

    def _hint(self) -> None:
        sb = self.window.statusBar()
        if self.ids:
            sb.showMessage(tr("Move/rotate {ids}: drag to move, Shift+drag or Alt+wheel to rotate, "
                              "Ctrl snaps (0.5 m / 5°), Esc cancels").format(ids=", ".join(self.ids[:3])), 0)
        else:
            sb.showMessage(tr("Move/rotate: click or drag a building"), 0)

    # ------------------------------------------------------------------ geometry
    def _plane_point(self, pos: QPoint, z: float):
        """Local point where the view ray through widget ``pos`` meets the plane at height ``z``."""
        x, y = self.vp._display_xy(pos)
        return self.vp._ground_point(x, y, z)

    def _target_geometry(self):
        """(triangle mask of the targets in the scene, base z local, pivot local xy, pivot CRS xy)."""
        from stadtbild.model.footprint import footprint_centroids

        from .scenario_adapter import expand_with_parts

        w = self.window
        sc = w.scene
        members = expand_with_parts(w.model, self.ids)
        numbers = [sc.object_number(i) for i in members if i in sc.object_ids]
        mask = np.isin(sc.object_index, numbers)
        if not mask.any():
            return None
        base_z = float(sc.corners[mask][:, :, 2].min())
        cents = footprint_centroids(w.model, sorted(members), by_root="all")
        if "all" in cents:
            pivot_crs = np.asarray(cents["all"], float)
        else:  # no downward surfaces: the centre of the triangles' plan extent
            pts = sc.to_world(sc.corners[mask].reshape(-1, 3))
            pivot_crs = (pts[:, :2].min(axis=0) + pts[:, :2].max(axis=0)) / 2
        pivot_local = pivot_crs - sc.origin[:2]
        return mask, base_z, pivot_local, pivot_crs

    # ------------------------------------------------------------------ drag
    def begin_drag(self, pos: QPoint | None, rotate: bool, grab_z: float | None = None) -> bool:
        """Start a drag at widget ``pos`` on the horizontal plane at ``grab_z`` (local m; default
        the targets' base) — or, with ``pos`` None, a wheel rotation."""
        geo = self._target_geometry()
        if geo is None:
            return False
        mask, base_z, pivot_local, pivot_crs = geo
        if grab_z is not None:
            base_z = float(grab_z)
        p0 = self._plane_point(pos, base_z) if pos is not None else None
        if p0 is None and pos is not None:
            return False
        from stadtbild.viewer.scene_view import DragGhost

        self._remove_ghost()
        self._ghost = DragGhost(self.vp.plotter, self.window.scene, mask, GHOST_RGB, GHOST_OPACITY,
                                name="transform-ghost")
        self._drag = {"press": QPoint(pos) if pos is not None else None, "p0": p0, "z": base_z,
                      "pivot": pivot_local, "pivot_crs": pivot_crs, "rotate": rotate, "offset": np.zeros(2),
                      "angle": 0.0, "moved": False}
        return True

    def update_drag(self, pos: QPoint, modifiers) -> None:
        d = self._drag
        if d is None or d["p0"] is None:
            return
        if (pos - d["press"]).manhattanLength() > CLICK_TOLERANCE_PX:
            d["moved"] = True
        p = self._plane_point(pos, d["z"])
        if p is None:
            return
        snapping = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if d["rotate"]:
            a0 = math.atan2(d["p0"][1] - d["pivot"][1], d["p0"][0] - d["pivot"][0])
            a1 = math.atan2(p[1] - d["pivot"][1], p[0] - d["pivot"][0])
            angle = wrap_deg(math.degrees(a1 - a0))
            d["angle"] = snap(angle, SNAP_ANGLE_DEG) if snapping else angle
        else:
            off = (p - d["p0"])[:2]
            d["offset"] = np.array([snap(off[0], SNAP_OFFSET_M), snap(off[1], SNAP_OFFSET_M)]) if snapping else off
        self._show(snapping)

    def wheel_rotate(self, notches: float) -> bool:
        """Rotate the targets by ``notches`` × 5° (preview now, one edit after the last notch)."""
        if not self.ids:
            return False
        if self._drag is None:
            if not self.begin_drag(None, rotate=True):
                return False
            self._drag["wheel"] = True
        d = self._drag
        d["angle"] = wrap_deg(d["angle"] + notches * WHEEL_STEP_DEG)
        d["moved"] = True
        self._show(False)
        self._wheel_timer.start()
        return True

    def _show(self, snapping: bool) -> None:
        """Put the ghost where the drag's offset and angle say; status bar; render."""
        d = self._drag
        self._ghost.place(d["pivot"], d["offset"], d["angle"])
        self.last_values = (float(d["offset"][0]), float(d["offset"][1]), float(d["angle"]))
        self.window.statusBar().showMessage(tr("Offset {dx} m, {dy} m (distance {d} m) · rotation {a}°{snap}").format(
            dx=format_number(d["offset"][0], 2), dy=format_number(d["offset"][1], 2),
            d=format_number(float(np.hypot(*d["offset"])), 2), a=format_number(d["angle"], 1),
            snap=tr(" · snapping") if snapping else ""), 0)
        self.vp.render()

    def finish_drag(self) -> list[dict]:
        """Push the drag as one undoable edit; returns its scenario edits (empty: nothing moved)."""
        self._wheel_timer.stop()
        d, self._drag = self._drag, None
        self._remove_ghost()
        if d is None:
            return []
        edits = transform_edits(self.ids, d["offset"], d["angle"], d["pivot_crs"]) if d["moved"] else []
        w = self.window
        if not edits or w.variants.active_stack() is None:
            self.vp.render()
            self._hint()
            return []
        parts = []
        if d["angle"]:
            parts.append(tr("rotate {a}°").format(a=format_number(d["angle"], 1)))
        if np.any(d["offset"]):
            parts.append(tr("move {d} m").format(d=format_number(float(np.hypot(*d["offset"])), 2)))
        from stadtbild.model.labels import labels_text

        text = tr("{ids}: {what}").format(ids=labels_text(w.model, self.ids, 2), what=", ".join(parts))
        variant, stack = w.edit_stack()  # a new named variant when Bestand is active
        stack.push(TransformEditsCommand(variant, edits, lambda: w.apply_edits(reset_camera=False), text))
        w.set_selection(self.ids)
        w.statusBar().showMessage(text, 0)
        return edits

    def cancel_drag(self, message: bool = True) -> None:
        had = self._drag is not None
        self._wheel_timer.stop()
        self._drag = None
        self._remove_ghost()
        if had:
            self.vp.render()
            if message:
                self.window.statusBar().showMessage(tr("Move/rotate cancelled"), 5000)

    def _remove_ghost(self) -> None:
        if self._ghost is not None:
            self._ghost.remove()
            self._ghost = None

    # ------------------------------------------------------------------ events
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if not self.active or self.vp.mode != self.MODE:
            return False
        et = event.type()
        if et == QEvent.Type.Wheel and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            delta = event.angleDelta()
            steps = (delta.y() or delta.x()) / 120.0  # X11 turns Alt+wheel into a horizontal wheel
            return bool(steps) and self.wheel_rotate(steps)
        if et == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            if self._drag is not None and self._drag.get("wheel"):
                self.finish_drag()  # a pending wheel rotation is committed first
            pos = event.position().toPoint()
            oid, grabbed = self.vp.pick(pos)
            root = self.window._root(oid) if oid is not None else None
            if root is None:
                return False  # empty ground: orbit as usual
            if root not in self.ids:
                self.ids = [root]
                self.window.set_selection(self.ids)
            rotate = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return self.begin_drag(pos, rotate, grab_z=None if grabbed is None else float(grabbed[2]))
        dragging = self._drag is not None and self._drag["p0"] is not None  # a mouse drag (not the wheel)
        if et == QEvent.Type.MouseMove and dragging:
            self.update_drag(event.position().toPoint(), event.modifiers())
            return True
        if et == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton and dragging:
            self.update_drag(event.position().toPoint(), event.modifiers())
            self.finish_drag()
            return True
        if et == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape and self._drag is not None:
            self.cancel_drag()
            return True
        return False
