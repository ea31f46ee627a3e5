"""Incremental ray core for interactive planning edits.

Rebuilding the Embree BVH of the whole district after every edit (demolish, insert, move) costs
75–99 ms on the demo and grows with the district (≈ 0.7 s for 600 k triangles, see
``benchmarks/bench_raycast.py``), although an edit changes only a few buildings.
:class:`EditableRayCaster` keeps the source scene's :class:`~analysis.raycast.RayCaster` for the
whole session and expresses the edited state as

* the source objects that are gone (demolished, or the old state of moved/changed ones):
  switched off with :meth:`RayCaster.set_object_enabled` (no rebuild of the main BVH), and
* the new geometry (inserted objects and the new state of moved/changed ones): a second, small
  RayCaster over just those triangles, built in time proportional to what changed.

When so much is removed that masking costs more than a rebuild (removed triangles ×
:data:`MASK_COST_RATIO` > kept triangles), the source part is instead rebuilt once without the
removed objects (the source BVH is still kept, so undoing back to a small edit is cheap again).

A query is answered by both and combined: ``occluded = source or added``; ``first_hit`` = the
nearer of the two hits (the source wins a tie). Object and triangle numbers follow
:attr:`EditableRayCaster.scene`: the source scene's objects/triangles first, then the added ones.

The same idea is used by game engines and ray tracers for dynamic scenes: a static top-level
structure plus small per-object structures that are rebuilt when they move (a two-level BVH,
e.g. Embree's instancing / "rtcCommitScene" of a small dynamic scene, Wald et al. 2007,
"Ray tracing deformable scenes using dynamic bounding volume hierarchies").
"""
from __future__ import annotations

import numpy as np

from .raycast import RayCaster, RayHits

#: removed source triangles cost about this many times more to mask (small BVHs of the removed
#: triangles and their close neighbours, see :mod:`analysis.raycast`) than a kept triangle costs
#: to rebuild (measured on the demo, ``benchmarks/bench_edits.py``): above the break-even the
#: source part is rebuilt without the removed objects instead
MASK_COST_RATIO = 12.0


