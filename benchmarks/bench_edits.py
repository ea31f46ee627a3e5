"""Planning edits on the demo district (Delfshaven, 853 LoD2 buildings): time per edit including
the rebuild of the Scene and of the ray core (``analysis.raycast.RayCaster``).

Edits measured (target: interactive, < 200 ms per edit):
  1. demolish 100 buildings in one edit
  2. 100 single-building demolish edits in a row (one click each) — mean per edit
  3. insert a 50-building masterplan (a CityJSON file made of 50 extruded gable/hip houses)
  4. extrude the same 50 footprints from a GeoJSON file
  5. move one building (its vertices are shared with neighbours, so it is copied out)

Baselines run in the same process:
  * "full rebuild": the same edited model with its Scene and ray core built from scratch (every
    polygon triangulated once) — what an edit costs without reusing the source model's
    triangulation;
  * cjio (``CityJSON.get_subset_ids(exclude=True)`` for the demolition, ``CityJSON.merge`` for the
    masterplan) on the same file, already loaded — the CityJSON reference library's own edit.
Ratios < 1 mean we are faster. The machine is shared (2 cores, other engineers' jobs): numbers
are noisy, take them as orders of magnitude.
"""
from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import timed as _timed  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
N_DEMOLISH = 100
N_PLAN = 50


TIMES = {"scene": [], "ray": []}


def _rebuild(model):
    """Scene + ray core of an edited model (what the GUI needs before it can show/analyse);
    the parts' times are collected in TIMES."""
    t = time.perf_counter()
    scene = model.scene()
    TIMES["scene"].append(time.perf_counter() - t)
    try:
        from stadtbild.analysis.raycast import RayCaster
    except ImportError:
        return scene, None
    t = time.perf_counter()
    rc = RayCaster(scene)
    TIMES["ray"].append(time.perf_counter() - t)
    return scene, rc


def _masterplan(model, folder: Path):
    """50 footprints on a grid at the district's east edge; written as GeoJSON and as CityJSON."""
    from stadtbild.exporters.cityjson import write_cityjson
    from stadtbild.model.scenario import Scenario

    bb = model.bbox()
    x0, y0 = bb[3] + 30.0, bb[1] + 20.0
    feats = []
    for k in range(N_PLAN):
        i, j = divmod(k, 10)
        x, y = x0 + j * 22.0, y0 + i * 26.0
        feats.append({"type": "Feature", "id": f"plan-{k + 1}",
                      "properties": {"height_m": 9.0 + 3 * (k % 4), "roof": "gable" if k % 2 else "hip",
                                     "roof_height_m": 4.0},
                      "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 14, y], [x + 14, y + 10],
                                                                       [x, y + 10], [x, y]]]}})
    gj = folder / "plan.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    sc = Scenario("plan", [{"op": "extrude", "file": gj.name, "ground_z": 0.0}], base_dir=folder)
    from stadtbild.model.citymodel import CityModel

    empty = CityModel()
    empty.crs, empty.version = model.crs, "2.0"
    plan_model = sc.apply(empty)
    cj = folder / "plan.city.json"
    write_cityjson(plan_model, cj)
    return gj, cj


