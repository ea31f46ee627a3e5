"""City-wide runs in partitions (analysis.batch, cli.batch) and the spatial index (model.spatial).

References: the single-process solar run over the whole model (per-surface figures), the GeoPackages
read back with pyogrio, a Dask LocalCluster whose worker process is killed with SIGKILL, a CLI run
killed with SIGKILL, and shapely on coordinates read straight from the CityJSON text (not through
our importer) for ``--bbox`` and neighbour queries.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import orjson
import pyogrio.raw
import pytest
import shapely

from stadtbild.model.errors import InputError
from tests.conftest import ROOT, data_file

DEMO = "demo/3-20-DELFSHAVEN.city.json"
GRID_M = 5.0  # coarse roof samples keep the solar runs short; equality does not depend on it


def _read_layer(path, layer):
    meta, _, _, fields = pyogrio.raw.read(path, layer=layer, read_geometry=False)
    return dict(zip(meta["fields"], fields))


def _surfaces_by_key(out_dir):
    got = {}
    for g in sorted(Path(out_dir, "tiles").glob("*.gpkg")):
        c = _read_layer(g, "surfaces")
        for i in range(len(c["object_id"])):
            key = (c["object_id"][i], int(c["surface"][i]))
            assert key not in got, f"surface {key} written by two tiles"
            got[key] = (c["irradiation_kwh_m2a"][i], c["yield_kwh_a"][i], c["area_m2"][i], c["unshaded_kwh_m2a"][i])
    return got


@pytest.fixture(scope="module")
def demo():
    from stadtbild.importers import load

    return load(data_file(DEMO))


@pytest.fixture(scope="module")
def single_run(demo):
    """Reference: solar over the whole demo in one process (the analysis' own defaults)."""
    from stadtbild.analysis.batch_tasks import surface_ordinals
    from stadtbild.analysis.solar import SolarOptions, compute_solar

    scene = demo.scene()
    res = compute_solar(scene, None, SolarOptions(cell_m=GRID_M), model=demo)
    ordinal, _ = surface_ordinals(demo, scene, res.surfaces.polygon)
    ref = {}
    for k in range(len(res.surfaces)):
        key = (scene.object_ids[res.surfaces.object_index[k]], int(ordinal[k]))
        ref[key] = (res.irradiation_kwh_m2a[k], res.yield_kwh_a[k], res.surfaces.area_m2[k], res.unshaded_kwh_m2a[k])
    return ref, res


# ------------------------------------------------------------------------------------- equality
def test_four_partitions_equal_single_process_per_surface(tmp_path, demo, single_run):
    from stadtbild.analysis.batch import BatchOptions, run_batch
    from stadtbild.analysis.batch_plan import grid_tiles

    # 750 m tiles (aligned to multiples of 750 m) cut the 1.0 × 0.65 km district into 4 partitions
    assert len(grid_tiles(demo, 750.0)) == 4
    opt = BatchOptions(analysis="solar", out_dir=str(tmp_path), tile_size_m=750.0, halo_m=300.0,
                       scheduler="inline", analysis_params={"cell_m": GRID_M})
    result = run_batch([data_file(DEMO)], opt)
    assert result.tiles == 4 and len(result.computed) == 4 and not result.failed
    ref, res = single_run
    got = _surfaces_by_key(tmp_path)
    assert set(got) == set(ref)  # every roof surface once, none of the halo twice
    for key, r in ref.items():
        g = got[key]
        for a, b in zip(g, r):
            assert abs(a - b) <= 1e-6 * max(abs(b), 1e-9), (key, g, r)
    # the partitions really were partitions: every tile owns fewer buildings than the district
    owned = [json.loads(p.read_text())["own_top_level"] for p in Path(tmp_path, "tiles").glob("*.done.json")]
    assert sum(owned) == len(demo) and max(owned) < len(demo)
    assert result.summary["total_kwh_a"] == pytest.approx(float(res.yield_kwh_a.sum()), rel=1e-6)


# ------------------------------------------------------------------------------------- Dask
def test_dask_cluster_survives_a_killed_worker(tmp_path):
    from distributed import Client, LocalCluster

    from stadtbild.analysis.batch import BatchOptions, run_batch

    opt = BatchOptions(analysis="solar", out_dir=str(tmp_path), tile_size_m=750.0, halo_m=300.0,
                       analysis_params={"cell_m": 8.0})
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster)
    killed = {}
    try:
        pids = client.run(os.getpid)
        before = set(pids.values())

        def killer():
            deadline = time.time() + 60
            while time.time() < deadline and not killed:
                for addr, keys in client.processing().items():
                    if keys and addr in pids:
                        tiles = [str(k).split("-")[2] for k in keys  # stadtbild-solar-<tile>-<key>
                                 if str(k).startswith("stadtbild-solar-")]
                        pending = [t for t in tiles if not (tmp_path / "tiles" / f"{t}.done.json").exists()]
                        if pending:
                            os.kill(pids[addr], signal.SIGKILL)
                            killed.update(pid=pids[addr], tiles=pending)
                            return
                time.sleep(0.05)

        watcher = threading.Thread(target=killer, daemon=True)
        watcher.start()
        result = run_batch([data_file(DEMO)], opt, client=client)
        watcher.join(5)
        after = set(client.run(os.getpid).values())
        # the run's weather/sky came from the driver: no worker imported pvlib (or timezonefinder)
        heavy = client.run(lambda: sorted(m for m in ("pvlib", "timezonefinder") if m in sys.modules))
        computed = client.run(lambda: sys.modules["stadtbild.analysis.batch_plan"].RUN_SHARED_STATS["computed"]
                              if "stadtbild.analysis.batch_plan" in sys.modules else 0)
    finally:
        client.close()
        cluster.close()
    assert killed, "no worker was caught processing a tile"
    assert result.tiles == 4 and not result.failed and len(result.computed) == 4
    assert killed["pid"] not in after and len(after) == 2 and after != before  # the nanny restarted it
    for t in killed["tiles"]:  # the tiles lost with the worker were computed again elsewhere
        marker = json.loads((tmp_path / "tiles" / f"{t}.done.json").read_text())
        assert marker["worker_pid"] != killed["pid"]
    assert result.summary["buildings"] == 853
    assert heavy and not any(heavy.values()), heavy
    assert not any(computed.values()), computed  # no worker computed the run's sky itself


