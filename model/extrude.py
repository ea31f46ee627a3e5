"""Extruded buildings with roof forms: a footprint polygon → a closed LoD2 solid.

The solid has one GroundSurface (the footprint at ``ground_z``, facing down), one WallSurface per
footprint edge (vertical, facing out) and RoofSurfaces. All polygons are oriented outward
(counter-clockwise seen from outside, CityJSON 2.0 §"Geometry objects") and share their corner
vertices exactly, so the solid is watertight (no T-junctions).

Heights (metres, model CRS): ``eave_height_m`` is the eave above ``ground_z``; the ridge (or apex)
is ``eave_height_m + roof_height_m`` above ``ground_z`` (the same convention as the ``extrude``
edit in docs/ARCHITECTURE.md).

Roof forms (all roof planes start at the eave line along the footprint edges, except ``shed`` and
the gable ends):

* ``flat``    – one horizontal roof polygon at the eave (``roof_height_m`` ignored).
* ``shed``    – one plane (mono-pitch) rising across the short side of the footprint's minimum
  rotated rectangle: the eave along one long side, the top (eave + roof height) along the other.
* ``gable``   – the ridge runs along the long axis of the minimum rotated rectangle through its
  centre; two planes fall to the two long sides (eave there), gable ends are vertical walls.
  A concave right-angled footprint (L, T, U, …) gets cross gables: every wing (maximal
  rectangle) a gable roof along its long axis with one common pitch, the roof their upper
  envelope (valleys where wings meet). Other concave footprints are split by one ridge line
  across the whole shape.
* ``hip``     – the straight-skeleton roof of a convex footprint with equal pitch on every side
  (Aichholzer et al. 1995: the roof height at a point is proportional to its distance to the
  nearest footprint edge), scaled so that the highest point is at eave + roof height.
  For a W×L rectangle (W ≤ L) this is the classic hip roof with a ridge of length L − W.
  A concave right-angled footprint (L, T, U, …) is split into its wings (maximal rectangles);
  each wing gets a hip roof of one common pitch and the roof is their upper envelope, with
  valleys where wings meet (the widest wing reaches eave + roof height).
* ``pyramid`` – triangles from every footprint edge to an apex above the footprint centroid
  (the footprint must be star-shaped from its centroid, e.g. convex).

Output is plain numpy/Python data; :func:`model.scenario` turns it into CityModel objects.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from .errors import InputError
from .semantics import GROUND, ROOF, WALL

ROOF_FORMS = ("flat", "gable", "hip", "shed", "pyramid")
#: vertices closer than this (metres) are the same vertex
SNAP_M = 1e-6


@dataclass
class ExtrudedSolid:
    """A closed solid as an indexed polygon list.

    vertices   (n, 3) float64 absolute coordinates (metres, model CRS)
    polygons   list of vertex-index lists (one exterior ring each, not closed, outward CCW)
    semantics  list of semantic codes (``model.semantics``) per polygon
    """

    vertices: np.ndarray
    polygons: list
    semantics: list

    def volume_m3(self) -> float:
        """Signed volume by the divergence theorem over a fan triangulation of each polygon
        (exact for planar polygons); positive for an outward-oriented closed solid."""
        total = 0.0
        ref = self.vertices.mean(axis=0)
        v = self.vertices - ref
        for ring in self.polygons:
            p0 = v[ring[0]]
            for i in range(1, len(ring) - 1):
                total += float(np.dot(p0, np.cross(v[ring[i]], v[ring[i + 1]])))
        return total / 6.0

    def area_m2(self, semantic: int) -> float:
        """Total 3D area of the polygons with one semantic code (Newell normal length / 2)."""
        total = 0.0
        for ring, code in zip(self.polygons, self.semantics):
            if code == semantic:
                total += 0.5 * float(np.linalg.norm(_newell(self.vertices[ring])))
        return total


def _newell(points: np.ndarray) -> np.ndarray:
    nxt = np.roll(points, -1, axis=0)
    return np.array([
        np.sum((points[:, 1] - nxt[:, 1]) * (points[:, 2] + nxt[:, 2])),
        np.sum((points[:, 2] - nxt[:, 2]) * (points[:, 0] + nxt[:, 0])),
        np.sum((points[:, 0] - nxt[:, 0]) * (points[:, 1] + nxt[:, 1])),
    ])


class _VertexPool:
    """2D points snapped to shared indices (within SNAP_M, looked up in a hash grid of cell
    SNAP_M); z comes from the roof function."""

    def __init__(self) -> None:
        self.xy: list[tuple[float, float]] = []
        self._grid: dict[tuple[int, int], list[int]] = {}

    def index(self, x: float, y: float) -> int:
        x, y = float(x), float(y)
        cx, cy = math.floor(x / SNAP_M), math.floor(y / SNAP_M)
        for i in (cx - 1, cx, cx + 1):
            for j in (cy - 1, cy, cy + 1):
                for k in self._grid.get((i, j), ()):
                    px, py = self.xy[k]
                    if abs(px - x) <= SNAP_M and abs(py - y) <= SNAP_M:
                        return k
        self.xy.append((x, y))
        k = len(self.xy) - 1
        self._grid.setdefault((cx, cy), []).append(k)
        return k


def footprint_polygon(footprint, path=None) -> Polygon:
    """A valid, counter-clockwise shapely Polygon from [[x, y], ...] or a shapely geometry.
    Collinear and repeated vertices are removed. Raises InputError for unusable footprints."""
    try:
        poly = footprint if isinstance(footprint, (Polygon, MultiPolygon)) else Polygon(
            [(float(p[0]), float(p[1])) for p in footprint])
    except (TypeError, ValueError, IndexError):
        raise InputError(path, "footprint must be a list of [x, y] points") from None
    if isinstance(poly, MultiPolygon):
        if len(poly.geoms) != 1:
            raise InputError(path, "footprint is a MultiPolygon with several parts; give one polygon per building")
        poly = poly.geoms[0]
    if poly.is_empty or poly.area <= 1e-6:
        raise InputError(path, "footprint has no area (needs at least 3 points that are not on one line)")
    if not poly.is_valid:
        raise InputError(path, f"footprint is not a valid polygon ({shapely.is_valid_reason(poly)})")
    if len(poly.interiors):
        raise InputError(path, "footprints with courtyards (holes) are not supported by extrude; "
                               "split the building into parts")
    poly = orient(poly.simplify(0.0), 1.0)
    return poly


def _ring_xy(poly: Polygon) -> np.ndarray:
    return np.asarray(poly.exterior.coords)[:-1, :2]


def _axes(poly: Polygon):
    """Centre, unit long axis, unit short axis and half short width of the minimum rotated
    rectangle (shapely ``minimum_rotated_rectangle``)."""
    rect = np.asarray(poly.minimum_rotated_rectangle.exterior.coords)[:4]
    e1, e2 = rect[1] - rect[0], rect[2] - rect[1]
    l1, l2 = np.linalg.norm(e1), np.linalg.norm(e2)
    if l1 >= l2:
        long_axis, short_axis, half_w = e1 / l1, e2 / l2, l2 / 2
    else:
        long_axis, short_axis, half_w = e2 / l2, e1 / l1, l1 / 2
    # deterministic direction: long axis towards +x (or +y), short axis 90° counter-clockwise
    if long_axis[0] < -1e-12 or (abs(long_axis[0]) <= 1e-12 and long_axis[1] < 0):
        long_axis = -long_axis
    short_axis = np.array([-long_axis[1], long_axis[0]])
    centre = rect.mean(axis=0)
    return centre, long_axis, short_axis, half_w


def _half_plane(point, normal, size: float) -> Polygon:
    """The half plane {p : (p - point) · normal >= 0} clipped to a square of ±size around point."""
    n = np.asarray(normal, float) / np.linalg.norm(normal)
    t = np.array([-n[1], n[0]])
    p = np.asarray(point, float)
    return Polygon([p - t * size, p + t * size, p + t * size + n * size, p - t * size + n * size])


def _clip_convex(pts: np.ndarray, p0, normal) -> np.ndarray:
    """Sutherland–Hodgman clip of a convex polygon (k, 2) to the half plane (p − p0)·normal ≥ 0
    (Sutherland & Hodgman 1974); a few microseconds for footprint-sized polygons."""
    d = (pts - p0) @ normal
    out = []
    m = len(pts)
    for i in range(m):
        j = (i + 1) % m
        if d[i] >= 0:
            out.append(pts[i])
        if (d[i] > 0 > d[j]) or (d[i] < 0 < d[j]):
            t = d[i] / (d[i] - d[j])
            out.append(pts[i] + t * (pts[j] - pts[i]))
    return np.asarray(out).reshape(-1, 2)


def _area2(pts: np.ndarray) -> float:
    """Twice the signed (CCW positive) area of a 2D ring."""
    if len(pts) < 3:
        return 0.0
    x, y = pts[:, 0], pts[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _polygons_of(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom] if geom.area > 1e-9 else []
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and g.area > 1e-9]


def _insert_points_on_ring(ring: np.ndarray, extra: list) -> list[list]:
    """For every edge of ``ring`` the extra points lying on it (strictly inside, within
    10 × SNAP_M), sorted along the edge (vectorised over edges × points)."""
    n = len(ring)
    if not len(extra):
        return [[] for _ in range(n)]
    q = np.asarray(extra, dtype=np.float64).reshape(-1, 2)
    a = ring
    ab = np.roll(ring, -1, axis=0) - a
    ll = np.einsum("ij,ij->i", ab, ab)
    rel = q[None, :, :] - a[:, None, :]  # (edges, points, 2)
    t = np.einsum("epd,ed->ep", rel, ab) / ll[:, None]
    cross = ab[:, None, 0] * rel[:, :, 1] - ab[:, None, 1] * rel[:, :, 0]
    dist = np.abs(cross) / np.sqrt(ll)[:, None]
    on = (t > 1e-9) & (t < 1 - 1e-9) & (dist <= SNAP_M * 10)
    out = []
    for e in range(n):
        idx = np.flatnonzero(on[e])
        if len(idx) == 0:
            out.append([])
            continue
        idx = idx[np.argsort(t[e, idx], kind="stable")]
        out.append([q[k] for k in idx])
    return out


class _ConvexHip:
    """The hip roof of a convex CCW ring: one face per edge, the region where that edge is the
    nearest (the straight skeleton of a convex polygon, Aichholzer et al. 1995); ``a`` the edge
    start points, ``inward`` the unit inward edge normals. With ``edges`` (indices) only those
    edges carry roof planes — the two long sides of a rectangle give its gable roof."""

    def __init__(self, ring: np.ndarray, edges=None):
        self.a = a = np.asarray(ring, dtype=np.float64)
        edge = np.roll(a, -1, axis=0) - a
        inward = np.stack([-edge[:, 1], edge[:, 0]], axis=1)  # CCW ring: left normal points inside
        self.inward = inward = inward / np.linalg.norm(inward, axis=1)[:, None]
        self.edges = list(range(len(a))) if edges is None else list(edges)
        centroid = a.mean(axis=0)
        self.faces, self.face_edge = [], []
        for i in self.edges:
            face = a
            for j in self.edges:
                if j == i:
                    continue
                # keep the part where the distance to edge i ≤ distance to edge j
                face = _clip_linear(face, inward[j] - inward[i], float(a[j] @ inward[j] - a[i] @ inward[i]),
                                    centroid)
                if len(face) < 3:
                    break
            if len(face) >= 3 and _area2(face) > 1e-9:
                self.faces.append(face)
                self.face_edge.append(i)

    def dist(self, xy, i) -> np.ndarray:
        """Distance of points (k, 2) to the line of edge ``i`` (positive inside)."""
        return (np.asarray(xy) - self.a[i]) @ self.inward[i]

    def dist_min(self, xy) -> np.ndarray:
        """Distance to the nearest roof-carrying edge line (0 outside)."""
        e = self.edges
        d = np.einsum("pkd,kd->pk", np.asarray(xy)[:, None, :] - self.a[None, e, :], self.inward[e])
        return np.maximum(d.min(axis=1), 0.0)

    def contains(self, xy, tol: float = 1e-7) -> np.ndarray:
        d = np.einsum("pkd,kd->pk", np.asarray(xy)[:, None, :] - self.a[None, :, :], self.inward)
        return d.min(axis=1) >= -tol


def _clip_linear(pts: np.ndarray, nrm, c: float, near) -> np.ndarray:
    """Clip a convex polygon to p·nrm ≥ c (all of it, or nothing, when ``nrm`` is ~0)."""
    nn = float(nrm @ nrm)
    if nn < 1e-24:
        return pts if c <= 1e-12 else np.zeros((0, 2))
    p0 = near + nrm * (c - float(near @ nrm)) / nn  # the point of the line p·nrm = c nearest ``near``
    return _clip_convex(pts, p0, nrm)


#: footprint edges within this angle (°) of the main axes count as right-angled (hip on wings)
RIGHT_ANGLE_TOL_DEG = 1.0


def _orthogonal_frame(ring: np.ndarray):
    """(u, v) unit axes along which every edge of the ring runs (within
    :data:`RIGHT_ANGLE_TOL_DEG`), or None."""
    edge = np.roll(ring, -1, axis=0) - ring
    length = np.linalg.norm(edge, axis=1)
    u = edge[int(np.argmax(length))] / length.max()
    v = np.array([-u[1], u[0]])
    dirs = edge / np.maximum(length, 1e-12)[:, None]
    along = np.abs(dirs @ u)
    ok = (along >= np.cos(np.radians(RIGHT_ANGLE_TOL_DEG))) | (along <= np.sin(np.radians(RIGHT_ANGLE_TOL_DEG)))
    return (u, v) if ok.all() else None


def _maximal_rectangles(poly: Polygon, u, v) -> list[np.ndarray]:
    """The maximal axis-parallel rectangles (in the frame u, v) inside an orthogonal polygon, as
    CCW rings in plan coordinates: its wings, each as long as it goes (an L has two, a U three)."""
    ring = np.asarray(poly.exterior.coords)[:-1]
    au, av = ring @ u, ring @ v
    xs = np.unique(np.round(au, 6))
    ys = np.unique(np.round(av, 6))
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    gx, gy = np.meshgrid(cx, cy, indexing="ij")
    centres = gx[..., None] * u + gy[..., None] * v
    inside = shapely.contains_xy(poly, centres[..., 0], centres[..., 1]).astype(np.int64)
    nx, ny = inside.shape
    cum = np.zeros((nx + 1, ny + 1), dtype=np.int64)
    cum[1:, 1:] = inside.cumsum(0).cumsum(1)

    def full(i0, i1, j0, j1):  # cells [i0, i1) × [j0, j1) all inside
        return cum[i1, j1] - cum[i0, j1] - cum[i1, j0] + cum[i0, j0] == (i1 - i0) * (j1 - j0)

    rects = []
    for i0 in range(nx):
        for i1 in range(i0 + 1, nx + 1):
            for j0 in range(ny):
                for j1 in range(j0 + 1, ny + 1):
                    if not full(i0, i1, j0, j1):
                        break  # a longer range holds the same outside cell
                    grow = ((i0 > 0 and full(i0 - 1, i1, j0, j1)) or (i1 < nx and full(i0, i1 + 1, j0, j1))
                            or (j0 > 0 and full(i0, i1, j0 - 1, j1)) or (j1 < ny and full(i0, i1, j0, j1 + 1)))
                    if not grow:
                        corners = [(xs[i0], ys[j0]), (xs[i1], ys[j0]), (xs[i1], ys[j1]), (xs[i0], ys[j1])]
                        rects.append(np.array([a * u + b * v for a, b in corners]))
    return rects


def _long_sides(rect: np.ndarray) -> list[int]:
    """Edge indices of the two long sides of a rectangle ring (the first pair when square)."""
    length = np.linalg.norm(np.roll(rect, -1, axis=0) - rect, axis=1)
    return [0, 2] if length[0] >= length[1] - 1e-9 else [1, 3]


class _WingRoofFailed(Exception):
    """The wing envelope did not give clean faces (numerically degenerate input)."""


def _hip_wings(poly: Polygon, ring: np.ndarray, eave_z: float, roof_height_m: float, path, form: str = "hip",
               frame=None):
    """Hip or gable roof of a concave right-angled footprint (L, T, U, …): every wing (maximal
    rectangle) gets its own roof — hipped, or gabled along its long axis — with one common pitch,
    and the roof is their upper envelope: how composite roofs are built, with valleys where wings
    meet (cross gables for ``form="gable"``). The widest wing's ridge is at eave +
    ``roof_height_m``. Returns (faces, zfun) for :func:`extrude_footprint`.

    The faces are computed in the footprint's own axes (coordinates snapped to 0.1 µm there, so
    that wing sides are exactly axis-parallel) with snap-rounded overlays, then turned back; they
    must tile the footprint exactly, else :class:`_WingRoofFailed` is raised (and
    :func:`extrude_footprint` checks the finished solid once more)."""
    frame = frame or _orthogonal_frame(ring)
    if frame is None:
        raise InputError(path, "a hip roof on a concave footprint needs right angles (an L, T or U shape); "
                               "use gable, shed or flat for this one")
    u, v = frame
    rot = np.array([u, v])  # plan -> frame: q = rot @ p
    q_ring = np.round(ring @ rot.T, 7)
    q_poly = Polygon(q_ring)
    if not q_poly.is_valid or abs(q_poly.area - poly.area) > 1e-6 * poly.area:
        raise _WingRoofFailed("footprint not right-angled enough")
    ex, ey = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    rects = _maximal_rectangles(q_poly, ex, ey)
    if not rects or len(rects) > 40:
        raise InputError(path, f"this footprint has too many wings for a {form} roof; use shed or flat")
    rects = [r if _area2(r) > 0 else r[::-1] for r in rects]
    hips = [_ConvexHip(r, _long_sides(r) if form == "gable" else None) for r in rects]
    half_width = max(float(h.dist_min(np.concatenate(h.faces)).max()) for h in hips)
    slope = roof_height_m / half_width
    q_faces = []
    try:
        for i, hi in enumerate(hips):
            for face, f in zip(hi.faces, hi.face_edge):
                visible = shapely.set_precision(Polygon(face), 1e-7)
                for j, hj in enumerate(hips):
                    if j == i:
                        continue
                    # where wing j's roof is higher than this face's plane (ties go to the lower index)
                    region = hj.a
                    eps = 1e-9 if j > i else -1e-9
                    for e in hj.edges:
                        nrm = hj.inward[e] - hi.inward[f]
                        c = float(hj.a[e] @ hj.inward[e] - hi.a[f] @ hi.inward[f]) + eps
                        region = _clip_linear(region, nrm, c, hj.a.mean(axis=0))
                        if len(region) < 3:
                            break
                    if len(region) >= 3 and abs(_area2(region)) > 1e-9:
                        # snap-rounded overlay: the region often shares an edge with the face
                        visible = shapely.difference(visible, Polygon(region), grid_size=1e-7)
                        if visible.is_empty:
                            break
                q_faces.extend(q for p in _polygons_of(visible) for q in _without_holes(p))
    except shapely.errors.GEOSException as exc:
        raise _WingRoofFailed(str(exc)) from None
    total = sum(f.area for f in q_faces)
    union = shapely.union_all(q_faces).area if q_faces else 0.0
    if abs(total - q_poly.area) > 1e-6 * q_poly.area or abs(union - total) > 1e-6 * q_poly.area:
        raise _WingRoofFailed("roof faces do not tile the footprint")
    faces = [Polygon(np.asarray(f.exterior.coords)[:-1] @ rot) for f in q_faces]

    def zfun(xy):
        q = np.asarray(xy, dtype=np.float64) @ rot.T
        z = np.full(len(q), eave_z)
        for h in hips:
            z = np.where(h.contains(q, 1e-6), np.maximum(z, eave_z + slope * h.dist_min(q)), z)
        return z

    return faces, zfun


def _wing_roof(poly, ring, eave_z, roof_height_m, path):
    """Cross gables (:func:`_hip_wings`) when the footprint is right-angled and they come out
    clean, else None (the single-ridge gable is used)."""
    frame = _orthogonal_frame(ring)
    if frame is None:
        return None
    try:
        return _hip_wings(poly, ring, eave_z, roof_height_m, path, form="gable", frame=frame)
    except _WingRoofFailed:
        return None


def _without_holes(p: Polygon) -> list[Polygon]:
    """``p`` as simple pieces: a ring touching itself (two faces meeting at a ridge point) split
    into its parts, holes cut through (through the centroid of each hole)."""
    if not p.is_valid:
        return [q for part in _polygons_of(shapely.make_valid(p)) for q in _without_holes(part)]
    if not p.interiors:
        return [p]
    hole = Polygon(p.interiors[0])
    c = np.asarray(hole.centroid.coords[0])
    size = 4.0 * (p.length + 1.0)
    out = []
    for sign in (1.0, -1.0):
        out.extend(q for piece in _polygons_of(p.intersection(_half_plane(c, np.array([sign, 0.0]), size)))
                   for q in _without_holes(piece))
    return out


def _clean_solid(solid: ExtrudedSolid) -> bool:
    """Every directed edge of the solid's polygons is met once the other way (closed, no
    T-junctions), the shell is a sphere (V − E + F = 2) and every polygon is planar and a simple
    ring in its plane."""
    from collections import Counter

    edges = Counter()
    for poly in solid.polygons:
        for i in range(len(poly)):
            edges[(poly[i], poly[(i + 1) % len(poly)])] += 1
    if any(c != 1 or edges.get((b, a), 0) != 1 for (a, b), c in edges.items()):
        return False
    used = {k for poly in solid.polygons for k in poly}
    if len(used) - len(edges) // 2 + len(solid.polygons) != 2:  # Euler: one closed shell, no handles
        return False
    for poly in solid.polygons:
        pts = solid.vertices[poly]
        nrm = _newell(pts)
        unit = nrm / max(float(np.linalg.norm(nrm)), 1e-300)
        off = (pts - pts.mean(axis=0)) @ unit
        if np.abs(off).max() > 1e-6:  # every polygon planar (to 1 µm)
            return False
        drop = int(np.argmax(np.abs(nrm)))
        ring2d = np.delete(pts, drop, axis=1)
        if not Polygon(ring2d).is_valid:
            return False
    return True


def extrude_footprint(footprint, ground_z: float, eave_height_m: float, roof: str = "flat",
                      roof_height_m: float = 0.0, path=None, _wings: bool = True) -> ExtrudedSolid:
    """Build the closed solid of a building from its footprint (see module docstring).

    footprint      [[x, y], ...] (model CRS, metres) or a shapely Polygon
    ground_z       height of the ground floor (metres, model CRS heights)
    eave_height_m  eave above ground_z (> 0)
    roof           one of ``ROOF_FORMS``
    roof_height_m  ridge/apex above the eave (≥ 0; ignored for ``flat``; 0 gives a flat roof)
    """
    roof = str(roof or "flat").lower()
    if roof not in ROOF_FORMS:
        raise InputError(path, f"unknown roof form {roof!r} (use one of {', '.join(ROOF_FORMS)})")
    try:
        ground_z, eave_height_m, roof_height_m = float(ground_z), float(eave_height_m), float(roof_height_m or 0.0)
    except (TypeError, ValueError):
        raise InputError(path, "ground_z, height_m and roof_height_m must be numbers") from None
    if not all(np.isfinite([ground_z, eave_height_m, roof_height_m])):
        raise InputError(path, "ground_z, height_m and roof_height_m must be finite numbers")
    if eave_height_m <= 0:
        raise InputError(path, f"height_m must be > 0 (got {eave_height_m})")
    if roof_height_m < 0:
        raise InputError(path, f"roof_height_m must be ≥ 0 (got {roof_height_m})")
    poly = footprint_polygon(footprint, path)
    # work relative to the footprint's bbox corner: national grid coordinates (~5e6 m) would
    # cost shapely's rectangle/intersection arithmetic several digits of precision
    shift = np.floor(np.asarray(poly.bounds[:2]))
    poly = shapely.affinity.translate(poly, -shift[0], -shift[1])
    if roof_height_m == 0.0:
        roof = "flat"
    eave_z = ground_z + eave_height_m
    ring = _ring_xy(poly)
    size = 4.0 * (poly.length + 1.0)

    convex = poly.convex_hull.area - poly.area <= 1e-9 * poly.area
    wings_used = False
    faces: list = []  # roof faces in 2D: shapely Polygons or (k, 2) CCW point arrays
    if roof == "flat":
        faces = [poly]

        def zfun(xy):
            return np.full(len(xy), eave_z)
    elif roof == "shed":
        centre, _, short_axis, _ = _axes(poly)
        d = (ring - centre) @ short_axis
        dmin, dmax = d.min(), d.max()
        faces = [poly]

        def zfun(xy):
            return eave_z + roof_height_m * (((xy - centre) @ short_axis) - dmin) / (dmax - dmin)
    elif roof == "gable" and not convex and _wings and (
            wing_roof := _wing_roof(poly, ring, eave_z, roof_height_m, path)):
        faces, zfun = wing_roof
        wings_used = True
    elif roof == "gable":
        centre, long_axis, short_axis, half_w = _axes(poly)
        if convex:
            faces = [_clip_convex(ring, centre, short_axis), _clip_convex(ring, centre, -short_axis)]
        else:
            faces = (_polygons_of(poly.intersection(_half_plane(centre, short_axis, size)))
                     + _polygons_of(poly.intersection(_half_plane(centre, -short_axis, size))))

        def zfun(xy):
            d = np.abs((xy - centre) @ short_axis)
            return eave_z + roof_height_m * np.clip(1.0 - d / half_w, 0.0, 1.0)
    elif roof == "hip" and not convex:
        try:
            if not _wings:  # the wing envelope's solid failed _clean_solid
                raise _WingRoofFailed("the finished solid was not clean")
            faces, zfun = _hip_wings(poly, ring, eave_z, roof_height_m, path)
        except _WingRoofFailed:
            raise InputError(path, "a hip roof could not be built cleanly on this concave footprint; "
                                   "use gable, shed or flat for this one") from None
        wings_used = True
    elif roof == "hip":
        hip = _ConvexHip(ring)
        faces = hip.faces
        top = float(hip.dist_min(np.concatenate(faces)).max())

        def zfun(xy):
            return eave_z + roof_height_m * hip.dist_min(xy) / top
    else:  # pyramid
        apex = np.asarray(poly.centroid.coords[0])
        n = len(ring)
        for i in range(n):
            tri = np.array([ring[i], ring[(i + 1) % n], apex])
            if _area2(tri) <= 2e-9:
                raise InputError(path, "a pyramid roof needs a footprint that is star-shaped from its "
                                       "centroid (e.g. convex); use gable or flat for this one")
            faces.append(tri)

        def zfun(xy):
            d = np.linalg.norm(xy - apex, axis=1)
            return np.where(d <= SNAP_M, eave_z + roof_height_m, eave_z)

    # ---- vertex pool: footprint ring first, then roof face vertices
    pool = _VertexPool()
    ring_idx = [pool.index(*p) for p in ring]
    face_rings = []
    extra_pts = []
    for f in faces:
        if isinstance(f, Polygon):
            pts = np.asarray(orient(f, 1.0).exterior.coords)[:-1, :2]
        else:
            pts = f if _area2(f) > 0 else f[::-1]
        idx = []
        for p in pts:
            k = pool.index(*p)
            if not idx or idx[-1] != k:
                idx.append(k)
        if len(idx) > 1 and idx[0] == idx[-1]:
            idx.pop()
        if len(idx) >= 3:
            face_rings.append(idx)
        extra_pts.extend(np.asarray(pool.xy[k]) for k in idx if k >= len(ring))
    # points of roof faces that lie on footprint edges (ridge ends of gables) go into the walls
    uniq_extra = {tuple(p): np.asarray(p) for p in extra_pts}
    on_edges = _insert_points_on_ring(ring, list(uniq_extra.values()))
    # roof faces must also carry every pool vertex that lies on their edges (no T-junctions)
    pool_xy = np.asarray(pool.xy)
    fixed_faces = []
    for idx in face_rings:
        rr = pool_xy[idx]
        inserts = _insert_points_on_ring(rr, [pool_xy[k] for k in range(len(pool_xy)) if k not in idx])
        out = []
        for i, k in enumerate(idx):
            out.append(k)
            out.extend(pool.index(*q) for q in inserts[i])
        fixed_faces.append(out)
    pool_xy = np.asarray(pool.xy)
    n2 = len(pool_xy)
    top_z = zfun(pool_xy)
    if roof == "pyramid":
        top_z = np.where(np.linalg.norm(pool_xy - np.asarray(poly.centroid.coords[0]), axis=1) <= SNAP_M,
                         eave_z + roof_height_m, eave_z)
    # vertices: [0, n2) roof/top level, [n2, n2 + len(ring)) ground level
    verts = np.concatenate([np.c_[pool_xy, top_z], np.c_[ring, np.full(len(ring), ground_z)]])
    polygons, semantics = [], []
    # ground: footprint reversed (normal down)
    polygons.append([n2 + i for i in range(len(ring))][::-1])
    semantics.append(GROUND)
    # walls: a_g, b_g, b_t, (points on the edge, from b to a), a_t
    n = len(ring)
    for i in range(n):
        j = (i + 1) % n
        top_chain = [ring_idx[j]] + [pool.index(*q) for q in reversed(on_edges[i])] + [ring_idx[i]]
        polygons.append([n2 + i, n2 + j] + top_chain)
        semantics.append(WALL)
    for idx in fixed_faces:
        polygons.append(list(idx))
        semantics.append(ROOF)
    verts[:, :2] += shift
    solid = ExtrudedSolid(verts, polygons, semantics)
    if wings_used and not _clean_solid(solid):
        # the wing envelope met a numerically awkward case: gables fall back to one ridge,
        # a hip roof is refused (never a solid with gaps)
        return extrude_footprint(footprint, ground_z, eave_height_m, roof, roof_height_m, path, _wings=False)
    return solid