def main() -> None:
    from stadtbild.importers import load
    from stadtbild.model.edits import edit_from_dict
    from stadtbild.model.scenario import Scenario

    t = time.perf_counter()
    model = load(DEMO)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    model.triangulation()
    t_tri = time.perf_counter() - t
    t_rebuild0, _ = _timed(lambda: _rebuild(model), 1)
    print(f"demo district: {len(model)} objects, {model.n_polygons} polygons; load {t_load * 1e3:.0f} ms, "
          f"first triangulation {t_tri * 1e3:.0f} ms (once per source), scene+ray core {t_rebuild0 * 1e3:.0f} ms")
    ids = list(model.objects)
    rng = np.random.default_rng(7)
    victims = [ids[i] for i in rng.choice(len(ids), N_DEMOLISH, replace=False)]
    rows = []

    def full_rebuild(edited):
        """The baseline: the edited model with no cached triangulation, so that its Scene
        triangulates every polygon once from scratch (it used to triangulate twice: an explicit
        ``triangulate`` whose result was thrown away, then again inside ``scene()``)."""
        m2 = copy.copy(edited)
        m2._cache = {}
        return _rebuild(m2)

    # 1. demolish 100 in one edit
    e = edit_from_dict({"op": "demolish", "ids": victims})
    t_edit, edited = _timed(lambda: e.apply(model))
    t_scene, _ = _timed(lambda: _rebuild(e.apply(model)))
    t_full, _ = _timed(lambda: full_rebuild(edited))
    # cjio: the reference library's subset on the same (already loaded) file
    try:
        from cjio import cityjson as cj

        with open(DEMO, encoding="utf-8") as fh:
            cm = cj.CityJSON(file=fh)
        t_cjio, _ = _timed(lambda: cm.get_subset_ids(victims, exclude=True), 1)
    except Exception as exc:  # cjio API differences: report, keep going
        print(f"  (cjio baseline unavailable: {exc})")
        t_cjio = float("nan")
    rows.append(("demolish 100 (1 edit)", t_edit, t_scene, t_full, t_cjio))

    # 2. 100 single demolish edits in a row
    def one_by_one():
        m = model
        times = []
        for oid in victims:
            t0 = time.perf_counter()
            m = edit_from_dict({"op": "demolish", "ids": [oid]}).apply(m)
            _rebuild(m)
            times.append(time.perf_counter() - t0)
        return times

    times = one_by_one()
    rows.append(("demolish 1 (x100, mean, incl. rebuild)", float(np.mean(times)), float(np.mean(times)),
                 float("nan"), float("nan")))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gj, cjf = _masterplan(model, folder)
        # 3. insert the masterplan CityJSON
        sc = Scenario("ins", [{"op": "insert", "file": cjf.name}], base_dir=folder)
        t_edit, edited = _timed(lambda: sc.apply(model))
        t_scene, _ = _timed(lambda: _rebuild(sc.apply(model)))
        t_full, _ = _timed(lambda: full_rebuild(edited))
        try:
            from cjio import cityjson as cj

            def cjio_merge():
                with open(DEMO, encoding="utf-8") as fa, open(cjf, encoding="utf-8") as fb:
                    a = cj.CityJSON(file=fa)
                    b = cj.CityJSON(file=fb)
                t0 = time.perf_counter()
                a.merge([b])
                return time.perf_counter() - t0

            t_cjio = min(cjio_merge() for _ in range(2))
        except Exception as exc:
            print(f"  (cjio merge baseline unavailable: {exc})")
            t_cjio = float("nan")
        rows.append((f"insert {N_PLAN}-building masterplan (CityJSON)", t_edit, t_scene, t_full, t_cjio))
        # 4. extrude from GeoJSON
        sc2 = Scenario("ext", [{"op": "extrude", "file": gj.name, "ground_z": 0.0}], base_dir=folder)
        t_edit, edited = _timed(lambda: sc2.apply(model))
        t_scene, _ = _timed(lambda: _rebuild(sc2.apply(model)))
        t_full, _ = _timed(lambda: full_rebuild(edited))
        rows.append((f"extrude {N_PLAN} footprints (GeoJSON)", t_edit, t_scene, t_full, float("nan")))
    # 5. move one building
    e = edit_from_dict({"op": "move", "ids": [ids[200]], "offset": [5, 0, 0]})
    t_edit, edited = _timed(lambda: e.apply(model))
    t_scene, _ = _timed(lambda: _rebuild(e.apply(model)))
    t_full, _ = _timed(lambda: full_rebuild(edited))
    rows.append(("move 1 building", t_edit, t_scene, t_full, float("nan")))

    print(f"{'edit':<44}{'edit ms':>9}{'+scene+ray ms':>15}{'full rebuild ms':>17}{'ratio':>7}"
          f"{'cjio ms':>9}{'ratio':>7}  target<200ms")
    for name, te, ts, tf, tc in rows:
        r_full = ts / tf if tf == tf else float("nan")
        r_cj = te / tc if tc == tc else float("nan")
        print(f"{name:<44}{te * 1e3:9.1f}{ts * 1e3:15.1f}{tf * 1e3:17.1f}{r_full:7.2f}{tc * 1e3:9.1f}{r_cj:7.2f}"
              f"  {'ok' if ts < 0.2 else 'SLOW'}")
    print(f"of the rebuild: Scene {np.median(TIMES['scene']) * 1e3:.1f} ms, RayCaster (Embree BVH) "
          f"{np.median(TIMES['ray']) * 1e3:.1f} ms (medians over all rebuilds)")
    print("ratio = ours / baseline (< 1: faster). Shared 2-core machine: numbers are noisy.")
    incremental_ray_core(model, victims, ids[200])


