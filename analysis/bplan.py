"""The compliance of a variant with a Bebauungsplan: which building breaks which fixing, per
building and per zone. The zones, their limits and the envelopes are :mod:`analysis.bplan_envelopes`.

Frames: all geometry here is in the city model's *local* frame (model CRS − ``origin``, metres),
like :class:`model.scene.Scene`; the plan (``model.bplan.Bebauungsplan``) must already be in the
model CRS (``importers.xplanung.read_xplanung(path, crs=model.crs)``). Heights (z) are the
model's heights (metres, local: z − origin[2]); plan heights above sea level (NHN) are taken to be
in the model's vertical datum (for German LoD2 data DHHN2016 = NHN).

The checks (one :class:`Violation` per building, kind and limit that is broken)
-----------------------------------------------------------------------------
- ``baugrenze``: the building's footprint (``model.footprint.footprint_polygons``: its
  ground polygons, else the projection of its non-vertical surfaces) must lie inside the union of
  the Baufenster (a BTF without any Baufenster is buildable as a whole; a plan without Baufenster
  has no Baugrenze check). ``amount`` is the largest distance (m) of a point of the footprint
  from the buildable area (measured on its outline, sampled every 5 cm, and its vertices);
  ``area_m2`` the footprint area outside. Only the part inside the plan area is judged.
- ``baulinie``: §23(2) BauNVO, the building must stand on a Baulinie of its Baufenster.
  For every Baulinie along the boundary of a Baufenster the building lies in, the part of the
  line in front of the building (between the projections of its footprint's vertices on the
  line) is sampled every 5 cm; ``amount`` is the largest distance (m) of those points from the
  footprint (how far the façade stays behind the line).
- ``height``: for every zone with a limit of a kind, the building's roof is clipped to the zone
  (triangles clipped with shapely, z interpolated on each triangle's plane): the highest point
  (top) or the lowest roof point (eave, as ``analysis.metrics`` defines eave height) there is
  compared with the limit; ``amount`` = metres over the maximum (or under the minimum).
- ``storeys``: full storeys above ground — the building's ``storeysAboveGround`` when it has
  one, else the estimate of ``analysis.metrics`` (eave height / storey height, 3 m, rounded, at
  least 1) — against Z / Zmax (over), Zmin (under) and Zzwingend (different) of every zone region
  the footprint overlaps by more than 1 m² and 5 % of its area (regions split as for heights:
  where zones overlap, the most permissive one); ``amount`` in storeys. A building standing in
  several such regions (a stepped building, a tower over a podium) is counted per part: the
  highest eave of its roof polygons over the region / storey height (never more than the file's
  number).
  Upper-level Baufenster (``ebene`` > 0) belong to the same 2.5D union of envelopes: a building is
  not checked slab by slab (which storeys of a twisted tower stand in which Baufenster).
- ``grz`` / ``gfz`` per BTF: GRZ reached = Σ footprint area inside the BTF / BTF area; GFZ
  reached = Σ (footprint area inside × storeys) / BTF area — the gross floor area estimate of the
  variant comparison (``analysis.variants.variant_figures``): full storeys × footprint, no attic or
  basement storeys. GR/GF (m²) are checked as the same sums. ``amount`` = ratio over the limit
  (GR/GF: the excess in m² divided by the BTF area). The reference area is the BTF, not the
  building plot (Baugrundstück, not part of the plan); ancillary buildings, garages and paved
  areas that §19(4) BauNVO also counts are not in a city model.
Violations smaller than ``tolerance_m`` (default 1 cm; GRZ/GFZ: 0.0005) are not reported.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.ops import substring

from stadtbild.analysis.bplan_envelopes import (HeightReferences, PreparedPlan, Zone, polygonal, prepare, to_local,
                                      zone_limit)
from stadtbild.analysis.metrics import STOREY_HEIGHT_M
from stadtbild.model.bplan import Bebauungsplan
from stadtbild.model.semantics import GROUND, ROOF, UNKNOWN

DEFAULT_TOLERANCE_M = 0.01
RATIO_TOLERANCE = 0.0005
SAMPLE_STEP_M = 0.05
MIN_PIECE_M2 = 1e-4
KINDS = ("height", "baugrenze", "baulinie", "storeys", "grz", "gfz")
_UP = math.cos(math.radians(80.0))


# ====================================================================== compliance
@dataclass
class Violation:
    """One broken fixing. ``id``: building id (zone id for grz/gfz); ``amount``: metres over the
    limit or outside the line, storeys over/under, or the ratio over."""

    id: str
    kind: str
    amount: float
    unit: str
    feature: str  # id of the plan feature whose fixing is broken
    limit: float | None = None
    value: float | None = None
    bound: str = "max"  # "max" | "min" | "mandatory"
    reference: str | None = None  # TH / FH / GBH …, "GRZ", "Z" …
    detail: str = ""
    geometry: object = None  # local frame: the outside part, the gap line, the footprint or the zone

    def to_dict(self) -> dict:
        d = {"id": self.id, "kind": self.kind, "amount": round(float(self.amount), 4), "unit": self.unit,
             "feature": self.feature, "bound": self.bound}
        for k in ("limit", "value"):
            v = getattr(self, k)
            if v is not None:
                d[k] = round(float(v), 4)
        if self.reference:
            d["reference"] = self.reference
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass
class BuildingCheck:
    """The result for one building of the variant (heights absolute, model heights)."""

    id: str
    status: str  # "inserted" | "changed" | "existing"
    footprint: object  # local frame
    footprint_area_m2: float
    ground_z_m: float
    eave_z_m: float
    top_z_m: float
    storeys: int
    storeys_source: str  # "attribute" | "estimate"
    baufenster: list = field(default_factory=list)
    baugebiet: str | None = None
    area_outside_m2: float = 0.0
    max_outside_m: float = 0.0
    heights: list = field(default_factory=list)  # [{zone, kind, limit label, measured_z, upper_z, lower_z}]
    storey_limits: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not self.violations

    def row(self, origin_z: float = 0.0) -> dict:
        """A flat table row (JSON-ready, metres)."""
        def r(v, n=3):
            return None if v is None or not math.isfinite(v) else round(float(v), n)

        worst = {}
        for v in self.violations:
            worst[v.kind] = max(worst.get(v.kind, 0.0), v.amount)
        return {
            "id": self.id, "status": self.status, "compliant": self.compliant,
            "footprint_area_m2": r(self.footprint_area_m2, 2), "baufenster": ", ".join(self.baufenster),
            "baugebiet": self.baugebiet, "area_outside_m2": r(self.area_outside_m2, 2),
            "max_outside_m": r(self.max_outside_m), "ground_z_m": r(self.ground_z_m), "eave_z_m": r(self.eave_z_m),
            "top_z_m": r(self.top_z_m), "eave_height_m": r(self.eave_z_m - self.ground_z_m),
            "top_height_m": r(self.top_z_m - self.ground_z_m), "storeys": int(self.storeys),
            "storeys_source": self.storeys_source,
            "storeys_max": self.storey_limits.get("max"), "storeys_min": self.storey_limits.get("min"),
            "storeys_mandatory": self.storey_limits.get("mandatory"),
            "height_limits": "; ".join(f"{h['limit']} ({h['zone']})" for h in self.heights),
            **{f"over_{k}": r(worst[k], 4) if k in worst else None for k in KINDS if k not in ("grz", "gfz")},
            "violations": "; ".join(f"{v.kind} {v.amount:+.2f} {v.unit}" for v in self.violations),
        }


@dataclass
class ZoneCheck:
    """GRZ / GFZ reached in one building zone (BTF)."""

    id: str
    nutzung: str | None
    area_m2: float
    footprint_m2: float
    floor_area_m2: float
    limits: dict  # {"GRZ": x, "GFZ": x, "GR": m², "GF": m²}
    buildings: list
    violations: list = field(default_factory=list)

    @property
    def grz(self) -> float:
        return self.footprint_m2 / self.area_m2 if self.area_m2 > 0 else float("nan")

    @property
    def gfz(self) -> float:
        return self.floor_area_m2 / self.area_m2 if self.area_m2 > 0 else float("nan")

    def row(self) -> dict:
        return {"id": self.id, "nutzung": self.nutzung, "area_m2": round(self.area_m2, 2),
                "footprint_m2": round(self.footprint_m2, 2), "floor_area_m2": round(self.floor_area_m2, 2),
                "grz": round(self.grz, 4), "gfz": round(self.gfz, 4),
                **{f"{k.lower()}_limit": v for k, v in self.limits.items()},
                "buildings": len(self.buildings), "compliant": not self.violations}


@dataclass
class ComplianceResult:
    """Everything ``main.py bplan`` reports, writes and the GUI page shows."""

    prepared: PreparedPlan
    crs: object
    buildings: list  # BuildingCheck, inserted first
    zones: list  # ZoneCheck
    tolerance_m: float
    storey_height_m: float
    warnings: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)
    model: object = None  # the variant checked (for its parts → buildings mapping)

    @property
    def violations(self) -> list:
        out = [v for b in self.buildings for v in b.violations]
        return out + [v for z in self.zones for v in z.violations]

    @property
    def origin(self) -> np.ndarray:
        return self.prepared.origin

    def by_id(self) -> dict:
        return {b.id: b for b in self.buildings}

    def summary(self) -> dict:
        """The ``bplan --json`` object (docs/ARCHITECTURE.md keys first)."""
        plan = self.prepared.plan
        v = self.violations
        return {
            "plans": len(plan.plans),
            "baufenster": len(plan.baufenster),
            "buildings_checked": len(self.buildings),
            "violations": [x.to_dict() for x in v],
            "crs": self.crs.name if self.crs else None,
            "plan": plan.name(),
            "plan_file": plan.source,
            "plan_version": plan.version,
            "compliant_buildings": sum(1 for b in self.buildings if b.compliant),
            "violations_by_kind": {k: sum(1 for x in v if x.kind == k) for k in KINDS},
            "buildings": [b.row() for b in self.buildings],
            "zones": [z.row() for z in self.zones],
            "tolerance_m": self.tolerance_m,
            "storey_height_m": self.storey_height_m,
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }


# -------------------------------------------------------------------- building geometry
def _building_triangles(model, lod, building_ids):
    """Per building id: (corners (k, 3, 3) local of its up-facing non-vertical triangles, is_roof
    (k,) bool, polygon (k,) the scene polygon each triangle belongs to). Roof triangles are the
    RoofSurface ones; without semantics the up-facing ones."""
    from stadtbild.model.surgery import roots

    scene = model.scene(lod)
    if scene.n_triangles == 0:
        return {}
    root_of = roots(model)
    wanted = set(building_ids)
    obj_root = np.array([root_of.get(oid, oid) for oid in scene.object_ids], dtype=object)
    wanted_obj = np.array([r in wanted for r in obj_root], dtype=bool)
    tri_root = obj_root[scene.object_index]
    c = scene.corners
    n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    ln = np.linalg.norm(n, axis=1)
    nz = np.divide(n[:, 2], ln, out=np.zeros(len(ln)), where=ln > 0)
    up = nz > _UP
    st = scene.surface_type
    out = {}
    sel_all = np.flatnonzero(up & wanted_obj[scene.object_index])
    if not len(sel_all):
        return out
    order = np.argsort(tri_root[sel_all], kind="stable")
    sel_all = sel_all[order]
    keys = tri_root[sel_all]
    cut = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    for a, b in zip(cut, np.r_[cut[1:], len(sel_all)]):
        idx = sel_all[a:b]
        roof = st[idx] == ROOF
        if not roof.any():
            roof = (st[idx] == UNKNOWN) | (st[idx] != GROUND)
        out[keys[a]] = (c[idx], roof, scene.polygon_index[idx])
    return out


def _clipped(corners: np.ndarray, region):
    """(indices of the triangles reaching into ``region`` by more than 1 cm², their pieces)."""
    polys = shapely.polygons(corners[:, :, :2])
    hit = np.flatnonzero(shapely.intersects(polys, region))
    if not len(hit):
        return hit, np.zeros(0, dtype=object)
    pieces = shapely.intersection(polys[hit], region)
    ok = shapely.area(pieces) > MIN_PIECE_M2
    return hit[ok], pieces[ok]


def highest_eave_in_region(corners: np.ndarray, polygon: np.ndarray, region) -> float:
    """The highest eave of the roof parts over ``region``: of every roof polygon reaching into
    the region, its lowest point (a flat roof's height, a pitched roof's eave); the largest of
    those. For a stepped building this is the roof level of the part standing in the region
    (NaN: no roof there)."""
    if not len(corners) or region is None or region.is_empty:
        return float("nan")
    hit, _pieces = _clipped(corners, region)
    if not len(hit):
        return float("nan")
    zmin_tri = corners[:, :, 2].min(axis=1)
    uniq, inv = np.unique(polygon, return_inverse=True)
    zmin_poly = np.full(len(uniq), np.inf)
    np.minimum.at(zmin_poly, inv, zmin_tri)
    return float(zmin_poly[np.unique(inv[hit])].max())


def z_in_region(corners: np.ndarray, region, mode: str = "max") -> float:
    """Highest (``mode`` "max") or lowest ("min") z of the triangles ``corners`` (k, 3, 3) over
    the plan region ``region`` (shapely): every triangle is clipped to the region in plan and z is
    interpolated on its plane at the clipped vertices. NaN when no triangle reaches into the
    region by more than 1 cm²."""
    if not len(corners) or region is None or region.is_empty:
        return float("nan")
    hit, pieces = _clipped(corners, region)
    if not len(hit):
        return float("nan")
    xy, which = shapely.get_coordinates(pieces, return_index=True)
    t = corners[hit[which]]
    p0, e1, e2 = t[:, 0], t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
    d = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    dx, dy = xy[:, 0] - p0[:, 0], xy[:, 1] - p0[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        l1 = (dx * e2[:, 1] - dy * e2[:, 0]) / d
        l2 = (e1[:, 0] * dy - e1[:, 1] * dx) / d
    z = p0[:, 2] + l1 * e1[:, 2] + l2 * e2[:, 2]
    z = z[np.isfinite(z)]
    if not len(z):
        return float("nan")
    return float(z.max() if mode == "max" else z.min())


def _max_distance_outside(part, allowed) -> float:
    """Largest distance (m) of a point of ``part`` from ``allowed``, sampled on ``part``'s
    outline every 5 cm plus its vertices."""
    if part.is_empty:
        return 0.0
    pts = shapely.get_coordinates(shapely.segmentize(shapely.boundary(part), SAMPLE_STEP_M))
    if not len(pts):
        return 0.0
    # no point of the part is farther from ``allowed`` than dist(part, allowed) + its diagonal:
    # the allowed area clipped to that window gives the same distances, much faster
    x0, y0, x1, y1 = part.bounds
    reach = float(shapely.distance(part, allowed)) + math.hypot(x1 - x0, y1 - y0) + 1.0
    near = shapely.clip_by_rect(allowed, x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    return float(shapely.distance(shapely.points(pts), near).max())


def _baulinie_gap(fp, line) -> tuple[float, object]:
    """How far the façade stays behind ``line``: the largest distance (m) from the footprint of
    the points of the line in front of the building (between the projections of the footprint's
    vertices), and that part of the line."""
    if line.is_empty or fp.is_empty:
        return 0.0, None
    lines = [g for g in shapely.get_parts(line) if g.geom_type == "LineString" and g.length > 0]
    best, best_part = 0.0, None
    verts = shapely.points(shapely.get_coordinates(fp.boundary))
    for ln in lines:
        t = shapely.line_locate_point(ln, verts)
        lo, hi = float(t.min()), float(t.max())
        if hi - lo < 0.1:
            continue
        part = substring(ln, lo, hi)
        pts = shapely.points(shapely.get_coordinates(shapely.segmentize(part, SAMPLE_STEP_M)))
        gap = float(shapely.distance(pts, fp).max())
        if gap > best:
            best, best_part = gap, part
    return best, best_part


def _zone_region(zone: Zone, bf_union):
    """Where a zone's own fixings apply: a Baufenster's area; a BTF's area outside its Baufenster."""
    return zone.geometry if zone.kind == "baufenster" else polygonal(shapely.difference(zone.geometry, bf_union))


