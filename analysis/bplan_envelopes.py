"""The Bebauungsplan in 3D: the plan's zones in a model's local frame, the height limits that apply
in each, and the Baufenster envelopes (the volumes a building may fill). The compliance check of a
variant against them is :mod:`analysis.bplan`.

Frames: all geometry here is in the city model's *local* frame (model CRS − ``origin``, metres),
like :class:`model.scene.Scene`; the plan (``model.bplan.Bebauungsplan``) must already be in the
model CRS (``importers.xplanung.read_xplanung(path, crs=model.crs)``). Heights (z) are the
model's heights (metres, local: z − origin[2]); plan heights above sea level (NHN) are taken to be
in the model's vertical datum (for German LoD2 data DHHN2016 = NHN).

Which limit applies where
-------------------------
- A Baufenster (``BP_UeberbaubareGrundstuecksFlaeche``, ``ebene`` ≥ 0) applies its own height
  limits, storey numbers and Art der Nutzung; what it does not fix itself it inherits from the
  building zone (``BP_BaugebietsTeilFlaeche``, BTF) it overlaps most. Parts of a BTF outside every
  Baufenster apply the BTF's own fixings. Baufenster below ground (``ebene`` < 0) are not used.
- Where Baufenster overlap, a point may rise to the most permissive of their limits: the 3D
  envelope of the plan is the union of the Baufenster volumes.
- A height limit (``XP_Hoehenangabe``) limits the *eave* (TH Traufhöhe, WH Wandhöhe) or the *top*
  (FH Firsthöhe, OK Oberkante, GBH Gebäudehöhe, HBA Höhe baulicher Anlagen) of a building. Its
  maximum is ``hMax``, else ``h``, else ``hZwingend``; its minimum ``hMin`` or ``hZwingend``.
  The value's reference (``hoehenbezug``): absolute NHN/NN/DHHN; relative to the ground (the
  building's lowest ground point, as ``analysis.metrics`` defines ground height); relative to the
  plan's ``bezugshoehe`` (or ``bezugshoehe_m`` given by the user); relative to the street or the
  pavement (``street_height_m`` given by the user, else the ground, with a note); relative to the
  ground floor level (EFH, unknown: the ground, with a note); without ``hoehenbezug``: the ground,
  with a note. A maximum at or below the ground (a placeholder such as ``h = 0`` NHN) is not
  applied and named in the warnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from stadtbild.analysis.metrics import STOREY_HEIGHT_M
from stadtbild.model.bplan import Bebauungsplan, PlanFeature, zone_colour

#: a placeholder limit at or below ground + this (m) is not applied
PLACEHOLDER_M = 0.5


# ====================================================================== zones
@dataclass(eq=False)
class Zone:
    """A Baufenster or a building zone (BTF) with the fixings that apply inside it (own, or
    inherited from its BTF), geometry in the local frame."""

    feature: PlanFeature
    kind: str  # "baufenster" | "baugebiet"
    geometry: object
    btf: "Zone | None" = None
    heights: list = field(default_factory=list)
    storeys: dict = field(default_factory=dict)
    nutzung: str | None = None
    colour: tuple = (200, 150, 140)

    @property
    def id(self) -> str:
        return self.feature.id


@dataclass(eq=False)
class PreparedPlan:
    """The plan's geometry in a model's local frame, with the zones resolved."""

    plan: Bebauungsplan
    origin: np.ndarray
    area: object
    baufenster: list
    baugebiete: list
    buildable: object  # union of the Baufenster (and BTFs without any); None: no Baugrenze check
    baulinien: list  # [(feature, line (local), [Baufenster zones it bounds])]
    warnings: list = field(default_factory=list)

    def zones(self) -> list:
        return self.baufenster + self.baugebiete


def to_local(geom, origin):
    """``geom`` (model CRS) shifted into the local frame of ``origin``."""
    o = np.asarray(origin, dtype=np.float64).reshape(-1)[:2]
    return shapely.transform(geom, lambda c: c - o)


def polygonal(g):
    """The polygonal part of ``g`` made valid (an empty Polygon for nothing)."""
    if g is None or g.is_empty:
        return shapely.Polygon()
    if not g.is_valid:
        g = shapely.make_valid(g)
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def prepare(plan: Bebauungsplan, origin) -> PreparedPlan:
    """Zones of ``plan`` in the local frame of ``origin`` (see module docstring)."""
    origin = np.asarray(origin, dtype=np.float64).reshape(3)
    btfs = [Zone(f, "baugebiet", polygonal(to_local(f.geometry, origin))) for f in plan.baugebiete]
    for z in btfs:
        z.heights = z.feature.height_limits()
        z.storeys = z.feature.storey_limits()
        z.nutzung = z.feature.nutzung
        z.colour = zone_colour(z.feature)
    warnings = []
    below = [f for f in plan.baufenster if f.ebene < 0]
    if below:
        warnings.append(f"{len(below)} Baufenster below ground (ebene < 0) are not used for buildings above ground")
    bfs = []
    btf_geoms = np.array([z.geometry for z in btfs], dtype=object)
    tree = shapely.STRtree(btf_geoms) if len(btfs) else None
    for f in plan.baufenster:
        if f.ebene < 0:
            continue
        g = polygonal(to_local(f.geometry, origin))
        z = Zone(f, "baufenster", g)
        if tree is not None:
            cand = tree.query(g, predicate="intersects")
            if len(cand):
                overlap = shapely.area(shapely.intersection(btf_geoms[cand], g))
                if overlap.max() > 0:
                    z.btf = btfs[int(cand[int(np.argmax(overlap))])]
        own = f.height_limits()
        kinds = {h.limits for h in own}
        inherited = [h for h in (z.btf.heights if z.btf else []) if h.limits not in kinds]
        z.heights = own + inherited
        z.storeys = f.storey_limits() or (dict(z.btf.storeys) if z.btf else {})
        z.nutzung = f.nutzung or (z.btf.nutzung if z.btf else None)
        z.colour = zone_colour(f) if f.nutzung else (z.btf.colour if z.btf else zone_colour(f))
        bfs.append(z)
    area = polygonal(to_local(plan.geltungsbereich(), origin))
    buildable = None
    if bfs:
        parts = [z.geometry for z in bfs]
        bf_union = shapely.union_all(parts)
        parts += [z.geometry for z in btfs if not z.geometry.intersects(bf_union)
                  or shapely.area(shapely.intersection(z.geometry, bf_union)) < 1e-6]
        buildable = polygonal(shapely.union_all(parts))
    lines = []
    for f in plan.baulinien:
        line = to_local(f.geometry, origin)
        bounds = [z for z in bfs if shapely.distance(z.geometry.boundary, line) < 0.05
                  and shapely.length(shapely.intersection(line, z.geometry.boundary.buffer(0.05))) > 0.5]
        lines.append((f, line, bounds))
    return PreparedPlan(plan, origin, area, bfs, btfs, buildable, lines, warnings)


# ====================================================================== heights
@dataclass
class HeightReferences:
    """Reference heights (m, model heights, absolute) for relative plan heights."""

    bezugshoehe_m: float | None = None
    street_height_m: float | None = None

    def base(self, h, ground_z: float) -> tuple[float, str | None]:
        """(z the value is measured from, note on an assumption or None)."""
        if h.absolute:
            return 0.0, None
        code = h.hoehenbezug
        if code == 2000:
            return ground_z, None
        if code == 3000:
            if self.bezugshoehe_m is not None:
                return self.bezugshoehe_m, None
            return ground_z, "Bezugshöhe not given: measured from the ground"
        if code in (2500, 3500):
            if self.street_height_m is not None:
                return self.street_height_m, None
            return ground_z, "street/pavement height not given: measured from the ground"
        if code == 4000:
            return ground_z, "ground floor level (EFH) unknown: measured from the ground"
        return ground_z, "no hoehenbezug in the plan: measured from the ground"


@dataclass
class Limit:
    """The heights a zone allows for one kind ("eave" or "top") at a given ground, metres."""

    zone: Zone
    kind: str
    upper_z: float | None
    lower_z: float | None
    label: str
    notes: list = field(default_factory=list)


def zone_limit(zone: Zone, kind: str, ground_z: float, refs: HeightReferences) -> Limit | None:
    """The combined limit of ``kind`` of a zone (the most restrictive maximum and minimum of its
    height specifications of that kind), z in the model's heights; None without any."""
    hs = [h for h in zone.heights if h.limits == kind]
    if not hs:
        return None
    uppers, lowers, labels, notes = [], [], [], []
    for h in hs:
        base, note = refs.base(h, ground_z)
        if note:
            notes.append(note)
        if h.upper is not None:
            uppers.append(base + h.upper)
        if h.lower is not None:
            lowers.append(base + h.lower)
        labels.append(h.label())
    upper = min(uppers) if uppers else None
    lower = max(lowers) if lowers else None
    if upper is not None and upper <= ground_z + PLACEHOLDER_M:
        notes.append(f"limit {', '.join(labels)} lies at or below the ground ({ground_z:.2f} m): not applied")
        upper = None
    if upper is None and lower is None:
        return Limit(zone, kind, None, None, " / ".join(labels), notes)
    return Limit(zone, kind, upper, lower, " / ".join(labels), notes)


