"""Townscape metrics per Building and BuildingPart: heights, areas, volume, storeys, roof type.

Everything is computed for the whole model at once from its CSR polygon table
(``model.triangulation()``, ``model.polygon_areas()``); there is no Python loop over triangles or
polygons. Per-polygon quantities are aggregated to *rows* (one row per Building / BuildingPart)
through a (polygon, row) pair list with ``np.bincount`` / ``np.minimum.at``; a Building that has
BuildingParts gets its own polygons plus those of all its parts, so it aggregates its parts.

Definitions (all lengths in metres, areas m², volumes m³, angles degrees, z in the model's
vertical datum):

``ground_height_m``
    lowest z of the object's GroundSurface polygons; without GroundSurface the lowest vertex.
``eave_height_m``
    *lowest roof edge above ground*: min z of the RoofSurface vertices − ground height.
``ridge_height_m``
    *building height*: highest point of the object − ground height (the value CityGML's
    ``measuredHeight`` describes: "the difference between the highest and lowest point").
``measured_height_m``
    the file's ``measuredHeight`` attribute (NaN if absent); ``height_diff_m`` = computed − file.
``footprint_area_m2``
    horizontal projection of the GroundSurface polygons; without GroundSurface the area of the
    2D union (shapely) of the projection of all the object's polygons.
``roof_area_m2`` / ``roof_area_{flat,moderate,steep,very_steep}_m2``
    true (sloped) area of the RoofSurface polygons, total and by tilt class: flat < 10°,
    moderate 10–30°, steep 30–60°, very steep ≥ 60° (tilt = angle between the roof normal and
    the vertical; class bounds are lower-inclusive).
``wall_area_m2``
    WallSurface plus Window and Door polygons (openings are part of the façade).
``volume_m3``
    signed-volume (divergence theorem) sum over the triangles, V = Σ (v0 · (v1 × v2)) / 6, in
    local coordinates (Zhang & Chen 2001, "Efficient feature extraction for 2D/3D objects in mesh
    representation"), for closed, consistently oriented surfaces: every edge (vertices matched
    by position to 1 mm) is used equally often in both directions (the edge test of mesh
    validators such as val3dity's shell checks, reduced to its orientation part). Other rows get
    ``closed`` False and the 2.5D fallback
    V = Σ_roof ∫ (z − ground) dA_xy (the prism between the roof faces and the ground plane; exact
    for buildings without overhangs, whatever the orientation of the polygons or a missing floor);
    ``volume_method`` says which ("divergence", "roof-prism", "none"). A closed surface oriented
    inwards (negative volume) is reported with the absolute value.
``storeys``
    estimate ``max(1, round(eave_height_m / storey_height_m))`` with ``STOREY_HEIGHT_M`` = 3.0 m
    (gross storey height of German residential buildings, 2.75–3.0 m; offices are higher), 0
    without a roof; an attic under a pitched roof is not counted.
``roof_type``
    flat / shed / gable / hip / complex from the planar roof faces: faces steeper than 10° are
    grouped by the azimuth of their normal (gaps > ``AZIMUTH_GROUP_DEG`` start a new group);
    flat when < 10 % of the roof area is pitched; one group → shed; two opposite groups → gable;
    four groups about 90° apart → hip (pyramid roofs count as hip); anything else, or a roof
    with > 25 % flat and ≥ 10 % pitched area → complex; "none" without roof faces. Faces smaller
    than 2 % of the roof area are ignored (chimney and dormer slivers).

Objects without semantic surfaces (LoD1 blocks) get inferred semantics per polygon from the
normal: near-vertical (tilt ≥ 80°) → wall, facing down → ground, facing up → roof.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from stadtbild.model.cache import cached
from stadtbild.model.citymodel import CityModel
from stadtbild.model.ranges import concatenated_ranges
from stadtbild.model.footprint import effective_semantics, object_rows, polygon_unit_normals, projected_unions
from stadtbild.model.semantics import GROUND, ROOF, SURFACE_CODE, WALL

BUILDING_TYPES = ("Building", "BuildingPart")
STOREY_HEIGHT_M = 3.0
TILT_CLASSES = (("flat", 0.0, 10.0), ("moderate", 10.0, 30.0), ("steep", 30.0, 60.0), ("very_steep", 60.0, 90.01))
FLAT_TILT_DEG = 10.0
AZIMUTH_GROUP_DEG = 20.0
MIN_FACE_FRACTION = 0.02
#: closed_rows packs (row, vertex, vertex) of an edge into one int64 below this many vertices and
#: rows ((2^20)^3 = 2^60 < 2^63); larger models group the edges with a slower np.unique on triples
EDGE_KEY_LIMIT = 2**20
MAX_FLAT_SHARE = 0.25  # a pitched roof may have up to this share of flat area (platforms)
FACADE_CODES = (WALL, SURFACE_CODE["Window"], SURFACE_CODE["Door"])

#: the docs/ARCHITECTURE.md contract keys of ``main.py metrics --json`` (order kept in CSV/JSON output)
CONTRACT_KEYS = ("id", "ground_height_m", "eave_height_m", "ridge_height_m", "footprint_area_m2",
                 "roof_area_m2", "wall_area_m2", "volume_m3", "roof_type")
EXTRA_KEYS = ("type", "parent_id", "measured_height_m", "height_diff_m", "eave_z_m", "ridge_z_m",
              "roof_area_flat_m2", "roof_area_moderate_m2", "roof_area_steep_m2", "roof_area_very_steep_m2",
              "closed", "volume_method", "storeys", "file_roof_type")

# roofType code lists mapped onto our classes: SIG3D/CityGML 2.0 code list (10x0) and the AdV
# (ALKIS, German state LoD2) code list (1000, 2100, 3100 …)
_FILE_ROOF_TYPES = {
    "1000": "flat", "1010": "shed", "1020": "shed", "1030": "gable", "1040": "hip", "1050": "hip",
    "1060": "complex", "1070": "hip", "1080": "complex", "1090": "complex", "1100": "complex",
    "1110": "complex", "1120": "hip", "1130": "complex",
    "2100": "shed", "2200": "shed", "3100": "gable", "3200": "hip", "3300": "hip", "3400": "complex",
    "3500": "hip", "3600": "complex", "3700": "complex", "3800": "complex", "3900": "complex",
    "4000": "complex", "5000": "complex", "9999": "complex",
}


@dataclass
class Metrics:
    """Per-row results. ``ids[i]`` is the file's id of row i; ``columns[name][i]`` its value."""

    ids: list[str]
    types: list[str]
    parent_ids: list[str | None]
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    storey_height_m: float = STOREY_HEIGHT_M

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def row(self, object_id: str) -> dict:
        """All values of one row, unrounded."""
        return self.records(digits=None)[self.ids.index(object_id)]

    def value_by_id(self, name: str) -> dict[str, float]:
        col = self.columns[name]
        return {oid: col[i] for i, oid in enumerate(self.ids)}

    def records(self, keys=None, digits: int | None = 4) -> list[dict]:
        """One dict per row: the contract keys first, then the extras; NaN -> None; floats
        rounded to ``digits`` decimals (None: unrounded)."""
        keys = list(keys or (CONTRACT_KEYS + EXTRA_KEYS))
        out = []
        for i, oid in enumerate(self.ids):
            rec = {}
            for k in keys:
                if k == "id":
                    rec[k] = oid
                elif k == "type":
                    rec[k] = self.types[i]
                elif k == "parent_id":
                    rec[k] = self.parent_ids[i]
                else:
                    rec[k] = _plain(self.columns[k][i], digits)
            out.append(rec)
        return out

    def to_csv_bytes(self) -> bytes:
        keys = list(CONTRACT_KEYS + EXTRA_KEYS)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(keys)
        for rec in self.records(keys):
            writer.writerow(["" if rec[k] is None else (f"{rec[k]:.4f}" if isinstance(rec[k], float) else rec[k])
                             for k in keys])
        return buf.getvalue().encode("utf-8")


