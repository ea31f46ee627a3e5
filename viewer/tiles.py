"""Whole cities in the viewer: tiles loaded in the background, one merged mesh per tile, two levels
of detail, visibility by camera distance and frustum, and a memory budget.

A city comes as many tile files (state LoD2 tiles of 1 km², 500–2,000 buildings each) or as one
large model cut into a grid (``model.spatial``). Rendering it as one actor per object — or one
mesh for everything — makes VTK either draw-call bound or forces it to hold and draw every
triangle. Here every tile is **one PolyData per level of detail**:

near  the tile's full scene (LoD2 as in the file), coloured by semantic surface;
far   one block per building — the LoD1 geometry when the file has one, else the building's
      footprint (its GroundSurface triangles, or the downward faces) extruded vertically from its
      lowest to its highest point ("LoD1 from LoD2" as in 3DBAG's LoD1.2 blocks), built vectorised
      from the scene arrays: top = footprint lifted, walls = the footprint's boundary edges (edges
      used by one footprint triangle only). Buildings without a footprint get their 3D bbox box.

:class:`TileManager` decides per tile from the camera: ``near`` within ``near_m`` of the camera,
``far`` within ``far_m``, ``overview`` (only the blocks' tops: the city's roof print, a fifth of
the block triangles) farther out, else ``hidden``; tiles whose bbox lies completely outside the view
frustum are hidden too (VTK's own culler still skips hidden actors' draw calls). Zoomed out, the
far limit grows to 1.5 × the camera's distance to its focal point, so an overview of the whole
city shows every tile in view as blocks. Tiles needed and
not in memory are loaded by a thread pool, nearest first; ``poll()`` (call it from a GUI timer)
adds the finished meshes as actors in the GUI thread, reports progress and evicts meshes of the
farthest tiles while the meshes' memory exceeds ``memory_budget_mb`` (near meshes first, then far
blocks of hidden tiles). All tiles share one local origin (the minimum of the tile bboxes) so that
float32 GPU coordinates keep centimetre precision.

Picking: every tile mesh carries cell data ``object_index`` (index into that tile's object ids)
and field data ``tile_index``; :meth:`TileManager.object_id` maps a picked (dataset, cell) back to
the file's object id.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyvista as pv

from stadtbild.model.scene import Scene
from stadtbild.model.semantics import GROUND

NEAR_M = 1500.0
FAR_M = 6000.0
BUDGET_MB = 4096.0
ENVELOPE_MARGIN_M = 50.0


# ============================================================================ tile sources
@dataclass
class TileSource:
    """One tile: an id, its bbox [xmin, ymin, zmin, xmax, ymax, zmax] (model CRS, metres) and how to
    get its model: a file ``path``, or ``loader()`` returning a CityModel."""

    id: str
    bbox: np.ndarray
    path: str | None = None
    loader: object = None
    objects: int = 0

    def load(self, crs=None):
        if self.loader is not None:
            return self.loader()
        from stadtbild.importers import load

        return load(self.path, crs=crs)


def sniff_bbox(path) -> np.ndarray | None:
    """The bbox of a tile file without importing it (:func:`importers.extent.file_extent`): a
    CityGML root envelope is grown by :data:`ENVELOPE_MARGIN_M` because survey tiles give the tile
    frame there and buildings on the frame stick out of it; a CityGML file without one is read.
    None when it cannot be read."""
    from stadtbild.importers.extent import file_extent

    found = file_extent(path)
    if found is not None:
        bb, source = found
        if source == "envelope":
            bb = bb.copy()
            bb[[0, 1]] -= ENVELOPE_MARGIN_M
            bb[[3, 4]] += ENVELOPE_MARGIN_M
        return bb
    try:
        from stadtbild.importers import load, sniff_format

        return load(path).bbox() if sniff_format(path) == "CityGML" else None
    except Exception:  # noqa: BLE001 - unreadable tile: skipped with a warning by the caller
        return None


def file_sources(paths) -> tuple[list[TileSource], list[str]]:
    """Tile sources for files / folders of tiles (bbox sniffed, see :func:`sniff_bbox`) and the
    warnings for files that could not be read."""
    from stadtbild.importers import sorted_model_files

    files = []
    for p in paths:
        p = Path(p)
        files.extend(sorted_model_files(p) if p.is_dir() else [p])
    out, warnings = [], []
    for f in files:
        bb = sniff_bbox(f)
        if bb is None:
            warnings.append(f"{f}: no readable extent, tile skipped")
            continue
        out.append(TileSource(id=f.name, bbox=bb, path=str(f)))
    return out, warnings


def grid_sources(model, tile_size_m: float = 500.0, lod=None) -> list[TileSource]:
    """Tile sources of one loaded model cut into a grid (``analysis.batch_plan.grid_tiles`` ownership:
    a building goes to the cell holding its bbox centre); each loader returns the tile's subset
    (shares the model's arrays)."""
    from stadtbild.model.spatial import spatial_index, subset

    idx = spatial_index(model)
    c = idx.group_centres
    ok = np.flatnonzero(np.isfinite(c).all(axis=1))
    if not len(ok):
        return []
    ts = float(tile_size_m)
    key = np.floor(c[ok] / ts).astype(np.int64)
    keys, inv = np.unique(key, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(len(keys) + 1))
    bb_model = model.bbox()
    out = []
    for k, (cx, cy) in enumerate(keys):
        groups = ok[order[bounds[k]:bounds[k + 1]]]
        gb = idx.group_bounds[groups]
        bb = np.array([gb[:, 0].min(), gb[:, 1].min(), bb_model[2], gb[:, 2].max(), gb[:, 3].max(), bb_model[5]])
        ids = idx.members(groups)
        out.append(TileSource(id=f"E{cx * ts:.0f}_N{cy * ts:.0f}", bbox=bb, objects=len(ids),
                              loader=(lambda ids=ids: subset(model, ids))))
    return out


# ============================================================================ meshes
def _polydata(vertices, triangles, object_index, rgb, tile_index: int) -> pv.PolyData:
    faces = np.empty((len(triangles), 4), dtype=np.int64)
    faces[:, 0] = 3
    faces[:, 1:] = triangles
    mesh = pv.PolyData(np.asarray(vertices, dtype=np.float32), faces.ravel())
    mesh.cell_data["object_index"] = np.asarray(object_index, dtype=np.int32)
    mesh.cell_data["rgb"] = np.asarray(rgb, dtype=np.uint8)
    mesh.field_data["tile_index"] = np.array([tile_index], dtype=np.int32)
    return mesh


ROOF_BLOCK_COLOUR = (190, 120, 100)  # block tops: a muted roof colour, so far blocks read as roofs


def block_arrays(scene: Scene):
    """(vertices, triangles, object_index, is_top) of one extruded-footprint block per object of
    ``scene`` (module docstring), vectorised; local coordinates of the scene."""
    n_obj = len(scene.object_ids)
    m = scene.n_triangles
    if m == 0:
        return np.zeros((0, 3)), np.zeros((0, 3), np.int64), np.zeros(0, np.int32), np.zeros(0, bool)
    obj = scene.object_index.astype(np.int64)
    c = scene.corners
    zmin = np.full(n_obj, np.inf)
    zmax = np.full(n_obj, -np.inf)
    np.minimum.at(zmin, obj, c[:, :, 2].min(axis=1))
    np.maximum.at(zmax, obj, c[:, :, 2].max(axis=1))
    nz = scene.face_normals_raw[:, 2]
    ground = scene.surface_type == GROUND
    has_ground = np.zeros(n_obj, bool)
    has_ground[obj[ground]] = True
    down = (nz < 0) & ~has_ground[obj]
    foot = np.flatnonzero((ground | down) & (np.abs(nz) > 1e-9))
    has_foot = np.zeros(n_obj, bool)
    has_foot[obj[foot]] = True
    verts, tris, owner, top_flag = [], [], [], []
    base = 0
    if len(foot):
        ft = scene.triangles[foot]
        fo = obj[foot]
        # orient every footprint triangle counter-clockwise seen from above
        flip = scene.face_normals_raw[foot, 2] < 0
        ft = np.where(flip[:, None], ft[:, ::-1], ft)
        xy = scene.vertices[ft][:, :, :2]  # (k, 3, 2)
        k = len(ft)
        # top: the footprint at the object's highest z
        top = np.concatenate([xy, np.repeat(zmax[fo][:, None, None], 3, axis=1)], axis=2).reshape(-1, 3)
        verts.append(top)
        tris.append(base + np.arange(3 * k).reshape(k, 3))
        owner.append(fo)
        top_flag.append(np.ones(k, bool))
        base += 3 * k
        # walls: boundary edges of the footprint (used by exactly one footprint triangle)
        e = np.stack([ft[:, [0, 1]], ft[:, [1, 2]], ft[:, [2, 0]]], axis=1).reshape(-1, 2)
        eo = np.repeat(fo, 3)
        und = np.sort(e, axis=1)
        keyv = np.stack([eo, und[:, 0], und[:, 1]], axis=1)
        _, inv, counts = np.unique(keyv, axis=0, return_inverse=True, return_counts=True)
        edge = np.flatnonzero(counts[inv.reshape(-1)] == 1)
        if len(edge):
            a = scene.vertices[e[edge, 0], :2]
            b = scene.vertices[e[edge, 1], :2]
            z0 = zmin[eo[edge]][:, None]
            z1 = zmax[eo[edge]][:, None]
            quad = np.stack([np.hstack([a, z0]), np.hstack([b, z0]), np.hstack([b, z1]), np.hstack([a, z1])], axis=1)
            q = len(edge)
            verts.append(quad.reshape(-1, 3))
            idx = base + 4 * np.arange(q)[:, None]
            tris.append(np.concatenate([idx + [0, 1, 2], idx + [0, 2, 3]]))
            owner.append(np.concatenate([eo[edge], eo[edge]]))
            top_flag.append(np.zeros(2 * q, bool))
            base += 4 * q
    # objects without a footprint: their 3D bbox as a box
    rest = np.flatnonzero(~has_foot & np.isfinite(zmin))
    if len(rest):
        lo = np.full((n_obj, 3), np.inf)
        hi = np.full((n_obj, 3), -np.inf)
        flat_c = c.reshape(-1, 3)
        np.minimum.at(lo, np.repeat(obj, 3), flat_c)
        np.maximum.at(hi, np.repeat(obj, 3), flat_c)
        lo, hi = lo[rest], hi[rest]
        corner_sel = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]])
        box_v = np.where(corner_sel[None, :, :] == 1, hi[:, None, :], lo[:, None, :]).reshape(-1, 3)
        box_t = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5],
                          [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])
        verts.append(box_v)
        tris.append((base + 8 * np.arange(len(rest))[:, None, None] + box_t[None]).reshape(-1, 3))
        owner.append(np.repeat(rest, 12))
        top_flag.append(np.tile(np.array([0, 0, 1, 1] + [0] * 8, bool), len(rest)))
    return (np.concatenate(verts), np.concatenate(tris).astype(np.int64), np.concatenate(owner).astype(np.int32),
            np.concatenate(top_flag))