def incremental_ray_core(model, victims, mover) -> None:
    """Ray core per edit: a RayCaster rebuilt on the edited scene (baseline) vs
    ``analysis.editable_raycast.EditableRayCaster`` (source BVH kept; demolish = object mask,
    new geometry = small second BVH). ``edit`` = ids known from the edit report; ``sync`` = the
    edited scene compared with the source to find them. Scene building is not included."""
    try:
        from stadtbild.analysis.editable_raycast import EditableRayCaster
        from stadtbild.analysis.raycast import RayCaster
    except ImportError:
        return
    from stadtbild.model.edits import edit_from_dict
    from stadtbild.model.scenario import Scenario

    src = model.scene()
    t = time.perf_counter()
    erc = EditableRayCaster(src)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    erc.prepare()
    t_prep = time.perf_counter() - t
    print(f"incremental ray core: source BVH {t_build * 1e3:.0f} ms once, prepare (lookup grid) "
          f"{t_prep * 1e3:.0f} ms once per session")
    cases = []
    cases.append(("demolish 100 (1 edit)", edit_from_dict({"op": "demolish", "ids": victims}).apply(model),
                  victims, None))
    with tempfile.TemporaryDirectory() as tmp:
        gj, _ = _masterplan(model, Path(tmp))
        plan = Scenario("ext", [{"op": "extrude", "file": gj.name, "ground_z": 0.0}], base_dir=Path(tmp)).apply(model)
    cases.append((f"extrude {N_PLAN} footprints", plan, [], [i for i in plan.objects if i not in model.objects]))
    moved = edit_from_dict({"op": "move", "ids": [mover], "offset": [5, 0, 0]}).apply(model)
    cases.append(("move 1 building", moved, [mover], [mover]))
    rows = []
    for name, edited, removed, added_ids in cases:
        es = edited.scene()
        t_full, _ = _timed(lambda es=es: RayCaster(es))

        def by_ids(es=es, removed=removed, added_ids=added_ids):
            added = None
            if added_ids:
                want = np.isin(np.asarray(es.object_ids, dtype=object), added_ids)
                added = es.select(want[es.object_index])
            erc.edit(removed=removed, added=added)

        def from_source(fn):  # best of 3, each starting from the unedited source
            best = float("inf")
            for _ in range(3):
                erc.edit()
                t0 = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t0)
            return best

        t_edit = from_source(by_ids)
        t_sync = from_source(lambda es=es: erc.sync(es))
        rows.append((name, t_full, t_edit, t_sync))
    # 100 single demolitions in a row (each click adds one)
    erc.edit()
    singles, fulls = [], []
    m = model
    for k, oid in enumerate(victims):
        m = edit_from_dict({"op": "demolish", "ids": [oid]}).apply(m)
        t0 = time.perf_counter()
        erc.edit(removed=victims[:k + 1])
        singles.append(time.perf_counter() - t0)
        if k % 10 == 0:  # the baseline on every 10th state (its cost hardly depends on k)
            es = m.scene()
            t0 = time.perf_counter()
            RayCaster(es)
            fulls.append(time.perf_counter() - t0)
    rows.append(("demolish 1 (x100 in a row, mean)", float(np.mean(fulls)), float(np.mean(singles)), float("nan")))
    erc.close()
    print(f"{'edit (ray core only)':<40}{'rebuild ms':>11}{'edit ms':>9}{'ratio':>7}{'sync ms':>9}{'ratio':>7}")
    for name, tf, te, ts in rows:
        print(f"{name:<40}{tf * 1e3:11.1f}{te * 1e3:9.1f}{te / tf:7.2f}{ts * 1e3:9.1f}{ts / tf:7.2f}")
    print("ratio = incremental / rebuild (< 1: faster). Shared 2-core machine: numbers are noisy.")


if __name__ == "__main__":
    main()
