"""Abstandsflächen (setback areas) per wall after German state building codes, and conflicts.

For every outer wall polygon of every Building (with its BuildingParts) we build the rectangle in
front of the wall: its base is the wall's horizontal extent, it reaches outwards (horizontal
outward normal) to the depth ``T = max(factor × H, minimum_m)``. Rules are data
(:data:`RULES`); what H is:

MBO 2002 (as amended) §6(4), BayBO Art. 6(4), BauO NRW 2018 §6(4) — *Wandhöhe plus roof share*:
    ``Wandhöhe`` = height from the ground to where the wall meets the roof (or to the top of the
    wall). For a wall with a sloping top (shed-roof side wall) the mean of its two end heights is
    used. The height of the roof above this line is added by its tilt: MBO and BayBO "Dächer mit
    einer Neigung von mehr als 70 Grad voll, von mehr als 45 Grad zu einem Drittel"; BauO NRW
    "weniger als 70 Grad zu einem Drittel, anderenfalls voll". The roof belongs to a wall when its
    faces look the same way (azimuth within 30°), start at the wall's top (±0.5 m) and lie behind
    it, whatever their tilt; each face adds its own share, the wall takes the largest. The gable triangle of a gable wall (the part of the wall above its end heights) is treated
    as the height of the roof over that wall, with the share for the gable's slope (our reading;
    some states count gables to one third regardless of the slope).
NBauO (Lower Saxony) §5(1)–(2) — *per point*:
    "Gebäude müssen mit allen auf ihren Außenflächen … gelegenen Punkten … Abstand halten"; the
    distance is 0.5 H, H being the height of each point above ground. A rectangle per wall cannot
    vary along the wall, so we take the highest point of the wall (a gable peak counts fully —
    the rectangle over-approximates the true pentagon-shaped area of a gable wall) and the roof
    points behind it: a roof rising Δh above the wall at tilt α adds
    ``max(0, Δh − Δh / (factor × tan α))`` (the ridge point needs factor × h minus its horizontal
    distance from the wall), which only matters for roofs steeper than atan(1/factor) = 63.4°.

Minimum depth 3 m in all four rules. Not modelled: the reductions for narrow walls
(16-m-Privileg of older codes), the extension of setback areas to the middle of public roads
(MBO §6(2)), walls shorter than a rule's exemption, dormers, and the 1 H rule of BayBO
Art. 6(5) sentence 2 for cities > 250 000 inhabitants outside commercial areas.

Walls that stand against another building (more than half of a 0.5-m strip in front of them is
covered by a neighbour's footprint) are party walls of closed construction (geschlossene
Bauweise, MBO §6(1) sentence 3) and need no setback area. A wall whose strip lies on the own
building is *interior* (between BuildingParts, hidden) when the own roof in front of it reaches
its top, and an outer wall otherwise (a stepped-back upper storey or a dormer cheek: its H is
still measured from the ground, its area reaches over the own lower roof). Conflicts are
reported per wall (kind):

``setback``   the wall's area overlaps a setback area of another building (MBO §6(3): areas
              must not overlap)
``building``  the wall's area covers part of another building's footprint
``parcel``    the wall's area crosses the boundary of the parcel its building stands on (MBO §6(2):
              areas must lie on the plot itself), when a parcel layer is given

All coordinates are the model CRS in metres; geometry is built relative to ``model.origin``
(local, for precision) and converted back for output. Spatial queries use shapely 2 STRtree
bulk queries (no Python loop over walls)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from stadtbild.model.cache import cached
from stadtbild.model.citymodel import CityModel
from stadtbild.model.errors import InputError
from stadtbild.model.footprint import effective_semantics, footprint_polygons
from stadtbild.model.ranges import concatenated_ranges
from stadtbild.model.resources import PLACES_OF_GERMANY
from stadtbild.model.semantics import GROUND, ROOF, WALL

from .metrics import polygon_geometry_arrays

OVERLAP_TOLERANCE_M2 = 0.01  # overlaps below this area are numerical noise (m²)
#: A conflict is reported only when the overlap is larger than SLIVER_AREA_M2 *and* wider than
#: SLIVER_WIDTH_M (mean width 2·A/P: the width of a long thin strip, half the side of a square).
#: LoD2 footprints come from the cadastre (ALKIS) with positional accuracies of a few centimetres to
#: decimetres, and walls are generalised to planes: a sliver thinner than 10 cm or smaller than
#: 0.5 m² lies within that accuracy and is not a decidable conflict. Stated in every result.
SLIVER_AREA_M2 = 0.5
SLIVER_WIDTH_M = 0.10
PARTY_WALL_PROBE_M = 0.5  # depth of the strip that decides party / interior walls (m)
END_TOLERANCE_M = 0.05  # vertices this close to a wall end define the end height (m)
#: roof tilts within this of a statutory limit count as exactly at it (°): a 45° roof stored with
#: float or millimetre coordinates must not come out as "more than 45°" by rounding noise
PITCH_TOLERANCE_DEG = 1e-6


@dataclass(frozen=True)
class SetbackRule:
    """One state's rule. ``roof_shares``: ((lower_deg, inclusive, share), …) tried in order, the
    first whose bound the roof tilt exceeds (or reaches, when inclusive) gives the share."""

    key: str
    name: str
    citation: str
    factor: float
    minimum_m: float
    roof_shares: tuple = ()
    per_point: bool = False

    def roof_share(self, tilt_deg: np.ndarray) -> np.ndarray:
        tilt = np.asarray(tilt_deg, dtype=float)
        share = np.zeros_like(tilt)
        done = np.zeros(tilt.shape, dtype=bool)
        for lower, inclusive, s in self.roof_shares:
            hit = ~done & ((tilt >= lower - PITCH_TOLERANCE_DEG) if inclusive else (tilt > lower + PITCH_TOLERANCE_DEG))
            share[hit] = s
            done |= hit
        return share

    def depth(self, height_m) -> np.ndarray:
        """Setback depth T = max(factor × H, minimum) in metres."""
        return np.maximum(self.factor * np.asarray(height_m, dtype=float), self.minimum_m)


RULES: dict[str, SetbackRule] = {
    "nbauo": SetbackRule("nbauo", "NBauO (Niedersachsen)", "NBauO §5(2): 0,5 H, mindestens 3 m; H = Höhe jedes Punktes",
                         0.5, 3.0, per_point=True),
    "bauo-nrw": SetbackRule("bauo-nrw", "BauO NRW 2018", "BauO NRW §6(4),(5): 0,4 H, mindestens 3 m",
                            0.4, 3.0, roof_shares=((70.0, True, 1.0), (0.0, False, 1.0 / 3.0))),
    "mbo": SetbackRule("mbo", "Musterbauordnung (MBO)", "MBO §6(4),(5): 0,4 H, mindestens 3 m",
                       0.4, 3.0, roof_shares=((70.0, False, 1.0), (45.0, False, 1.0 / 3.0))),
    "baybo": SetbackRule("baybo", "BayBO (Bayern)", "BayBO Art. 6(4),(5): 0,4 H, mindestens 3 m",
                         0.4, 3.0, roof_shares=((70.0, False, 1.0), (45.0, False, 1.0 / 3.0))),
}


#: the code each Land's building code follows here: NBauO, BauO NRW and BayBO are modelled;
#: the other Länder codes take over the MBO's 0.4 H / 3 m with the MBO roof shares (most of them
#: literally; Baden-Württemberg and Hamburg allow 2.5 m minimum depth — MBO is the stricter reading)
LAND_RULES = {"NI": "nbauo", "NW": "bauo-nrw", "BY": "baybo"}
LAND_NAMES = {"BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
              "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
              "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
              "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen"}
#: Amtlicher Gemeindeschlüssel (AGS): its first two digits are the Land (Statistisches Bundesamt)
AGS_LAND = {"01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP", "08": "BW",
            "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN", "15": "ST", "16": "TH"}
AGS_ATTRIBUTES = ("Gemeindeschluessel", "gemeindeschluessel", "AGS", "ags", "gemeindeschlüssel")
#: a model farther than this from every German place of the places file is not in Germany
OUTSIDE_GERMANY_KM = 25.0
#: nearest places of two different Länder within this distance ratio: the model is near a border
BORDER_RATIO = 1.5


def ags_land(key) -> str | None:
    """The Land (two-letter code) of an Amtlicher Gemeindeschlüssel (8 digits) or a
    Regionalschlüssel (12 digits): their first two digits (:data:`AGS_LAND`); None for anything
    else. A key stored as a number (CityGML ``gen:intAttribute``, a JSON number) has lost its
    leading zero, 05170048 → 5170048: a key of 7 or 11 digits gets it back."""
    if key is None or isinstance(key, bool):
        return None
    text = str(key).strip()
    if text.isdigit() and len(text) in (7, 11):
        text = "0" + text
    return AGS_LAND.get(text[:2])


def _places():
    cached = getattr(_places, "cache", None)
    if cached is None:
        raw = np.loadtxt(PLACES_OF_GERMANY, delimiter=",", skiprows=1, dtype=str)
        cached = (raw[:, :2].astype(np.float64), raw[:, 2])
        _places.cache = cached
    return cached


def land_at(lon_deg: float, lat_deg: float) -> dict:
    """The Land at a WGS84 position: that of the nearest populated place of GeoNames (resources/
    geo/de_places_land.csv, CC BY 4.0; a Voronoi partition of 10 394 places). Returns
    ``{"land": code or None, "distance_km": to that place, "near_border": bool}``; ``land`` is
    None farther than :data:`OUTSIDE_GERMANY_KM` from every place (not in Germany)."""
    xy, codes = _places()
    lat0 = np.radians(lat_deg)
    d = np.hypot((xy[:, 0] - lon_deg) * np.cos(lat0), xy[:, 1] - lat_deg) * 111.195  # km, local equirectangular
    order = np.argsort(d)[:30]
    nearest = order[0]
    km = float(d[nearest])
    if km > OUTSIDE_GERMANY_KM:
        return {"land": None, "distance_km": round(km, 1), "near_border": False}
    other = [i for i in order if codes[i] != codes[nearest]]
    near_border = bool(other) and float(d[other[0]]) < BORDER_RATIO * max(km, 1.0)
    return {"land": str(codes[nearest]), "distance_km": round(km, 1), "near_border": near_border}


def choose_rule(model) -> dict:
    """The Abstandsflächen rule of the Land the model lies in, and how it was found:

    1. the Amtlicher Gemeindeschlüssel of the buildings (attribute ``Gemeindeschluessel`` of the
       German LoD2 data; first two digits = Land), when most buildings carry one;
    2. else the model's position (centre of its bounding box → WGS84 with pyproj) and the nearest
       German place (:func:`land_at`);
    3. else (no CRS, or not in Germany) the Musterbauordnung.

    Returns ``{"rule", "land", "land_name", "source" ("attribute" | "location" | "default"),
    "near_border", "note"}``."""
    votes: dict[str, int] = {}
    n = 0
    for obj in model.objects.values():
        if obj.type != "Building" or obj.parents:
            continue
        n += 1
        for key in AGS_ATTRIBUTES:
            code = ags_land(obj.attributes.get(key))
            if code is not None:
                votes[code] = votes.get(code, 0) + 1
                break
    if votes and max(votes.values()) > 0.5 * max(n, 1):
        land = max(votes, key=votes.get)
        return _choice(land, "attribute", False, f"Gemeindeschlüssel of {votes[land]} of {n} buildings")
    lonlat = _model_lonlat(model)
    if lonlat is not None:
        found = land_at(*lonlat)
        if found["land"] is not None:
            return _choice(found["land"], "location", found["near_border"],
                           f"nearest place {found['distance_km']} km (GeoNames, CC BY 4.0)")
        return _choice(None, "location", False, f"outside Germany ({found['distance_km']} km from the nearest "
                                                "German place): Musterbauordnung")
    return _choice(None, "default", False, "no position (no CRS): Musterbauordnung")


def _choice(land, source, near_border, note) -> dict:
    rule = LAND_RULES.get(land, "mbo")
    return {"rule": rule, "land": land, "land_name": LAND_NAMES.get(land), "source": source,
            "near_border": bool(near_border), "note": note}


def _model_lonlat(model):
    """WGS84 (lon, lat) of the centre of the model's bounding box, None without a usable CRS."""
    epsg = getattr(model.crs, "epsg", None)
    bb = model.bbox()
    if not epsg or bb is None:
        return None
    try:
        from pyproj import CRS, Transformer

        t = Transformer.from_crs(CRS.from_epsg(int(epsg)), CRS.from_epsg(4326), always_xy=True)
        lon, lat = t.transform(0.5 * (bb[0] + bb[3]), 0.5 * (bb[1] + bb[4]))
    except Exception:  # noqa: BLE001 — unknown or vertical-only CRS
        return None
    if not (np.isfinite(lon) and np.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return float(lon), float(lat)


def conflict_key(v: dict) -> tuple:
    """What a conflict is about, stable across variants: building, other side, kind."""
    return (v["id"], str(v["other_id"]), v["kind"])


def compare_conflicts(before: "SetbackResult", after: "SetbackResult") -> dict:
    """The conflicts a variant adds, keeps and resolves against the existing state ("Bestand"),
    per (building, other building/parcel, kind): ``{"new": [...], "existing": [...],
    "resolved": [...]}``, violations of ``after`` (resolved: of ``before``)."""
    old = {conflict_key(v) for v in before.violations}
    new_keys = {conflict_key(v) for v in after.violations}
    return {"new": [v for v in after.violations if conflict_key(v) not in old],
            "existing": [v for v in after.violations if conflict_key(v) in old],
            "resolved": [v for v in before.violations if conflict_key(v) not in new_keys]}


def get_rule(rule) -> SetbackRule:
    if isinstance(rule, SetbackRule):
        return rule
    key = str(rule).lower().replace("_", "-")
    if key not in RULES:
        raise InputError(None, f"unknown setback rule {rule!r} (choose from {', '.join(RULES)})")
    return RULES[key]


@dataclass
class SetbackResult:
    """Walls (arrays, one entry per wall polygon) and conflicts of one rule.

    wall_ids, building_ids, object_ids   lists of str
    wall_height_m   Wandhöhe above the building's ground (m); ``height_m`` H incl. roof share;
                    ``ground_z`` the building's ground height (model CRS z)
    depth_m         setback depth T (m); ``length_m`` wall length (m)
    kind            "outer", "party" or "interior" (only outer walls get setback areas;
                    stepped-back upper walls count as outer)
    areas           shapely rectangles in local xy (relative to ``origin``); empty for others
    footprints      shapely footprint per building (local xy), ``footprint_ids`` their ids
    violations      [{id, wall_id, other_id, overlap_m2, kind}]
    """

    rule: SetbackRule
    origin: np.ndarray
    wall_ids: list
    building_ids: list
    object_ids: list
    wall_height_m: np.ndarray
    height_m: np.ndarray
    depth_m: np.ndarray
    length_m: np.ndarray
    kind: np.ndarray
    areas: np.ndarray
    footprints: np.ndarray
    footprint_ids: list
    violations: list = field(default_factory=list)
    crs_name: str | None = None
    ground_z: np.ndarray | None = None  # ground height (model CRS z, m) of each wall's building
    slivers_ignored: int = 0  # overlaps below the sliver tolerance (not conflicts)
    sliver_area_m2: float = SLIVER_AREA_M2
    sliver_width_m: float = SLIVER_WIDTH_M
    parcels_checked: int = 0
    choice: dict | None = None  # how "auto" chose the rule (choose_rule), None for a given rule

    @property
    def n_walls(self) -> int:
        return len(self.wall_ids)

    def violating_mask(self) -> np.ndarray:
        bad = {v["wall_id"] for v in self.violations}
        return np.array([w in bad for w in self.wall_ids], dtype=bool)

    def summary(self) -> dict:
        """The ``setbacks --json`` object (docs/ARCHITECTURE.md keys rule, walls, violations + extras)."""
        bad = self.violating_mask()
        return {
            "rule": self.rule.key,
            "rule_name": self.rule.name,
            "citation": self.rule.citation,
            "factor": self.rule.factor,
            "minimum_m": self.rule.minimum_m,
            "walls": int(self.n_walls),
            "outer_walls": int(np.sum(self.kind == "outer")),
            "party_walls": int(np.sum(self.kind == "party")),
            "interior_walls": int(np.sum(self.kind == "interior")),
            "violating_walls": int(bad.sum()),
            "buildings": len(self.footprint_ids),
            "violations": [dict(v) for v in self.violations],
            "crs": self.crs_name,
            "slivers_ignored": int(self.slivers_ignored),
            "tolerance": {"min_overlap_m2": self.sliver_area_m2, "min_width_m": self.sliver_width_m},
            "parcels": int(self.parcels_checked),
            "rule_choice": dict(self.choice) if self.choice else {"source": "given"},
        }

    def to_geojson_bytes(self) -> bytes:
        """Setback rectangles as GeoJSON features in the model CRS (named in a legacy ``crs``
        member, as GDAL reads it)."""
        bad = self.violating_mask()
        kinds: dict[str, set] = {}
        for v in self.violations:
            kinds.setdefault(v["wall_id"], set()).add(v["kind"])
        feats = []
        for i in np.flatnonzero(self.kind == "outer"):
            geom = shapely.transform(self.areas[i], lambda xy: xy + self.origin[:2])
            feats.append({
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geom)),
                "properties": {
                    "wall_id": self.wall_ids[i], "building_id": self.building_ids[i],
                    "object_id": self.object_ids[i], "rule": self.rule.key,
                    "wall_height_m": round(float(self.wall_height_m[i]), 3),
                    "h_m": round(float(self.height_m[i]), 3), "depth_m": round(float(self.depth_m[i]), 3),
                    "length_m": round(float(self.length_m[i]), 3), "violation": bool(bad[i]),
                    "conflicts": sorted(kinds.get(self.wall_ids[i], ())),
                },
            })
        doc = {"type": "FeatureCollection", "name": f"abstandsflaechen_{self.rule.key}", "features": feats}
        if self.crs_name and self.crs_name.upper().startswith("EPSG:"):
            doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{self.crs_name.split(':')[1]}"}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------------------------ walls
