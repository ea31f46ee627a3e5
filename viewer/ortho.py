"""The orthophoto on the ground as level-of-detail tiles: resolution follows the view distance.

A quadtree over the orthophoto's area (clipped to ``max_extent_m`` around the model): a tile of
level L is ``root / 2^L`` metres wide and carries a :data:`TILE_PX`² texture, so its texel is
``side / TILE_PX`` metres. :meth:`OrthoTiles.select` refines, largest error first, every tile in the
view frustum whose texel is coarser than what one screen pixel covers at the tile's nearest point
(perspective: ``2·d·tan(θ/2) / H`` metres per pixel at distance d; parallel: ``2·scale / H``) and
coarser than the image's own pixels — until :attr:`max_texels` is spent. Only those tiles are read
(:meth:`importers.rasters.ImageMosaic.read_rgba` at exactly the tile's pixel size, so GDAL reads
the matching overview) and uploaded, so a 10 km² DOP20 (250 Mpx, 1 GB RGBA) never has to be in
memory or on the GPU at full resolution: from afar the whole area costs a few 512² tiles, close
up only the tiles near the camera are fine.

Tiles are textured ground patches (:func:`viewer.drape.ground_patch`, following the terrain when
one is loaded) at stack level :data:`viewer.drape.RANK_ORTHO`. Read tiles stay in an LRU cache
(:attr:`cache_tiles`) so that orbiting back and forth does not read them again.
"""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from .drape import RANK_ORTHO, add_textured, ground_patch

TILE_PX = 512
MAX_LEVEL = 16


