"""Planning edits as data: the ops of a scenario file, each applied to a model to give a new one.

A :class:`Scenario` is a name plus a list of edits, each a plain JSON object with an ``op``
(the ``*.scenario.json`` format of docs/ARCHITECTURE.md, "Scenario file")::

    {"name": "Variante A", "edits": [{"op": "demolish", "ids": ["id-1"]}, ...]}

``Scenario.apply(model)`` returns a NEW :class:`~model.citymodel.CityModel`; the source model (its
arrays, objects and attributes) and the user's files are never changed. Edits are cheap because
the edited model is *assembled* from pieces of the previous one: the polygon table of the
untouched objects is filtered with boolean masks and their cached triangulation is carried over
(filtered and renumbered) instead of being recomputed; only new or transformed objects (a few
hundred polygons) are triangulated. The Scene of the edited model is then built from that
triangulation as usual (``CityModel.scene``).

Edit ops (lengths in metres and coordinates in the model CRS; angles in degrees, counter-clockwise
seen from above; heights in the model's vertical datum):

``demolish``         ``ids`` — the objects and all their children (BuildingParts) are removed.
``demolish_within``  ``polygon`` [[x, y], …] — removes every top-level object (of ``types``,
                     default Building, Bridge, Tunnel, OtherConstruction; ``"all"`` for any
                     type) whose *footprint centroid* lies inside the polygon, with its children.
                     Footprint centroid = area-weighted centroid of the plan projection of the
                     object's downward-facing triangles (its ground surface), or of its
                     upward-facing ones when it has none.
``insert``           ``file`` (CityJSON / CityGML via ``importers.load``; OBJ / glTF / GLB / STL /
                     IFC via ``importers.meshes``) placed by ``at`` [x, y, z] (the design's
                     point ``anchor`` — "origin" (0, 0, 0) or "base_center" (centre of the plan
                     bbox at the lowest z); default "auto": origin for designs in local
                     coordinates (but with the lowest point as height reference when 40 % or
                     more of the design lies below z = 0, i.e. a mesh modelled about its
                     centre; a warning says so), base_center when they lie more than 10 km
                     from 0,0 — goes to ``at``), ``rotation_deg`` about the vertical through ``at`` and ``scale``:
                     p' = at + Rz(rotation) · scale · (p − anchor). Without ``at`` the design is
                     reprojected from its own CRS (the file's, or ``crs``) to the model CRS with
                     pyproj (heights unchanged) and rotation/scale act about its base centre.
                     IFC designs with an IfcMapConversion are in their target CRS
                     (``importers.meshes``), so they land where the architect georeferenced them.
                     ``up`` ("z"/"y") is the design's up axis (default: "y" for glTF, which
                     the glTF 2.0 spec fixes, "z" otherwise). ``split``: "nodes" (one object
                     per mesh node, default), "components" or "none". Inserted objects get new
                     unique ids: ``id`` when one object is inserted, else ``id-<original id>``.
``extrude``          ``footprint`` [[x, y], …] or ``file`` (GeoJSON polygons; per-feature
                     properties override height_m / roof / roof_height_m / ground_z), ``ground_z``
                     (default: the model's lowest ground height), ``height_m`` (eave above ground),
                     ``roof`` flat|gable|hip|shed|pyramid, ``roof_height_m`` → a closed LoD2
                     Solid with Roof/Wall/GroundSurface (``model.extrude``).
``move``             ``ids``, ``offset`` [dx, dy(, dz)].
``rotate``           ``ids``, ``rotation_deg``, optional ``center`` [x, y]; default centre: the
                     footprint centroid of the objects (area-weighted, as for demolish_within).
``set_height``       ``id(s)``, ``height_m`` — new height (highest point − lowest point) of the
                     building; z is scaled about its lowest point so the footprint and ground stay.
``set_roof``         ``id(s)``, ``roof``, optional ``roof_height_m`` (default: the present ridge −
                     eave, or 3 m when that is below 0.1 m) — the building is rebuilt as the
                     extrusion of its footprint (2D union of its ground polygons, or of its
                     downward-facing triangles) with the new roof, keeping ground and eave height
                     (eave = lowest roof vertex). BuildingParts of it are replaced by that one solid.
``set_attributes``   ``ids``, ``attributes`` {name: value}; ``null`` removes the attribute.
``wind_turbine``     ``at`` [x, y(, z)], ``hub_height_m``, ``rotor_diameter_m``, optional
                     ``rotor_azimuth_deg`` (compass direction the rotor faces, default 270 = west,
                     into the prevailing wind), ``id`` — tower (tapered 24-gon), nacelle box and
                     three blades in the rotor plane as closed shells of a MultiSolid; object type
                     "GenericCityObject" with attributes function, hubHeight, rotorDiameter.

Objects may be named by ``"id"`` or ``"ids"`` in every op that takes objects. Ids that are not in
the model give a warning (the scenario may have been made for another version of the model);
unknown ops and unknown keys are errors (``InputError`` naming them).

Undo: every edit has ``edit.inverse(model_before) -> Edit`` with ``inverse.apply(model_after)``
equal to ``model_before`` (same ids in the same order, same vertices per object, same attributes);
:class:`EditSession` keeps the models before each edit (they share their arrays, which edits never
modify in place), so the GUI's QUndoStack can wrap ``session.do/undo/redo`` exactly.
"""
from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