def compute_setbacks(model: CityModel, rule="auto", parcels=None, lod: str | None = None,
                     parcel_ids=None, sliver_area_m2: float = SLIVER_AREA_M2,
                     sliver_width_m: float = SLIVER_WIDTH_M) -> SetbackResult:
    """Setback areas of all outer walls of all Buildings of ``model`` under ``rule`` (key of
    :data:`RULES`, a :class:`SetbackRule`, or "auto": the code of the Land the model lies in,
    :func:`choose_rule`) and their conflicts; overlaps that are slivers (area ≤
    ``sliver_area_m2`` or mean width ≤ ``sliver_width_m``) are not conflicts and only counted
    (``slivers_ignored``).

    ``parcels``: optional sequence of shapely polygons in the model CRS (absolute coordinates),
    ``parcel_ids`` their ids (default "parcel-<n>")."""
    choice = None
    if isinstance(rule, str) and rule.lower() == "auto":
        choice = choose_rule(model)
        rule = choice["rule"]
    rule = get_rule(rule)
    res = _compute(model, rule, parcels, lod, parcel_ids, sliver_area_m2, sliver_width_m)
    res.choice = choice
    return res


def _compute(model, rule, parcels, lod, parcel_ids, sliver_area_m2, sliver_width_m) -> SetbackResult:
    origin = model.origin
    ids, fps, pair_poly, pair_row = footprint_polygons(model, lod, ("Building",))
    n_b = len(ids)
    P = polygon_geometry_arrays(model)
    sem = effective_semantics(model)
    unit = P["unit"]
    # ground height per building: lowest ground polygon, else lowest vertex
    zmin_pair = P["zmin"][pair_poly]
    ground = np.full(n_b, np.inf)
    gmask = sem[pair_poly] == GROUND
    np.minimum.at(ground, pair_row[gmask], zmin_pair[gmask])
    lowest = np.full(n_b, np.inf)
    ok = np.isfinite(zmin_pair)
    np.minimum.at(lowest, pair_row[ok], zmin_pair[ok])
    ground = np.where(np.isfinite(ground), ground, lowest)

    horiz_len = np.hypot(unit[:, 0], unit[:, 1])
    is_wall_pair = (sem[pair_poly] == WALL) & (horiz_len[pair_poly] > math.sin(math.radians(60.0)))
    w_poly, w_b = pair_poly[is_wall_pair], pair_row[is_wall_pair]
    geom_of_poly = model.polygon_geometry
    obj_ids_all = model.object_ids
    w_obj = [obj_ids_all[model.geometries[g].object_index] for g in geom_of_poly[w_poly]]
    w_local = w_poly - np.array([model.geometries[g].poly_start for g in geom_of_poly[w_poly]], dtype=np.int64)
    wall_ids = [f"{o}#{k}" for o, k in zip(w_obj, w_local)]
    n_w = len(w_poly)
    empty_f = np.zeros(0)
    if n_w == 0:
        return SetbackResult(rule, origin, [], [], [], empty_f, empty_f, empty_f, empty_f,
                             np.zeros(0, dtype=object), np.zeros(0, dtype=object), fps, ids,
                             [], model.crs.name, empty_f)

    # exterior-ring vertices of every wall, in local coordinates
    ring = model.polygon_offsets[w_poly]
    vstart, vstop = model.ring_offsets[ring], model.ring_offsets[ring + 1]
    counts = vstop - vstart
    vidx = model.ring_vertices[concatenated_ranges(vstart, counts)]
    owner = np.repeat(np.arange(n_w), counts)
    seg = np.concatenate([[0], np.cumsum(counts)[:-1]])
    xyz = model.vertices[vidx] - origin
    nh = unit[w_poly, :2] / horiz_len[w_poly, None]
    # outward test: a point just in front of the wall's centre must not lie in its own footprint
    centre = np.add.reduceat(xyz[:, :2], seg) / counts[:, None]
    probe = centre + 0.05 * nh
    inside = shapely.contains_xy(fps[w_b], probe[:, 0], probe[:, 1])
    back = centre - 0.05 * nh
    inside_back = shapely.contains_xy(fps[w_b], back[:, 0], back[:, 1])
    flip = inside & ~inside_back
    nh[flip] *= -1.0
    tvec = np.stack([-nh[:, 1], nh[:, 0]], axis=1)
    t = np.einsum("ij,ij->i", xyz[:, :2], tvec[owner])
    s = np.einsum("ij,ij->i", xyz[:, :2], nh[owner])
    t0 = np.minimum.reduceat(t, seg)
    t1 = np.maximum.reduceat(t, seg)
    s_mean = np.add.reduceat(s, seg) / counts
    z = xyz[:, 2]
    near0 = np.abs(t - t0[owner]) <= END_TOLERANCE_M
    near1 = np.abs(t - t1[owner]) <= END_TOLERANCE_M
    h0 = np.maximum.reduceat(np.where(near0, z, -np.inf), seg)
    h1 = np.maximum.reduceat(np.where(near1, z, -np.inf), seg)
    top = np.maximum.reduceat(z, seg)
    g_local = ground[w_b] - origin[2]
    length = t1 - t0
    wall_h = np.maximum(0.5 * (h0 + h1) - g_local, 0.0)  # Wandhöhe (mean end height)
    top_end = np.maximum(h0, h1)
    gable_h = np.maximum(top - top_end, 0.0)
    gable_h[gable_h < 0.05] = 0.0
    gable_tilt = np.degrees(np.arctan2(gable_h, np.maximum(0.5 * length, 1e-6)))

    # roofs over each wall: pairs (wall, roof face of the same building)
    r_mask = sem[pair_poly] == ROOF
    r_poly, r_b = pair_poly[r_mask], pair_row[r_mask]
    extra_roof = np.zeros(n_w)  # the largest addition of a roof face over the wall (m)
    if len(r_poly):
        order = np.argsort(r_b, kind="stable")
        r_poly, r_b = r_poly[order], r_b[order]
        r_start = np.searchsorted(r_b, np.arange(n_b), side="left")
        r_count = np.searchsorted(r_b, np.arange(n_b), side="right") - r_start
        per_wall = r_count[w_b]
        pw = np.repeat(np.arange(n_w), per_wall)
        pr = r_poly[concatenated_ranges(r_start[w_b], per_wall)]
        ru = unit[pr]
        ru = np.where(ru[:, 2:3] < 0, -ru, ru)
        r_tilt = np.degrees(np.arccos(np.clip(ru[:, 2], 0.0, 1.0)))
        r_h = np.hypot(ru[:, 0], ru[:, 1])
        cos_az = np.einsum("ij,ij->i", ru[:, :2], nh[pw]) / np.maximum(r_h, 1e-12)
        r_zmin = P["zmin"][pr] - origin[2]
        r_zmax = P["zmax"][pr] - origin[2]
        # roof centre (area-weighted xy) must lie behind the wall and within its extent
        rc = _polygon_centroids_xy(model, pr) - origin[:2]
        rc_t = np.einsum("ij,ij->i", rc, tvec[pw])
        rc_s = np.einsum("ij,ij->i", rc, nh[pw])
        # no lower bound on the tilt: BauO NRW §6(4) adds a third of any roof below 70°; a flat
        # face (no horizontal normal) has cos_az = 0 and rises nothing
        match = ((cos_az > math.cos(math.radians(30.0)))
                 & (np.abs(r_zmin - top_end[pw]) <= 0.5) & (r_zmax > top_end[pw])
                 & (rc_s < s_mean[pw]) & (rc_t >= t0[pw] - 0.5) & (rc_t <= t1[pw] + 0.5))
        dh = np.where(match, r_zmax - top_end[pw], 0.0)
        # every roof face adds its height by its own tilt; where faces of different pitch stand
        # over one wall, H differs along it and the one rectangle takes the largest
        np.maximum.at(extra_roof, pw, _roof_addition(rule, dh, r_tilt))

    if rule.per_point:
        H = np.maximum(top - g_local, wall_h)  # highest point of the wall, gable peak included
        H = np.maximum(H, wall_h + extra_roof)
    else:
        H = wall_h + np.maximum(gable_h * rule.roof_share(gable_tilt), extra_roof)
    depth = rule.depth(H)

    # rectangles in local xy
    base0 = s_mean[:, None] * nh + t0[:, None] * tvec
    base1 = s_mean[:, None] * nh + t1[:, None] * tvec
    far1 = base1 + depth[:, None] * nh
    far0 = base0 + depth[:, None] * nh
    coords = np.stack([base0, base1, far1, far0, base0], axis=1)
    areas = shapely.polygons(coords)
    short = length < 0.01
    # party / interior walls from a thin probe strip in front of each wall (ends trimmed 10 %)
    trim = 0.1 * length[:, None] * tvec
    p0, p1 = base0 + trim, base1 - trim
    strip = shapely.polygons(np.stack([p0, p1, p1 + PARTY_WALL_PROBE_M * nh, p0 + PARTY_WALL_PROBE_M * nh, p0], axis=1))
    strip_area = shapely.area(strip)
    own_cover = shapely.area(shapely.intersection(strip, fps[w_b]))
    kind = np.full(n_w, "outer", dtype=object)
    over_own = own_cover > 0.5 * strip_area
    # a wall standing on the own building (stepped-back upper storey, dormer cheek) is still an
    # outer wall when the own roof in front of it is lower than the wall's top; it is interior
    # (between BuildingParts, hidden) when the own building in front reaches its top
    front = _own_roof_height_in_front(model, r_poly, r_b, centre + 0.3 * nh, w_b, over_own)
    hidden = over_own & ~(front < top_end - 0.2)
    kind[hidden | short] = "interior"
    kind[over_own & ~hidden & ~short] = "step"
    tree = shapely.STRtree(fps)
    si, bi = tree.query(strip, predicate="intersects")
    other = bi != w_b[si]
    si, bi = si[other], bi[other]
    if len(si):
        cov = shapely.area(shapely.intersection(strip[si], fps[bi]))
        covered = np.bincount(si, weights=cov, minlength=n_w)
        kind[(covered > 0.5 * strip_area) & (kind == "outer")] = "party"
    kind[kind == "step"] = "outer"
    areas = np.where(kind == "outer", areas, shapely.Polygon())

    violations = []
    outer = np.flatnonzero(kind == "outer")
    # 1) setback area vs other buildings' footprints
    wi, bj = tree.query(areas[outer], predicate="intersects")
    wi = outer[wi]
    keep = bj != w_b[wi]
    wi, bj = wi[keep], bj[keep]
    slivers = 0
    if len(wi):
        inter = shapely.intersection(areas[wi], fps[bj])
        ov = shapely.area(inter)
        real = _not_sliver(inter, ov, sliver_area_m2, sliver_width_m)
        slivers += int(np.sum((ov > OVERLAP_TOLERANCE_M2) & ~real))
        for a, b, o, ok in zip(wi, bj, ov, real):
            if ok:
                violations.append(_violation(ids[w_b[a]], wall_ids[a], ids[b], o, "building"))
    # 2) setback area vs other buildings' setback areas
    atree = shapely.STRtree(areas[outer])
    ai, aj = atree.query(areas[outer], predicate="intersects")
    ai, aj = outer[ai], outer[aj]
    keep = w_b[ai] != w_b[aj]
    ai, aj = ai[keep], aj[keep]
    if len(ai):
        # per (wall, other building): intersection with the union of that building's areas
        key = ai.astype(np.int64) * (n_b + 1) + w_b[aj]
        order = np.argsort(key, kind="stable")
        key, ai, aj = key[order], ai[order], aj[order]
        cut = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        ends = np.concatenate([cut[1:], [len(key)]])
        single = (ends - cut) == 1
        inter = np.empty(len(cut), dtype=object)
        inter[single] = shapely.intersection(areas[ai[cut[single]]], areas[aj[cut[single]]])
        multi = np.flatnonzero(~single)
        if len(multi):
            unions = np.array([shapely.union_all(areas[aj[cut[k]:ends[k]]]) for k in multi], dtype=object)
            inter[multi] = shapely.intersection(areas[ai[cut[multi]]], unions)
        ov = shapely.area(inter)
        real = _not_sliver(inter, ov, sliver_area_m2, sliver_width_m)
        slivers += int(np.sum((ov > OVERLAP_TOLERANCE_M2) & ~real))
        for k, o, ok in zip(cut, ov, real):
            if ok:
                violations.append(_violation(ids[w_b[ai[k]]], wall_ids[ai[k]], ids[w_b[aj[k]]], o, "setback"))
    # 3) parcels
    if parcels is not None and len(parcels):
        pv, ps = _parcel_violations(parcels, parcel_ids, origin, fps, ids, areas, outer, w_b, wall_ids,
                                    sliver_area_m2, sliver_width_m)
        violations.extend(pv)
        slivers += ps
    violations.sort(key=lambda v: (v["id"], v["wall_id"], v["kind"], str(v["other_id"])))
    res = SetbackResult(rule, origin, wall_ids, [ids[b] for b in w_b], w_obj, wall_h, H, depth, length,
                        kind, areas, fps, ids, violations, model.crs.name, ground[w_b])
    res.slivers_ignored = slivers
    res.sliver_area_m2, res.sliver_width_m = float(sliver_area_m2), float(sliver_width_m)
    res.parcels_checked = int(len(parcels)) if parcels is not None else 0
    return res