def tile_meshes(model, origin, tile_index: int, lod=None, colour_mode: str = "auto"):
    """(near, far, tops PolyData, object ids) of one tile in the shared local ``origin``."""
    from .scene_view import TYPE_COLOURS, DEFAULT_COLOUR, triangle_colours

    scene = model.scene(lod)
    shift = np.asarray(scene.origin, float) - np.asarray(origin, float)
    if scene.n_triangles == 0:
        return None, None, None, list(scene.object_ids)
    near = _polydata(scene.vertices + shift, scene.triangles, scene.object_index,
                     triangle_colours(scene, colour_mode), tile_index)
    far_scene = None
    if lod is None and any(lv.startswith("1") for lv in model.lods()) and any(
            not lv.startswith("1") for lv in model.lods()):
        far_scene = model.scene("1")  # the file's own LoD1 blocks
        if far_scene.n_triangles == 0 or far_scene.object_ids != scene.object_ids:
            far_scene = None
    if far_scene is not None:
        fshift = np.asarray(far_scene.origin, float) - np.asarray(origin, float)
        fv, ft, fo = far_scene.vertices + fshift, far_scene.triangles, far_scene.object_index
        top = far_scene.face_normals[:, 2] > 0.5
    else:
        fv, ft, fo, top = block_arrays(scene)
        fv = fv + shift
    table = np.array([TYPE_COLOURS.get(t, DEFAULT_COLOUR) for t in scene.object_types] or [DEFAULT_COLOUR], np.uint8)
    rgb = table[fo] if len(fo) else np.zeros((0, 3), np.uint8)
    is_building = np.array([str(t).startswith("Building") for t in scene.object_types] or [False])
    rgb[top & is_building[fo]] = ROOF_BLOCK_COLOUR
    far = _polydata(fv, ft, fo, rgb, tile_index) if len(ft) else None
    tops = _polydata(fv, ft[top], fo[top], rgb[top], tile_index) if top.any() else None
    return near, far, tops, list(scene.object_ids)