import numpy as np

from . import codes
from .citymodel import CityModel
from .codes import Coded, code_of
from .errors import InputError
from .footprint import footprint_centroids, object_footprint
from .ground import ground_plane_z
from .semantics import ROOF
from .surgery import _relink, assemble, descendants, extract, extract_keep, solids_model, transform_part

#: keys every op accepts besides its own ("comment" and keys starting with "_" are kept, ignored)
COMMON_KEYS = {"op", "comment", "label"}
DEMOLISH_TYPES = ("Building", "Bridge", "Tunnel", "OtherConstruction")


# ====================================================================== edits
@dataclass(frozen=True)
class Loaders:
    """How edits and projects read the files they name. ``model/`` reads no files itself: the
    readers live in ``importers/`` and are passed in (``cli``, ``app``), or taken from
    :func:`default_loaders`, which ``importers`` fills when it is imported.

    sources     ``(paths, crs) -> CityModel``: a project's source files as one model
    design      ``(path, up, split, object_type) -> CityModel``: a design to ``insert`` (CityJSON,
                CityGML, OBJ, glTF, STL, IFC; solids checked and turned outward)
    footprints  ``(path, model, crs) -> [(id or None, shapely Polygon, properties)]``: GeoJSON
                footprints to ``extrude``, in the model CRS
    """

    sources: Callable | None = None
    design: Callable | None = None
    footprints: Callable | None = None


_default_loaders = Loaders()


def set_default_loaders(loaders: Loaders) -> None:
    """The :class:`Loaders` used when none are passed (``importers`` sets its readers)."""
    global _default_loaders
    _default_loaders = loaders


def default_loaders() -> Loaders:
    return _default_loaders


def loader(loaders: Loaders | None, what: str, path=None) -> Callable:
    """The ``what`` reader of ``loaders`` (default: :func:`default_loaders`); InputError if none."""
    fn = getattr(loaders or _default_loaders, what)
    if fn is None:
        raise InputError(path, f"no {what} reader given (pass loaders=importers.LOADERS)")
    return fn


@dataclass
class ApplyContext:
    """What edits need besides the model: where relative paths start, how files are read
    (``loaders``, default :func:`default_loaders`) and what they report."""

    base_dir: Path | None = None
    path: object = None  # scenario file, for error messages
    loaders: Loaders | None = None
    demolished: list = field(default_factory=list)
    inserted: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def warn(self, msg: str, code: str | None = None) -> None:
        """Add a warning once; ``code`` is one of :mod:`model.codes`."""
        if msg not in self.warnings:
            self.warnings.append(Coded(code, msg) if code else msg)

    def resolve(self, p) -> Path:
        q = Path(os.path.expanduser(str(p)))
        if not q.is_absolute() and self.base_dir is not None:
            q = Path(self.base_dir) / q
        return q