def _roof_addition(rule: SetbackRule, rise_m, tilt_deg) -> np.ndarray:
    """What a roof face rising ``rise_m`` above the wall's top at ``tilt_deg`` adds to the wall's
    height (m): its rule's share of the rise (MBO §6(4) sentence 3 and the Länder's equivalents),
    or for a per-point rule (NBauO §5(2)) the part of the rise its horizontal run does not cover,
    max(0, Δh − Δh / (factor × tan α)) (module docstring)."""
    rise = np.asarray(rise_m, dtype=float)  # ≥ 0
    if not rule.per_point:
        return rise * rule.roof_share(tilt_deg)
    tan = np.tan(np.radians(np.clip(tilt_deg, 1e-6, 89.999)))
    return np.maximum(0.0, rise - rise / (rule.factor * tan))


def _not_sliver(geoms, areas, min_area_m2: float, min_width_m: float) -> np.ndarray:
    """True for overlaps that count: area > ``min_area_m2`` and mean width 2·A/P > ``min_width_m``
    (see :data:`SLIVER_AREA_M2`)."""
    areas = np.asarray(areas, dtype=float)
    perimeter = shapely.length(geoms)
    width = np.where(perimeter > 0, 2.0 * areas / np.maximum(perimeter, 1e-12), 0.0)
    return (areas > max(min_area_m2, OVERLAP_TOLERANCE_M2)) & (width > min_width_m)


