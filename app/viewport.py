"""The 3D view: a pyvistaqt QtInteractor showing a Scene, with picking, selection highlight,
named views, measurements, box select, walk mode, north arrow and scale bar.

Meshes come from :mod:`viewer.scene_view` (one actor per object type, so layers can be hidden,
recoloured and made transparent); the cell array ``object_index`` maps a picked triangle back to the
file's object id. Coordinates inside VTK are local (``scene.vertices``); the status bar shows model
CRS coordinates (local + ``scene.origin``).

Mouse: left drag orbits, middle drag (or Shift+left) pans (VTK trackball camera), the wheel zooms
towards the point under the cursor;
a left *click* (no drag) selects, Shift+click adds/removes. In box mode a left drag selects every
object whose centre lies in the rectangle. Walk mode: W/S or ↑/↓ walk, A/D or ←/→ turn,
Q/E strafe, PgUp/PgDn change height; Shift = 5× faster.
"""
from __future__ import annotations

import math
import os
import time

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QRubberBand, QVBoxLayout, QWidget

from stadtbild.viewer.marks import line_mesh, marker_mesh, polyline_mesh
from stadtbild.viewer.screen import NorthArrow, ScaleBar, world_to_display

from .i18n import format_number, tr

CLICK_TOLERANCE_PX = 4
EYE_HEIGHT_M = 1.6
WALK_START_M = (30.0, 45.0, 60.0, 80.0, 110.0, 150.0, 200.0, 280.0, 400.0)  # tried distances behind the focus
WALK_CLEARANCE_M = 2.0  # the walk starts at least this far from any wall
WALK_NEAR_M = 0.25  # near clipping plane at eye level
WHEEL_ZOOM = 1.2  # zoom factor per wheel notch
SNAP_PX = 10  # measurements snap to a corner or an edge this close to the cursor (screen pixels)
SNAP_COLOURS = {"vertex": "#ff7f0e", "edge": "#9467bd"}  # marker of a point snapped to a corner / an edge


RESULT_SELECTION_RGB = (0, 200, 255)  # selection highlight while a result colours the view
#: the view's background gradient (bottom, top) without a picture's sky
VIEW_BACKGROUND, VIEW_BACKGROUND_TOP = (0.80, 0.87, 0.95), (0.38, 0.58, 0.86)