class Edit:
    """One planning edit (``data`` is the JSON object of the scenario file)."""

    op: str = ""
    required: tuple = ()
    optional: tuple = ()

    def __init__(self, data: dict, path=None, index: int | None = None):
        self.data = copy.deepcopy(dict(data))
        self.path = path
        self.where = f"edit {index + 1} ({self.op})" if index is not None else f"edit {self.op}"
        allowed = set(self.required) | set(self.optional) | COMMON_KEYS
        for k in self.data:
            if k not in allowed and not str(k).startswith("_"):
                raise InputError(path, f"{self.where}: unknown key {k!r} (allowed: {', '.join(sorted(allowed - COMMON_KEYS))})")
        for k in self.required:
            if isinstance(k, str) and k not in self.data:
                raise InputError(path, f"{self.where}: missing key {k!r}")
        self.validate()

    # ---- helpers for subclasses
    def err(self, msg: str) -> InputError:
        return InputError(self.path, f"{self.where}: {msg}")

    def number(self, key, default=None, positive=False, nonneg=False) -> float:
        v = self.data.get(key, default)
        if v is None:
            raise self.err(f"{key!r} is required")
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise self.err(f"{key!r} must be a number, got {v!r}") from None
        if not math.isfinite(f) or (positive and f <= 0) or (nonneg and f < 0):
            raise self.err(f"{key!r} must be a {'positive ' if positive else ''}finite number, got {v!r}")
        return f

    def point(self, key, dims=(2, 3)) -> np.ndarray | None:
        v = self.data.get(key)
        if v is None:
            return None
        try:
            arr = np.asarray(v, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise self.err(f"{key!r} must be a list of numbers") from None
        if len(arr) not in dims or not np.isfinite(arr).all():
            raise self.err(f"{key!r} must have {' or '.join(map(str, dims))} finite numbers")
        return arr

    def polygon(self, key) -> list:
        v = self.data.get(key)
        try:
            pts = [(float(p[0]), float(p[1])) for p in v]
        except (TypeError, ValueError, IndexError):
            raise self.err(f"{key!r} must be a list of [x, y] points") from None
        if len(pts) < 3 or not np.isfinite(pts).all():
            raise self.err(f"{key!r} needs at least 3 finite [x, y] points")
        return pts

    def ids(self) -> list[str]:
        v = self.data.get("ids", self.data.get("id"))
        if isinstance(v, (str, int)):
            v = [v]
        if not isinstance(v, list) or not v or not all(isinstance(i, (str, int)) for i in v):
            raise self.err("'ids' must be a non-empty list of object ids")
        return [str(i) for i in v]

    def present_ids(self, model: CityModel, ctx: ApplyContext) -> list[str]:
        ids = self.ids()
        missing = [i for i in ids if i not in model.objects]
        if missing:
            ctx.warn(f"{self.where}: {len(missing)} id(s) not in the model (e.g. {missing[0]!r}); ignored",
                     codes.IDS_NOT_IN_MODEL)
        return [i for i in ids if i in model.objects]

    # ---- interface
    def validate(self) -> None:
        """Check the data without a model (raise InputError)."""

    def apply(self, model: CityModel, ctx: ApplyContext | None = None) -> CityModel:
        raise NotImplementedError

    def to_dict(self) -> dict:
        return copy.deepcopy(self.data)

    def inverse(self, model_before: CityModel, ctx: ApplyContext | None = None) -> "Edit":
        """An edit that turns the result of ``self.apply(model_before)`` back into
        ``model_before`` (exactly: ids and their order, vertices per object, attributes)."""
        ctx2 = ApplyContext(base_dir=(ctx.base_dir if ctx else None), path=self.path,
                            loaders=ctx.loaders if ctx else None)
        after = self.apply(model_before, ctx2)
        added = [oid for oid in after.objects if oid not in model_before.objects]
        changed = set(ctx2.changed)
        gone_or_changed = [oid for oid in model_before.objects
                           if oid not in after.objects or oid in changed]
        touched = set(gone_or_changed)
        links = {oid: (list(o.parents), list(o.children)) for oid, o in model_before.objects.items()
                 if oid not in touched and (touched.intersection(o.parents) or touched.intersection(o.children))}
        return Restore(extract_keep(model_before, gone_or_changed), remove=added + gone_or_changed,
                       order=list(model_before.objects), links=links)

    def __eq__(self, other) -> bool:
        return isinstance(other, Edit) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.data!r})"


class Restore(Edit):
    """Internal inverse edit (not written to scenario files): removes ``remove`` ids, puts the
    objects of ``snapshot`` back and restores the object order ``order``."""

    op = "restore"

    def __init__(self, snapshot: CityModel, remove, order, links=None):
        self.data = {"op": "restore"}
        self.path = None
        self.where = "undo"
        self.snapshot, self.remove, self.order = snapshot, list(remove), list(order)
        self.links = dict(links or {})  # id -> (parents, children) of untouched linked objects

    def apply(self, model, ctx=None):
        drop = set(self.remove)
        keep = [oid for oid in model.objects if oid not in drop]
        parts = [(model, keep), (self.snapshot, list(self.snapshot.objects))]
        order = [oid for oid in self.order] + [oid for oid in keep if oid not in set(self.order)]
        out = assemble(model, parts, order)
        # objects whose links pointed to restored ones get them back
        for oid, obj in out.objects.items():
            if oid in self.snapshot.objects:
                src = self.snapshot.objects[oid]
                obj.parents = [p for p in src.parents if p in out.objects] or obj.parents
                obj.children = [c for c in src.children if c in out.objects] or obj.children
        for oid, (parents, children) in self.links.items():
            if oid in out.objects:
                out.objects[oid].parents = [p for p in parents if p in out.objects]
                out.objects[oid].children = [c for c in children if c in out.objects]
        _relink(out)
        return out

    def to_dict(self):
        raise TypeError("an undo step is not part of a scenario file")


