"""City-wide analyses in partitions on Dask: solar, sun-hours and metrics per tile with a halo.

A city is cut into **tiles** — the input files (e.g. the state survey's 1 km LoD2 tiles), or a
regular grid of ``tile_size_m`` over the model's bbox (aligned to multiples of the tile size in the
model CRS). Every top-level object (a Building with its BuildingParts) is *owned* by exactly one
tile: the file it came from, or the grid cell holding the centre of its 2D bbox
(``model.spatial``). A partition is the tile's own objects plus a **halo** of the objects whose
bbox comes within ``halo_m`` (default 300 m) of the tile: the halo only casts shadows (solar,
sun-hours); results are computed and written for the own objects only.

Partitions run as Dask tasks (``distributed``): on a ``LocalCluster`` (``workers`` processes, one
thread each; every ray caster in a task uses one thread) or on a running scheduler
(``scheduler="tcp://host:8786"``; the workers must see the input files and the output folder under
the same paths). ``scheduler="inline"`` runs the partitions one after the other in this process
(no Dask; for debugging and tests). Failed tasks are retried (``retries``, default 2); tasks of a
worker that dies are re-run elsewhere by the scheduler.

Per tile the results are written to ``OUT/tiles/<tile>.*`` (every file atomically: temp + rename)
and then a marker ``OUT/tiles/<tile>.done.json`` holding the tile's figures and a key of the run
settings. A run that is killed resumes where it stopped: tiles whose marker exists with the same
settings are skipped. ``OUT/summary.json`` holds the merged figures of all tiles.

Outputs per analysis (model CRS, named in every file):

solar     ``<tile>.gpkg`` layers ``surfaces`` (3D roof polygons, one row per roof surface with
          ``building_id``, ``object_id``, ``surface`` = the polygon's ordinal in the object's
          analysed geometry, area, tilt, azimuth, kWh/m²·a shaded/unshaded/direct, suitable m²,
          kWp, kWh/a; full float precision) and ``buildings`` (footprints with the sums);
          optionally ``<tile>.city.jsonl`` (CityJSONSeq, figures as surface/object attributes).
sunhours  ``<tile>.tif`` (GeoTIFF of sun-hours on the ground grid of the tile, nodata −1 under
          buildings) and ``<tile>.gpkg`` layer ``cells`` (cell centre points with hours).
metrics   ``<tile>.gpkg`` layer ``buildings`` (footprints + the ``metrics`` columns); optionally
          ``<tile>.city.jsonl`` with the figures as attributes.

Equality with a single-process run: all partitions use one local origin and one site (sun
positions, grid convergence, default weather) — those of the whole run's bbox — and, for
sun-hours, one ground plane (the run's lowest GroundSurface; a model's own TINRelief is used per
partition as it is), so a roof surface
gets bit-identical rays in its partition and in a run over the whole model; with a halo that holds
every obstruction the per-surface figures are the same (``tests/test_batch.py``). Obstructions
farther than the halo are ignored: a 30 m building 300 m away subtends 5.7°, the lowest Tregenza
patch row is centred at 6°.

Fixed costs per tile are paid once per run or once per worker process, not once per tile: the
weather year, the site (WGS84 position, time zone, grid convergence) and the cumulative sky (sun
positions binned into the sky patches, Perez coefficients, patch weights; ``analysis.solar.
cumulative_sky``) depend only on the site and the weather, and every tile uses the site of the
whole run's bbox — so they are computed once in the driver (:func:`run_shared`) and shipped to the
workers once (a Dask worker plugin, ``analysis.batch_plugin``, that the scheduler also gives to
workers restarted during the run; the tasks carry only its key, and a worker without it computes
it once per process). Workers thus never import pvlib or timezonefinder; they import their other modules
(:func:`warm_worker`) while the driver computes the sky. Tiles are submitted biggest first. Parsed tile files are kept per process (:func:`load_cached`, an LRU of
``STADTBILD_BATCH_CACHE_MB`` MB of source files, default 512), so the scan and the partitions
that need a file (its own tile and up to 8 neighbours' halos) parse it once per worker process.
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import atomic_write_bytes

from .batch_plan import (BatchOptions, Partition, clear_file_cache, grow_region, plan, read_done,
                         run_shared)
from .batch_tasks import run_partition, warm_worker


@dataclass
class BatchResult:
    """What a run did: tiles computed/skipped/failed, merged figures, wall time."""

    tiles: int
    computed: list
    skipped: list
    failed: dict
    summary: dict
    out_dir: str
    seconds: float
    buildings: int = 0
    cpu_seconds: float = 0.0  # CPU time of the computed tiles' tasks (all workers; per-core cost)

    def to_json(self) -> dict:
        return {"analysis": self.summary.get("analysis"), "tiles": self.tiles, "computed": len(self.computed),
                "skipped": len(self.skipped), "failed": sorted(self.failed), "buildings": self.buildings,
                "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3), "out": self.out_dir, **{k: v for k, v in self.summary.items()
                                                                           if k not in ("analysis", "tiles")}}


# ============================================================================ the run
class _Inline:
    """Runs partitions in this process, one after another (``scheduler="inline"``)."""

    def run(self, parts, on_done, shared=None):
        failed = {}
        for part in parts:
            try:
                on_done(part.tile.id, run_partition(part, shared), None)
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 - reported per tile
                failed[part.tile.id] = f"{type(exc).__name__}: {exc}"
                on_done(part.tile.id, None, exc)
        return failed


def make_client(options: BatchOptions):
    """A Dask ``Client`` on ``options.scheduler`` or on a new ``LocalCluster`` (processes, one
    thread per worker). Returns (client, cluster or None)."""
    import logging

    from distributed import Client, LocalCluster

    if not logging.getLogger("stadtbild").isEnabledFor(logging.INFO):  # quiet unless --verbose
        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
    if options.scheduler and options.scheduler != "inline":
        try:
            return Client(options.scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise InputError(None, f"cannot reach the Dask scheduler {options.scheduler}: {exc}") from None
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cluster = LocalCluster(n_workers=int(options.workers), threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None,  # loopback only, no web dashboard
                           silence_logs=logging.CRITICAL, env=env)
    return Client(cluster), cluster


def run_batch(inputs, options: BatchOptions, client=None, progress=None, on_tile_done=None) -> BatchResult:
    """Run ``options.analysis`` over ``inputs`` (files / folders) in partitions (module docstring).

    client        a ``distributed.Client`` to use (default: from ``options.scheduler`` /
                  ``options.workers``; ``options.scheduler == "inline"`` = no Dask)
    progress      callable(done, total) after every finished tile
    on_tile_done  callable(tile_id, marker or None, exception or None)
    """
    from stadtbild.model.crs import parse_crs

    options.validate()
    t0 = time.perf_counter()
    out_dir = Path(options.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    inline = client is None and options.scheduler == "inline"
    made: list = []  # (client, cluster) started here, closed at the end

    def get_client():
        if client is not None:
            return client
        if not made:
            made.append(make_client(options))
        return made[0][0]

    try:
        tiles, origin, site_bbox, model = plan(inputs, options, None if inline else get_client)
        key = options.key()
        crs = model.crs if model is not None else None
        if crs is None:
            from stadtbild.model.crs import CRSInfo

            crs = parse_crs(options.crs) if options.crs else CRSInfo(getattr(options, "_epsg", None))
        todo, skipped = [], []
        for tile, groups in tiles:
            d = read_done(out_dir, tile.id)
            if d and d.get("run_key") == key:
                skipped.append(tile.id)
            else:
                todo.append((tile, groups))
        if todo and not inline:  # workers import their modules while this process computes the sky
            _warm_workers(get_client(), options)
        shared = run_shared(options, site_bbox, crs) if todo else None
        total = len(tiles)
        done_n = [len(skipped)]
        if progress:
            progress(done_n[0], total)
        computed, failed = [], {}
        cpu = [0.0]

        def finished(tile_id, marker, exc):
            if marker is not None:
                computed.append(tile_id)
                cpu[0] += float(marker.get("cpu_seconds", 0.0))
            done_n[0] += 1
            if progress:
                progress(done_n[0], total)
            if on_tile_done:
                on_tile_done(tile_id, marker, exc)

        def parts():
            from stadtbild.model.spatial import spatial_index, subset
            from stadtbild.model.surgery import compact

            idx = spatial_index(model) if model is not None else None
            for tile, groups in todo:
                part = Partition(tile=tile, options=options, run_key=key, origin=np.asarray(origin, float),
                                 site_bbox=np.asarray(site_bbox, float),
                                 ground_z=getattr(options, "_ground_z", None))
                if model is not None:
                    own_ids = idx.members(groups)
                    if options.analysis == "metrics":
                        ids = own_ids
                    else:
                        near = idx.groups_intersecting(grow_region(tile.region, options.halo_m))
                        ids = idx.members(np.union1d(groups, near))
                    sub = subset(model, ids)
                    part.model = sub if inline else compact(sub)
                    part.own_ids = own_ids
                yield part

        if inline:
            failed = _Inline().run(parts(), finished, shared)
        elif todo:
            failed = _run_dask(get_client(), parts(), options, finished, shared)
    finally:
        if inline:
            clear_file_cache()  # parsed tiles are kept for one run in this process, not after it
        for c, cl in made:
            c.close()
            if cl is not None:
                cl.close()
    summary = merge_summary(out_dir, [t.id for t, _ in tiles], options.analysis)
    atomic_write_bytes(out_dir / "summary.json", json.dumps(summary, indent=1).encode())
    return BatchResult(tiles=len(tiles), computed=computed, skipped=skipped, failed=failed, summary=summary,
                       out_dir=str(out_dir), seconds=time.perf_counter() - t0,
                       buildings=int(summary.get("buildings", 0)), cpu_seconds=cpu[0])


def _warm_workers(client, options) -> None:
    """One :func:`warm_worker` task per worker, not waited for (they run before the tiles)."""
    from distributed import fire_and_forget

    try:
        workers = list(client.scheduler_info()["workers"])
    except Exception:  # noqa: BLE001 - only an optimisation
        return
    for addr in workers:
        fire_and_forget(client.submit(warm_worker, options.analysis, workers=[addr], allow_other_workers=True,
                                      pure=False, key=f"stadtbild_warm_{addr}_{time.time_ns()}"))


def _run_dask(client, parts, options, finished, shared=None) -> dict:
    shared_key, plugin = None, None
    if shared is not None:
        # the run's weather/site/sky go to every worker once, as a worker plugin: the scheduler
        # also hands it to workers that join or are restarted later; the tasks carry only its key
        shared_key = shared.key
        plugin = f"stadtbild-shared-{shared_key}"
        from .batch_plugin import SharedPlugin

        client.register_plugin(SharedPlugin(shared), name=plugin)
    try:
        return _submit_and_collect(client, parts, options, finished, shared_key)
    finally:
        if plugin is not None:
            with contextlib.suppress(Exception):  # the workers drop it when they end anyway
                client.unregister_worker_plugin(plugin)


def _submit_and_collect(client, parts, options, finished, shared_key) -> dict:
    from distributed import as_completed

    futures = {}
    for part in parts:
        # biggest tiles first (longest-processing-time order: the last tile to finish is a small one)
        fut = client.submit(run_partition, part, shared_key, retries=options.retries, pure=False,
                            priority=int(part.tile.n_objects),
                            key=f"stadtbild-{options.analysis}-{part.tile.id}-{part.run_key}")
        futures[fut] = part.tile.id
    failed = {}
    for fut in as_completed(list(futures)):
        tile_id = futures[fut]
        try:
            marker = fut.result()
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported per tile after the retries
            failed[tile_id] = f"{type(exc).__name__}: {exc}"
            finished(tile_id, None, exc)
            continue
        finished(tile_id, marker, None)
    return failed


def merge_summary(out_dir, tile_ids, analysis: str) -> dict:
    """Sum of the figures of the finished tiles (from their done markers)."""
    figs = []
    missing = []
    for t in tile_ids:
        d = read_done(out_dir, t)
        if d is None:
            missing.append(t)
        else:
            figs.append(d["figures"])
    out = {"analysis": analysis, "tiles": len(tile_ids), "tiles_done": len(figs), "tiles_missing": missing}
    if analysis == "solar":
        area = sum(f["roof_area_m2"] for f in figs)
        out.update({"surfaces": sum(f["surfaces"] for f in figs), "buildings": sum(f["buildings"] for f in figs),
                    "roof_area_m2": round(area, 2),
                    "suitable_area_m2": round(sum(f["suitable_area_m2"] for f in figs), 2),
                    "total_kwh_a": round(sum(f["total_kwh_a"] for f in figs), 1),
                    "total_kwp": round(sum(f["total_kwp"] for f in figs), 2),
                    "mean_kwh_m2a": round(sum(f["irradiation_area_kwh_a"] for f in figs) / area, 1) if area > 0 else 0.0,
                    "annual_ghi_kwh_m2": figs[0]["annual_ghi_kwh_m2"] if figs else None,
                    "rays": sum(f["rays"] for f in figs)})
    elif analysis == "metrics":
        out.update({"buildings": sum(f["buildings"] for f in figs), "rows": sum(f["rows"] for f in figs),
                    "volume_m3": round(sum(f["volume_m3"] for f in figs), 1),
                    "footprint_area_m2": round(sum(f["footprint_area_m2"] for f in figs), 1)})
    elif analysis == "sunlight":
        n = sum(f["check_points"] for f in figs)
        out.update({"check_points": n, "buildings": sum(f["buildings"] for f in figs),
                    "points_meeting_equinox": sum(f["points_meeting_equinox"] for f in figs),
                    "points_meeting_both": sum(f["points_meeting_both"] for f in figs),
                    "buildings_without_any_point_meeting_equinox":
                        sum(f["buildings_without_any_point_meeting_equinox"] for f in figs),
                    "mean_hours_equinox_h": round(sum(f["sum_hours_equinox_h"] for f in figs) / n, 4) if n else None,
                    "mean_hours_winter_h": round(sum(f["sum_hours_winter_h"] for f in figs) / n, 4) if n else None,
                    "date_equinox": figs[0]["date_equinox"] if figs else None,
                    "date_winter": figs[0]["date_winter"] if figs else None})
    else:
        cells = sum(f["cells"] for f in figs)
        mins = [f["min_sun_hours_h"] for f in figs if f["min_sun_hours_h"] is not None]
        maxs = [f["max_sun_hours_h"] for f in figs if f["max_sun_hours_h"] is not None]
        out.update({"sample_count": cells, "buildings": sum(f["buildings"] for f in figs),
                    "mean_sun_hours_h": round(sum(f["sum_sun_hours_h"] for f in figs) / cells, 4) if cells else None,
                    "min_sun_hours_h": min(mins) if mins else None, "max_sun_hours_h": max(maxs) if maxs else None,
                    "steps": figs[0]["steps"] if figs else None})
    return out