def _plain(v, digits=4):
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if not math.isfinite(f) else (f if digits is None else round(f, digits))
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


# ---------------------------------------------------------------------------- per polygon
@cached
def polygon_geometry_arrays(model: CityModel) -> dict:
    """Per-polygon arrays for the whole model (cached on the model, read-only): unit normal,
    zmin, zmax (m), true area (m²), signed-volume contribution (m³, local coordinates) and
    vector area Σ n·A (m²)."""
    n_poly = model.n_polygons
    tri = model.triangulation()
    origin = model.origin
    local = model.vertices - origin
    c = local[tri.triangles]
    cross = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])  # 2 × vector area per triangle
    signed = np.einsum("ij,ij->i", c[:, 0], np.cross(c[:, 1], c[:, 2])) / 6.0
    vol = np.bincount(tri.polygon, weights=signed, minlength=n_poly)
    vec_area = np.stack([np.bincount(tri.polygon, weights=0.5 * cross[:, k], minlength=n_poly)
                         for k in range(3)], axis=1)
    # ∫ z dA over the xy projection (for the 2.5D roof-prism volume): Σ |A_xy| × mean z
    area_xy = 0.5 * np.abs(cross[:, 2])
    z_integral = np.bincount(tri.polygon, weights=area_xy * c[:, :, 2].mean(axis=1), minlength=n_poly)
    area_xy_poly = np.bincount(tri.polygon, weights=area_xy, minlength=n_poly)
    area = model.polygon_areas()
    unit = polygon_unit_normals(model)
    # z extent of every polygon (all its rings)
    zmin = np.full(n_poly, np.nan)
    zmax = np.full(n_poly, np.nan)
    if n_poly and len(model.ring_vertices):
        vstart = model.ring_offsets[model.polygon_offsets[:-1]]
        vstop = model.ring_offsets[model.polygon_offsets[1:]]
        nonempty = vstop > vstart
        z = model.vertices[model.ring_vertices, 2]
        zmin[nonempty] = np.minimum.reduceat(z, vstart[nonempty])
        zmax[nonempty] = np.maximum.reduceat(z, vstart[nonempty])
    return dict(unit=unit, zmin=zmin, zmax=zmax, area=area, volume=vol, vec_area=vec_area,
                z_integral=z_integral, area_xy=area_xy_poly, origin_z=float(origin[2]))