# ---------------------------------------------------------------- demolish
class Demolish(Edit):
    op = "demolish"
    required = ()
    optional = ("ids", "id")

    def validate(self):
        self.ids()

    def apply(self, model, ctx=None):
        ctx = ctx or ApplyContext()
        return _demolish(model, descendants(model, self.present_ids(model, ctx)), ctx)


def _demolish(model, gone: list, ctx: ApplyContext) -> CityModel:
    gone_set = set(gone)
    ctx.demolished += gone
    if not gone:
        return assemble(model, [(model, list(model.objects))])
    keep = [oid for oid in model.objects if oid not in gone_set]
    return assemble(model, [(model, keep)])


class DemolishWithin(Edit):
    op = "demolish_within"
    required = ("polygon",)
    optional = ("types",)

    def validate(self):
        import shapely

        self.poly = shapely.Polygon(self.polygon("polygon"))
        if not self.poly.is_valid or self.poly.area <= 0:
            raise self.err("'polygon' is not a valid polygon with an area")
        t = self.data.get("types", list(DEMOLISH_TYPES))
        if t != "all" and not (isinstance(t, list) and all(isinstance(x, str) for x in t)):
            raise self.err("'types' must be a list of CityObject types or \"all\"")

    def apply(self, model, ctx=None):
        import shapely

        ctx = ctx or ApplyContext()
        types = self.data.get("types", list(DEMOLISH_TYPES))
        top = [oid for oid, o in model.objects.items() if not o.parents
               and (types == "all" or o.type in types)]
        cents = footprint_centroids(model, descendants(model, top), by_root=True)
        cand = [oid for oid in top if oid in cents]
        if not cand:
            return _demolish(model, [], ctx)
        xy = np.array([cents[oid] for oid in cand])
        inside = shapely.contains_xy(self.poly, xy[:, 0], xy[:, 1])
        hit = [oid for oid, ok in zip(cand, inside) if ok]
        return _demolish(model, descendants(model, hit), ctx)


# ---------------------------------------------------------------- move / rotate / height
class _TransformEdit(Edit):
    def transform_fn(self, model, ids, ctx):
        raise NotImplementedError

    def apply(self, model, ctx=None):
        ctx = ctx or ApplyContext()
        targets = descendants(model, self.present_ids(model, ctx))
        if not targets:
            return assemble(model, [(model, list(model.objects))])
        fn = self.transform_fn(model, targets, ctx)
        part = extract(model, targets)
        transform_part(part, fn)
        tset = set(targets)
        keep = [oid for oid in model.objects if oid not in tset]
        ctx.changed += targets
        return assemble(model, [(model, keep), (part, targets)], order=list(model.objects))


class Move(_TransformEdit):
    op = "move"
    optional = ("ids", "id", "offset")
    required = ("offset",)

    def validate(self):
        self.ids()
        off = self.point("offset")
        self.offset = np.zeros(3)
        self.offset[: len(off)] = off

    def transform_fn(self, model, ids, ctx):
        return lambda v: v + self.offset


def _rotation_fn(center_xy, angle_deg):
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    cx, cy = float(center_xy[0]), float(center_xy[1])

    def fn(v):
        x, y = v[:, 0] - cx, v[:, 1] - cy
        out = v.copy()
        out[:, 0] = cx + c * x - s * y
        out[:, 1] = cy + s * x + c * y
        return out

    return fn


class Rotate(_TransformEdit):
    op = "rotate"
    required = ("rotation_deg",)
    optional = ("ids", "id", "center")

    def validate(self):
        self.ids()
        self.angle = self.number("rotation_deg")
        self.center = self.point("center", dims=(2, 3))

    def transform_fn(self, model, ids, ctx):
        center = self.center
        if center is None:
            cents = footprint_centroids(model, ids, by_root="all")
            if "all" not in cents:
                raise self.err("the objects have no surfaces to rotate about")
            center = cents["all"]
        return _rotation_fn(center[:2], self.angle)