class Viewport(QWidget):
    """3D view widget. Signals carry object ids of the current scene."""

    object_clicked = Signal(object, bool)  # object id or None, additive (Shift)
    box_selected = Signal(list, bool)  # ids, additive
    cursor_moved = Signal(object)  # dict or None
    measured = Signal(str)  # human readable result of a measurement
    measurement = Signal(object)  # the measurement as a dict (kind, figures in m / m², points in the CRS)
    point_picked = Signal(object, object)  # local (x, y, z) and the object id hit (or None)
    mode_changed = Signal(str)
    footprint_drawn = Signal(object)  # (n, 2) local xy of a drawn polygon
    light_changed = Signal(object)  # the key light's direction towards the sun (None: default)

    def __init__(self, parent=None):
        super().__init__(parent)
        from pyvistaqt import QtInteractor

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # on screen whatever pyvista's global OFF_SCREEN says (off-screen exports run in this process)
        self.plotter = QtInteractor(self, auto_update=False, off_screen=False,
                                    multi_samples=int(os.environ.get("STADTBILD_MSAA", "4")))
        self.plotter.setAcceptDrops(False)  # files dropped on the view go to the main window
        layout.addWidget(self.plotter.interactor)
        self.plotter.set_background(VIEW_BACKGROUND, top=VIEW_BACKGROUND_TOP)
        self.plotter.renderer.RemoveAllLights()
        self._sun_direction = None
        self._add_lights()

        self.scene = None
        self.model = None
        self.ground_z = 0.0
        # what the picture adds (orthophoto, rasters, layers, textures, sun, finish: viewer.picture)
        self.picture_spec = None
        self.picture = None
        self._shadings: dict = {}  # id(scene) -> its SunShading (kept for the last few scenes)
        self._lod_timer = QTimer(self)
        self._lod_timer.setSingleShot(True)
        self._lod_timer.setInterval(150)
        self._lod_timer.timeout.connect(self._update_lod)
        self._lod_camera_mtime = -1
        self.plotter.renderer.AddObserver("EndEvent", self._frame_done)
        self.layers: dict[str, dict] = {}  # object type -> {mesh, actor, tri, visible, colour, opacity}
        self.hidden: set[str] = set()  # object ids not drawn (and not pickable), e.g. the existing
        # buildings inside a Bebauungsplan's area (app.bplan)
        self._type_settings: dict[str, dict] = {}
        self.ground_actor = None
        self.selection: list[str] = []
        self.result_rgb: np.ndarray | None = None  # (m, 3) per-triangle result colours or None
        self.theme_rgb: np.ndarray | None = None  # (m, 3) per-triangle colours of View ▸ Colour by
        self.overlays: dict[str, object] = {}  # name -> actor (result grids, ghosts)
        self._measure_actors: list = []
        self._measure_points: list[np.ndarray] = []
        self.mode = "select"
        self._press: QPoint | None = None
        self._press_mods = Qt.KeyboardModifier.NoModifier
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.plotter.interactor)
        self._cursor_pos: QPoint | None = None
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.setInterval(40)
        self._cursor_timer.timeout.connect(self._update_cursor)
        self.last_render_s = None
        self._north = None
        self._scale = None
        self._last_distance = None
        self._last_height = None
        self._draw_points: list = []
        self._last_area = None
        self.last_pick_triangle = None
        self.plotter.interactor.installEventFilter(self)
        self.plotter.interactor.setMouseTracking(True)
        self._picker = None

    # ------------------------------------------------------------------ lights and overlays
    def _add_lights(self) -> None:
        from stadtbild.viewer.render import add_default_lights

        self.plotter.renderer.RemoveAllLights()
        add_default_lights(self.plotter, self._sun_direction)

    def set_sun_direction(self, direction) -> None:
        """Key light from ``direction`` (unit vector towards the sun, x east, y north, z up);
        None restores the default light."""
        self._sun_direction = None if direction is None else np.asarray(direction, float)
        self._add_lights()
        self.render()
        self.light_changed.emit(self._sun_direction)

    def _add_decorations(self) -> None:
        """North arrow (upper right) and a scale bar (lower left, valid at the view centre)."""
        p = self.plotter
        if self._north is None:
            self._north = NorthArrow(p.renderer)
        if self._scale is None:
            self._scale = ScaleBar(p.renderer)

    # ------------------------------------------------------------------ scene
    def set_scene(self, scene, model=None, reset_camera: bool = True, ghost=None) -> float:
        """Show ``scene``; returns the seconds until the first frame was rendered."""
        from stadtbild.viewer.scene_view import scene_to_polydata, triangle_colours

        t0 = time.perf_counter()
        old_layers = self.layers
        old_scene = self.scene
        if (old_scene is not None and scene is not None and not reset_camera
                and not np.allclose(old_scene.origin, scene.origin)):
            # edits that grow the model move its local origin: keep the camera on the same place
            shift = old_scene.origin - scene.origin
            cam = self.plotter.camera
            cam.position = tuple(np.array(cam.position) + shift)
            cam.focal_point = tuple(np.array(cam.focal_point) + shift)
        for layer in self.layers.values():
            self.plotter.remove_actor(layer["actor"], render=False)
        if self.ground_actor is not None:
            self.plotter.remove_actor(self.ground_actor, render=False)
            self.ground_actor = None
        self.clear_overlays(render=False)
        self.layers = {}
        self.scene = scene
        self.model = model
        self.result_rgb = None
        self.theme_rgb = None
        self._picker = None
        if scene is None or scene.n_triangles == 0:
            self.render()
            return time.perf_counter() - t0
        self.base_rgb = triangle_colours(scene)
        lo, hi = scene.bounds
        self.ground_z = float(lo[2])
        self._object_geometry(scene)
        self._build_type_layers(old_layers)
        self._add_ground()
        if ghost is not None and ghost.n_triangles:
            gmesh = scene_to_polydata(ghost)
            self.overlays["ghost"] = self.plotter.add_mesh(gmesh, color=(0.55, 0.65, 0.85), opacity=0.3,
                                                           name="ghost", pickable=False, reset_camera=False,
                                                           render=False)
        self.selection = [i for i in self.selection if i in self._id_index]
        if reset_camera:
            self.set_view("iso", render=False)
        if self.picture is not None or self.picture_spec is not None:
            self._rebuild_picture(render=False)  # the picture of the new scene
        self._recolour()
        self._add_decorations()
        self.render()
        self._adapt_multisampling()
        return time.perf_counter() - t0

    def _add_ground(self) -> None:
        """The viewport's own ground plane, 0.3 m below the lowest point so that result overlays
        drawn just above the ground (shadow, sun-hours) never fight with it in the depth buffer
        from far away (a picture brings its own ground instead)."""
        from stadtbild.viewer.scene_view import GROUND_PLANE_RGB, ground_plane

        if self.ground_actor is not None:
            self.plotter.remove_actor(self.ground_actor, render=False)
        self.ground_actor = self.plotter.add_mesh(ground_plane(self.scene, z=self.ground_z - 0.3),
                                                  color=[c / 255 for c in GROUND_PLANE_RGB], name="ground",
                                                  pickable=False, lighting=False, reset_camera=False, render=False)

    # ------------------------------------------------------------------ the picture (issue 21)
    def set_picture(self, spec, render: bool = True) -> None:
        """Show what a :class:`viewer.picture.PictureSpec` adds to the model (orthophoto, rasters,
        2D layers and POIs, the model's textures, the sun with computed shadows, the finish);
        None: the plain view."""
        self.picture_spec = spec
        self._rebuild_picture(render=render)

    def _rebuild_picture(self, render: bool = True) -> None:
        if self.picture is not None:
            self.picture.remove()
            self.picture = None
            self.plotter.set_background(VIEW_BACKGROUND, top=VIEW_BACKGROUND_TOP)
            self._add_lights()
            self.ground_actor = None
            if self.scene is not None and self.scene.n_triangles:
                self._add_ground()
        if self.picture_spec is not None and self.scene is not None and self.layers:
            from stadtbild.viewer.picture import Picture
            from stadtbild.viewer.screen import software_gl

            models = [(lay["actor"], lay["mesh"], lay["tri"]) for lay in self.layers.values()]
            cached = self._shadings.get(id(self.scene))
            self.picture = Picture(self.plotter, self.scene, self.picture_spec, models=models,
                                   size=tuple(self.plotter.ren_win.GetSize()),
                                   software_gl=getattr(self, "software_gl", None) or software_gl(self.plotter.ren_win),
                                   window=True,
                                   shading=cached[1] if cached is not None and cached[0] is self.scene else None)
            self.ground_actor = self.picture.actors.get("ground", self.ground_actor)
            self.picture.update_view(tuple(self.plotter.ren_win.GetSize()))
            self.plotter.reset_camera_clipping_range()  # the ground may now reach the horizon
            self._recolour()
        if render:
            self.render()

    def set_sun_time(self, when, state=None) -> dict | None:
        """Light the picture by the sun of local ``when`` with the computed shadows on ground,
        roofs and facades (``state``: a :meth:`viewer.picture.Picture.sun_state` computed in a
        worker); returns the sun record. Without a picture a plain one is made for it."""
        if self.picture is None:
            from stadtbild.viewer.finish import PRESETS
            from stadtbild.viewer.picture import PictureSpec

            self.set_picture(PictureSpec(finish=PRESETS["interactive"]), render=False)
        if self.picture is None:
            return None
        rec = self.picture.apply_sun(state) if state is not None else self.picture.set_time(when)
        self._sun_direction = self.picture.sun.direction_grid()[0]
        self._shadings[id(self.scene)] = (self.scene, self.picture.shading)
        while len(self._shadings) > 3:
            self._shadings.pop(next(iter(self._shadings)))
        self.render()
        return rec

    def _frame_done(self, *_args) -> None:
        """After every frame: when the camera moved, update the picture's orthophoto tiles a
        moment later (after the orbit, not during it)."""
        if self.picture is None or self.picture.ortho is None:
            return
        mtime = self.plotter.camera.GetMTime()
        if mtime != self._lod_camera_mtime:
            self._lod_camera_mtime = mtime
            self._lod_timer.start()

    def _update_lod(self) -> None:
        if self.picture is None:
            return
        before = self.picture.ortho.shown if self.picture.ortho is not None else []
        self.picture.update_view(tuple(self.plotter.ren_win.GetSize()))
        if self.picture.ortho is not None and self.picture.ortho.shown != before:
            self.render()

    def _build_type_layers(self, old_layers: dict) -> None:
        """One actor per object type of the scene (its visible triangles: hidden objects left out),
        keeping the type's visibility, colour and opacity from ``old_layers``."""
        from stadtbild.viewer.scene_view import scene_to_polydata

        scene = self.scene
        if not old_layers:
            self._type_settings = {}  # a new model starts with the default layer settings
        tri_type = np.asarray(scene.object_types, dtype=object)[scene.object_index] if scene.n_triangles else []
        shown = np.ones(scene.n_triangles, dtype=bool)
        if self.hidden:
            gone = np.array([oid in self.hidden for oid in scene.object_ids], dtype=bool)
            shown = ~gone[scene.object_index]
        for t, layer in old_layers.items():  # a type whose objects are all hidden keeps its settings
            self._type_settings[t] = {k: layer.get(k) for k in ("visible", "colour", "opacity")}
        for t in dict.fromkeys(scene.object_types):
            mask = (tri_type == t) & shown
            previous = old_layers.get(t) or self._type_settings.get(t, {})
            if not mask.any():
                continue
            mesh = scene_to_polydata(scene, triangle_mask=mask)
            actor = self.plotter.add_mesh(mesh, scalars="rgb", rgb=True, name=f"type:{t}", show_edges=False,
                                          lighting=True, smooth_shading=False, ambient=0.25, diffuse=0.75,
                                          specular=0.05, reset_camera=False, render=False, pickable=True)
            self.layers[t] = {"mesh": mesh, "actor": actor, "tri": np.flatnonzero(mask),
                              "visible": previous.get("visible", True), "colour": previous.get("colour"),
                              "opacity": previous.get("opacity", 1.0)}
            actor.SetVisibility(self.layers[t]["visible"])
            actor.prop.opacity = self.layers[t]["opacity"]

    def set_hidden(self, ids, render: bool = True) -> None:
        """Leave the objects ``ids`` out of the view (not drawn, not pickable); ``[]`` shows all."""
        ids = set(ids)
        if ids == self.hidden:
            return
        self.hidden = ids
        if self.scene is None or self.scene.n_triangles == 0:
            return
        old = self.layers
        for layer in old.values():
            if layer.get("actor") is not None:
                self.plotter.remove_actor(layer["actor"], render=False)
        self.layers = {}
        self._picker = None
        self._type_settings = {}
        self._build_type_layers(old)
        if self.picture is not None:
            self.picture.attach_models([(lay["actor"], lay["mesh"], lay["tri"]) for lay in self.layers.values()])
        self._recolour()
        if render:
            self.render()

    def _adapt_multisampling(self) -> None:
        """Software OpenGL (Mesa llvmpipe, e.g. under Xvfb or over remote desktop) pays 4× per
        frame for MSAA: switch it off there and keep the view interactive; GPUs keep 4 samples."""
        if getattr(self, "_msaa_checked", False) or "STADTBILD_MSAA" in os.environ:
            return
        self._msaa_checked = True
        from stadtbild.viewer.screen import software_gl

        if software_gl(self.plotter.ren_win):
            self.plotter.ren_win.SetMultiSamples(0)
            self.software_gl = True
            self.render()

    def _object_geometry(self, scene) -> None:
        """Per-object bounds and area-weighted centres (for zoom to selection and box select)."""
        n = len(scene.object_ids)
        corners = scene.corners
        tmin, tmax = corners.min(axis=1), corners.max(axis=1)
        omin = np.full((n, 3), np.inf)
        omax = np.full((n, 3), -np.inf)
        np.minimum.at(omin, scene.object_index, tmin)
        np.maximum.at(omax, scene.object_index, tmax)
        area = scene.triangle_areas + 1e-12
        centre = np.stack([np.bincount(scene.object_index, weights=area * corners[:, :, k].mean(axis=1), minlength=n)
                           for k in range(3)], axis=1)
        centre /= np.bincount(scene.object_index, weights=area, minlength=n)[:, None] + 1e-300
        self.object_min, self.object_max, self.object_centre = omin, omax, centre
        self._id_index = {oid: i for i, oid in enumerate(scene.object_ids)}

    # ------------------------------------------------------------------ colours, layers, selection
    def _recolour(self) -> None:
        from stadtbild.viewer.scene_view import SELECTION_COLOUR

        if self.scene is None:
            return
        sel = np.zeros(len(self.scene.object_ids), dtype=bool)
        for oid in self.selection:
            k = self._id_index.get(oid)
            if k is not None:
                sel[k] = True
        for layer in self.layers.values():
            tri = layer["tri"]
            if self.result_rgb is not None:
                rgb = self.result_rgb[tri].copy()
            elif self.theme_rgb is not None:
                rgb = self.theme_rgb[tri].copy()
            elif layer["colour"] is not None:
                rgb = np.empty((len(tri), 3), np.uint8)
                rgb[:] = layer["colour"]
            else:
                rgb = self.base_rgb[tri].copy()
            # over result colours (solar's inferno ends in the selection yellow) the selection is cyan
            rgb[sel[self.scene.object_index[tri]]] = SELECTION_COLOUR if self.result_rgb is None else RESULT_SELECTION_RGB
            mesh = layer["mesh"]
            mesh.cell_data["rgb"][:] = rgb
            mesh.GetCellData().GetArray("rgb").Modified()
            mesh.Modified()
        if self.picture is not None:  # light-mapped copies are drawn; textures give way to result colours
            self.picture.refresh_colours()
            self.picture.set_textures_visible(self.result_rgb is None and self.theme_rgb is None)

    def set_selection(self, ids, render: bool = True) -> None:
        self.selection = [i for i in dict.fromkeys(ids) if self.scene is not None and i in self._id_index]
        self._recolour()
        if render:
            self.render()

    def set_layer(self, object_type: str, visible=None, colour=None, opacity=None, reset_colour=False) -> None:
        layer = self.layers.get(object_type)
        if layer is None:
            return
        if visible is not None:
            layer["visible"] = bool(visible)
            layer["actor"].SetVisibility(bool(visible))
        if colour is not None or reset_colour:
            layer["colour"] = None if reset_colour else tuple(int(c) for c in colour)
            self._recolour()
        if opacity is not None:
            layer["opacity"] = float(opacity)
            layer["actor"].prop.opacity = float(opacity)
        self.render()

    def set_ground_visible(self, visible: bool) -> None:
        if self.ground_actor is not None:
            self.ground_actor.SetVisibility(bool(visible))
            self.render()

    def set_result_colours(self, rgb, render: bool = True) -> None:
        """Colour every triangle by a result ((m, 3) uint8) or back to the normal colours (None)."""
        self.result_rgb = None if rgb is None else np.asarray(rgb, dtype=np.uint8)
        self._recolour()
        if render:
            self.render()

    def set_theme_colours(self, rgb, render: bool = True) -> None:
        """Colour every triangle by a colour theme ((m, 3) uint8; below result colours) or not (None)."""
        self.theme_rgb = None if rgb is None else np.asarray(rgb, dtype=np.uint8)
        self._recolour()
        if render:
            self.render()

    def add_overlay(self, name: str, mesh, render: bool = True, **kwargs) -> None:
        self.remove_overlay(name, render=False)
        kwargs.setdefault("pickable", False)
        self.overlays[name] = self.plotter.add_mesh(mesh, name=f"overlay:{name}", reset_camera=False, render=False,
                                                    **kwargs)
        if render:
            self.render()

    def remove_overlay(self, name: str, render: bool = True) -> None:
        actor = self.overlays.pop(name, None)
        if actor is not None:
            self.plotter.remove_actor(actor, render=False)
        if render:
            self.render()

    def clear_overlays(self, render: bool = True) -> None:
        for name in list(self.overlays):
            self.remove_overlay(name, render=False)
        self.clear_measurements(render=False)
        if render:
            self.render()

    # ------------------------------------------------------------------ camera
    def set_view(self, name: str, render: bool = True) -> None:
        from stadtbild.viewer.camera import apply_view

        if self.scene is None or self.scene.n_triangles == 0:
            return
        self.plotter.camera.parallel_projection = False
        if self.mode == "walk":
            self.set_mode("select")
        apply_view(self.plotter, self.scene.bounds, name)
        if render:
            self.render()

    def north_up(self) -> None:
        """Turn the camera so that north points up the screen, keeping distance and tilt."""
        cam = self.plotter.camera
        pos, focal = np.array(cam.position), np.array(cam.focal_point)
        d = pos - focal
        dist = float(np.linalg.norm(d)) or 1.0
        elev = math.asin(max(-1.0, min(1.0, d[2] / dist)))
        if elev > math.radians(89.0):
            cam.position = tuple(focal + np.array([0, 0, dist]))
            cam.up = (0.0, 1.0, 0.0)
        else:
            cam.position = tuple(focal + dist * np.array([0.0, -math.cos(elev), math.sin(elev)]))
            cam.up = (0.0, 0.0, 1.0)
        self.plotter.reset_camera_clipping_range()
        self.render()

    def zoom_to(self, ids=None) -> None:
        """Frame the given objects (default: the selection; nothing selected: everything)."""
        if self.scene is None:
            return
        ids = self.selection if ids is None else ids
        idx = [self._id_index[i] for i in ids if i in self._id_index]
        if idx:
            lo, hi = self.object_min[idx].min(axis=0), self.object_max[idx].max(axis=0)
        else:
            lo, hi = self.scene.bounds
        pad = max(float(np.linalg.norm(hi - lo)) * 0.15, 5.0)
        bounds = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad, lo[2], hi[2] + pad)
        self.plotter.renderer.ResetCamera(bounds)
        self.plotter.reset_camera_clipping_range()
        self.render()

    def zoom_at(self, pos: QPoint, factor: float) -> None:
        """Zoom by ``factor`` (> 1: closer) towards the point under widget ``pos``: camera and
        focal point move along their lines to that point, so it stays under the cursor."""
        if self.scene is None:
            return
        _oid, target = self.pick(pos)
        cam = self.plotter.camera
        pos3, focal = np.array(cam.position), np.array(cam.focal_point)
        if target is None:  # the sky: along the view ray, as far as the focal plane
            origin, direction = self.view_ray(pos)
            target = pos3 + direction * float(np.linalg.norm(focal - pos3))
        if cam.parallel_projection:
            cam.parallel_scale = cam.parallel_scale / factor
            shift = (target - focal) * (1.0 - 1.0 / factor)
            cam.position, cam.focal_point = tuple(pos3 + shift), tuple(focal + shift)
        else:
            f = 1.0 - 1.0 / factor
            cam.position = tuple(pos3 + (target - pos3) * f)
            cam.focal_point = tuple(focal + (target - focal) * f)
        self.plotter.reset_camera_clipping_range()
        self.render()

    def render(self) -> None:
        t0 = time.perf_counter()
        self.plotter.ren_win.Render()
        self.last_render_s = time.perf_counter() - t0

    # ------------------------------------------------------------------ coordinates and picking
    def _display_xy(self, pos: QPoint) -> tuple[float, float]:
        """Qt widget position -> VTK display coordinates (pixels, origin bottom-left)."""
        ratio = self.plotter.interactor.devicePixelRatioF()
        h = self.plotter.ren_win.GetSize()[1]
        return pos.x() * ratio, h - pos.y() * ratio - 1

    def world_to_widget(self, point_local) -> QPoint:
        """Widget position (Qt pixels) of a local 3D point, by the renderer's own transform."""
        x, y = world_to_display(self.plotter.renderer, point_local)
        ratio = self.plotter.interactor.devicePixelRatioF()
        h = self.plotter.ren_win.GetSize()[1]
        return QPoint(int(round(x / ratio)), int(round((h - 1 - y) / ratio)))

    def _project(self, points_local: np.ndarray) -> np.ndarray:
        """(n, 3) local points -> (n, 2) Qt widget pixels (numpy version of world_to_widget)."""
        ren = self.plotter.renderer
        w, h = self.plotter.ren_win.GetSize()
        m = ren.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
        mat = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
        hom = np.c_[points_local, np.ones(len(points_local))] @ mat.T
        ndc = hom[:, :2] / hom[:, 3:4]
        ratio = self.plotter.interactor.devicePixelRatioF()
        x = (ndc[:, 0] + 1) * 0.5 * w
        y = (ndc[:, 1] + 1) * 0.5 * h
        out = np.c_[x / ratio, (h - 1 - y) / ratio]
        out[hom[:, 3] <= 0] = np.nan  # behind the camera
        return out

    def view_ray(self, pos: QPoint) -> tuple[np.ndarray, np.ndarray]:
        """(origin, unit direction) in local coordinates of the view ray through widget ``pos``:
        from the near plane away from the camera."""
        x, y = self._display_xy(pos)
        ren = self.plotter.renderer
        pts = []
        for depth in (0.0, 1.0):
            ren.SetDisplayPoint(x, y, depth)
            ren.DisplayToWorld()
            wx, wy, wz, ww = ren.GetWorldPoint()
            pts.append(np.array([wx, wy, wz]) / (ww or 1.0))
        d = pts[1] - pts[0]
        return pts[0], d / (np.linalg.norm(d) or 1.0)

    def _pickable(self) -> np.ndarray:
        """(n_objects,) bool: objects of visible layers that are not hidden one by one
        (``hidden``): what is not drawn is not picked."""
        visible = {t for t, layer in self.layers.items() if layer["visible"]}
        return np.array([t in visible and oid not in self.hidden
                         for t, oid in zip(self.scene.object_types, self.scene.object_ids)], dtype=bool)

    def pick(self, pos: QPoint):
        """(object id or None, local point or None) under the widget position ``pos``: the
        nearest triangle the view ray meets (Embree, exact: the point lies on that triangle's own
        plane), else the ground plane. ``last_pick_triangle`` is the triangle hit."""
        self.last_pick_triangle = None
        if self.scene is None or not self.layers:
            return None, None
        origin, direction = self.view_ray(pos)
        rc = self.rays()
        mask = self._pickable()
        if not np.array_equal(mask, rc.enabled_objects):
            rc.set_object_enabled(mask)
        hit = rc.first_hit(origin[None, :], direction)
        if hit.hit[0]:
            tri = int(hit.triangle[0])
            self.last_pick_triangle = tri
            return self.scene.object_ids[int(self.scene.object_index[tri])], np.asarray(hit.point[0], float)
        x, y = self._display_xy(pos)
        return None, self._ground_point(x, y)

    def _objects_near(self, pos: QPoint, radius_px: float) -> np.ndarray:
        """Indices of the objects the view rays within ``radius_px`` of ``pos`` hit (7 × 7 rays)."""
        offs = np.linspace(-radius_px, radius_px, 7)
        rays = [self.view_ray(QPoint(int(round(pos.x() + dx)), int(round(pos.y() + dy)))) for dx in offs for dy in offs]
        origins = np.array([o for o, _d in rays])
        dirs = np.array([d for _o, d in rays])
        hit = self.rays().first_hit(origins, dirs)
        return np.unique(hit.object_index[hit.hit])

    def snap(self, pos: QPoint, point, object_id, radius_px: float = SNAP_PX):
        """``point`` (picked under ``pos``) moved onto the nearest building corner within
        ``radius_px`` on the screen, else onto the nearest surface edge (a true edge of a polygon,
        not a diagonal of its triangulation) within that radius, of the objects seen around the
        cursor: of the building under the cursor, or of the buildings right around it when the
        cursor is on the ground. Returns (point, "vertex" | "edge" | None)."""
        if point is None or self.scene is None or not self.layers:
            return point, None
        sc = self.scene
        # the object under the cursor, else (the ground was hit) those seen just around it
        objects = ([self._id_index[object_id]] if object_id in getattr(self, "_id_index", {})
                   else self._objects_near(pos, radius_px))
        tris = np.flatnonzero(np.isin(sc.object_index, objects))
        if not len(tris):
            return point, None
        cursor = np.array([pos.x(), pos.y()], float)
        verts = np.unique(sc.corners[tris].reshape(-1, 3), axis=0)
        dist = np.hypot(*(self._project(verts) - cursor).T)
        near = np.flatnonzero(dist <= radius_px)
        seen = self._visible(verts[near])
        if seen.any():
            k = near[seen][np.argmin(dist[near][seen])]
            return verts[k], "vertex"
        a, b = _boundary_edges(sc, tris)
        if not len(a):
            return point, None
        pa, pb = self._project(a), self._project(b)
        seg = pb - pa
        t = np.clip(np.einsum("ij,ij->i", cursor - pa, seg) / np.maximum(np.einsum("ij,ij->i", seg, seg), 1e-12), 0, 1)
        d = np.hypot(*(pa + seg * t[:, None] - cursor).T)
        near = np.flatnonzero(d <= radius_px)
        if not len(near):
            return point, None
        origin, direction = self.view_ray(pos)
        cands = np.array([_closest_on_segment(a[j], b[j], origin, direction) for j in near])
        seen = self._visible(cands)
        if not seen.any():
            return point, None
        return cands[seen][np.argmin(d[near][seen])], "edge"

    def _visible(self, points) -> np.ndarray:
        """(n,) bool: nothing lies between the camera and each local point (5 cm tolerance)."""
        points = np.asarray(points, float).reshape(-1, 3)
        if not len(points):
            return np.zeros(0, bool)
        eye = np.array(self.plotter.camera.position, float)
        v = points - eye
        length = np.linalg.norm(v, axis=1)
        return ~self.rays().occluded(np.repeat(eye[None, :], len(points), axis=0), v / length[:, None],
                                     tmax=np.maximum(length - 0.05, 0.0))

    def _ground_point(self, x: float, y: float, z: float | None = None):
        """Where the view ray through display (x, y) meets the horizontal plane at local height
        ``z`` (default: the ground plane), or None."""
        ren = self.plotter.renderer
        pts = []
        for depth in (0.0, 1.0):
            ren.SetDisplayPoint(x, y, depth)
            ren.DisplayToWorld()
            wx, wy, wz, ww = ren.GetWorldPoint()
            if ww == 0:
                return None
            pts.append(np.array([wx, wy, wz]) / ww)
        d = pts[1] - pts[0]
        if abs(d[2]) < 1e-12:
            return None
        t = ((self.ground_z if z is None else z) - pts[0][2]) / d[2]
        if t < 0:
            return None
        return pts[0] + t * d

    def ground_below(self, point_local, object_id=None) -> float:
        """Ground height (local z) under a point: the lowest point of the object hit (its footing),
        otherwise the model's ground plane (lowest ground height, as the analyses use)."""
        if object_id is not None and object_id in getattr(self, "_id_index", {}):
            return float(self.object_min[self._id_index[object_id]][2])
        return self.ground_z

    def cursor_info(self, pos: QPoint):
        oid, p = self.pick(pos)
        if p is None:
            return None
        world = self.scene.to_world(p)
        return {"local": p, "world": world, "object_id": oid,
                "height_above_ground_m": float(p[2] - self.ground_below(p, oid))}

    def _update_cursor(self) -> None:
        if self._cursor_pos is None or self.scene is None:
            return
        self.cursor_moved.emit(self.cursor_info(self._cursor_pos))

    # ------------------------------------------------------------------ modes and tools
    def set_mode(self, mode: str) -> None:
        """"select", "box", "distance", "height", "walk", "point" or "draw"."""
        if mode == self.mode:
            return
        if self.mode == "walk":
            self.plotter.camera.view_angle = 30.0
            if self._scale is not None:
                self._scale.set_visible(True)
            self.plotter.reset_camera_clipping_range()
        self.mode = mode
        self._measure_points = []
        self._draw_points = []
        self.remove_overlay("drawing", render=False)
        if mode == "walk":
            self._enter_walk()
        cursor = (Qt.CursorShape.CrossCursor if mode in ("box", "distance", "height", "area", "point", "draw")
                  else Qt.CursorShape.ArrowCursor)
        self.plotter.interactor.setCursor(cursor)
        self.mode_changed.emit(mode)

    def rays(self):
        """A ray caster over the scene on screen (analysis.raycast, Embree), built on first use."""
        from stadtbild.analysis.raycast import RayCaster

        if getattr(self, "_rays", None) is None or self._rays[0] is not self.scene:
            self._rays = (self.scene, RayCaster(self.scene))
        return self._rays[1]

    def open_ground(self, focal, heading) -> np.ndarray:
        """Eye position (local) for walking towards ``focal``: on open ground behind it (seen
        along ``heading``, a unit xy vector), at eye height, not inside or under a building and
        at least :data:`WALK_CLEARANCE_M` from every wall. Tried in order: 30 m … 400 m back,
        straight behind and to the sides; the focus itself when nothing else is free."""
        back = np.array(WALK_START_M, float)
        side = np.array([0.0, 12.0, -12.0, 25.0, -25.0, 45.0, -45.0])
        perp = np.array([-heading[1], heading[0]])
        xy = (focal[:2][None, None, :] - back[:, None, None] * heading[None, None, :]
              + side[None, :, None] * perp[None, None, :]).reshape(-1, 2)
        eyes = np.c_[xy, np.full(len(xy), self.ground_z + EYE_HEIGHT_M)]
        if self.scene is None or self.scene.n_triangles == 0:
            return eyes[0]
        rc = self.rays()
        free = ~rc.occluded(eyes, np.array([0.0, 0.0, 1.0]))  # nothing overhead: not inside, not under
        angles = np.radians(np.arange(0, 360, 30))
        for a in angles:
            free &= ~rc.occluded(eyes, np.array([math.cos(a), math.sin(a), 0.0]), tmax=WALK_CLEARANCE_M)
        k = np.flatnonzero(free)
        return eyes[k[0]] if len(k) else np.r_[focal[:2], self.ground_z + EYE_HEIGHT_M]

    def _walk_clipping(self) -> None:
        """Clipping planes for eye level: the ground at the viewer's feet stays in view (VTK's
        automatic range, made for views from above, cut away the near ground), the far plane
        beyond the whole model."""
        far = 1000.0
        if self.scene is not None and self.scene.n_triangles:
            lo, hi = self.scene.bounds
            far = max(far, 3.0 * float(np.linalg.norm(hi - lo)))
        self.plotter.camera.clipping_range = (WALK_NEAR_M, far)

    def _enter_walk(self, at=None) -> None:
        cam = self.plotter.camera
        focal = np.array(cam.focal_point) if at is None else np.asarray(at, float)
        pos = np.array(cam.position)
        heading = focal[:2] - pos[:2]
        if np.linalg.norm(heading) < 1e-6:
            heading = np.array([0.0, 1.0])
        heading /= np.linalg.norm(heading)
        eye = self.open_ground(focal, heading)
        look = focal[:2] - eye[:2]  # face the focus
        if np.linalg.norm(look) > 1e-6:
            heading = look / np.linalg.norm(look)
        cam.view_angle = 60.0
        cam.position = tuple(eye)
        cam.focal_point = tuple(eye + np.array([heading[0], heading[1], 0.0]) * 10)
        cam.up = (0.0, 0.0, 1.0)
        if self._scale is not None:
            self._scale.set_visible(False)  # metres per pixel mean nothing at eye level
        self._walk_clipping()
        self.render()
        self.plotter.interactor.setFocus(Qt.FocusReason.OtherFocusReason)  # W A S D without a click first

    def walk(self, forward=0.0, turn_deg=0.0, strafe=0.0, rise=0.0) -> None:
        """Move the walk camera (metres, degrees) keeping the eye level horizontal."""
        cam = self.plotter.camera
        pos, focal = np.array(cam.position), np.array(cam.focal_point)
        d = focal - pos
        h = np.array([d[0], d[1], 0.0])
        h /= np.linalg.norm(h) or 1.0
        if turn_deg:
            a = math.radians(turn_deg)
            h = np.array([h[0] * math.cos(a) - h[1] * math.sin(a), h[0] * math.sin(a) + h[1] * math.cos(a), 0.0])
        side = np.array([h[1], -h[0], 0.0])
        pos = pos + h * forward + side * strafe + np.array([0, 0, rise])
        pos[2] = max(pos[2], self.ground_z + 0.3)
        cam.position = tuple(pos)
        cam.focal_point = tuple(pos + h * 10)
        cam.up = (0.0, 0.0, 1.0)
        self._walk_clipping()
        self.render()

    def clear_measurements(self, render: bool = True) -> None:
        for a in self._measure_actors:
            self.plotter.remove_actor(a, render=False)
        self._measure_actors = []
        self._measure_points = []
        if render:
            self.render()

    def _marker(self, p, colour="#d62728"):
        r = max(0.25, 0.004 * float(np.linalg.norm(np.array(self.plotter.camera.position) - p)))
        a = self.plotter.add_mesh(marker_mesh(p, r), color=colour, pickable=False, reset_camera=False,
                                  render=False)
        self._measure_actors.append(a)

    def _line(self, a, b, colour="#d62728", label=None):
        act = self.plotter.add_mesh(line_mesh(a, b), color=colour, line_width=3, pickable=False, reset_camera=False,
                                    render=False)
        self._measure_actors.append(act)
        if label:
            lab = self.plotter.add_point_labels([(np.asarray(a) + np.asarray(b)) / 2], [label], font_size=14,
                                                point_size=1, shape_opacity=0.8, pickable=False, render=False,
                                                always_visible=True)
            self._measure_actors.append(lab)

    def measure_distance(self, a, b, snaps=(None, None)) -> dict:
        a, b = np.asarray(a, float), np.asarray(b, float)
        d = b - a
        res = {"kind": "distance", "distance_m": float(np.linalg.norm(d)), "horizontal_m": float(np.hypot(d[0], d[1])),
               "dz_m": float(d[2]), "a": self.scene.to_world(a), "b": self.scene.to_world(b), "snap": tuple(snaps)}
        self._marker(a, SNAP_COLOURS.get(snaps[0], "#d62728"))
        self._marker(b, SNAP_COLOURS.get(snaps[1], "#d62728"))
        self._last_distance = res
        self._line(a, b, label=f"{format_number(res['distance_m'])} m")
        self.render()
        self._report(res)
        return res

    def measure_height(self, p, object_id=None, snap=None) -> dict:
        p = np.asarray(p, float)
        g = self.ground_below(p, object_id)
        foot = np.array([p[0], p[1], g])
        res = {"kind": "height", "height_above_ground_m": float(p[2] - g), "z": float(self.scene.to_world(p)[2]),
               "point": self.scene.to_world(p), "object_id": object_id, "snap": snap}
        self._last_height = res
        self._marker(p, SNAP_COLOURS.get(snap, "#1f77b4"))
        self._line(foot, p, "#1f77b4", label=f"{format_number(res['height_above_ground_m'])} m")
        self.render()
        self._report(res)
        return res

    def _report(self, res: dict) -> None:
        """The measurement for the panel (``measurement``) and as one line (``measured``)."""
        from .i18n import measurement_text

        self.measurement.emit(res)
        self.measured.emit(measurement_text(res))

    def measure_area(self, triangle: int) -> dict:
        """True (3D) area of the surface polygon the triangle belongs to (m²), highlighted."""
        from stadtbild.viewer.scene_view import scene_to_polydata

        sc = self.scene
        poly = int(sc.polygon_index[triangle])
        mask = sc.polygon_index == poly if poly >= 0 else np.arange(sc.n_triangles) == triangle
        area = float(sc.triangle_areas[mask].sum())
        n = sc.face_normals[mask].mean(axis=0)
        tilt = float(np.degrees(np.arccos(min(1.0, abs(n[2]) / (np.linalg.norm(n) or 1.0)))))
        res = {"kind": "area", "area_m2": area, "surface": sc.surface_name(sc.surface_type[triangle]),
               "tilt_deg": tilt, "object_id": sc.object_ids[sc.object_index[triangle]], "polygon": poly}
        self._last_area = res
        mesh = scene_to_polydata(sc, triangle_mask=mask)
        lifted = mesh.copy()
        lifted.points = mesh.points + sc.face_normals[mask].mean(axis=0) * 0.05
        act = self.plotter.add_mesh(lifted, color="#17becf", opacity=0.8, pickable=False, reset_camera=False,
                                    render=False)
        self._measure_actors.append(act)
        self.render()
        self._report(res)
        return res

    def _click(self, pos: QPoint, additive: bool) -> None:
        oid, p = self.pick(pos)
        self.last_click_point = p  # local point (a 2D layer's feature is looked up there)
        if self.mode == "select":
            self.object_clicked.emit(oid, additive)
        elif self.mode == "distance" and p is not None:
            p, snap = self.snap(pos, p, oid)
            self._measure_points.append((p, snap))
            if len(self._measure_points) == 1:
                self.clear_measurements(render=False)
                self._measure_points = [(p, snap)]
                self._marker(p, SNAP_COLOURS.get(snap, "#d62728"))
                self.render()
            else:
                (a, sa), _ = self._measure_points
                self._measure_points = []
                self.measure_distance(a, p, (sa, snap))
        elif self.mode == "height" and p is not None:
            self.clear_measurements(render=False)
            p, snap = self.snap(pos, p, oid)
            self.measure_height(p, oid, snap)
        elif self.mode == "area" and self.last_pick_triangle is not None:
            self.clear_measurements(render=False)
            self.measure_area(self.last_pick_triangle)
        elif self.mode == "point" and p is not None:
            self.point_picked.emit(p, oid)
        elif self.mode == "walk" and p is not None:
            self._enter_walk(at=p)
        elif self.mode == "draw" and p is not None:
            self.add_draw_point(p)

    def add_draw_point(self, p) -> None:
        """Add a corner of the footprint being drawn (local point; only x, y are used)."""
        self._draw_points.append(np.asarray(p, float)[:2])
        pts = np.array(self._draw_points)
        z = self.ground_z + 0.15
        ring = np.c_[pts, np.full(len(pts), z)]
        if len(ring) >= 2:
            line = polyline_mesh(np.vstack([ring, ring[:1]]) if len(ring) >= 3 else ring)
            self.add_overlay("drawing", line, color="#ff7f0e", line_width=4)
        else:
            self.add_overlay("drawing", marker_mesh(ring[0], 0.6), color="#ff7f0e")

    def finish_drawing(self) -> None:
        """Close the drawn polygon (Enter or double click) and hand it on."""
        pts = np.array(self._draw_points)
        self._draw_points = []
        self.remove_overlay("drawing")
        if len(pts) >= 3:
            self.footprint_drawn.emit(pts)

    def select_in_rect(self, rect: QRect) -> list[str]:
        if self.scene is None:
            return []
        xy = self._project(self.object_centre)
        r = rect.normalized()
        inside = ((xy[:, 0] >= r.left()) & (xy[:, 0] <= r.right()) & (xy[:, 1] >= r.top()) & (xy[:, 1] <= r.bottom()))
        visible_types = {t for t, layer in self.layers.items() if layer["visible"]}
        return [oid for oid, ok, t in zip(self.scene.object_ids, inside, self.scene.object_types)
                if ok and t in visible_types]

    # ------------------------------------------------------------------ events
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        et = event.type()
        if et == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._press_mods = event.modifiers()
            if self.mode == "box":
                self._band.setGeometry(QRect(self._press, QSize()))
                self._band.show()
                return True
        elif et == QEvent.Type.MouseMove:
            pos = event.position().toPoint()
            if self.mode == "box" and self._press is not None:
                self._band.setGeometry(QRect(self._press, pos).normalized())
                return True
            self._cursor_pos = pos
            self._cursor_timer.start()
        elif et == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            pos = event.position().toPoint()
            start, self._press = self._press, None
            additive = bool(self._press_mods & Qt.KeyboardModifier.ShiftModifier)
            if self.mode == "box" and start is not None:
                self._band.hide()
                rect = QRect(start, pos).normalized()
                if rect.width() > CLICK_TOLERANCE_PX or rect.height() > CLICK_TOLERANCE_PX:
                    self.box_selected.emit(self.select_in_rect(rect), additive)
                else:
                    self._click(pos, additive)
                return True
            if start is not None and (pos - start).manhattanLength() <= CLICK_TOLERANCE_PX:
                QTimer.singleShot(0, lambda p=pos, a=additive: self._click(p, a))
        elif et == QEvent.Type.MouseButtonDblClick and self.mode == "draw":
            QTimer.singleShot(0, self.finish_drawing)
            return True
        elif et == QEvent.Type.Leave:
            self._cursor_pos = None
            self.cursor_moved.emit(None)
        elif et == QEvent.Type.Wheel and self.mode != "walk":
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_at(event.position().toPoint(), WHEEL_ZOOM ** steps)
            return True
        elif et in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            if et == QEvent.Type.KeyPress:
                self._key(event)
            return True  # VTK's own letter keys (wireframe, quit, stereo …) are not for planners
        return False

    def _key(self, event) -> None:
        k = event.key()
        if self.mode == "draw" and k in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_drawing()
            return
        if k == Qt.Key.Key_Escape:
            if self.mode != "select":
                self.set_mode("select")
            self.clear_measurements()
            return
        if self.mode != "walk":
            return
        step = 10.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 2.0
        moves = {
            Qt.Key.Key_W: dict(forward=step), Qt.Key.Key_Up: dict(forward=step),
            Qt.Key.Key_S: dict(forward=-step), Qt.Key.Key_Down: dict(forward=-step),
            Qt.Key.Key_A: dict(turn_deg=5.0), Qt.Key.Key_Left: dict(turn_deg=5.0),
            Qt.Key.Key_D: dict(turn_deg=-5.0), Qt.Key.Key_Right: dict(turn_deg=-5.0),
            Qt.Key.Key_Q: dict(strafe=-step), Qt.Key.Key_E: dict(strafe=step),
            Qt.Key.Key_PageUp: dict(rise=step / 2), Qt.Key.Key_PageDown: dict(rise=-step / 2),
        }
        if k in moves:
            self.walk(**moves[k])

    def screenshot(self, path) -> None:
        """Save the 3D view as a PNG."""
        self.render()
        self.plotter.screenshot(str(path))

    def close_view(self) -> None:
        self._cursor_timer.stop()
        try:
            self.plotter.close()
        except Exception:
            pass