def _own_roof_height_in_front(model, r_poly, r_b, probe_xy, w_b, wanted) -> np.ndarray:
    """Height (local z) of the own building's roof above each probe point (``wanted`` walls
    only; -inf where no own roof covers the point), from the plane of the covering roof face."""
    out = np.full(len(probe_xy), -np.inf)
    idx = np.flatnonzero(wanted)
    if not len(idx) or not len(r_poly):
        return out
    P = polygon_geometry_arrays(model)
    origin = model.origin
    ring = model.polygon_offsets[r_poly]
    start, stop = model.ring_offsets[ring], model.ring_offsets[ring + 1]
    counts = stop - start
    good = counts >= 3
    rp, rb, start, counts = r_poly[good], r_b[good], start[good], counts[good]
    if not len(rp):
        return out
    xy = model.vertices[model.ring_vertices[concatenated_ranges(start, counts)], :2] - origin[:2]
    shapes = shapely.make_valid(shapely.polygons(shapely.linearrings(xy, indices=np.repeat(np.arange(len(rp)), counts))))
    tree = shapely.STRtree(shapes)
    pi, ri = tree.query(shapely.points(probe_xy[idx]), predicate="intersects")
    same = rb[ri] == w_b[idx[pi]]
    pi, ri = pi[same], ri[same]
    if not len(pi):
        return out
    poly = rp[ri]
    n = P["unit"][poly]
    axy = np.maximum(P["area_xy"][poly], 1e-12)
    cz = P["z_integral"][poly] / axy  # local z: mean over the projection = z at the centroid
    cxy = _polygon_centroids_xy(model, poly) - origin[:2]
    nz = np.where(np.abs(n[:, 2]) < 1e-9, 1e-9, n[:, 2])
    d = probe_xy[idx[pi]] - cxy
    z = cz - (n[:, 0] * d[:, 0] + n[:, 1] * d[:, 1]) / nz
    np.maximum.at(out, idx[pi], z)
    return out