class SetHeight(_TransformEdit):
    op = "set_height"
    required = ("height_m",)
    optional = ("ids", "id")

    def validate(self):
        self.ids()
        self.height = self.number("height_m", positive=True)

    def transform_fn(self, model, ids, ctx):
        part = extract(model, ids)
        used = part.vertices[part.used_vertex_mask()]
        if not len(used):
            raise self.err("the objects have no geometry")
        z0, z1 = float(used[:, 2].min()), float(used[:, 2].max())
        if z1 - z0 <= 1e-6:
            raise self.err("the object is flat (no height to scale)")
        k = self.height / (z1 - z0)
        self._scale = k

        def fn(v):
            v[:, 2] = z0 + (v[:, 2] - z0) * k
            return v

        return fn

    def apply(self, model, ctx=None):
        """Scaled geometry, and the ``measuredHeight`` attribute telling the new height: the
        given one for the named buildings, scaled alike for their parts that state one."""
        ctx = ctx or ApplyContext()
        named = set(self.present_ids(model, ctx))
        self._scale = None
        out = super().apply(model, ctx)
        if self._scale is None:
            return out
        for oid in descendants(out, list(named)):
            attrs = out.objects[oid].attributes
            old = attrs.get("measuredHeight")
            if oid in named:
                attrs["measuredHeight"] = round(self.height, 3)
            elif isinstance(old, (int, float)) and not isinstance(old, bool):
                attrs["measuredHeight"] = round(float(old) * self._scale, 3)
        return out


class SetAttributes(Edit):
    op = "set_attributes"
    required = ("attributes",)
    optional = ("ids", "id")

    def validate(self):
        self.ids()
        if not isinstance(self.data["attributes"], dict):
            raise self.err("'attributes' must be an object {name: value}")

    def apply(self, model, ctx=None):
        ctx = ctx or ApplyContext()
        ids = self.present_ids(model, ctx)
        out = assemble(model, [(model, list(model.objects))])
        for oid in ids:
            attrs = out.objects[oid].attributes
            for k, v in self.data["attributes"].items():
                if v is None:
                    attrs.pop(k, None)
                else:
                    attrs[k] = copy.deepcopy(v)
        ctx.changed += ids
        return out


# ---------------------------------------------------------------- new geometry
def _unique_id(model_ids, wanted: str) -> str:
    if wanted not in model_ids:
        return wanted
    k = 2
    while f"{wanted}-{k}" in model_ids:
        k += 1
    return f"{wanted}-{k}"


def _auto_id(model_ids, prefix: str) -> str:
    k = 1
    while f"{prefix}-{k}" in model_ids:
        k += 1
    return f"{prefix}-{k}"


class Extrude(Edit):
    op = "extrude"
    optional = ("id", "footprint", "file", "ground_z", "height_m", "roof", "roof_height_m",
                "attributes", "type", "crs")

    def validate(self):
        from .extrude import ROOF_FORMS

        if ("footprint" in self.data) == ("file" in self.data):
            raise self.err("give either 'footprint' or 'file' (a GeoJSON of footprints)")
        if "footprint" in self.data:
            self.polygon("footprint")
            self.number("height_m", positive=True)
        if "height_m" in self.data:
            self.number("height_m", positive=True)
        if "roof_height_m" in self.data:
            self.number("roof_height_m", nonneg=True)
        if "ground_z" in self.data:
            self.number("ground_z")
        roof = self.data.get("roof", "flat")
        if roof not in ROOF_FORMS:
            raise self.err(f"unknown roof form {roof!r} (use one of {', '.join(ROOF_FORMS)})")
        if "attributes" in self.data and not isinstance(self.data["attributes"], dict):
            raise self.err("'attributes' must be an object")

    def footprints(self, model, ctx) -> list[tuple[str | None, object, dict]]:
        if "footprint" in self.data:
            return [(self.data.get("id"), self.data["footprint"], {})]
        path = ctx.resolve(self.data["file"])
        return loader(ctx.loaders, "footprints", path)(path, model, self.data.get("crs"))

    def apply(self, model, ctx=None):
        from .extrude import extrude_footprint

        ctx = ctx or ApplyContext()
        items = self.footprints(model, ctx)
        taken = set(model.objects)
        solids, attrs = [], {}
        ground_default = None
        base_id = self.data.get("id")
        for k, (fid, fp, props) in enumerate(items):
            p = {**{key: self.data[key] for key in ("ground_z", "height_m", "roof", "roof_height_m")
                    if key in self.data}, **props}
            if "height_m" not in p:
                raise self.err(f"footprint {k + 1} has no height_m (give it in the edit or as a property)")
            if "ground_z" not in p:
                if ground_default is None:
                    ground_default = ground_plane_z(model)
                p["ground_z"] = ground_default
            if len(items) == 1 and base_id:
                oid = _unique_id(taken, str(base_id))
            elif fid is not None:
                oid = _unique_id(taken, f"{base_id}-{fid}" if base_id else str(fid))
            else:
                oid = _auto_id(taken, str(base_id or "extrude"))
            taken.add(oid)
            try:
                s = extrude_footprint(fp, p["ground_z"], p["height_m"], p.get("roof", "flat"),
                                      p.get("roof_height_m", 0.0), path=self.path)
            except InputError as exc:
                raise self.err(f"footprint {k + 1}: {exc.message}") from None
            solids.append((oid, s))
            a = dict(self.data.get("attributes") or {})
            a.update({"measuredHeight": round(float(p["height_m"]) + float(p.get("roof_height_m") or 0.0)
                                              if p.get("roof", "flat") != "flat" else float(p["height_m"]), 3),
                      "roofType": str(p.get("roof", "flat"))})
            attrs[oid] = a
        part = solids_model(model, solids, self.data.get("type", "Building"), attributes=attrs)
        ids = list(part.objects)
        ctx.inserted += ids
        return assemble(model, [(model, list(model.objects)), (part, ids)])