def _carve(items):
    """Disjoint regions from overlapping ones: ``items`` [(permissiveness, region, payload)], the
    most permissive first claims its whole region, the next what is left of its own, … (a
    point belongs to the most permissive zone covering it: the union of the envelopes). Yields
    (payload, region) for the non-empty ones."""
    taken = None
    for _key, region, payload in sorted(items, key=lambda t: -t[0]):
        own = region if taken is None else polygonal(shapely.difference(region, taken))
        taken = region if taken is None else shapely.union_all([taken, region])
        if not own.is_empty and own.area > MIN_PIECE_M2:
            yield payload, own


def _storeys(model, met, row_of: dict, bid: str) -> tuple[int, str]:
    """Full storeys above ground: the file's ``storeysAboveGround`` (of the building, else the
    largest of its parts), else the metrics estimate."""
    obj = model.objects[bid]
    vals = []
    for oid in [bid] + list(obj.children):
        o = model.objects.get(oid)
        v = o.attributes.get("storeysAboveGround") if o is not None else None
        if isinstance(v, dict):
            v = v.get("value")
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f) and f >= 0:
            vals.append(int(round(f)))
        if oid == bid and vals:
            break
    if vals:
        return max(vals), "attribute"
    i = row_of.get(bid)
    return (int(met["storeys"][i]) if i is not None else 0), "estimate"