def _violation(bid, wid, other, overlap, kind) -> dict:
    return {"id": bid, "wall_id": wid, "other_id": other, "overlap_m2": round(float(overlap), 3), "kind": kind}


@cached
def polygon_centroids_xy(model) -> np.ndarray:
    """(P, 2) area-weighted xy centroid of every polygon's triangles (model CRS, m; cached)."""
    tri = model.triangulation()
    c = model.vertices[tri.triangles] - model.origin
    a = 0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)
    m = c[:, :, :2].mean(axis=1)
    w = np.bincount(tri.polygon, weights=a, minlength=model.n_polygons)
    cx = np.bincount(tri.polygon, weights=a * m[:, 0], minlength=model.n_polygons)
    cy = np.bincount(tri.polygon, weights=a * m[:, 1], minlength=model.n_polygons)
    w[w == 0] = 1.0
    return np.stack([cx / w, cy / w], axis=1) + model.origin[:2]


def _polygon_centroids_xy(model, polys) -> np.ndarray:
    """Area-weighted xy centroid of each polygon ``polys`` (model CRS)."""
    return polygon_centroids_xy(model)[polys]


def _parcel_violations(parcels, parcel_ids, origin, fps, ids, areas, outer, w_b, wall_ids,
                       sliver_area_m2=SLIVER_AREA_M2, sliver_width_m=SLIVER_WIDTH_M) -> tuple[list, int]:
    parcels = np.asarray([shapely.make_valid(p) for p in parcels], dtype=object)
    local = shapely.transform(parcels, lambda xy: xy - origin[:2])
    pids = list(parcel_ids) if parcel_ids is not None else [f"parcel-{k}" for k in range(len(parcels))]
    ptree = shapely.STRtree(local)
    # the parcel of each building: the one covering most of its footprint
    bi, pj = ptree.query(fps, predicate="intersects")
    own = np.full(len(fps), -1, dtype=np.int64)
    if len(bi):
        cover = shapely.area(shapely.intersection(fps[bi], local[pj]))
        order = np.lexsort((-cover, bi))
        bi_s, pj_s = bi[order], pj[order]
        first = np.concatenate([[True], bi_s[1:] != bi_s[:-1]])
        own[bi_s[first]] = pj_s[first]
    out = []
    w_out = outer[own[w_b[outer]] >= 0]
    if not len(w_out):
        return out, 0
    own_parcel = local[own[w_b[w_out]]]
    outside = shapely.difference(areas[w_out], own_parcel)
    out_area = shapely.area(outside)
    bad = _not_sliver(outside, out_area, sliver_area_m2, sliver_width_m)
    slivers = int(np.sum((out_area > OVERLAP_TOLERANCE_M2) & ~bad))
    w_bad, outside_bad, area_bad = w_out[bad], outside[bad], out_area[bad]
    # which neighbouring parcel(s) the area crosses into (the largest share), None = outside all
    qi, qj = ptree.query(outside_bad, predicate="intersects")
    share = shapely.area(shapely.intersection(outside_bad[qi], local[qj])) if len(qi) else np.zeros(0)
    best = {}
    for i, j, a in zip(qi, qj, share):
        if a > OVERLAP_TOLERANCE_M2 and a > best.get(i, (None, 0.0))[1]:
            best[i] = (pids[j], a)
    for k, w in enumerate(w_bad):
        other = best.get(k, (None, 0.0))[0]
        out.append(_violation(ids[w_b[w]], wall_ids[w], other, area_bad[k], "parcel"))
    return out, slivers