# ------------------------------------------------------------------------------------- resume
def test_run_key_does_not_depend_on_what_the_process_imported():
    """cjio replaces the json module's float encoder when imported; the run key (which decides
    which finished tiles a resumed run skips) must come out the same with and without it, and
    still change with the settings."""
    code = (
        "from stadtbild.analysis.batch import BatchOptions as B\n"
        "k = lambda t: B(analysis='metrics', out_dir='x', tile_size_m=t, scheduler='inline').key()\n"
        "a, other = k(200.0), k(250.0)\n"
        "import cjio.cityjson, json\n"
        "assert json.dumps(200.0) != '200.0'  # the patch is active\n"
        "print(a == k(200.0), a != other)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"]


def test_resume_after_killed_run_skips_finished_tiles(tmp_path):
    from stadtbild.analysis.batch import BatchOptions, run_batch

    out = tmp_path / "run"
    cmd = [sys.executable, str(ROOT / "main.py"), "batch", "metrics", str(data_file(DEMO)), "--out", str(out),
           "--tile-size", "200", "--scheduler", "inline", "--json"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    tiles_dir = out / "tiles"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if len(list(tiles_dir.glob("*.done.json"))) >= 2:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done = {p.name: p.stat().st_mtime_ns for p in tiles_dir.glob("*.done.json")}
    assert 2 <= len(done)
    opt = BatchOptions(analysis="metrics", out_dir=str(out), tile_size_m=200.0, scheduler="inline")
    result = run_batch([data_file(DEMO)], opt)
    assert len(done) < result.tiles
    assert sorted(f"{t}.done.json" for t in result.skipped) == sorted(done)
    assert len(result.computed) == result.tiles - len(done) and not result.failed
    for name, mtime in done.items():  # finished tiles were not touched again
        assert (tiles_dir / name).stat().st_mtime_ns == mtime
    # all buildings once, as in one metrics table of the whole district
    ids = []
    for g in tiles_dir.glob("*.gpkg"):
        ids += list(_read_layer(g, "buildings")["id"])
    assert len(ids) == len(set(ids)) == 853
    # changed settings invalidate the finished tiles
    opt2 = BatchOptions(analysis="metrics", out_dir=str(out), tile_size_m=200.0, scheduler="inline",
                        analysis_params={"storey_height_m": 2.5})
    again = run_batch([data_file(DEMO)], opt2)
    assert not again.skipped and len(again.computed) == again.tiles


def test_cli_batch_errors(tmp_path):
    from stadtbild.cli import main

    assert main(["batch", "solar", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", "sunhours", str(data_file(DEMO)), "--out", str(tmp_path / "o")]) == 2  # no --date
    assert main(["batch", "solar", str(data_file(DEMO)), "--out", str(tmp_path / "o"), "--halo", "-5"]) == 2


# ------------------------------------------------------------------------------------- spatial index
def _independent_groups(path):
    """{top-level id: (members, shapely bounds of all member vertices)} from the CityJSON text."""
    doc = orjson.loads(Path(path).read_bytes())
    t = doc.get("transform")
    v = np.asarray(doc["vertices"], dtype=np.float64)
    if t:
        v = v * np.asarray(t["scale"]) + np.asarray(t["translate"])
    cos = doc["CityObjects"]

    def flat(b):
        if isinstance(b, int):
            yield b
        else:
            for x in b:
                yield from flat(x)

    groups = {}
    for oid, co in cos.items():
        if co.get("parents"):
            continue
        members = [oid] + list(co.get("children", []))
        idx = [i for m in members for g in cos[m].get("geometry", []) for i in flat(g.get("boundaries", []))]
        if idx:
            groups[oid] = (members, shapely.MultiPoint(v[idx, :2]).bounds)
    return groups


@pytest.mark.parametrize("rel", [DEMO, "cityjson/DH_01_subs.city.json"])
def test_bbox_subset_counts_match_shapely(rel):
    from stadtbild.importers import load
    from stadtbild.model.spatial import subset_bbox

    path = data_file(rel)
    model = load(path)
    groups = _independent_groups(path)
    allb = np.array([b for _, b in groups.values()])
    xmin, ymin = allb[:, 0].min(), allb[:, 1].min()
    xmax, ymax = allb[:, 2].max(), allb[:, 3].max()
    window = (xmin + 0.2 * (xmax - xmin), ymin + 0.1 * (ymax - ymin), xmin + 0.7 * (xmax - xmin), ymin + 0.8 * (ymax - ymin))
    box = shapely.box(*window)
    want = set()
    for oid, (members, b) in groups.items():
        c = shapely.Point((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        if box.covers(c) and c.x < window[2] and c.y < window[3]:  # half-open window
            want.update(members)
    sub = subset_bbox(model, window)
    assert 0 < len(want) < len(model)
    assert set(sub.objects) == want
    for oid in sub.objects:  # parts stay with their building, links intact
        assert all(c in sub.objects for c in sub.objects[oid].children)
    # the subset reuses the parent's vertex array and triangulation and renders the same triangles
    assert sub.vertices is model.vertices
    full = model.scene()
    n_tri = sum(int((full.object_index == full.object_ids.index(o)).sum()) for o in want if o in full.object_ids)
    assert sub.scene().n_triangles == n_tri


def test_bbox_on_the_cli_and_four_windows_partition_the_model(demo, capsys):
    from stadtbild.cli import main
    from stadtbild.model.spatial import spatial_index, subset_bbox

    bb = demo.bbox()
    cx, cy = (bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2
    wins = [(bb[0] - 1, bb[1] - 1, cx, cy), (cx, bb[1] - 1, bb[3] + 1, cy),
            (bb[0] - 1, cy, cx, bb[4] + 1), (cx, cy, bb[3] + 1, bb[4] + 1)]
    counts = [len(subset_bbox(demo, w)) for w in wins]
    assert sum(counts) == len(demo) and min(counts) > 0
    w = wins[0]
    assert main(["info", str(data_file(DEMO)), "--bbox", ",".join(f"{v:.3f}" for v in w), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["objects"] == counts[0]
    assert main(["info", str(data_file(DEMO)), "--bbox", "1,2,0,5", "--json"]) == 2
    assert spatial_index(demo) is spatial_index(demo)  # cached


def test_neighbours_within_match_shapely_distances(demo):
    from stadtbild.model.spatial import neighbours_within

    groups = _independent_groups(data_file(DEMO))
    ids = list(groups)
    boxes = {oid: shapely.box(*b) for oid, (_, b) in groups.items()}
    for probe, radius in ((ids[10], 40.0), (ids[400], 120.0)):
        want = {o for o in ids if o != probe and boxes[o].distance(boxes[probe]) <= radius}
        got = set(neighbours_within(demo, [probe], radius))
        assert got == want and len(want) > 3
    with pytest.raises(InputError):
        neighbours_within(demo, ids[:1], float("nan"))


def test_compact_keeps_geometry_and_triangles(demo):
    from stadtbild.model.spatial import subset
    from stadtbild.model.surgery import compact

    ids = list(demo.objects)[100:140]
    sub = subset(demo, ids)
    small = compact(sub)
    assert len(small.vertices) < len(demo.vertices) / 10
    a, b = sub.scene(), small.scene()
    np.testing.assert_array_equal(a.vertices + a.origin, b.vertices + b.origin)
    np.testing.assert_array_equal(a.triangles, b.triangles)
    assert a.object_ids == b.object_ids


def test_sunhours_tiles_equal_single_process_raster(tmp_path, demo):
    """Sun-hours per tile (GeoTIFFs read back with rasterio) equal one run over the union of the
    tiles, cell by cell (cells are snapped to the same model-CRS grid)."""
    import rasterio

    from stadtbild.analysis.batch import BatchOptions, run_batch
    from stadtbild.analysis.batch_plan import grid_tiles
    from stadtbild.analysis.shadow import sun_hours
    from stadtbild.analysis.sun import site_from_model

    params = {"date": "2026-06-21", "start": "08:00", "stop": "18:00", "step_min": 10.0, "cell_m": 4.0}
    opt = BatchOptions(analysis="sunhours", out_dir=str(tmp_path), tile_size_m=750.0, halo_m=300.0,
                       scheduler="inline", analysis_params=params)
    result = run_batch([data_file(DEMO)], opt)
    assert result.tiles == 4 and not result.failed
    regions = np.array([t.region for t, _ in grid_tiles(demo, 750.0)])
    union = (regions[:, 0].min(), regions[:, 1].min(), regions[:, 2].max(), regions[:, 3].max())
    scene = demo.scene()
    ref = sun_hours(scene, date=params["date"], start="08:00", stop="18:00", step_min=10.0, cell_m=4.0,
                    extent=union, site=site_from_model(scene)).raster()
    compared = 0
    for tif in sorted(Path(tmp_path, "tiles").glob("*.tif")):
        with rasterio.open(tif) as ds:
            vals = ds.read(1)
            col = int(round((ds.transform.c - ref.transform[2]) / 4.0))
            row = int(round((ref.transform[5] - ds.transform.f) / 4.0))
        window = np.asarray(ref.values)[row:row + vals.shape[0], col:col + vals.shape[1]]
        assert window.shape == vals.shape
        np.testing.assert_array_equal(vals, window.astype(np.float32))
        compared += int((vals >= 0).sum())
    assert compared > 40_000  # ground cells with hours, all tiles together


def test_sunlight_tiles_equal_single_process_points(tmp_path, demo):
    """DIN 5034-1 facade sunlight per tile (points read back from the GeoPackages): the same check
    points with the same hours as one run over the whole demo, each point written by exactly one
    tile; the CLI summary adds the tiles up."""
    from stadtbild.model.ground import ground_for
    from stadtbild.analysis.sun import site_from_model
    from stadtbild.analysis.sunlight import facade_sunlight
    from stadtbild.cli import main

    out = tmp_path / "out"
    args = ["batch", "sunlight", str(data_file(DEMO)), "--out", str(out), "--tile-size", "750",
            "--scheduler", "inline", "--equinox", "2026-03-21", "--winter", "2026-01-17", "--spacing", "4", "--json"]
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(args) == 0
    doc = json.loads(buf.getvalue())
    assert doc["tiles"] == 4 and not doc["failed"]
    got = {}
    for g in sorted(Path(out, "tiles").glob("*.gpkg")):
        meta, _, wkb, fields = pyogrio.raw.read(g, layer="points")
        cols = dict(zip(meta["fields"], fields))
        xyz = shapely.get_coordinates(shapely.from_wkb(wkb), include_z=True)
        for i, p in enumerate(np.round(xyz, 3)):
            key = tuple(p)
            assert key not in got, f"point {key} written by two tiles"
            got[key] = (cols["hours_equinox"][i], cols["hours_winter"][i], cols["building_id"][i])
    scene = demo.scene()
    parent = {oid: o.parents[0] for oid, o in demo.objects.items() if o.parents}
    ref = facade_sunlight(scene, dates=("2026-03-21", "2026-01-17"), step_min=2.0, spacing_m=4.0,
                          site=site_from_model(scene), ground=ground_for(scene), object_parent=parent)
    assert len(got) == len(ref.points) == doc["check_points"] > 5000
    ref_b = ref.building_of_point()
    for i, p in enumerate(np.round(ref.points.points + scene.origin, 3)):
        e, w, b = got[tuple(p)]
        assert e == pytest.approx(ref.hours_equinox[i], abs=1e-9) and w == pytest.approx(ref.hours_winter[i], abs=1e-9)
        assert b == ref_b[i]
    f = ref.figures()
    for k in ("points_meeting_equinox", "points_meeting_both", "buildings"):
        assert doc[k] == f[k], k


# ------------------------------------------------------------------------------------- fixed costs
def test_run_wide_sky_weather_and_site_are_computed_once_per_run(tmp_path, monkeypatch):
    """4 partitions, yet one weather year, one site and one cumulative sky (counted calls); the
    partitions' figures equal a run where every tile computes its own (the old per-tile path)."""
    from stadtbild.analysis import batch, solar, sun, weather
    from stadtbild.analysis.batch import BatchOptions, run_batch

    calls = {"cumulative_sky": 0, "default_weather": 0, "site_at": 0}

    def counting(mod, name):
        real = getattr(mod, name)

        def wrapper(*a, **k):
            calls[name] += 1
            return real(*a, **k)
        monkeypatch.setattr(mod, name, wrapper)

    counting(solar, "cumulative_sky")
    counting(weather, "default_weather")
    counting(sun, "site_at")
    opt = BatchOptions(analysis="solar", out_dir=str(tmp_path / "once"), tile_size_m=750.0, halo_m=300.0,
                       scheduler="inline", analysis_params={"cell_m": 10.0})
    result = run_batch([data_file(DEMO)], opt)
    assert len(result.computed) == 4 and not result.failed
    assert calls == {"cumulative_sky": 1, "default_weather": 1, "site_at": 1}, calls
    # reference: the same tiles with the sky, site and weather found per tile by compute_solar
    monkeypatch.setattr(batch, "run_shared", lambda *a: None)
    calls.update(cumulative_sky=0, default_weather=0, site_at=0)
    opt2 = BatchOptions(analysis="solar", out_dir=str(tmp_path / "per-tile"), tile_size_m=750.0, halo_m=300.0,
                        scheduler="inline", analysis_params={"cell_m": 10.0})
    run_batch([data_file(DEMO)], opt2)
    assert calls["cumulative_sky"] == 4 and calls["default_weather"] == 4, calls
    a, b = _surfaces_by_key(tmp_path / "once"), _surfaces_by_key(tmp_path / "per-tile")
    assert set(a) == set(b) and len(a) > 1000
    for key, r in b.items():
        assert all(abs(x - y) <= 1e-9 * max(abs(y), 1e-9) for x, y in zip(a[key], r)), (key, a[key], r)


def test_tile_files_are_parsed_once_per_run(tmp_path):
    """File tiles: the scan parses each file, the partitions take it from the process's cache."""
    from stadtbild.analysis.batch import BatchOptions, run_batch
    from stadtbild.analysis.batch_plan import FILE_CACHE_STATS

    files = sorted(Path(data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml")).parent.glob("*.gml"))
    before = dict(FILE_CACHE_STATS)
    opt = BatchOptions(analysis="metrics", out_dir=str(tmp_path), scheduler="inline")
    result = run_batch(files, opt)
    assert len(result.computed) == len(files) == 4 and not result.failed
    assert FILE_CACHE_STATS["loads"] - before["loads"] == len(files)
    markers = [json.loads(p.read_text()) for p in Path(tmp_path, "tiles").glob("*.done.json")]
    assert [m["files_parsed"] for m in markers] == [0] * 4 and all(m["files_from_cache"] == 1 for m in markers)


def test_worker_without_the_shared_sky_computes_it_once_per_process(tmp_path):
    """A Dask task whose worker did not get the run's sky (plugin) computes it once per process;
    the figures equal a normal run's."""
    from stadtbild.analysis.batch import BatchOptions, run_batch
    from stadtbild.analysis.batch_plan import RUN_SHARED_STATS, Partition, clear_file_cache, drop_shared, plan
    from stadtbild.analysis.batch_tasks import run_partition

    files = sorted(Path(data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml")).parent.glob("*.gml"))
    opt = BatchOptions(analysis="solar", out_dir=str(tmp_path / "task"), scheduler="inline",
                       analysis_params={"cell_m": 10.0})
    opt.validate()
    try:
        tiles, origin, site_bbox, _ = plan(files, opt, None)
        n0 = RUN_SHARED_STATS["computed"]
        for tile, _ in tiles:
            part = Partition(tile=tile, options=opt, run_key=opt.key(), origin=np.asarray(origin, float),
                             site_bbox=np.asarray(site_bbox, float))
            run_partition(part, "no-plugin-key")
        assert RUN_SHARED_STATS["computed"] - n0 == 1
    finally:
        drop_shared("no-plugin-key")
        clear_file_cache()
    ref = run_batch(files, BatchOptions(analysis="solar", out_dir=str(tmp_path / "ref"), scheduler="inline",
                                        analysis_params={"cell_m": 10.0}))
    assert len(ref.computed) == 4
    a, b = _surfaces_by_key(tmp_path / "task"), _surfaces_by_key(tmp_path / "ref")
    assert set(a) == set(b) and len(a) >= 280
    for key, r in b.items():
        assert a[key] == r, (key, a[key], r)