def _boundary_edges(scene, tris) -> tuple[np.ndarray, np.ndarray]:
    """End points (a, b: (e, 3)) of the true edges of the surfaces the triangles ``tris`` belong
    to: the edges used by one triangle of their polygon only (triangulation diagonals are used by
    two and are no edges of the building)."""
    t = scene.triangles[tris]
    poly = np.asarray(scene.polygon_index[tris])
    pairs = np.concatenate([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]])
    owner = np.concatenate([poly, poly, poly])
    key = np.c_[owner, np.sort(pairs, axis=1)]
    uniq, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    single = counts[inverse.ravel()] == 1
    # triangles without a polygon (-1) keep all their edges
    single |= owner < 0
    e = pairs[single]
    return scene.vertices[e[:, 0]], scene.vertices[e[:, 1]]


def _closest_on_segment(a, b, origin, direction) -> np.ndarray:
    """The point of segment ab closest to the line origin + t·direction (the view ray)."""
    u = b - a
    w0 = a - origin
    aa, bb, cc = u @ u, u @ direction, direction @ direction
    dd, ee = u @ w0, direction @ w0
    den = aa * cc - bb * bb
    s = 0.0 if den < 1e-12 else (bb * ee - cc * dd) / den
    return a + np.clip(s, 0.0, 1.0) * u