# ------------------------------------------------------------------------------------ parcels
def read_parcels(path, model_crs=None) -> tuple[list, list]:
    """Parcel polygons (shapely, in the model CRS) and ids from a GeoJSON / GPKG / Shapefile via
    pyogrio (GDAL); plain GeoJSON falls back to shapely. Ids: a field named id / fid / flurstueck
    / gml_id if present, else the feature id. Reprojects when the layer has a different EPSG."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file")
    geoms, pids, layer_crs = None, None, None
    try:
        from pyogrio.raw import read

        meta, fids, wkb, fields = read(path)
        geoms = shapely.from_wkb(wkb)
        names = [str(n).lower() for n in meta.get("fields", [])]
        pids = None
        for want in ("id", "fid", "flurstueck", "flurstueckskennzeichen", "gml_id", "name"):
            if want in names:
                col = fields[names.index(want)]
                pids = [str(v) for v in col]
                break
        if pids is None:
            pids = [str(f) for f in (fids if fids is not None else range(len(geoms)))]
        layer_crs = meta.get("crs")
    except Exception as exc:  # noqa: BLE001 - GDAL errors come in many types
        if path.suffix.lower() in (".geojson", ".json"):
            try:
                doc = json.loads(path.read_bytes())
                feats = doc.get("features", []) if isinstance(doc, dict) else []
                geoms = [shapely.from_geojson(json.dumps(f.get("geometry"))) for f in feats]
                pids = [str(f.get("id", (f.get("properties") or {}).get("id", k))) for k, f in enumerate(feats)]
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                raise InputError(path, "not a readable GeoJSON parcel layer") from None
        else:
            raise InputError(path, f"cannot read parcel layer ({' '.join(str(exc).split())[:120]})") from None
    keep = [k for k, g in enumerate(geoms) if g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not keep:
        raise InputError(path, "parcel layer holds no polygons")
    geoms = [geoms[k] for k in keep]
    pids = [pids[k] for k in keep]
    target = getattr(model_crs, "epsg", None)
    if layer_crs and target:
        try:
            from pyproj import CRS, Transformer

            src = CRS.from_user_input(layer_crs)
            if src.to_epsg() and src.to_epsg() != target:
                tr = Transformer.from_crs(src, CRS.from_epsg(target), always_xy=True)
                geoms = [shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))) for g in geoms]
        except Exception:  # noqa: BLE001
            raise InputError(path, f"cannot reproject parcel layer from {layer_crs} to EPSG:{target}") from None
    return geoms, pids