def check_compliance(model, plan: Bebauungsplan, inserted=(), changed=(), lod=None,
                     tolerance_m: float = DEFAULT_TOLERANCE_M, storey_height_m: float = STOREY_HEIGHT_M,
                     bezugshoehe_m: float | None = None, street_height_m: float | None = None,
                     progress=None, cancelled=None) -> ComplianceResult:
    """Check every building of ``model`` (a variant: the scenario already applied) that stands
    in the plan area against ``plan`` (in the model CRS); ``inserted`` / ``changed`` ids are
    listed first (see the module docstring for the checks and their measures)."""
    from stadtbild.analysis.metrics import compute_metrics
    from stadtbild.model.footprint import footprint_polygons

    progress = progress or (lambda *_a: None)
    origin = np.asarray(model.origin, dtype=np.float64).reshape(3)
    prep = prepare(plan, origin)
    refs = HeightReferences(bezugshoehe_m if bezugshoehe_m is not None else plan.bezugshoehe(), street_height_m)
    warnings = list(plan.warnings) + list(prep.warnings)
    assumptions = [
        f"Footprint = GroundSurface of the building (else the projection of its roofs); gross floor area = "
        f"footprint × full storeys above ground (storeysAboveGround of the file, else eave height / "
        f"{storey_height_m:g} m, rounded, at least 1) — the estimate of the variant comparison.",
        "GRZ/GFZ reference area = the Baugebietsteilfläche (the building plots are not part of the plan); "
        "ancillary buildings and paved areas (§19(4) BauNVO) are not in the city model and not counted.",
        "Heights above NHN are compared with the model's heights (its vertical datum); relative heights are "
        "measured from the building's lowest ground point unless the plan or the user gives a reference.",
        f"Deviations up to {tolerance_m:g} m (ratios up to {RATIO_TOLERANCE:g}) are not reported; §23(2)/(3) "
        f"BauNVO allows the authority to accept minor ones.",
    ]
    if prep.buildable is None:
        assumptions.append("The plan has no Baufenster: no Baugrenze/Baulinie check.")
    met = compute_metrics(model, lod=lod, storey_height_m=storey_height_m)
    row_of = {oid: i for i, oid in enumerate(met.ids)}
    ids, fps, _pp, _pr = footprint_polygons(model, lod, types=("Building",))
    fps = np.asarray(fps, dtype=object)
    top_level = [k for k, oid in enumerate(ids) if not [p for p in model.objects[oid].parents if p in model.objects]]
    area = prep.area
    inside = []
    for k in top_level:
        fp = fps[k]
        if fp is None or fp.is_empty:
            continue
        fp = polygonal(fp)
        if shapely.area(shapely.intersection(fp, area)) > 0.01:
            inside.append((ids[k], fp))
    rank = {oid: (0, i) for i, oid in enumerate(inserted)}
    for i, oid in enumerate(changed):
        rank.setdefault(oid, (1, i))
    inside.sort(key=lambda t: rank.get(t[0], (2, 0)))
    tris = _building_triangles(model, lod, [b for b, _ in inside])
    zones = prep.zones()
    zone_geoms = np.array([z.geometry for z in zones], dtype=object)
    ztree = shapely.STRtree(zone_geoms) if len(zones) else None
    bf_union = shapely.union_all([z.geometry for z in prep.baufenster]) if prep.baufenster else shapely.Polygon()
    oz = float(origin[2])
    checks: list[BuildingCheck] = []
    ins, chg = set(inserted), set(changed)
    for n_done, (bid, fp) in enumerate(inside):
        if cancelled is not None and cancelled():
            from stadtbild.model.errors import Cancelled

            raise Cancelled()
        i = row_of.get(bid)
        col = (lambda k: float(met[k][i]) if i is not None else float("nan"))
        storeys, s_src = _storeys(model, met, row_of, bid)
        chk = BuildingCheck(bid, "inserted" if bid in ins else "changed" if bid in chg else "existing", fp,
                            float(fp.area), col("ground_height_m"), col("eave_z_m"), col("ridge_z_m"), storeys, s_src)
        fp_in = polygonal(shapely.intersection(fp, area))
        cand = [zones[j] for j in (ztree.query(fp, predicate="intersects") if ztree is not None else [])]
        overlaps = {z.id: float(shapely.area(shapely.intersection(z.geometry, fp))) for z in cand}
        chk.baufenster = [z.id for z in cand if z.kind == "baufenster" and overlaps[z.id] > 0.01]
        btfs = [z for z in cand if z.kind == "baugebiet" and overlaps[z.id] > 0.01]
        if btfs:
            chk.baugebiet = max(btfs, key=lambda z: overlaps[z.id]).id
        # ---- Baugrenze
        if prep.buildable is not None:
            outside = polygonal(shapely.difference(fp_in, prep.buildable))
            outside = polygonal(shapely.union_all([p for p in shapely.get_parts(outside) if p.area > MIN_PIECE_M2])) \
                if not outside.is_empty else outside
            chk.area_outside_m2 = float(outside.area)
            chk.max_outside_m = _max_distance_outside(outside, prep.buildable) if outside.area > MIN_PIECE_M2 else 0.0
            if chk.max_outside_m > tolerance_m:
                near = [z for z in prep.baufenster if z.geometry.distance(outside) < chk.max_outside_m + 1.0]
                chk.violations.append(Violation(
                    bid, "baugrenze", chk.max_outside_m, "m", near[0].id if near else "", limit=0.0,
                    value=chk.max_outside_m, reference="Baugrenze",
                    detail=f"{chk.area_outside_m2:.2f} m² of the footprint outside the Baufenster, up to "
                           f"{chk.max_outside_m:.2f} m beyond the Baugrenze", geometry=outside))
        # ---- Baulinie
        in_bf = {z.id for z in prep.baufenster if z.id in chk.baufenster
                 and overlaps[z.id] > max(1.0, 0.05 * chk.footprint_area_m2)}
        for f, line, bounded in prep.baulinien:
            zs = [z for z in bounded if z.id in in_bf]
            if not zs:
                continue
            along = shapely.intersection(line, shapely.union_all([z.geometry.boundary.buffer(0.05) for z in zs]))
            gap, part = _baulinie_gap(fp, along)
            if gap > tolerance_m:
                chk.violations.append(Violation(
                    bid, "baulinie", gap, "m", f.id, limit=0.0, value=gap, reference="Baulinie",
                    detail=f"façade up to {gap:.2f} m behind the Baulinie", geometry=part))
        # ---- heights
        corners, is_roof, tri_poly = tris.get(bid, (np.zeros((0, 3, 3)), np.zeros(0, bool), np.zeros(0, np.int64)))
        roof_corners, roof_poly = corners[is_roof], tri_poly[is_roof]
        ground_abs = chk.ground_z_m
        touched = [z for z in cand if overlaps.get(z.id, 0.0) > 0.0]
        for kind in ("top", "eave"):
            items = []
            for z in touched:
                lim = zone_limit(z, kind, ground_abs, refs)
                for note in (lim.notes if lim is not None else []):
                    warnings.append(f"{z.id} ({z.kind}): {note}")
                if lim is None or (lim.upper_z is None and lim.lower_z is None):
                    if z.kind == "baufenster":  # no limit of this kind here: unlimited (takes its area)
                        items.append((np.inf, _zone_region(z, bf_union), None))
                    continue
                items.append((lim.upper_z if lim.upper_z is not None else np.inf, _zone_region(z, bf_union), lim))
            sel = corners if kind == "top" else roof_corners
            for lim, own in _carve(items):
                if lim is None:
                    continue
                zmeas = z_in_region(sel, own, "max" if kind == "top" else "min")
                if not math.isfinite(zmeas):
                    continue
                zmeas += oz
                chk.heights.append({"zone": lim.zone.id, "kind": kind, "limit": lim.label,
                                    "measured_z": round(zmeas, 3),
                                    "upper_z": None if lim.upper_z is None else round(lim.upper_z, 3),
                                    "lower_z": None if lim.lower_z is None else round(lim.lower_z, 3)})
                ref = next((h.reference for h in lim.zone.heights if h.limits == kind), kind)
                what = "top" if kind == "top" else "eave"
                if lim.upper_z is not None and zmeas - lim.upper_z > tolerance_m:
                    chk.violations.append(Violation(
                        bid, "height", zmeas - lim.upper_z, "m", lim.zone.id, limit=lim.upper_z, value=zmeas,
                        reference=ref, detail=f"{what} {zmeas:.2f} m > {lim.label}", geometry=fp))
                if lim.lower_z is not None and lim.lower_z - zmeas > tolerance_m:
                    chk.violations.append(Violation(
                        bid, "height", lim.lower_z - zmeas, "m", lim.zone.id, limit=lim.lower_z, value=zmeas,
                        bound="min", reference=ref, detail=f"{what} {zmeas:.2f} m < {lim.label}", geometry=fp))
        # ---- storeys: per zone region (most permissive zone where they overlap, as for heights)
        items = [(z.storeys.get("max", z.storeys.get("mandatory", np.inf)), _zone_region(z, bf_union), z)
                 for z in touched if z.storeys or z.kind == "baufenster"]
        regions = [(z, own) for z, own in _carve(items)
                   if shapely.area(shapely.intersection(own, fp)) > max(1.0, 0.05 * chk.footprint_area_m2)]
        for z, own in regions:
            if not z.storeys:
                continue
            s = z.storeys
            n, src = storeys, s_src
            if len(regions) > 1:  # a stepped building: the full storeys of its part in this region
                eave = highest_eave_in_region(roof_corners, roof_poly, own)
                if math.isfinite(eave):
                    est = max(1, int(round((eave + oz - ground_abs) / storey_height_m)))
                    # the file's number is the building's highest part: a lower part has fewer storeys
                    n, src = (est, "estimate") if s_src == "estimate" or est < storeys else (storeys, s_src)
            chk.storey_limits = dict(s)
            found = []
            if "mandatory" in s and n != s["mandatory"]:
                found.append((abs(n - s["mandatory"]), s["mandatory"], "mandatory"))
            if "max" in s and n > s["max"]:
                found.append((n - s["max"], s["max"], "max"))
            if "min" in s and n < s["min"]:
                found.append((s["min"] - n, s["min"], "min"))
            for amount, lim_v, bound in found:
                chk.violations.append(Violation(
                    bid, "storeys", float(amount), "storeys", z.id, limit=float(lim_v), value=float(n),
                    bound=bound, reference="Z",
                    detail=f"{n} full storeys ({'file' if src == 'attribute' else 'estimate'}), plan: {bound} {lim_v:g}",
                    geometry=fp))
        checks.append(chk)
        progress(n_done + 1, len(inside) + 1)
    # ---- GRZ / GFZ per building zone
    zone_checks = []
    for z in prep.baugebiete:
        f = z.feature
        lim = {}
        for key, names in (("GRZ", ("GRZmax", "GRZ")), ("GFZ", ("GFZmax", "GFZ")), ("GR", ("GRmax", "GR")),
                           ("GF", ("GFmax", "GF"))):
            v = next((f.number(n) for n in names if f.number(n) is not None), None)
            if v is not None:
                lim[key] = v
        a = float(z.geometry.area)
        members, fp_sum, gfa = [], 0.0, 0.0
        for chk in checks:
            share = float(shapely.area(shapely.intersection(chk.footprint, z.geometry)))
            if share > 0.01:
                members.append(chk.id)
                fp_sum += share
                gfa += share * chk.storeys
        zc = ZoneCheck(z.id, z.nutzung, a, fp_sum, gfa, lim, members)
        if a > 0:
            for key, kind, reached, per_area in (("GRZ", "grz", zc.grz, False), ("GFZ", "gfz", zc.gfz, False),
                                                 ("GR", "grz", fp_sum, True), ("GF", "gfz", gfa, True)):
                if key not in lim:
                    continue
                over = (reached - lim[key]) / a if per_area else reached - lim[key]
                if over > RATIO_TOLERANCE:
                    zc.violations.append(Violation(
                        z.id, kind, over, "ratio" if not per_area else "ratio (m²/m²)", z.id, limit=lim[key],
                        value=reached, reference=key,
                        detail=f"{key} {reached:.3f} reached, {lim[key]:g} allowed" if not per_area else
                               f"{key} {reached:.1f} m² reached, {lim[key]:g} m² allowed", geometry=z.geometry))
        zone_checks.append(zc)
    progress(1, 1)
    return ComplianceResult(prep, model.crs, checks, zone_checks, tolerance_m, storey_height_m,
                            list(dict.fromkeys(warnings)), assumptions, model)


def buildings_in_area(model, plan: Bebauungsplan, lod=None, exclude=()) -> list[str]:
    """Top-level buildings whose footprint centroid lies in the plan area (for "hide the existing
    buildings in the plan area"); ``exclude``: ids to leave out (e.g. the inserted ones)."""
    from stadtbild.model.footprint import footprint_centroids

    origin = np.asarray(model.origin, dtype=np.float64)
    area = polygonal(to_local(plan.geltungsbereich(), origin))
    cents = footprint_centroids(model)
    skip = set(exclude)
    ids = [oid for oid in cents if oid not in skip and model.objects[oid].type == "Building"]
    if not ids:
        return []
    xy = np.array([cents[oid] for oid in ids], dtype=np.float64)[:, :2] - origin[:2]
    inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
    return [oid for oid, ok in zip(ids, inside) if ok]


__all__ = ["check_compliance", "buildings_in_area", "ComplianceResult", "BuildingCheck", "ZoneCheck", "Violation",
           "z_in_region", "highest_eave_in_region"]