class SetRoof(Edit):
    op = "set_roof"
    required = ("roof",)
    optional = ("ids", "id", "roof_height_m")

    def validate(self):
        from .extrude import ROOF_FORMS

        self.ids()
        if self.data["roof"] not in ROOF_FORMS:
            raise self.err(f"unknown roof form {self.data['roof']!r} (use one of {', '.join(ROOF_FORMS)})")
        if "roof_height_m" in self.data:
            self.number("roof_height_m", nonneg=True)

    def apply(self, model, ctx=None):
        from .extrude import extrude_footprint

        ctx = ctx or ApplyContext()
        ids = [i for i in self.present_ids(model, ctx)]
        out = model
        for oid in ids:
            if oid not in out.objects:
                continue  # a part of an earlier one
            group = descendants(out, [oid])
            part = extract(out, group)
            used = part.vertices[part.used_vertex_mask()]
            if not len(used):
                ctx.warn(f"{self.where}: {oid!r} has no geometry; skipped", codes.NO_GEOMETRY)
                continue
            ground = float(used[:, 2].min())
            roof_z = _roof_min_z(part)
            eave = (roof_z if roof_z is not None else float(used[:, 2].max())) - ground
            ridge = float(used[:, 2].max()) - ground
            if eave <= 0.05:
                eave = ridge
            rh = self.data.get("roof_height_m")
            if rh is None:
                rh = ridge - eave if ridge - eave >= 0.1 else 3.0
            fp = object_footprint(part, group, self.path)
            try:
                s = extrude_footprint(fp, ground, eave, self.data["roof"], rh, path=self.path)
            except InputError as exc:
                raise self.err(f"{oid!r}: {exc.message}") from None
            new = solids_model(out, [(oid, s)], out.objects[oid].type)
            src = out.objects[oid]
            nobj = new.objects[oid]
            nobj.attributes = dict(src.attributes)
            nobj.attributes["roofType"] = self.data["roof"]
            nobj.parents = list(src.parents)
            nobj.extra = {k: v for k, v in (src.extra or {}).items() if k != "geographicalExtent"} or None
            nobj.source = src.source
            gone = set(group)
            keep = [o for o in out.objects if o not in gone]
            ctx.changed.append(oid)
            ctx.demolished += [g for g in group if g != oid]
            order = [o for o in out.objects if o == oid or o not in gone]
            out = assemble(out, [(out, keep), (new, [oid])], order=order)
        return out if out is not model else assemble(model, [(model, list(model.objects))])


def _roof_min_z(part: CityModel):
    roof = part.polygon_semantic == ROOF
    if not roof.any():
        tri = part.triangulation()
        c = part.vertices[tri.triangles]
        n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
        ln = np.linalg.norm(n, axis=1)
        up = n[:, 2] > 0.17 * np.maximum(ln, 1e-30)
        return float(c[up][:, :, 2].min()) if up.any() else None
    rk = np.repeat(roof, np.diff(part.polygon_offsets))
    vk = np.repeat(rk, np.diff(part.ring_offsets))
    return float(part.vertices[part.ring_vertices[vk], 2].min())


# ---------------------------------------------------------------- insert
BELOW_ORIGIN_SHARE = 0.4  # share of a local design's height below z = 0 that marks a centred mesh