class OrthoTiles:
    """Level-of-detail tiles of an :class:`importers.rasters.ImageMosaic` in a scene's local frame.

    ``ground``: an :class:`model.ground.Ground` (terrain) or a local plane height;
    ``area_local``: (xmin, ymin, xmax, ymax) to show, local frame (default: the mosaic's bounds)."""

    def __init__(self, mosaic, origin, ground, area_local=None, max_texels: int = 24 * TILE_PX * TILE_PX,
                 cache_tiles: int = 96, name: str = "ortho"):
        self.mosaic = mosaic
        self.origin = np.asarray(origin, dtype=float).reshape(3)
        self.ground = ground
        b = np.asarray(mosaic.bounds, dtype=float) - np.r_[self.origin[:2], self.origin[:2]]
        if area_local is not None:
            a = np.asarray(area_local, dtype=float)
            b = np.array([max(b[0], a[0]), max(b[1], a[1]), min(b[2], a[2]), min(b[3], a[3])])
        if not (b[2] > b[0] and b[3] > b[1]):
            raise ValueError("the orthophoto does not cover the area shown")
        self.area = b
        self.root = float(max(b[2] - b[0], b[3] - b[1]))
        self.max_level = int(np.clip(math.ceil(math.log2(max(self.root / (TILE_PX * mosaic.pixel_m), 1.0))), 0,
                                     MAX_LEVEL))
        self.max_texels = int(max_texels)
        self.cache_tiles = int(cache_tiles)
        self.name = name
        self._cache: OrderedDict = OrderedDict()  # key -> (rgba, mesh)
        self._actors: dict = {}  # key -> actor currently in the plotter
        z = getattr(ground, "plane_z", ground if np.isscalar(ground) else 0.0)
        self._z = float(z) if np.isscalar(z) else 0.0
        if getattr(ground, "grid", None) is not None and ground.grid.z_range:
            self._zr = (ground.grid.z_range[0] - self.origin[2], ground.grid.z_range[1] - self.origin[2])
        else:
            self._zr = (self._z, self._z)
        self.reads = 0

    # ------------------------------------------------------------------ tiles
    def tile_bounds(self, key) -> tuple:
        """Local (xmin, ymin, xmax, ymax) of tile ``(level, i, j)`` clipped to the area."""
        level, i, j = key
        side = self.root / (1 << level)
        x0 = self.area[0] + i * side
        y0 = self.area[1] + j * side
        return (x0, y0, min(x0 + side, self.area[2]), min(y0 + side, self.area[3]))

    def texel_m(self, level: int) -> float:
        return self.root / (1 << level) / TILE_PX

    def _children(self, key):
        level, i, j = key
        for di in (0, 1):
            for dj in (0, 1):
                k = (level + 1, 2 * i + di, 2 * j + dj)
                b = self.tile_bounds(k)
                if b[2] > b[0] + 1e-9 and b[3] > b[1] + 1e-9:
                    yield k

    def select(self, camera, viewport_px: tuple) -> list:
        """Tiles to show for a VTK camera (``vtkCamera``) and a viewport of ``(width, height)``
        pixels: a cover of the area without overlaps, finest where the view needs it."""
        import heapq

        w, h = (int(v) for v in viewport_px)
        planes = np.zeros(24)
        camera.GetFrustumPlanes(w / max(h, 1), planes)
        planes = planes.reshape(6, 4)
        pos = np.array(camera.GetPosition())
        if camera.GetParallelProjection():
            mpp_const = 2.0 * camera.GetParallelScale() / max(h, 1)
            mpp = lambda d: mpp_const  # noqa: E731
        else:
            per_m = 2.0 * math.tan(math.radians(camera.GetViewAngle()) / 2) / max(h, 1)
            mpp = lambda d: per_m * max(d, 1e-3)  # noqa: E731
        native = self.mosaic.pixel_m

        def error(key):
            b = self.tile_bounds(key)
            nearest = np.array([np.clip(pos[0], b[0], b[2]), np.clip(pos[1], b[1], b[3]),
                                np.clip(pos[2], *self._zr)])
            d = float(np.linalg.norm(pos - nearest))
            return self.texel_m(key[0]) / max(mpp(d), native)

        def visible(key):
            b = self.tile_bounds(key)
            corners = np.array([[x, y, z] for x in (b[0], b[2]) for y in (b[1], b[3]) for z in self._zr])
            # outside if all corners are behind one plane (VTK planes: a·x + b·y + c·z + d >= 0 inside)
            s = corners @ planes[:, :3].T + planes[:, 3]
            return not (s < 0).all(axis=0).any()

        root = (0, 0, 0)
        chosen = {root}
        heap = [(-error(root), root)] if visible(root) else []
        texels = TILE_PX * TILE_PX
        while heap:
            neg, key = heapq.heappop(heap)
            if -neg <= 1.0 or key[0] >= self.max_level:
                continue
            kids = [k for k in self._children(key)]
            if texels + (len(kids) - 1) * TILE_PX * TILE_PX > self.max_texels:
                break
            chosen.discard(key)
            texels += (len(kids) - 1) * TILE_PX * TILE_PX
            for k in kids:
                chosen.add(k)
                if visible(k):
                    heapq.heappush(heap, (-error(k), k))
        return sorted(chosen)

    def _tile(self, key):
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        b = self.tile_bounds(key)
        t = self.texel_m(key[0])
        wpx = max(1, int(round((b[2] - b[0]) / t)))
        hpx = max(1, int(round((b[3] - b[1]) / t)))
        o = self.origin
        rgba = self.mosaic.read_rgba((b[0] + o[0], b[1] + o[1], b[2] + o[0], b[3] + o[1]), wpx, hpx)
        self.reads += 1
        mesh = ground_patch(self.ground, b, max_cells=32)
        self._cache[key] = (rgba, mesh)
        while len(self._cache) > self.cache_tiles:  # least recently used first, never a shown tile
            victim = next((k for k in self._cache if k not in self._actors), None)
            if victim is None:
                break
            del self._cache[victim]
        return rgba, mesh

    def show(self, plotter, keys, lighting: bool = True) -> int:
        """Make exactly the tiles ``keys`` visible in ``plotter`` (reading the new ones);
        returns how many were read from the files."""
        before = self.reads
        wanted = set(keys)
        for key in list(self._actors):
            if key not in wanted:
                plotter.remove_actor(self._actors.pop(key), render=False)
        for key in keys:
            if key in self._actors:
                continue
            rgba, mesh = self._tile(key)
            if rgba[:, :, 3].max() == 0:
                continue  # nothing of the image in this tile
            # no-data texels (beyond a warped image's edge) are cut out: the ground shows there
            self._actors[key] = add_textured(plotter, mesh, rgba, f"{self.name}-{key[0]}-{key[1]}-{key[2]}",
                                             RANK_ORTHO, interpolate=True, lighting=lighting, cutout=True)
        return self.reads - before

    def update(self, plotter, viewport_px=None) -> int:
        """Select and show the tiles for the plotter's current camera; returns the tiles read."""
        size = viewport_px or tuple(plotter.window_size)
        return self.show(plotter, self.select(plotter.camera, size))

    def clear(self, plotter) -> None:
        for key in list(self._actors):
            plotter.remove_actor(self._actors.pop(key), render=False)

    @property
    def shown(self) -> list:
        return sorted(self._actors)

    def actors(self) -> list:
        return list(self._actors.values())