def _group_min(values, rows, n, mask=None):
    out = np.full(n, np.inf)
    if mask is not None:
        values, rows = values[mask], rows[mask]
    ok = np.isfinite(values)
    np.minimum.at(out, rows[ok], values[ok])
    out[~np.isfinite(out)] = np.nan
    return out


def _group_max(values, rows, n, mask=None):
    out = np.full(n, -np.inf)
    if mask is not None:
        values, rows = values[mask], rows[mask]
    ok = np.isfinite(values)
    np.maximum.at(out, rows[ok], values[ok])
    out[~np.isfinite(out)] = np.nan
    return out


def _measured_height(attrs: dict) -> float:
    v = attrs.get("measuredHeight")
    if isinstance(v, dict):
        v = v.get("value")
    try:
        f = float(v)
        return f if math.isfinite(f) else math.nan
    except (TypeError, ValueError):
        return math.nan


def file_roof_type(attrs: dict) -> str | None:
    """The file's ``roofType`` code mapped onto flat/shed/gable/hip/complex (None if absent)."""
    v = attrs.get("roofType")
    if isinstance(v, dict):
        v = v.get("value")
    if v is None:
        return None
    s = str(v).strip()
    if s.endswith(".0"):
        s = s[:-2]
    return _FILE_ROOF_TYPES.get(s)