class Insert(Edit):
    op = "insert"
    required = ("file",)
    optional = ("at", "rotation_deg", "scale", "id", "crs", "up", "anchor", "split", "type")

    def validate(self):
        if not isinstance(self.data["file"], str) or not self.data["file"]:
            raise self.err("'file' must be a file name")
        self.at = self.point("at", dims=(2, 3))
        self.rot = self.number("rotation_deg", 0.0)
        self.scale = self.number("scale", 1.0, positive=True)
        if self.data.get("up", "auto") not in ("auto", "z", "y"):
            raise self.err("'up' must be \"z\" or \"y\"")
        if self.data.get("anchor", "auto") not in ("auto", "origin", "base_center"):
            raise self.err("'anchor' must be \"origin\", \"base_center\" or \"auto\"")
        if self.data.get("split", "nodes") not in ("nodes", "components", "none"):
            raise self.err("'split' must be \"nodes\", \"components\" or \"none\"")

    def load_design(self, model, ctx) -> CityModel:
        path = ctx.resolve(self.data["file"])
        if not path.exists():
            raise InputError(path, f"{self.where}: no such file (relative paths start at the scenario file's folder)")
        return loader(ctx.loaders, "design", path)(path, up=self.data.get("up", "auto"),
                                                  split=self.data.get("split", "nodes"),
                                                  object_type=self.data.get("type", "Building"))

    def apply(self, model, ctx=None):
        from .crs import parse_crs

        ctx = ctx or ApplyContext()
        design = self.load_design(model, ctx)
        ids = [oid for oid in design.objects]
        if not ids:
            raise self.err(f"{self.data['file']}: the design holds no objects")
        for w in design.warnings:
            ctx.warn(f"{self.data['file']}: {w}", code_of(w))
        design = extract(design, ids)
        used = design.vertices[design.used_vertex_mask()] if len(design.vertices) else design.vertices
        if not len(used):
            raise self.err(f"{self.data['file']}: the design has no geometry")
        at, scale, rot = self.at, self.scale, self.rot
        if at is not None:
            if len(at) == 2:
                at = np.array([at[0], at[1], ground_plane_z(model)])
            anchor_mode = self.data.get("anchor", "auto")
            auto = anchor_mode == "auto"
            if auto:  # georeferenced designs (far from 0,0) are placed by their base
                anchor_mode = "base_center" if np.abs(used[:, :2]).max() > 1e4 else "origin"
            if anchor_mode == "base_center":
                anchor = np.array([(used[:, 0].min() + used[:, 0].max()) / 2,
                                   (used[:, 1].min() + used[:, 1].max()) / 2, used[:, 2].min()])
            else:
                anchor = np.zeros(3)
                z_lo, z_hi = float(used[:, 2].min()), float(used[:, 2].max())
                if auto and z_lo < 0 and -z_lo >= BELOW_ORIGIN_SHARE * (z_hi - z_lo):
                    # a mesh modelled about its centre (typical of OBJ/STL exports) would stand
                    # half in the ground; a basement is rarely 40 % of a building's height
                    anchor[2] = z_lo
                    ctx.warn(f"{self.data['file']}: {-z_lo / (z_hi - z_lo):.0%} of the design lies below its "
                             f"origin (z {z_lo:.2f} … {z_hi:.2f} m): its lowest point was set on the insertion "
                             f"point; use anchor \"origin\" to keep the file's heights", codes.DESIGN_PLACEMENT)
            a = math.radians(rot)
            R = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])

            def fn(v):
                return at + ((v - anchor) * scale) @ R.T

            transform_part(design, fn)
        else:
            src_crs = parse_crs(self.data["crs"]) if self.data.get("crs") else design.crs
            if self.data.get("crs") and not src_crs:
                raise self.err(f"'crs' {self.data['crs']!r} is not a known EPSG code")
            if src_crs and model.crs and src_crs.epsg != model.crs.epsg:
                from .crs import transformer_between

                tr, how = transformer_between(src_crs.epsg, model.crs.epsg)
                if how.note:
                    ctx.warn(f"{self.data['file']}: {how.note}")

                def reproject(v):
                    x, y = tr.transform(v[:, 0], v[:, 1])
                    out = np.c_[x, y, v[:, 2]]
                    if not np.isfinite(out).all():
                        raise self.err(f"{self.data['file']}: coordinates cannot be reprojected from "
                                       f"{src_crs.name} to {model.crs.name}")
                    return out

                transform_part(design, reproject)
                ctx.warn(f"{self.data['file']}: reprojected from {src_crs.name} to {model.crs.name} "
                         f"(heights unchanged)", codes.DESIGN_PLACEMENT)
            elif not src_crs and not self.data.get("crs"):
                if np.abs(used[:, :2]).max() < 1e4 and model.bbox() is not None and np.abs(model.bbox()[:2]).max() > 1e5:
                    ctx.warn(f"{self.data['file']}: has local coordinates and no 'at' insertion point; "
                             f"it lies far from the model", codes.DESIGN_PLACEMENT)
            if rot or scale != 1.0:
                u = design.vertices[design.used_vertex_mask()]
                pivot = np.array([(u[:, 0].min() + u[:, 0].max()) / 2, (u[:, 1].min() + u[:, 1].max()) / 2, u[:, 2].min()])
                a = math.radians(rot)
                R = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
                transform_part(design, lambda v: pivot + ((v - pivot) * scale) @ R.T)
        # new unique ids
        taken = set(model.objects)
        base_id = self.data.get("id")
        tops = [oid for oid in ids if not design.objects[oid].parents]
        rename = {}
        for oid in ids:
            if base_id and len(tops) == 1 and oid == tops[0]:
                new = _unique_id(taken, str(base_id))
            elif base_id:
                new = _unique_id(taken, f"{base_id}-{oid}")
            else:
                new = _unique_id(taken, oid)
            taken.add(new)
            rename[oid] = new
        renamed = CityModel()
        for name in ("format", "version", "crs", "metadata", "appearance", "geometry_templates",
                     "extensions", "transform", "vertices", "ring_vertices", "ring_offsets",
                     "polygon_offsets", "polygon_semantic", "polygon_surface", "polygon_shell",
                     "polygon_geometry", "geometries", "file_vertex_count", "sources"):
            setattr(renamed, name, getattr(design, name))
        renamed.crs = model.crs
        for oid in ids:
            obj = design.objects[oid]
            obj.id = rename[oid]
            obj.parents = [rename.get(p, p) for p in obj.parents]
            obj.children = [rename.get(c, c) for c in obj.children]
            obj.attributes.setdefault("sourceDesign", Path(self.data["file"]).name)
            renamed.objects[obj.id] = obj
        new_ids = list(renamed.objects)
        ctx.inserted += new_ids
        return assemble(model, [(model, list(model.objects)), (renamed, new_ids)])