# ====================================================================== envelopes
@dataclass
class Envelopes:
    """Translucent volumes of the Baufenster, local frame. ``triangles`` index ``vertices``;
    ``owner`` (per triangle) indexes ``zones``; ``edges`` are line segments (k, 2, 3) of the
    volumes' top outlines (and eave lines), ``edge_owner`` their zone."""

    vertices: np.ndarray
    triangles: np.ndarray
    owner: np.ndarray
    zones: list
    top_z: np.ndarray  # per zone, local
    bottom_z: np.ndarray  # per zone (its lowest point), local
    source: list  # per zone: "limit" | "storeys" | "none"
    colours: np.ndarray  # (k, 3) uint8
    edges: np.ndarray
    edge_owner: np.ndarray
    notes: list = field(default_factory=list)

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)


def polygon_triangles(polys_xy, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triangulate shapely polygons (2D; MultiPolygons split) at height ``z`` (scalar, or a
    callable giving z for (n, 2) points) with :func:`model.triangulate.triangulate` (ear
    clipping). Returns ``(vertices (n, 3), triangles (m, 3) facing up, owner (m,))`` with owner =
    index of the input geometry."""
    from stadtbild.model.triangulate import triangulate

    geoms = np.asarray(polys_xy, dtype=object)
    parts, owner_of_part = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    parts, owner_of_part = parts[keep], owner_of_part[keep]
    if not len(parts):
        return np.zeros((0, 3)), np.zeros((0, 3), np.int64), np.zeros(0, np.int64)
    parts = shapely.normalize(parts)  # exterior clockwise → reoriented below
    rings, ring_poly = [], []
    for i, p in enumerate(parts):
        ext = np.asarray(p.exterior.coords)[:-1]
        if not shapely.is_ccw(p.exterior):
            ext = ext[::-1]
        rings.append(ext)
        ring_poly.append(i)
        for h in p.interiors:
            rings.append(np.asarray(h.coords)[:-1])
            ring_poly.append(i)
    xy = np.concatenate(rings)
    zz = z(xy) if callable(z) else np.full(len(xy), float(z))
    verts = np.c_[xy, zz]
    ring_offsets = np.concatenate([[0], np.cumsum([len(r) for r in rings])])
    ring_poly = np.asarray(ring_poly)
    polygon_offsets = np.concatenate([[0], np.cumsum(np.bincount(ring_poly, minlength=len(parts)))])
    flat = verts.copy()
    flat[:, 2] = 0.0  # triangulate in plan (the z of draped vertices may vary)
    tri = triangulate(flat, np.arange(len(verts)), ring_offsets, polygon_offsets)
    return verts, tri.triangles, owner_of_part[tri.polygon]


def envelopes(prepared: PreparedPlan, ground, refs: HeightReferences | None = None,
              storey_height_m: float = STOREY_HEIGHT_M) -> Envelopes:
    """The Baufenster as volumes from the ground up to their height limit (see module
    docstring). ``ground`` is a ``model.ground.Ground`` (terrain or plane, local frame).

    Top: the most restrictive maximum of the top heights (FH/OK/GBH/HBA), else of the eave heights
    (TH/WH), with the right reference; relative heights are measured from the lowest ground
    point along the Baufenster's outline. Without a height: full storeys (Zzwingend, else Zmax / Z)
    × ``storey_height_m`` above the ground (``source`` "storeys"), else a 1 m slab ("none").
    Bottom: the terrain along the outline (edges densified to 2 m on a terrain); for a Baufenster
    whose vertical extent is given (``hMin`` without reference point, e.g. above a passage) that
    height; for an upper-level Baufenster (``ebene`` > 0) whose storeys start at Zmin, the top of
    the overlapping Baufenster for the storeys below (a stepped or twisted tower is drawn as
    its stack of slabs). An eave limit below the top is drawn as a line round the volume."""
    refs = refs or HeightReferences()
    zones = list(prepared.baufenster)
    origin_z = float(prepared.origin[2])
    terrain = getattr(ground, "grid", None) is not None
    notes: list = []
    geoms, tops, sources, eaves, bases, lowest = [], [], [], [], [], []
    for z in zones:
        g = shapely.segmentize(z.geometry, 2.0) if terrain else z.geometry
        ring_xy = shapely.get_coordinates(shapely.boundary(g))
        gz = ground.height(ring_xy) if len(ring_xy) else np.zeros(1)
        g0_abs = (float(np.min(gz)) if len(gz) else 0.0) + origin_z
        lim_top = zone_limit(z, "top", g0_abs, refs)
        lim_eave = zone_limit(z, "eave", g0_abs, refs)
        for lim in (lim_top, lim_eave):
            if lim is not None:
                notes.extend(f"{z.id}: {n}" for n in lim.notes)
        top_abs = next((lim.upper_z for lim in (lim_top, lim_eave) if lim is not None and lim.upper_z is not None), None)
        src = "limit"
        if top_abs is None:
            n = z.storeys.get("mandatory", z.storeys.get("max"))
            top_abs, src = (g0_abs + n * storey_height_m, "storeys") if n else (g0_abs + 1.0, "none")
        base = None  # None: the ground under every vertex
        ext = z.feature.extent()
        if ext is not None and ext.lower is not None:
            b0, _ = refs.base(ext, g0_abs)
            if b0 + ext.lower < top_abs:
                base = b0 + ext.lower
        geoms.append(g)
        tops.append(top_abs)
        sources.append(src)
        eaves.append(lim_eave.upper_z if lim_eave is not None else None)
        bases.append(base)
        lowest.append(g0_abs)
    for k, z in enumerate(zones):  # upper-level Baufenster stand on the slabs of the storeys below
        zmin = z.storeys.get("min")
        if z.feature.ebene <= 0 or zmin is None or bases[k] is not None:
            continue
        below = [tops[j] for j, o in enumerate(zones) if j != k and o.storeys.get("max", o.storeys.get("mandatory"))
                 is not None and o.storeys.get("max", o.storeys.get("mandatory")) < zmin and tops[j] < tops[k]
                 and shapely.area(shapely.intersection(o.geometry, z.geometry)) > 1.0]
        if below:
            bases[k] = max(below)
    verts_all, tris_all, owner_all, edges, edge_owner = [], [], [], [], []
    n_v = 0
    for k, g in enumerate(geoms):
        t = tops[k] - origin_z
        if bases[k] is None:
            base_fn = ground.height
        else:
            lift = bases[k] - origin_z
            base_fn = (lambda xy, lift=lift: np.full(len(xy), lift))
        vt, tt, _ = polygon_triangles([g], t)
        vb, tb, _ = polygon_triangles([g], lambda xy, f=base_fn: f(xy))
        verts_all += [vt, vb]
        tris_all += [tt + n_v, tb[:, ::-1] + n_v + len(vt)]
        owner_all.append(np.full(len(tt) + len(tb), k))
        n_v += len(vt) + len(vb)
        for ring in _rings(g):  # walls: every ring edge as two triangles from the bottom to the top
            a = np.c_[ring, base_fn(ring)]
            b = np.c_[ring, np.full(len(ring), t)]
            m = len(ring)
            i = np.arange(m)
            j = (i + 1) % m
            verts_all.append(np.concatenate([a, b]))
            tris_all.append(np.concatenate([np.c_[i, j, m + j], np.c_[i, m + j, m + i]]) + n_v)
            owner_all.append(np.full(2 * m, k))
            n_v += 2 * m
            edges.append(np.stack([b, b[j]], axis=1))
            edge_owner.append(np.full(m, k))
            if eaves[k] is not None and eaves[k] - origin_z < t - 0.05:
                e = np.c_[ring, np.full(m, eaves[k] - origin_z)]
                edges.append(np.stack([e, e[j]], axis=1))
                edge_owner.append(np.full(m, k))
    bottom = np.array([(b if b is not None else lo) - origin_z for b, lo in zip(bases, lowest)])
    colours = np.array([z.colour for z in zones], dtype=np.uint8).reshape(-1, 3)
    if not verts_all:
        return Envelopes(np.zeros((0, 3)), np.zeros((0, 3), np.int64), np.zeros(0, np.int64), [], np.zeros(0),
                         np.zeros(0), [], colours, np.zeros((0, 2, 3)), np.zeros(0, np.int64), notes)
    return Envelopes(np.concatenate(verts_all), np.concatenate(tris_all).astype(np.int64),
                     np.concatenate(owner_all).astype(np.int64), zones, np.array(tops) - origin_z, bottom, sources,
                     colours, np.concatenate(edges) if edges else np.zeros((0, 2, 3)),
                     np.concatenate(edge_owner) if edge_owner else np.zeros(0, np.int64), list(dict.fromkeys(notes)))


def _rings(g) -> list:
    """Exterior (counter-clockwise) and interior (clockwise) rings (n, 2), not closed, of a
    (multi)polygon: walls built on them face outwards."""
    from shapely.geometry.polygon import orient

    out = []
    for p in shapely.get_parts(g):
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        p = orient(p, 1.0)
        out.append(np.asarray(p.exterior.coords)[:-1, :2])
        out += [np.asarray(r.coords)[:-1, :2] for r in p.interiors]
    return out


__all__ = ["Zone", "PreparedPlan", "prepare", "HeightReferences", "Limit", "zone_limit", "Envelopes", "envelopes",
           "polygon_triangles", "to_local", "polygonal"]
