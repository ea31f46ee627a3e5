"""All blocking objects of a sightline, complete and in order (issue 6b).

On the demo district (Rotterdam, Delfshaven) adjoining row houses have no party walls below the
lower roof, so a line running along a block passes from house to house without crossing a face;
two houses may also share one wall plane (coincident triangles). The reference here is
independent of ``analysis.sightline``:

* faces crossed: a brute-force Möller–Trumbore segment test over *every* triangle (float64);
* volumes entered: dense points every 5 cm along the line, a point being inside a building when
  it lies in the building's footprint (shapely union of its GroundSurface triangles, STRtree
  query) and between the building's ground level and the height of its roof above that point
  (roof triangles found by a shapely STRtree query, height from the roof triangle's plane) —
  the 2.5D prism model, not the parity test the code uses.

An object blocks when either says so; it is entered at the nearest face crossing or the first
inside point."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from stadtbild.analysis.raycast import RayCaster
from stadtbild.analysis.blockers import segment_blockers
from stadtbild.analysis.landmark import street_points
from stadtbild.analysis.sightline import sightline, trace_lines
from stadtbild.model.semantics import GROUND, ROOF
from tests.conftest import DEMO

STEP_M = 0.05  # reference sampling step along the line
N_LINES = 50


@pytest.fixture(scope="module")
def demo():
    from stadtbild.model.ground import analysis_scene
    from stadtbild.importers import load

    s = analysis_scene(load(DEMO))
    return s, RayCaster(s)


def _faces_crossed(scene, o, t):
    """{object: nearest crossing distance m} of the faces the segment o->t crosses (brute force)."""
    c = scene.corners
    d = t - o
    length = np.linalg.norm(d)
    d = d / length
    e1, e2 = c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]
    p = np.cross(d, e2)
    det = (e1 * p).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tv = o - c[:, 0]
        u = (tv * p).sum(axis=1) / det
        q = np.cross(tv, e1)
        v = (q @ d) / det
        s = (e2 * q).sum(axis=1) / det
        hit = (np.abs(det) > 1e-12) & (u >= 0) & (v >= 0) & (u + v <= 1) & (s >= 0) & (s <= length)
    out: dict[int, float] = {}
    for k, dist in zip(scene.object_index[hit], s[hit]):
        out[int(k)] = min(out.get(int(k), np.inf), float(dist))
    return out


class _Prisms:
    """Inside test of the 2.5D building prisms: footprint × [ground level, roof height]."""

    def __init__(self, scene):
        self.scene = scene
        g = scene.surface_type == GROUND
        objs = np.unique(scene.object_index[g])
        self.fp_obj = objs
        self.footprints = [shapely.union_all(shapely.polygons(scene.corners[g & (scene.object_index == k)][:, :, :2]))
                           for k in objs]
        self.fp_tree = shapely.STRtree(self.footprints)
        self.ground = np.full(len(scene.object_ids), np.inf)
        np.minimum.at(self.ground, scene.object_index[g], scene.corners[g][:, :, 2].min(axis=1))
        r = np.flatnonzero(scene.surface_type == ROOF)
        r = r[np.abs(scene.face_normals[r, 2]) > 1e-6]
        self.roof = r
        self.roof_tree = shapely.STRtree(shapely.polygons(scene.corners[r][:, :, :2]))

    def inside(self, pts):
        """(point index, object) pairs of points inside a prism."""
        sc = self.scene
        xy = shapely.points(pts[:, :2])
        pi, fi = self.fp_tree.query(xy, predicate="intersects")
        in_fp = set(zip(pi.tolist(), self.fp_obj[fi].tolist()))
        pj, ri = self.roof_tree.query(xy, predicate="intersects")
        tri = self.roof[ri]
        a = sc.corners[tri, 0]
        n = sc.face_normals[tri]
        z_roof = a[:, 2] - (n[:, 0] * (pts[pj, 0] - a[:, 0]) + n[:, 1] * (pts[pj, 1] - a[:, 1])) / n[:, 2]
        obj = sc.object_index[tri]
        ok = (pts[pj, 2] <= z_roof) & (pts[pj, 2] >= self.ground[obj])
        return {(int(i), int(k)) for i, k in zip(pj[ok], obj[ok]) if (int(i), int(k)) in in_fp}


def _reference(scene, prisms, o, t):
    """{object: entry distance m} along o->t (faces crossed or first point inside its prism)."""
    out = _faces_crossed(scene, o, t)
    length = np.linalg.norm(t - o)
    s = np.arange(0.0, length, STEP_M)
    pts = o + s[:, None] * (t - o) / length
    for i, k in sorted(prisms.inside(pts)):
        out[k] = min(out.get(k, np.inf), float(s[i]))
    return out


def _lines(scene, rc, n=N_LINES, seed=6):
    """Random lines across the district: from a street point at eye height to another street
    point, raised at random up to 25 m (so lines pass over some roofs and through others)."""
    _g, _m, street = street_points(scene, cell_m=5.0, raycaster=rc)
    rng = np.random.default_rng(seed)
    o = street[rng.choice(len(street), 4 * n)]
    t = street[rng.choice(len(street), 4 * n)].copy()
    t[:, 2] += rng.uniform(0.0, 25.0, len(t))
    far = np.linalg.norm((t - o)[:, :2], axis=1) > 100.0  # long enough to cross several blocks
    return o[far][:n], t[far][:n]


def test_all_blockers_equal_a_brute_force_reference_on_the_demo(demo):
    scene, rc = demo
    prisms = _Prisms(scene)
    o, t = _lines(scene, rc)
    assert len(o) == N_LINES
    tr = trace_lines(rc, o, t, all_blockers=True)
    n_objects = n_inside_only = 0
    for i in range(N_LINES):
        objs, dists = tr.blockers_of(i)
        # the reference runs to the end of the traced segment (trace_lines stops END_GAP_M short)
        tmax = tr.length[i] - 0.02
        ref = _reference(scene, prisms, o[i], o[i] + (t[i] - o[i]) * tmax / tr.length[i])
        got = dict(zip(objs.tolist(), dists.tolist()))
        assert set(got) == set(ref), f"line {i}: missed {set(ref) - set(got)}, extra {set(got) - set(ref)}"
        for k, entry in got.items():  # each object entered where the reference enters it
            assert entry == pytest.approx(ref[k], abs=STEP_M + 0.01), (i, k)
        # nearest first, and in the order of the reference entry distances (ties within a step)
        assert list(dists) == sorted(dists)
        r = np.array([ref[k] for k in objs.tolist()])
        assert (np.diff(r) >= -(STEP_M + 0.01)).all(), i
        faces = _faces_crossed(scene, o[i], o[i] + (t[i] - o[i]) * tmax / tr.length[i])
        n_objects += len(got)
        n_inside_only += sum(1 for k in got if k not in faces or faces[k] > got[k] + STEP_M)
        # the first listed blocker is the ray core's first hit (blocked lines only)
        if not tr.reached[i]:
            assert got[int(tr.first_object[i])] == pytest.approx(float(dists[0]), abs=0.01)
    # the lines cross many buildings, and some are entered without crossing a face of their own
    # (missing party walls) — the case that a search along the faces alone misses
    assert n_objects >= 5 * N_LINES
    assert n_inside_only >= 10


def test_row_of_houses_without_party_walls(demo):
    """The GUI case: a line south -> north through the district's median x crosses 20 footprints,
    four of them row houses entered only through missing party walls."""
    scene, rc = demo
    g = scene.surface_type == GROUND
    centres = np.array([scene.corners[scene.object_index == k].reshape(-1, 3).mean(axis=0)
                        for k in range(len(scene.object_ids))])
    lo, hi = scene.bounds
    x = float(np.median(centres[:, 0]))
    o = np.array([x, lo[1] - 15.0, 1.6])
    t = np.array([x, hi[1] + 15.0, 1.6])
    r = sightline(scene, o, target=t, raycaster=rc, clearance_step_m=None)
    line = shapely.LineString([o[:2], t[:2]])
    crossed = {int(k) for k in np.unique(scene.object_index[g])
               if shapely.union_all(shapely.polygons(scene.corners[g & (scene.object_index == k)][:, :, :2]))
               .intersects(line)}
    assert len(crossed) >= 10
    assert set(map(int, r.blockers)) == crossed
    # entry distance = where the line enters the footprint (the line is level at eye height)
    for k, dist in zip(r.blockers, r.blocker_distances_m):
        fp = shapely.union_all(shapely.polygons(scene.corners[g & (scene.object_index == k)][:, :, :2]))
        assert dist == pytest.approx(shapely.Point(o[:2]).distance(fp.intersection(line)), abs=0.01)


def test_target_object_ends_the_line_and_is_not_listed(demo):
    scene, rc = demo
    o, t = _lines(scene, rc, n=5, seed=7)
    all_hits = segment_blockers(scene, o, (t - o) / np.linalg.norm(t - o, axis=1)[:, None],
                                np.linalg.norm(t - o, axis=1))
    for i in range(len(o)):
        h = all_hits[all_hits[:, 0] == i]
        if len(h) < 3:
            continue
        target, entry = int(h[-1, 1]), float(h[-1, 2])  # the farthest blocker becomes the target
        cut = segment_blockers(scene, o[i], (t[i] - o[i]) / np.linalg.norm(t[i] - o[i]),
                               np.linalg.norm(t[i] - o[i]), target)
        expect = [int(k) for k, dist in h[:, 1:] if dist < entry and int(k) != target]
        assert cut[:, 1].astype(int).tolist() == expect and len(expect) >= 2
        break
    else:
        pytest.fail("no random line crossed three buildings")


# ====================================================================== analytic boxes
X0, Y0 = 500000.0, 5700000.0


def _boxes(*boxes):
    from tests.helpers import box_model

    return box_model([(oid, X0 + x0, Y0 + y0, X0 + x1, Y0 + y1, z0, z1)
                      for oid, x0, y0, x1, y1, z0, z1 in boxes]).scene()


def _local(scene, x, y, z):
    return np.array([X0 + x, Y0 + y, z]) - scene.origin


def _blockers(scene, a, b):
    o, t = _local(scene, *a), _local(scene, *b)
    tr = trace_lines(RayCaster(scene, backend="numpy"), o[None], t[None], all_blockers=True)
    objs, dists = tr.blockers_of(0)
    return [scene.object_ids[k] for k in objs], list(dists)


def test_row_houses_with_and_without_party_walls_are_all_listed():
    """Two 10 m houses side by side: with both party walls (coincident triangles) and with none."""
    both = _boxes(("A", 0, 0, 10, 10, 0, 10), ("B", 10, 0, 20, 10, 0, 8))
    ids, dists = _blockers(both, (-5, 5, 2), (25, 5, 2))
    assert ids == ["A", "B"] and dists == pytest.approx([5.0, 15.0], abs=1e-6)
    # the party walls left out (as in the demo district): B is entered where its roof begins
    x = both.corners[:, :, 0] + both.origin[0] - X0
    party = np.abs(x - 10.0).max(axis=1) < 1e-9
    assert party.sum() >= 4
    open_row = both.select(~party)
    ids, dists = _blockers(open_row, (-5, 5, 2), (25, 5, 2))
    assert ids == ["A", "B"] and dists == pytest.approx([5.0, 15.0], abs=1e-6)
    # above the lower house's roof the line leaves A through its roof... and B is not entered
    ids, dists = _blockers(open_row, (-5, 5, 9), (25, 5, 9))
    assert ids == ["A"] and dists == pytest.approx([5.0], abs=1e-6)
    # a rising line: enters B's volume only where it is still below B's 8 m roof
    ids, dists = _blockers(open_row, (5, 5, 9.5), (15, 5, 7.5))  # z = 8 at x = 12.5
    assert ids == ["A", "B"] and dists[1] == pytest.approx(np.hypot(7.5, 1.5), abs=1e-6)


def test_lines_parallel_to_walls_warn_nothing_and_enter_at_the_analytic_walls():
    """Axis-parallel lines run parallel to half of a box's faces (Möller–Trumbore determinant
    exactly 0): the blockers are still the analytic wall crossings, and numpy's divide-by-zero
    warnings stay inside the method instead of reaching the user's console (the CLI's stderr)."""
    import warnings

    s = _boxes(("A", 0, 0, 10, 10, 0, 10), ("B", 20, 0, 30, 10, 0, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ids, dists = _blockers(s, (-5, 5, 2), (35, 5, 2))  # along x: ±y walls, roofs and floors parallel
        assert ids == ["A", "B"] and dists == pytest.approx([5.0, 25.0], abs=1e-9)
        ids, dists = _blockers(s, (25, -5, 4), (25, 15, 4))  # along y through B only
        assert ids == ["B"] and dists == pytest.approx([5.0], abs=1e-9)
        ids, dists = _blockers(s, (5, 5, -1), (5, 5, 20))  # vertical, up through A's floor and roof
        assert ids == ["A"] and dists == pytest.approx([1.0], abs=1e-9)


def test_blockers_do_not_depend_on_the_scene_s_local_frame():
    """The same lines give the same blockers and entry distances whether the scene's local origin
    lies at its minimum corner (a model's scene) or in the middle of a house (a scenario's
    "before" scene in the frame of its "after" scene, Scene.shifted_to): lines along x at
    y = 8, 0 and −8 m through a 10 × 20 m house enter it 40 m from their start; at y = ±10.5 they
    pass it."""
    s = _boxes(("house", 40, -10, 50, 10, 0, 10))
    d = np.array([[1.0, 0.0, 0.0]])
    for frame in (s, s.shifted_to(np.array([X0 + 45.0, Y0, 0.0]))):
        for y, expected in ((8.0, [40.0]), (0.0, [40.0]), (-8.0, [40.0]), (10.5, []), (-10.5, [])):
            o = np.array([[X0, Y0 + y, 5.0]]) - frame.origin
            hits = segment_blockers(frame, o, d, np.array([60.0]))
            assert hits[:, 2].tolist() == pytest.approx(expected, abs=1e-9), (frame.origin, y)


def test_trace_lines_gives_the_first_hit_and_the_blockers_only_when_asked():
    """A level line at 2 m through two 10 m blocks 20 m and 40 m away: the first hit is the nearer
    block's face at 20 m (point (20, 0, 2)); the list of every blocker is computed only on request
    (the landmark and corridor checks of many lines leave it out): empty by default, both blocks
    with their entry distances with ``all_blockers``."""
    s = _boxes(("A", 20, -2, 22, 2, 0, 10), ("B", 40, -2, 42, 2, 0, 10))
    rc = RayCaster(s, backend="numpy")
    o, t = _local(s, 0, 0, 2), _local(s, 60, 0, 2)
    tr = trace_lines(rc, o[None], t[None])
    assert not tr.reached[0] and s.object_ids[tr.first_object[0]] == "A"
    assert tr.first_distance[0] == pytest.approx(20.0, abs=1e-6) and tr.length[0] == pytest.approx(60.0)
    assert s.to_world(tr.first_point[0]) == pytest.approx([X0 + 20, Y0, 2.0], abs=1e-6)
    assert tr.hits.shape == (0, 3)
    full = trace_lines(rc, o[None], t[None], all_blockers=True)
    objs, dists = full.blockers_of(0)
    assert [s.object_ids[k] for k in objs] == ["A", "B"] and dists == pytest.approx([20.0, 40.0], abs=1e-9)


def test_a_line_grazing_a_flat_roof_is_not_inside_the_house_below():
    """A 10 × 10 × 10 m block modelled without walls (roof and ground only): a level line exactly at
    roof height lies on the roof, not under it (a point is inside when a face lies strictly above
    it), so nothing blocks it; 1 mm lower it runs inside the block from its edge, 5 m from the start."""
    from stadtbild.model.semantics import GROUND, ROOF
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(0, 0, 10, 10, 0, 10)
    s = model_from_solids([("block", v, [f for f in faces if f[1] in (GROUND, ROOF)])], crs_epsg=None).scene()
    d = np.array([[1.0, 0.0, 0.0]])
    for z, expected in ((10.0, []), (9.999, [5.0])):
        o = np.array([[-5.0, 5.0, z]]) - s.origin
        hits = segment_blockers(s, o, d, np.array([20.0]))
        assert hits[:, 2].tolist() == pytest.approx(expected, abs=1e-9)


def test_a_line_through_the_very_edge_of_a_free_standing_wall_is_blocked():
    """A free-standing wall (one 10 × 5 m vertical polygon, no volume: a noise barrier) is crossed by
    level lines exactly at its four boundary edges and through its centre, where its two
    triangles meet: each line is blocked where it meets the wall's plane, 10 m from its start
    (an edge counts, whichever of the triangle's edges it is)."""
    from stadtbild.model.semantics import WALL
    from tests.helpers import model_from_solids

    v = np.array([[10.0, 0.0, 0.0], [10.0, 10.0, 0.0], [10.0, 10.0, 5.0], [10.0, 0.0, 5.0]])
    s = model_from_solids([("barrier", v, [([0, 1, 2, 3], WALL)])], crs_epsg=None).scene()
    assert s.n_triangles == 2
    crossings = [(0.0, 2.5), (10.0, 2.5), (5.0, 0.0), (5.0, 5.0), (5.0, 2.5)]  # y, z on the wall
    o = np.array([[0.0, y, z] for y, z in crossings]) - s.origin
    d = np.tile([1.0, 0.0, 0.0], (len(o), 1))
    hits = segment_blockers(s, o, d, np.full(len(o), 20.0))
    assert hits[:, 0].astype(int).tolist() == [0, 1, 2, 3, 4]
    assert hits[:, 2] == pytest.approx(10.0, abs=1e-9)
    assert len(segment_blockers(s, o + [0.0, 0.0, 5.01], d, np.full(len(o), 20.0))) == 0  # above: free


def test_segment_inside_a_house_along_its_roof_diagonal():
    """A segment wholly inside a house crosses no face; running exactly under the diagonal shared
    by the two roof triangles it must still be inside (the diagonal counts once)."""
    s = _boxes(("A", 0, 0, 10, 10, 0, 10))
    roof = np.flatnonzero(s.face_normals[:, 2] > 0.5)
    assert len(roof) == 2
    shared = np.intersect1d(s.triangles[roof[0]], s.triangles[roof[1]])
    p, q = s.vertices[shared]
    o = p + 0.2 * (q - p)
    t = p + 0.8 * (q - p)
    o[2] = t[2] = 5.0
    hits = segment_blockers(s, o, (t - o) / np.linalg.norm(t - o), np.linalg.norm(t - o))
    assert hits[:, 1].astype(int).tolist() == [0] and hits[0, 2] == 0.0
    # the same segment lifted above the roof is outside
    o[2] = t[2] = 11.0
    assert len(segment_blockers(s, o, (t - o) / np.linalg.norm(t - o), np.linalg.norm(t - o))) == 0


@pytest.mark.parametrize("o,t", [((-5, -5), (15, 15)), ((15, -5), (-5, 15))], ids=["diagonal", "anti-diagonal"])
def test_a_line_along_a_roof_diagonal_enters_a_wall_less_block_once(o, t):
    """A 10 × 10 × 10 m block modelled without walls (roof and ground only, as row houses often
    are between neighbours): a horizontal line at 5 m running in plan exactly along either
    diagonal of the block — along the shared edge of the roof's (and floor's) two triangles on one
    of them — is inside the block from its corner on, 7.07 m from the start (the edge belongs to
    one of its two triangles only, else the parity would cancel)."""
    from stadtbild.model.semantics import GROUND, ROOF
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(0, 0, 10, 10, 0, 10)
    m = model_from_solids([("block", v, [f for f in faces if f[1] in (GROUND, ROOF)])], crs_epsg=None)
    s = m.scene()
    o3 = np.array([o[0], o[1], 5.0]) - s.origin
    t3 = np.array([t[0], t[1], 5.0]) - s.origin
    d = (t3 - o3) / np.linalg.norm(t3 - o3)
    hits = segment_blockers(s, o3[None], d[None], np.array([np.linalg.norm(t3 - o3)]))
    assert len(hits) == 1 and hits[0, 2] == pytest.approx(np.hypot(5, 5), abs=1e-6)


def test_no_geometry_no_blockers_and_bad_requests_say_what_is_wrong():
    """A scene without triangles has no blockers for any line (an empty table, no error); a
    sightline needs exactly one kind of target and finite coordinates, and says so."""
    from stadtbild.model.citymodel import CityModel
    from stadtbild.model.errors import InputError
    from tests.helpers import box_model

    empty = CityModel()
    empty.vertices = np.zeros((0, 3))
    hits = segment_blockers(empty.scene(), np.zeros((3, 3)), np.tile([1.0, 0.0, 0.0], (3, 1)), np.full(3, 10.0))
    assert hits.shape == (0, 3)
    s = box_model([("a", 0, 0, 10, 10, 0, 10)]).scene()
    with pytest.raises(InputError, match="^give either a target point or a target object id$"):
        sightline(s, np.zeros(3), np.ones(3), target_id="a")
    with pytest.raises(InputError, match="^observer and target need finite coordinates$"):
        sightline(s, np.array([0.0, np.nan, 1.0]), np.ones(3))