class EditableRayCaster:
    """Ray queries over ``source`` (a :class:`~model.scene.Scene`) with edits applied, without
    rebuilding the source BVH (module docstring). Coordinates are the SOURCE scene's local frame.

    ``edit(removed=…, added=…)`` sets the edited state: ``removed`` = source object ids (or a
    (n_source_objects,) bool mask) that are gone, ``added`` = a Scene with the new geometry (any
    origin; re-expressed in the source frame) or None. ``sync(edited_scene)`` derives both from the
    edited model's scene (unchanged objects = same id and bit-identical triangles, see
    :func:`analysis.scenario_rays.before_after_scene`). Implements :class:`analysis.casters.RayCore`.
    """

    #: no terrain near field (see :class:`analysis.casters.RayCore`)
    near_field = False

    def __init__(self, source, backend: str = "auto", **kwargs):
        self.source_scene = source
        self.backend = backend
        self._kwargs = kwargs
        self.source = RayCaster(source, backend=backend, **kwargs)
        self._core = self.source  # answers for the source part: the source, or a rebuild without removed
        self._core_tri = None  # triangle numbers of a rebuilt core in the source scene
        self._added = None  # RayCaster over the added geometry
        self._added_scene = None
        self._removed = np.zeros(len(source.object_ids), dtype=bool)
        self._scene = source

    # ---------------------------------------------------------------- edited state
    def edit(self, removed=None, added=None) -> None:
        """Set the edited state (replaces the previous one; ``edit()`` = back to the source)."""
        n = len(self.source_scene.object_ids)
        if removed is None:
            mask = np.zeros(n, dtype=bool)
        elif isinstance(removed, np.ndarray) and removed.dtype == bool:
            if removed.shape != (n,):
                raise ValueError(f"removed mask must have {n} entries (one per source object)")
            mask = removed.copy()
        else:
            mask = np.zeros(n, dtype=bool)
            lookup = {oid: i for i, oid in enumerate(self.source_scene.object_ids)}
            idx = [lookup[i] for i in removed if i in lookup]
            mask[idx] = True
        n_removed = int(mask[self.source_scene.object_index].sum()) if len(mask) else 0
        if n_removed * MASK_COST_RATIO > self.source_scene.n_triangles - n_removed:
            # many removed: a fresh BVH of the kept source triangles is cheaper than masking
            keep = ~mask[self.source_scene.object_index]
            if not (self._core_tri is not None and np.array_equal(mask, self._removed)):
                if self._core is not self.source:
                    self._core.close()
                self._core = RayCaster(self.source_scene.select(keep), backend=self.backend, **self._kwargs)
                self._core.set_object_enabled(~mask)  # (they have no triangles left: no BVH work)
                self._core_tri = np.flatnonzero(keep)
            else:
                self._core.set_object_enabled(~mask)
        else:
            if self._core is not self.source:
                self._core.close()
                self._core, self._core_tri = self.source, None
            if not np.array_equal(self.source.enabled_objects, ~mask):
                self.source.set_object_enabled(~mask)
        self._removed = mask
        if added is not None and added.n_triangles:
            added = added.shifted_to(self.source_scene.origin)
            self._added = RayCaster(added, backend=self.backend, **self._kwargs)
            self._added_scene = added
        else:
            if self._added is not None:
                self._added.close()
            self._added = self._added_scene = None
        self._scene = None

    def sync(self, edited_scene) -> None:
        """Set the edited state from the scene of the edited model: source objects that are not
        in it unchanged are removed, its new or changed objects are added."""
        from .scenario_rays import before_after_scene

        edited_scene = edited_scene.shifted_to(self.source_scene.origin)
        ba = before_after_scene(self.source_scene, edited_scene)
        removed = np.ones(len(self.source_scene.object_ids), dtype=bool)
        removed[ba.before_object[:ba.n_after_objects][ba.before[:ba.n_after_objects]]] = False
        new_obj = ~ba.before[:ba.n_after_objects]
        added = edited_scene.select(new_obj[edited_scene.object_index]) if new_obj.any() else None
        self.edit(removed=removed, added=added)

    def prepare(self) -> None:
        """Do the one-off work of the first edit now (the source RayCaster's 2D triangle lookup
        grid, ~0.1 s per 100 k triangles), e.g. in a background thread after loading, so that the
        first interactive edit is as cheap as the later ones."""
        if len(self._removed) and not self._removed.any():
            probe = np.zeros(len(self._removed), dtype=bool)
            probe[0] = True
            self.source.set_object_enabled(~probe)
            self.source.set_object_enabled(np.ones(len(probe), dtype=bool))

    def set_object_enabled(self, mask) -> None:
        """Switch objects of :attr:`scene` on/off on top of the edit (as
        :meth:`RayCaster.set_object_enabled`, so analyses can hide e.g. ground cover): removed
        source objects stay off whatever ``mask`` says."""
        mask = np.asarray(mask, dtype=bool).reshape(-1)
        n = len(self._removed)
        extra = 0 if self._added_scene is None else len(self._added_scene.object_ids)
        if mask.shape != (n + extra,):
            raise ValueError(f"mask must have {n + extra} entries (one per object of .scene)")
        self._core.set_object_enabled(mask[:n] & ~self._removed)
        if self._added is not None:
            self._added.set_object_enabled(mask[n:])

    @property
    def removed(self) -> np.ndarray:
        """(n_source_objects,) bool: source objects switched off (a copy)."""
        return self._removed.copy()

    @property
    def added_scene(self):
        """The added geometry (source frame), or None."""
        return self._added_scene

    @property
    def scene(self):
        """The combined Scene: source objects and triangles first, then the added ones (built on
        first use; removed source objects stay in it, see :attr:`enabled_objects`)."""
        if self._scene is None:
            from stadtbild.model.scene import Scene

            self._scene = (self.source_scene if self._added_scene is None
                           else Scene.concatenate([self.source_scene, self._added_scene]))
        return self._scene

    @property
    def enabled_objects(self) -> np.ndarray:
        """(n_objects of :attr:`scene`,) bool: objects present in the edited state."""
        added = np.zeros(0, dtype=bool) if self._added is None else self._added.enabled_objects
        return np.concatenate([self._core.enabled_objects, added])

    def close(self) -> None:
        self.source.close()
        if self._core is not self.source:
            self._core.close()
        if self._added is not None:
            self._added.close()

    # ---------------------------------------------------------------- queries
    def occluded(self, origins, directions, tmax=np.inf, tmin=0.0) -> np.ndarray:
        """(n,) bool: blocked by a present source object or by the added geometry."""
        occ = self._core.occluded(origins, directions, tmax, tmin)
        if self._added is not None:
            occ |= self._added.occluded(origins, directions, tmax, tmin)
        return occ

    def first_hit(self, origins, directions, tmax=np.inf, tmin=0.0) -> RayHits:
        """The nearer of the first hits in the source (without removed objects) and in the added
        geometry; triangle/object numbers index :attr:`scene`."""
        a = self._core.first_hit(origins, directions, tmax, tmin)
        if self._core_tri is not None and len(self._core_tri):
            a.triangle = np.where(a.hit, self._core_tri[np.maximum(a.triangle, 0)], -1)
        if self._added is None:
            return a
        b = self._added.first_hit(origins, directions, tmax, tmin)
        take = b.distance < a.distance
        if not take.any():
            return a
        n_tri = self.source_scene.n_triangles
        n_obj = len(self.source_scene.object_ids)
        return RayHits(distance=np.where(take, b.distance, a.distance),
                       triangle=np.where(take, b.triangle + n_tri, a.triangle),
                       object_index=np.where(take, b.object_index + n_obj, a.object_index).astype(np.int32),
                       point=np.where(take[:, None], b.point, a.point),
                       hit=a.hit | b.hit)

    def visible_sum(self, origins, directions, weights=None, normals=None, progress=None) -> np.ndarray:
        """Like :meth:`RayCaster.visible_sum` (Σ weights over free directions per origin), with a
        direction free only when neither the source nor the added geometry blocks it."""
        if self._added is None:
            return self._core.visible_sum(origins, directions, weights, normals, progress)
        o = np.asarray(origins, dtype=np.float64).reshape(-1, 3)
        dirs = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
        w = np.ones(len(dirs)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
        nrm = None if normals is None else np.asarray(normals, dtype=np.float64).reshape(-1, 3)
        out = np.zeros(len(o))
        ok = np.isfinite(o).all(axis=1)
        for j in range(len(dirs)):
            front = np.flatnonzero(ok if nrm is None else ok & (nrm @ dirs[j] > 0.0))
            if len(front) == 0 or not np.all(np.isfinite(dirs[j])) or not np.any(dirs[j]):
                continue
            free = ~self.occluded(o[front], dirs[j])
            out[front] += w[j] * free
            if progress is not None:
                progress(j + 1, len(dirs))
        return out