# ---------------------------------------------------------------- wind turbine
class WindTurbine(Edit):
    op = "wind_turbine"
    required = ("at", "hub_height_m", "rotor_diameter_m")
    optional = ("id", "rotor_azimuth_deg", "tower_base_diameter_m", "type")

    def validate(self):
        self.at = self.point("at")
        self.hub = self.number("hub_height_m", positive=True)
        self.rotor = self.number("rotor_diameter_m", positive=True)
        self.azimuth = self.number("rotor_azimuth_deg", 270.0)
        if self.rotor / 2 >= self.hub:
            raise self.err("rotor_diameter_m / 2 must be below hub_height_m (the blades would hit the ground)")
        self.base_d = self.number("tower_base_diameter_m", max(2.0, 0.05 * self.hub), positive=True)

    def apply(self, model, ctx=None):
        from .wind_turbine import wind_turbine_shells

        ctx = ctx or ApplyContext()
        at = self.at
        z0 = float(at[2]) if len(at) == 3 else ground_plane_z(model)
        shells = wind_turbine_shells(np.array([at[0], at[1], z0]), self.hub, self.rotor, self.azimuth,
                                     self.base_d)
        taken = set(model.objects)
        oid = _unique_id(taken, str(self.data["id"])) if self.data.get("id") else _auto_id(taken, "wt")
        attrs = {oid: {"function": "wind turbine", "hubHeight": self.hub, "rotorDiameter": self.rotor,
                       "rotorAzimuth": self.azimuth, "measuredHeight": round(self.hub + self.rotor / 2, 3)}}
        part = solids_model(model, [(oid, shells)], self.data.get("type", "GenericCityObject"), lod="2",
                            attributes=attrs, multi=True)
        ctx.inserted.append(oid)
        return assemble(model, [(model, list(model.objects)), (part, [oid])])


OPS: dict[str, type] = {cls.op: cls for cls in (Demolish, DemolishWithin, Insert, Extrude, Move, Rotate,
                                                SetHeight, SetRoof, SetAttributes, WindTurbine)}


def edit_from_dict(data, path=None, index: int | None = None) -> Edit:
    """Parse one edit object; unknown ops raise InputError naming the op."""
    where = f"edit {index + 1}" if index is not None else "edit"
    if not isinstance(data, dict):
        raise InputError(path, f"{where} must be a JSON object with an 'op'")
    op = data.get("op")
    cls = OPS.get(op) if isinstance(op, str) else None
    if cls is None:
        raise InputError(path, f"{where}: unknown op {op!r} (known: {', '.join(OPS)})")
    return cls(data, path, index)