# ============================================================================ the manager
@dataclass(eq=False)
class TileState:
    source: TileSource
    index: int
    near: object = None  # PolyData
    far: object = None
    tops: object = None
    actor_tops: object = None
    ids: list = field(default_factory=list)
    actor_near: object = None
    actor_far: object = None
    level: str = "hidden"  # wanted level
    loading: bool = False
    failed: str | None = None
    last_used: float = 0.0
    mesh_mb: float = 0.0
    types: list = field(default_factory=list)
    attributes: list = field(default_factory=list)  # per object (small dicts; for the attribute panel)


def _mesh_mb(*meshes) -> float:
    return sum(m.actual_memory_size for m in meshes if m is not None) / 1024.0


class TileManager:
    """Shows ``sources`` in a PyVista ``plotter`` (module docstring).

    near_m, far_m       camera distance (m) up to which a tile is drawn in full / as blocks
    memory_budget_mb    meshes kept in memory at most (MiB; evicts the farthest first)
    workers             background loader threads
    progress            callable(done, total, tile_id) in the GUI thread (from ``poll``)
    """

    def __init__(self, plotter, sources, near_m: float = NEAR_M, far_m: float = FAR_M,
                 memory_budget_mb: float = BUDGET_MB, workers: int = 1, lod=None, crs=None, progress=None,
                 origin=None, ground: bool = True):
        self.plotter = plotter
        self.tiles = [TileState(source=s, index=i) for i, s in enumerate(sources)]
        self.near_m, self.far_m = float(near_m), float(far_m)
        self.memory_budget_mb = float(memory_budget_mb)
        self.lod, self.crs = lod, crs
        self.progress = progress
        bbs = np.array([t.source.bbox for t in self.tiles]) if self.tiles else np.zeros((0, 6))
        self.bbox = np.concatenate([bbs[:, :3].min(axis=0), bbs[:, 3:].max(axis=0)]) if len(bbs) else np.zeros(6)
        self.origin = np.floor(self.bbox[:3]) if origin is None else np.asarray(origin, float)
        self.local_bounds = (bbs.reshape(-1, 2, 3) - self.origin[None, None, :]) if len(bbs) else np.zeros((0, 2, 3))
        self._pool = ThreadPoolExecutor(max_workers=max(1, int(workers)), thread_name_prefix="tile-load")
        self._done: list = []
        self._lock = threading.Lock()
        self.warnings: list[str] = []
        self.loaded_count = 0
        self.ground_actor = None
        if ground and len(bbs):  # one plane under the whole city (not pickable), at its lowest point
            lo, hi = self.scene_bounds
            pad = 0.05 * float(max(hi[0] - lo[0], hi[1] - lo[1], 1.0))
            plane = pv.Plane(center=((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2] - 0.05), direction=(0, 0, 1),
                             i_size=hi[0] - lo[0] + 2 * pad, j_size=hi[1] - lo[1] + 2 * pad)
            self.ground_actor = plotter.add_mesh(plane, color=(0.92, 0.92, 0.88), name="tiles-ground", pickable=False,
                                                 ambient=0.4, diffuse=0.6, reset_camera=False, render=False)

    # ------------------------------------------------------------------ geometry of the view
    @property
    def scene_bounds(self) -> np.ndarray:
        """(2, 3) local bounds of all tiles (for framing the camera)."""
        return np.array([self.bbox[:3] - self.origin, self.bbox[3:] - self.origin])

    def _camera(self):
        cam = self.plotter.renderer.GetActiveCamera()
        w, h = self.plotter.window_size
        planes = [0.0] * 24
        cam.GetFrustumPlanes(w / max(h, 1), planes)
        return np.array(cam.GetPosition()), np.array(planes).reshape(6, 4)

    def wanted_levels(self) -> np.ndarray:
        """Level per tile for the current camera: 3 near, 2 far, 1 overview, 0 hidden (distance from the
        camera to the tile's bbox, and a frustum test of the bbox's 8 corners)."""
        if not self.tiles:
            return np.zeros(0, np.int8)
        pos, planes = self._camera()
        lo, hi = self.local_bounds[:, 0], self.local_bounds[:, 1]
        nearest = np.clip(pos[None, :], lo, hi)
        dist = np.linalg.norm(nearest - pos[None, :], axis=1)
        # a bbox is outside the frustum when all 8 corners are behind one side plane (left, right,
        # bottom, top; VTK normals point inward) or behind the camera. VTK's near/far planes are
        # left out: VTK fits them to the props already shown; distance decides about far tiles.
        cam = self.plotter.renderer.GetActiveCamera()
        view = np.array(cam.GetDirectionOfProjection())
        behind = np.append(view, -float(view @ pos))  # the camera plane: nothing behind it is seen
        planes = np.vstack([planes[:4], behind])
        sel = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)])
        corners = np.where(sel[None, :, :] == 1, hi[:, None, :], lo[:, None, :])  # (t, 8, 3)
        side = np.einsum("tcj,pj->tpc", corners, planes[:, :3]) + planes[None, :, 3, None]
        outside = (side < 0).all(axis=2).any(axis=1)
        # zoomed out over the whole city the blocks of everything in view are drawn: the far limit
        # grows with the distance to the focal point (the memory budget still applies)
        overview = max(self.far_m, 1.5 * float(cam.GetDistance()))
        level = np.select([dist <= self.near_m, dist <= self.far_m, dist <= overview], [3, 2, 1], 0).astype(np.int8)
        level[outside] = 0
        self._distance = dist
        return level

    # ------------------------------------------------------------------ loading
    def _load(self, tile: TileState):
        t0 = time.perf_counter()
        try:
            model = tile.source.load(self.crs)
            near, far, tops, ids = tile_meshes(model, self.origin, tile.index, self.lod)
            info = ([model.objects[i].type for i in ids], [model.objects[i].attributes for i in ids])
            del model
            return tile, (near, far, tops), (ids, info), None, time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - one bad tile must not stop the city
            return tile, (None, None, None), ([], ([], [])), f"{type(exc).__name__}: {exc}", time.perf_counter() - t0

    def _submit(self, tile: TileState) -> None:
        tile.loading = True
        fut = self._pool.submit(self._load, tile)
        fut.add_done_callback(lambda f: self._finished(f))

    def _finished(self, fut) -> None:
        with self._lock:
            self._done.append(fut.result())

    def update(self, render: bool = False) -> dict:
        """Apply the camera: set actor visibility, queue loads of needed tiles (nearest first),
        integrate finished loads, enforce the memory budget. Returns counts."""
        self.poll(render=False)
        levels = self.wanted_levels()
        now = time.perf_counter()
        need = []
        for t, lv in zip(self.tiles, levels):
            t.level = ("hidden", "overview", "far", "near")[int(lv)]
            if lv > 0:
                t.last_used = now
                missing = t.near is None if lv == 3 else (t.far is None and t.near is None)
                if missing and not t.loading and t.failed is None:
                    need.append(t)
            self._show(t)
        for t in sorted(need, key=lambda t: self._distance[t.index]):
            self._submit(t)
        self._enforce_budget()
        if render:
            self.plotter.renderer.ResetCameraClippingRange()
            self.plotter.render()
        return self.counts()

    def poll(self, render: bool = True) -> int:
        """Add the meshes of tiles loaded since the last call (GUI thread). Returns how many."""
        with self._lock:
            done, self._done = self._done, []
        for tile, (near, far, tops), ids, err, _secs in done:
            tile.loading = False
            self.loaded_count += 1
            if err is not None:
                tile.failed = err
                self.warnings.append(f"{tile.source.id}: {err}")
                continue
            self._drop(tile)
            ids, (tile.types, tile.attributes) = ids
            tile.near, tile.far, tile.tops, tile.ids = near, far, tops, ids
            tile.mesh_mb = _mesh_mb(near, far, tops)
            kw = dict(scalars="rgb", rgb=True, show_edges=False, lighting=True, smooth_shading=False,
                      ambient=0.25, diffuse=0.75, specular=0.05, reset_camera=False, render=False, pickable=True)
            if near is not None:
                tile.actor_near = self.plotter.add_mesh(near, name=f"tile-near:{tile.index}", **kw)
            if far is not None:
                tile.actor_far = self.plotter.add_mesh(far, name=f"tile-far:{tile.index}", **kw)
            if tops is not None:
                tile.actor_tops = self.plotter.add_mesh(tops, name=f"tile-tops:{tile.index}", **kw)
            self._show(tile)
            if self.progress:
                self.progress(self.loaded_count, self.pending_total(), tile.source.id)
        if done:
            self._enforce_budget()
            self.plotter.renderer.ResetCameraClippingRange()
            if render:
                self.plotter.render()
        return len(done)

    def _show(self, t: TileState) -> None:
        near_vis = t.level == "near" and t.actor_near is not None
        tops_vis = t.level == "overview" and t.actor_tops is not None
        far_vis = (t.level == "far" or (t.level == "near" and t.actor_near is None)
                   or (t.level == "overview" and t.actor_tops is None)) and t.actor_far is not None
        if t.actor_tops is not None:
            t.actor_tops.SetVisibility(tops_vis)
        if t.actor_near is not None:
            t.actor_near.SetVisibility(near_vis)
        if t.actor_far is not None:
            t.actor_far.SetVisibility(far_vis)

    def _drop(self, t: TileState, near_only: bool = False) -> None:
        if t.actor_near is not None:
            self.plotter.remove_actor(t.actor_near, render=False)
            t.actor_near = None
        t.near = None
        if not near_only:
            for name in ("actor_far", "actor_tops"):
                if getattr(t, name) is not None:
                    self.plotter.remove_actor(getattr(t, name), render=False)
                    setattr(t, name, None)
            t.far = t.tops = None
        t.mesh_mb = _mesh_mb(t.near, t.far, t.tops)

    def memory_mb(self) -> float:
        """Memory of the tile meshes held (MiB, VTK's own accounting)."""
        return float(sum(t.mesh_mb for t in self.tiles))

    def _enforce_budget(self) -> None:
        used = self.memory_mb()
        if used <= self.memory_budget_mb:
            return
        dist = getattr(self, "_distance", np.zeros(len(self.tiles)))
        order = sorted(self.tiles, key=lambda t: -dist[t.index] if len(dist) else 0)
        for stage in ("near", "far"):  # full meshes of non-near tiles first, then blocks of hidden ones
            for t in order:
                if used <= self.memory_budget_mb:
                    return
                if stage == "near" and t.near is not None and t.level != "near":
                    before = t.mesh_mb
                    self._drop(t, near_only=True)
                    used -= before - t.mesh_mb
                elif stage == "far" and t.level == "hidden" and (t.far is not None or t.near is not None):
                    used -= t.mesh_mb
                    self._drop(t)

    def pending_total(self) -> int:
        return self.loaded_count + sum(1 for t in self.tiles if t.loading)

    def counts(self) -> dict:
        lv = [t.level for t in self.tiles]
        return {"tiles": len(self.tiles), "near": lv.count("near"), "far": lv.count("far"),
                "overview": lv.count("overview"),
                "hidden": lv.count("hidden"), "loading": sum(t.loading for t in self.tiles),
                "loaded": sum(1 for t in self.tiles if t.near is not None or t.far is not None),
                "failed": sum(1 for t in self.tiles if t.failed), "memory_mb": round(self.memory_mb(), 1),
                "triangles_drawn": self.triangles_drawn()}

    def triangles_drawn(self) -> int:
        n = 0
        for t in self.tiles:
            if t.actor_near is not None and t.actor_near.GetVisibility():
                n += t.near.n_cells
            if t.actor_far is not None and t.actor_far.GetVisibility():
                n += t.far.n_cells
            if t.actor_tops is not None and t.actor_tops.GetVisibility():
                n += t.tops.n_cells
        return n

    def wait(self, timeout_s: float = 60.0, render: bool = True) -> bool:
        """Block (polling) until every tile the camera needs is loaded; True when it happened."""
        end = time.perf_counter() + timeout_s
        while time.perf_counter() < end:
            self.update(render=False)
            if not any(t.loading for t in self.tiles):
                self.update(render=False)
                if not any(t.loading for t in self.tiles):
                    if render:
                        self.plotter.render()
                    return True
            time.sleep(0.01)
        return False

    # ------------------------------------------------------------------ picking
    def object_at(self, dataset, cell_id: int):
        """(id, type, attributes) of the object owning a picked cell, or None."""
        oid = self.object_id(dataset, cell_id)
        if oid is None:
            return None
        tile = self.tiles[int(dataset.GetFieldData().GetArray("tile_index").GetValue(0))]
        k = tile.ids.index(oid)
        return oid, tile.types[k] if k < len(tile.types) else None, tile.attributes[k] if k < len(tile.attributes) else {}

    def object_id(self, dataset, cell_id: int) -> str | None:
        """The file's object id of cell ``cell_id`` of a tile mesh (e.g. ``vtkCellPicker``'s
        ``GetDataSet()``/``GetCellId()``), None for other datasets."""
        if dataset is None or cell_id is None or cell_id < 0:
            return None
        fd = dataset.GetFieldData().GetArray("tile_index")
        cd = dataset.GetCellData().GetArray("object_index")
        if fd is None or cd is None or cell_id >= cd.GetNumberOfTuples():
            return None
        tile = self.tiles[int(fd.GetValue(0))]
        oi = int(cd.GetValue(int(cell_id)))
        return tile.ids[oi] if 0 <= oi < len(tile.ids) else None

    def _cell_at(self, x: float, y: float) -> tuple:
        """(dataset, cell id) under display pixel (x, y) (VTK display coordinates, origin
        bottom-left); (None, -1) over nothing."""
        from vtkmodules.vtkRenderingCore import vtkCellPicker  # not all of VTK (``import vtk``)

        picker = vtkCellPicker()
        picker.SetTolerance(0.0005)
        if picker.Pick(x, y, 0, self.plotter.renderer):
            return picker.GetDataSet(), picker.GetCellId()
        return None, -1

    def pick(self, x: float, y: float) -> str | None:
        """Object id under display pixel (x, y) (VTK display coordinates, origin bottom-left)."""
        return self.object_id(*self._cell_at(x, y))

    def pick_object(self, x: float, y: float):
        """(id, type, attributes) of the object under display pixel (x, y), None over nothing."""
        return self.object_at(*self._cell_at(x, y))

    def clear(self) -> None:
        """Remove every tile actor and mesh (and the ground) from the plotter (the sources stay)."""
        for t in self.tiles:
            self._drop(t)
        if self.ground_actor is not None:
            self.plotter.remove_actor(self.ground_actor, render=False)
            self.ground_actor = None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
