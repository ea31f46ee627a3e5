"""Protected view corridors (Sichtachsen): which objects rise into the sight plane, and by how much.

Works on a :class:`model.scene.Scene` in its local frame and with the ray core, as
:mod:`analysis.sightline` (whose points, targets and line traces it uses).

Method (docs/ARCHITECTURE.md, "Methods")
----------------------------------------
Protected view corridor
    The corridor runs from the viewpoint V to the target T (a point, or an object's top). Its plan
    footprint is a wedge with apex V and horizontal half-angle α around the axis V→T (or a strip of
    constant width), from V to the target's distance D along the axis. It is bounded below by the
    *sight plane*: the plane through V and T that is level across the axis, i.e.
    ``z(p) = z_V + (z_T − z_V) · a(p) / D`` with ``a(p)`` the distance of p along the axis — the
    construction of view-protection planes such as London's "Protected Vistas" (London View
    Management Framework SPG 2012, Appendix: threshold plane from the assessment point to the
    landmark) or the St. Paul's Heights. An object intrudes when any part of it inside the
    footprint rises above the plane; ``above_m`` is its largest rise, found exactly (not by
    sampling) as the maximum of the linear function ``z − z_plane`` over each triangle clipped to
    the footprint: it is reached at a triangle corner inside the footprint, where a triangle edge
    crosses the footprint outline, or at a footprint corner inside the triangle. The allowed
    height at each location is the sight-plane height itself (a raster, and a triangulated
    surface that is exact because the plane is linear). The target object is not an intruder.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stadtbild.model.errors import InputError

from .casters import make_raycaster, terrain_objects
from stadtbild.model.ground import ground_for
from .sightline import target_points, trace_lines

#: an object rising less than this above the sight plane does not intrude (m)
INTRUSION_TOL_M = 1e-3


@dataclass(eq=False)
class Corridor:
    """A protected view corridor in the local frame (see the module docstring).

    viewpoint, target  (3,) local eye point and target point
    half_angle_deg     horizontal half opening angle of the wedge, or
    width_m            constant width of a strip (exactly one of the two is set)
    """

    viewpoint: np.ndarray
    target: np.ndarray
    half_angle_deg: float | None = None
    width_m: float | None = None

    def __post_init__(self) -> None:
        self.viewpoint = np.asarray(self.viewpoint, dtype=np.float64).reshape(3)
        self.target = np.asarray(self.target, dtype=np.float64).reshape(3)
        if (self.half_angle_deg is None) == (self.width_m is None):
            raise InputError(None, "a view corridor needs either a half-angle or a width")
        if self.half_angle_deg is not None and not (0 < self.half_angle_deg < 89):
            raise InputError(None, f"--half-angle must be between 0 and 89°, got {self.half_angle_deg}")
        if self.width_m is not None and not (self.width_m > 0 and math.isfinite(self.width_m)):
            raise InputError(None, f"--width must be a positive number of metres, got {self.width_m}")
        v = self.target[:2] - self.viewpoint[:2]
        self.length_m = float(np.hypot(*v))
        if self.length_m < 0.1:
            raise InputError(None, "viewpoint and target are (almost) above each other: no view corridor")
        self.axis = v / self.length_m
        self.across = np.array([-self.axis[1], self.axis[0]])

    @property
    def slope(self) -> float:
        """Rise of the sight plane per metre along the axis (m/m)."""
        return float((self.target[2] - self.viewpoint[2]) / self.length_m)

    def along(self, xy) -> np.ndarray:
        """Distance (m) of local points along the axis from the viewpoint."""
        return (np.asarray(xy, dtype=np.float64)[..., :2] - self.viewpoint[:2]) @ self.axis

    def plane_z(self, xy) -> np.ndarray:
        """Sight-plane height (local m) over local points: z_V + slope · along (level across)."""
        return self.viewpoint[2] + self.slope * self.along(xy)

    def half_width(self, along) -> np.ndarray:
        a = np.asarray(along, dtype=np.float64)
        if self.width_m is not None:
            return np.full(a.shape, self.width_m / 2.0)
        return np.maximum(a, 0.0) * math.tan(math.radians(self.half_angle_deg))

    def footprint_xy(self) -> np.ndarray:
        """(k, 2) local corners of the plan footprint, counter-clockwise (wedge: 3, strip: 4)."""
        v, a, c, L = self.viewpoint[:2], self.axis, self.across, self.length_m
        hw = float(self.half_width(L))
        far_r, far_l = v + a * L - c * hw, v + a * L + c * hw
        if self.width_m is None:
            return np.array([v, far_r, far_l])
        return np.array([v - c * hw, far_r, far_l, v + c * hw])

    def contains(self, xy, tol: float = 1e-9) -> np.ndarray:
        """(…) bool: local points inside the plan footprint."""
        xy = np.asarray(xy, dtype=np.float64)[..., :2]
        a = self.along(xy)
        c = (xy - self.viewpoint[:2]) @ self.across
        return (a >= -tol) & (a <= self.length_m + tol) & (np.abs(c) <= self.half_width(a) + tol)

    def footprint(self, world: bool = True, scene=None):
        """The footprint as a shapely Polygon with the sight-plane height as Z (model CRS when
        ``world`` and a ``scene`` is given)."""
        import shapely

        xy = self.footprint_xy()
        p = np.column_stack([xy, self.plane_z(xy)])
        if world and scene is not None:
            p = scene.to_world(p)
        return shapely.Polygon(p)

    def surface(self, scene=None) -> tuple[np.ndarray, np.ndarray]:
        """Triangulated height-limit surface: (vertices (k, 3), faces (f, 3)); exact, because the
        sight plane is linear. In the model CRS when ``scene`` is given."""
        xy = self.footprint_xy()
        v = np.column_stack([xy, self.plane_z(xy)])
        if scene is not None:
            v = scene.to_world(v)
        faces = np.array([[0, 1, 2]]) if len(xy) == 3 else np.array([[0, 1, 2], [0, 2, 3]])
        return v, faces

    def volume_mesh(self, top_z: float) -> tuple[np.ndarray, np.ndarray]:
        """Closed prism of the corridor volume from the sight plane up to ``top_z`` (local), for
        drawing: (vertices, triangle faces)."""
        xy = self.footprint_xy()
        k = len(xy)
        bottom = np.column_stack([xy, self.plane_z(xy)])
        top = np.column_stack([xy, np.full(k, max(top_z, float(bottom[:, 2].max()) + 1.0))])
        v = np.concatenate([bottom, top])
        faces = [[0, 2, 1]] if k == 3 else [[0, 2, 1], [0, 3, 2]]
        faces += [[k, k + 1, k + 2]] if k == 3 else [[k, k + 1, k + 2], [k, k + 2, k + 3]]
        for i in range(k):
            j = (i + 1) % k
            faces += [[i, j, k + j], [i, k + j, k + i]]
        return v, np.array(faces)


def _seg_intersections(p, q, a, b):
    """Intersections of 2D segments p->q (n,2) with a->b (scalar segment): (t along p->q, ok)."""
    r = q - p
    s = b - a
    den = r[:, 0] * s[1] - r[:, 1] * s[0]
    ap = a - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ap[:, 0] * s[1] - ap[:, 1] * s[0]) / den
        u = (ap[:, 0] * r[:, 1] - ap[:, 1] * r[:, 0]) / den
    ok = (np.abs(den) > 1e-12) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    return t, ok


def max_rise_above(corridor: Corridor, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact maximum of ``z − plane_z`` over each triangle (corners (m, 3, 3), local) clipped to
    the corridor footprint: (rise (m,) m, −inf where the triangle misses the footprint;
    point (m, 3) where it is reached). Candidates: corners inside the footprint, triangle edges
    crossing the footprint outline, footprint corners inside the triangle's plan projection."""
    m = len(corners)
    best = np.full(m, -np.inf)
    where = np.full((m, 3), np.nan)

    def take(rise, pts, ok, rows):
        better = ok & (rise > best[rows])
        r = rows[better]
        best[r] = rise[better]
        where[r] = pts[better]

    rows = np.arange(m)
    for k in range(3):  # (1) corners inside
        p = corners[:, k]
        take(p[:, 2] - corridor.plane_z(p), p, corridor.contains(p, tol=1e-6), rows)
    fp = corridor.footprint_xy()
    for k in range(3):  # (2) triangle edges x footprint outline
        p, q = corners[:, k], corners[:, (k + 1) % 3]
        for j in range(len(fp)):
            t, ok = _seg_intersections(p[:, :2], q[:, :2], fp[j], fp[(j + 1) % len(fp)])
            t = np.where(ok, t, 0.0)
            x = p + t[:, None] * (q - p)
            take(x[:, 2] - corridor.plane_z(x), x, ok, rows)
    # (3) footprint corners inside the triangle's plan projection (non-vertical triangles)
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    det = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    flat = np.abs(det) > 1e-9
    for f in fp:
        with np.errstate(divide="ignore", invalid="ignore"):
            l1 = ((f[0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (f[1] - a[:, 1])) / det
            l2 = ((b[:, 0] - a[:, 0]) * (f[1] - a[:, 1]) - (f[0] - a[:, 0]) * (b[:, 1] - a[:, 1])) / det
        l1 = np.where(flat, l1, -1.0)
        l2 = np.where(flat, l2, -1.0)
        ok = flat & (l1 >= 0) & (l2 >= 0) & (l1 + l2 <= 1)
        l1, l2 = np.where(ok, l1, 0.0), np.where(ok, l2, 0.0)
        z = a[:, 2] + l1 * (b[:, 2] - a[:, 2]) + l2 * (c[:, 2] - a[:, 2])
        x = np.column_stack([np.full(m, f[0]), np.full(m, f[1]), z])
        take(z - corridor.plane_z(x), x, ok, rows)
    return best, where


@dataclass(eq=False)
class CorridorResult:
    """Intruders of a view corridor: ``intruders`` object indices sorted by ``above_m`` (m above
    the sight plane, descending), ``at`` (k, 3) local point of the largest rise; ``target_visible``
    whether the central sight line viewpoint -> target is unobstructed."""

    scene: object
    corridor: Corridor
    intruders: np.ndarray
    above_m: np.ndarray
    at: np.ndarray
    target_object: int = -1
    target_visible: bool | None = None
    aim: str | None = None

    def figures(self) -> dict:
        """The ``viewcone`` CLI JSON keys (docs/ARCHITECTURE.md) and extras (model CRS)."""
        w = self.scene.to_world
        c = self.corridor
        ids = self.scene.object_ids
        out = {"intruding": [{"id": ids[i], "above_m": round(float(a), 3),
                              "at": [round(float(v), 3) for v in w(p)]}
                             for i, a, p in zip(self.intruders, self.above_m, self.at)],
               "target": [round(float(v), 3) for v in w(c.target)],
               "viewpoint": [round(float(v), 3) for v in w(c.viewpoint)],
               "length_m": round(c.length_m, 3), "sight_plane_slope": round(c.slope, 6),
               "target_visible": self.target_visible}
        if c.half_angle_deg is not None:
            out["half_angle_deg"] = c.half_angle_deg
        else:
            out["width_m"] = c.width_m
        if self.target_object >= 0:
            out["target_id"] = ids[self.target_object]
            out["aim"] = self.aim
        return out

    def height_limit(self, cell_m: float = 1.0, above_ground: bool = False, ground=None):
        """Height-limit raster (``exporters.results.Raster``) over the footprint: the sight-plane
        height at each cell centre (absolute, model CRS vertical datum; or above the ground with
        ``above_ground``), nodata −9999 outside the corridor."""
        from .ground_grid import ground_grid

        scene = self.scene
        poly = self.corridor.footprint(world=True, scene=scene)
        import shapely

        poly2 = shapely.force_2d(poly)
        grid = ground_grid(scene, cell_m, polygon=poly2, ground=(ground or ground_for(scene)))
        x, y = grid.centres_local()
        z = self.corridor.plane_z(np.stack([x, y], axis=-1))
        v = z - grid.z if above_ground else z + scene.origin[2]
        v = np.where(grid.inside, v, -9999.0)
        r = grid.raster(v, nodata=-9999.0, units="m above ground" if above_ground else "m (sight-plane height)")
        return r, grid


def view_corridor(scene, viewpoint, target=None, target_id: str | None = None, aim: str = "top",
                  half_angle_deg: float | None = 5.0, width_m: float | None = None, raycaster=None,
                  exclude_terrain: bool = False) -> CorridorResult:
    """Objects intruding into the protected view corridor from ``viewpoint`` (local (3,)) to
    ``target`` (local (3,)) or the object ``target_id`` (aimed at per ``aim``: "top" or "centre").
    Give ``half_angle_deg`` (wedge) or ``width_m`` (strip; then ``half_angle_deg`` is ignored)."""
    if width_m is not None:
        half_angle_deg = None
    tobj = -1
    if target_id is not None:
        if aim not in ("top", "centre", "center", "centroid"):
            raise InputError(None, f"a view corridor aims at one point of the target: top or centre, not {aim!r}")
        tp = target_points(scene, target_id, aim)
        tobj, target = tp.object_index, tp.points[0]
    elif target is None:
        raise InputError(None, "give a target point or a target object id")
    corr = Corridor(viewpoint, target, half_angle_deg=half_angle_deg, width_m=width_m)
    intr, above, at = np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 3))
    if scene.n_triangles:
        fp = corr.footprint_xy()
        lo, hi = fp.min(axis=0), fp.max(axis=0)
        c = scene.corners
        cand = ((c[:, :, 0].max(1) >= lo[0]) & (c[:, :, 0].min(1) <= hi[0]) & (c[:, :, 1].max(1) >= lo[1])
                & (c[:, :, 1].min(1) <= hi[1]))
        cand &= c[:, :, 2].max(1) > min(corr.viewpoint[2], corr.target[2]) + INTRUSION_TOL_M
        if tobj >= 0:
            cand &= scene.object_index != tobj
        if exclude_terrain:
            cand &= ~terrain_objects(scene)[scene.object_index]
        tri = np.flatnonzero(cand)
        if len(tri):
            rise, pts = max_rise_above(corr, c[tri])
            n_obj = len(scene.object_ids)
            obj = scene.object_index[tri]
            best = np.full(n_obj, -np.inf)
            np.maximum.at(best, obj, rise)
            hit = np.flatnonzero(best > INTRUSION_TOL_M)
            # the point of the largest rise per object
            is_best = rise >= best[obj] - 1e-12
            order = np.flatnonzero(is_best)
            first_pt = {}
            for k in order[::-1]:
                first_pt[int(obj[k])] = pts[k]
            srt = hit[np.argsort(-best[hit], kind="stable")]
            intr, above = srt, best[srt]
            at = np.array([first_pt[int(i)] for i in srt]) if len(srt) else np.zeros((0, 3))
    rc = make_raycaster(scene, raycaster) if scene.n_triangles else None
    vis = None
    if rc is not None:
        vis = bool(trace_lines(rc, corr.viewpoint[None], corr.target[None], tobj).reached[0])
    return CorridorResult(scene=scene, corridor=corr, intruders=intr, above_m=above, at=at, target_object=tobj,
                          target_visible=vis, aim=None if tobj < 0 else aim)