@cached
def canonical_vertices(model: CityModel) -> np.ndarray:
    """(N,) one number per distinct vertex position of the model (positions rounded to 1 mm),
    for edge matching (cached)."""
    key = np.round((model.vertices - model.origin) * 1000.0).astype(np.int64)
    _, canon = np.unique(key, axis=0, return_inverse=True)
    return canon.reshape(-1)


def closed_rows(model: CityModel, pair_poly, pair_row, n_rows: int) -> np.ndarray:
    """True per row whose triangles form a closed, consistently oriented surface: every edge
    (vertices identified by position, rounded to 1 mm) is used as often in one direction as in
    the other. T-junctions (an edge split on one side only) make a row count as open."""
    tri = model.triangulation()
    closed = np.zeros(n_rows, dtype=bool)
    if not len(tri.polygon) or not len(pair_poly):
        return closed
    canon = canonical_vertices(model)
    t_start = np.searchsorted(tri.polygon, pair_poly, side="left")
    t_count = np.searchsorted(tri.polygon, pair_poly, side="right") - t_start
    t_row = np.repeat(pair_row, t_count)
    tidx = concatenated_ranges(t_start, t_count)
    t = canon[tri.triangles[tidx]]
    a = t.reshape(-1)
    b = t[:, [1, 2, 0]].reshape(-1)
    row = np.repeat(t_row, 3)
    keep = a != b
    a, b, row = a[keep], b[keep], row[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    sign = np.where(a < b, 1, -1)
    nv = int(canon.max()) + 1
    key = (row.astype(np.int64) * nv + lo) * nv + hi if nv < EDGE_KEY_LIMIT and n_rows < EDGE_KEY_LIMIT else None
    if key is not None:
        _, inv = np.unique(key, return_inverse=True)
    else:
        _, inv = np.unique(np.stack([row, lo, hi], axis=1), axis=0, return_inverse=True)
        inv = inv.reshape(-1)
    balance = np.bincount(inv, weights=sign)
    edge_row = np.zeros(len(balance), dtype=np.int64)
    edge_row[inv] = row
    bad = np.bincount(edge_row[balance != 0], minlength=n_rows) > 0
    has = np.bincount(row, minlength=n_rows) > 0
    return has & ~bad


def compute_metrics(model: CityModel, lod: str | None = None, types=BUILDING_TYPES,
                    storey_height_m: float = STOREY_HEIGHT_M) -> Metrics:
    """Metrics of every Building / BuildingPart of ``model`` (see module docstring).

    ``lod``: LoD to use (default the highest per object); ``types``: CityObject types that get
    a row; ``storey_height_m``: assumed gross storey height for the storey estimate (m)."""
    ids, pair_poly, pair_row, parent_ids = object_rows(model, lod, set(types))
    n = len(ids)
    types_of = [model.objects[i].type for i in ids]
    cols: dict[str, np.ndarray] = {}
    if n == 0:
        for k in CONTRACT_KEYS + EXTRA_KEYS:
            if k not in ("id", "type", "parent_id"):
                cols[k] = np.zeros(0)
        return Metrics(ids, types_of, parent_ids, cols, storey_height_m)
    P = polygon_geometry_arrays(model)
    sem_all = effective_semantics(model)
    sem = sem_all[pair_poly]
    zmin, zmax, area = P["zmin"][pair_poly], P["zmax"][pair_poly], P["area"][pair_poly]
    unit = P["unit"][pair_poly]
    is_roof, is_ground = sem == ROOF, sem == GROUND
    is_facade = np.isin(sem, FACADE_CODES)

    ground_z = _group_min(zmin, pair_row, n, is_ground)
    lowest = _group_min(zmin, pair_row, n)
    ground_z = np.where(np.isfinite(ground_z), ground_z, lowest)
    top_z = _group_max(zmax, pair_row, n)
    eave_z = _group_min(zmin, pair_row, n, is_roof)
    cols["ground_height_m"] = ground_z
    cols["eave_height_m"] = eave_z - ground_z
    cols["ridge_height_m"] = top_z - ground_z
    cols["eave_z_m"] = eave_z
    cols["ridge_z_m"] = top_z
    measured = np.array([_measured_height(model.objects[i].attributes) for i in ids])
    cols["measured_height_m"] = measured
    cols["height_diff_m"] = cols["ridge_height_m"] - measured

    # areas
    horiz = area * np.abs(unit[:, 2])
    footprint = np.bincount(pair_row, weights=np.where(is_ground, horiz, 0.0), minlength=n).astype(float)
    has_ground = np.bincount(pair_row, weights=is_ground.astype(float), minlength=n) > 0
    need_union = np.flatnonzero(~has_ground & (np.bincount(pair_row, minlength=n) > 0))
    if len(need_union):
        footprint[need_union] = shapely.area(projected_unions(model, pair_poly, pair_row, need_union, horiz > 1e-9))
    footprint[np.bincount(pair_row, minlength=n) == 0] = np.nan
    cols["footprint_area_m2"] = footprint

    tilt = np.degrees(np.arccos(np.clip(np.abs(unit[:, 2]), 0.0, 1.0)))
    roof_area = np.bincount(pair_row, weights=np.where(is_roof, area, 0.0), minlength=n)
    cols["roof_area_m2"] = roof_area
    for name, lo, hi in TILT_CLASSES:
        sel = is_roof & (tilt >= lo) & (tilt < hi)
        cols[f"roof_area_{name}_m2"] = np.bincount(pair_row, weights=np.where(sel, area, 0.0), minlength=n)
    cols["wall_area_m2"] = np.bincount(pair_row, weights=np.where(is_facade, area, 0.0), minlength=n)

    # volume by the divergence theorem, for closed and consistently oriented surfaces
    vol = np.bincount(pair_row, weights=P["volume"][pair_poly], minlength=n)
    closed = closed_rows(model, pair_poly, pair_row, n)
    # fallback for open or inconsistently oriented surfaces (MultiSurface LoD2, floorless LoD1):
    # the 2.5D prism under the roofs, V = Σ_roof ∫ (z − ground) dA_xy
    g_local = ground_z - P["origin_z"]
    zint = np.bincount(pair_row, weights=np.where(is_roof, P["z_integral"][pair_poly], 0.0), minlength=n)
    axy = np.bincount(pair_row, weights=np.where(is_roof, P["area_xy"][pair_poly], 0.0), minlength=n)
    prism = np.where(axy > 0, zint - g_local * axy, np.nan)
    cols["volume_m3"] = np.where(closed, np.abs(vol), prism)
    cols["volume_method"] = np.where(closed, "divergence", np.where(np.isfinite(prism), "roof-prism", "none")).astype(object)
    cols["closed"] = closed

    eave_h = cols["eave_height_m"]
    storeys = np.where(np.isfinite(eave_h), np.maximum(1, np.round(np.nan_to_num(eave_h) / storey_height_m)), 0)
    cols["storeys"] = storeys.astype(np.int64)
    cols["roof_type"] = classify_roofs(pair_row[is_roof], unit[is_roof], area[is_roof], n)
    cols["file_roof_type"] = np.array([file_roof_type(model.objects[i].attributes) for i in ids], dtype=object)
    return Metrics(ids, types_of, parent_ids, cols, storey_height_m)


def classify_roofs(face_row: np.ndarray, face_unit: np.ndarray, face_area: np.ndarray, n_rows: int) -> np.ndarray:
    """Roof type per row from its roof faces (row index, unit normal, area), vectorised.

    Returns an object array of "flat", "shed", "gable", "hip", "complex" or "none"."""
    out = np.full(n_rows, "none", dtype=object)
    if not len(face_row):
        return out
    normal = np.where(face_unit[:, 2:3] < 0, -face_unit, face_unit)  # roofs face up
    tilt = np.degrees(np.arccos(np.clip(normal[:, 2], 0.0, 1.0)))
    total = np.bincount(face_row, weights=face_area, minlength=n_rows)
    pitched = tilt >= FLAT_TILT_DEG
    pitched_area = np.bincount(face_row, weights=np.where(pitched, face_area, 0.0), minlength=n_rows)
    has_roof = total > 0
    frac_pitched = np.divide(pitched_area, total, out=np.zeros(n_rows), where=has_roof)
    out[has_roof] = "complex"
    out[has_roof & (frac_pitched < 0.1)] = "flat"
    # group pitched faces by azimuth of their normal
    big = pitched & (face_area >= MIN_FACE_FRACTION * total[face_row])
    r, nx, ny = face_row[big], normal[big, 0], normal[big, 1]
    az = np.degrees(np.arctan2(nx, ny)) % 360.0
    order = np.lexsort((az, r))
    r, az = r[order], az[order]
    if not len(r):
        return out
    new_row = np.concatenate([[True], r[1:] != r[:-1]])
    gap = np.concatenate([[np.inf], np.diff(az)])
    starts_group = new_row | (gap > AZIMUTH_GROUP_DEG)
    group_id = np.cumsum(starts_group) - 1
    n_groups_row = np.bincount(r[starts_group], minlength=n_rows)
    # wrap-around: the row's last group joins its first when they are within the gap
    first_idx = np.flatnonzero(new_row)
    last_idx = np.concatenate([first_idx[1:] - 1, [len(r) - 1]])
    rows_here = r[first_idx]
    wrap = (az[first_idx] + 360.0 - az[last_idx] <= AZIMUTH_GROUP_DEG) & (n_groups_row[rows_here] > 1)
    if wrap.any():
        remap = np.arange(int(group_id.max()) + 1)
        remap[group_id[last_idx[wrap]]] = group_id[first_idx[wrap]]
        group_id = remap[group_id]
        n_groups_row[rows_here[wrap]] -= 1
    # group direction: circular mean of unit azimuth vectors
    gu, ginv = np.unique(group_id, return_inverse=True)
    gx = np.bincount(ginv, weights=np.sin(np.radians(az)))
    gy = np.bincount(ginv, weights=np.cos(np.radians(az)))
    gl = np.hypot(gx, gy)
    gl[gl == 0] = 1
    gx, gy = gx / gl, gy / gl
    g_row = np.zeros(len(gu), dtype=np.int64)
    g_row[ginv] = r
    res_x = np.bincount(g_row, weights=gx, minlength=n_rows)
    res_y = np.bincount(g_row, weights=gy, minlength=n_rows)
    resultant = np.hypot(res_x, res_y)
    # hip: 4 groups whose sorted directions are ~90° apart
    g_az = np.degrees(np.arctan2(gx, gy)) % 360.0
    o2 = np.lexsort((g_az, g_row))
    g_row_s, g_az_s = g_row[o2], g_az[o2]
    d = np.diff(g_az_s)
    same = g_row_s[1:] == g_row_s[:-1]
    bad_step = same & (np.abs(d - 90.0) > 25.0)
    hip_bad = np.bincount(g_row_s[1:][bad_step], minlength=n_rows) > 0
    mixed = has_roof & (frac_pitched >= 0.1) & (frac_pitched < 1.0 - MAX_FLAT_SHARE)
    pitched_rows = has_roof & (frac_pitched >= 0.1)
    ng = n_groups_row
    out[pitched_rows & ~mixed & (ng == 1)] = "shed"
    out[pitched_rows & ~mixed & (ng == 2) & (resultant < 0.35)] = "gable"
    out[pitched_rows & ~mixed & (ng == 4) & (resultant < 0.5) & ~hip_bad] = "hip"
    return out
