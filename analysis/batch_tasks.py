"""One tile of a batch run (:mod:`analysis.batch`): the partition's scene in the run's frame, the
analysis of the tile's own objects (the halo only shades) and its outputs and done marker — a
Dask task (:func:`run_partition`).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from stadtbild.model.fileio import atomic_write_bytes
from stadtbild.exporters.vector import VectorLayer, write_vector
from stadtbild.model.shapes import polygon_shapes

from .batch_plan import FILE_CACHE_STATS, Partition, RunShared, done_marker, partition_model, shared_for

def run_scene(model, lod, origin, site_bbox):
    """The model's Scene expressed in the run's local ``origin`` (exact: both origins are whole
    metres) and reporting the run's bbox as its own, so that ``analysis.sun.site_from_model`` gives
    every partition the site of the whole run."""
    from stadtbild.model.scene import Scene

    sc = model.scene(lod)
    shift = np.asarray(sc.origin, float) - np.asarray(origin, float)

    class RunScene(Scene):
        def bbox(self):
            return np.asarray(site_bbox, float)

    rs = RunScene(vertices=sc.vertices + shift, triangles=sc.triangles, object_index=sc.object_index,
                  surface_type=sc.surface_type, object_ids=sc.object_ids, object_types=sc.object_types,
                  polygon_index=sc.polygon_index, polygon_object=sc.polygon_object, origin=origin,
                  crs=sc.crs, lod=sc.lod)
    rs.model_polygon = getattr(sc, "model_polygon", None)
    return rs


def surface_ordinals(model, scene, polygons: np.ndarray) -> np.ndarray:
    """Ordinal of every scene polygon in its object's selected geometry (``surface`` key, the
    same in a partition and in the whole model; as ``exporters.tables.surface_table``)."""
    mp = np.asarray(scene.model_polygon)[polygons]
    geom_start = np.zeros(model.n_polygons, dtype=np.int64)
    for g in model.geometries:
        geom_start[g.poly_start:g.poly_stop] = g.poly_start
    return mp - geom_start[mp], mp


def _footprints(model, ids):
    """{building id: shapely footprint in the model CRS} for the top-level ids."""
    from stadtbild.model.footprint import footprint_polygons

    fids, fps, _, _ = footprint_polygons(model, None, ("Building",))
    origin = model.origin
    want = set(ids)
    return {oid: _translate(fp, origin[0], origin[1]) for oid, fp in zip(fids, fps)
            if oid in want and fp is not None and not fp.is_empty}


def _translate(geom, dx, dy):
    import shapely

    if geom is None:
        return None
    return shapely.transform(geom, lambda xy: xy + np.array([dx, dy]))


def _solar_tile(part: Partition, model, own_ids, tdir: Path, shared: RunShared | None = None) -> dict:
    from .raycast import RayCaster
    from .solar import compute_solar, find_roof_surfaces, subset_surfaces

    opt = part.options.solar_options()
    scene = run_scene(model, part.options.lod, part.origin, part.site_bbox)
    surf = find_roof_surfaces(scene, opt)
    own = set(own_ids)
    own_obj = np.array([oid in own for oid in scene.object_ids], dtype=bool)
    keep = own_obj[surf.object_index] if len(surf) else np.zeros(0, bool)
    # the partition reports the flipped roofs for its own surfaces only (at most all of them)
    surf = subset_surfaces(surf, keep, flipped=min(surf.flipped, int(keep.sum())))
    rc = RayCaster(scene, threads=1)
    if shared is not None and shared.site is not None:  # the run's site, weather and sky: computed once
        res = compute_solar(scene, shared.weather, opt, raycaster=rc, model=model, surfaces=surf,
                            site=shared.site, sky=shared.sky)
    else:
        weather = shared.weather if shared is not None else part.weather
        res = compute_solar(scene, weather, opt, raycaster=rc, model=model, surfaces=surf)
    rc.close()
    s = res.surfaces
    ordinal, mp = surface_ordinals(model, scene, s.polygon)
    bids = np.asarray(res.building_ids, dtype=object)[res.surface_building] if len(s) else np.zeros(0, object)
    oids = np.asarray(scene.object_ids, dtype=object)[s.object_index] if len(s) else np.zeros(0, object)
    with np.errstate(invalid="ignore", divide="ignore"):
        loss = np.where(res.unshaded_kwh_m2a > 0, 1.0 - res.irradiation_kwh_m2a / res.unshaded_kwh_m2a, 0.0)
    cols = {"tile": np.full(len(s), part.tile.id, dtype=object), "building_id": bids, "object_id": oids,
            "surface": ordinal.astype(np.int64), "kind": s.kind.astype(object), "area_m2": s.area_m2,
            "tilt_deg": s.tilt_deg, "azimuth_deg": s.azimuth_deg, "height_m": s.height_m,
            "irradiation_kwh_m2a": res.irradiation_kwh_m2a, "unshaded_kwh_m2a": res.unshaded_kwh_m2a,
            "direct_kwh_m2a": res.beam_kwh_m2a, "shading_loss": loss, "suitable_area_m2": res.suitable_area_m2,
            "kwp": res.kwp, "yield_kwh_a": res.yield_kwh_a}
    per_b = res.buildings()
    summary = res.summary()
    outputs = []
    if "gpkg" in part.options.formats:
        geoms = polygon_shapes(model, mp)
        fps = _footprints(model, list(per_b))
        bl = list(per_b)
        bcols = {"tile": np.full(len(bl), part.tile.id, dtype=object), "building_id": np.asarray(bl, dtype=object)}
        for k in ("roof_area_m2", "suitable_area_m2", "kwp", "yield_kwh_a", "mean_kwh_m2a", "surfaces"):
            bcols[k] = np.asarray([per_b[b][k] for b in bl])
        bgeoms = [fps.get(b) for b in bl]
        path = tdir / f"{part.tile.id}.gpkg"
        write_vector(path, [VectorLayer("surfaces", cols, geoms, "Polygon Z"),
                            VectorLayer("buildings", bcols, bgeoms, "Unknown")], model.crs, driver="GPKG")
        outputs.append(path.name)
    if "cityjsonseq" in part.options.formats:
        outputs.append(_write_seq(part, model, own_ids, tdir, per_b, mp, cols))
    return {"surfaces": int(len(s)), "buildings": len(per_b), "roof_area_m2": float(s.area_m2.sum()),
            "suitable_area_m2": float(res.suitable_area_m2.sum()), "total_kwh_a": float(res.yield_kwh_a.sum()),
            "total_kwp": float(res.kwp.sum()), "irradiation_area_kwh_a": float((s.area_m2 * res.irradiation_kwh_m2a).sum()),
            "annual_ghi_kwh_m2": summary["annual_ghi_kwh_m2"], "rays": int(res.rays),
            "halo_objects": len(model) - len(own_ids), "outputs": outputs}


def _write_seq(part, model, own_ids, tdir, object_attrs, model_polygons=None, surface_cols=None) -> str:
    """CityJSONSeq of the own objects with results as attributes (standalone vertices)."""
    from stadtbild.exporters.cityjson import write_cityjsonseq
    from stadtbild.model.spatial import subset
    from stadtbild.model.surgery import compact

    own = compact(subset(model, own_ids))
    surf_attrs = None
    if model_polygons is not None and len(model_polygons):
        # model polygon row (partition) -> row in the own-only model: same object, same ordinal
        geom_start = {}
        for oid in own.objects:
            g = own.select_geometry(own.objects[oid], part.options.lod)
            if g is not None:
                geom_start[oid] = g.poly_start
        surf_attrs = {}
        names = ("irradiation_kwh_m2a", "unshaded_kwh_m2a", "suitable_area_m2", "kwp", "yield_kwh_a")
        for i in range(len(model_polygons)):
            oid = surface_cols["object_id"][i]
            if oid in geom_start:
                row = geom_start[oid] + int(surface_cols["surface"][i])
                surf_attrs[row] = {k: float(surface_cols[k][i]) for k in names}
    obj_attrs = {b: {k: v for k, v in d.items() if not isinstance(v, list)} for b, d in (object_attrs or {}).items()}
    path = tdir / f"{part.tile.id}.city.jsonl"
    write_cityjsonseq(own, path, object_attributes=obj_attrs, surface_attributes=surf_attrs)
    return path.name


def _metrics_tile(part: Partition, model, own_ids, tdir: Path) -> dict:
    from stadtbild.model.spatial import subset

    from .metrics import compute_metrics

    own = subset(model, own_ids) if len(own_ids) != len(model) else model
    kw = {}
    if "storey_height_m" in part.options.analysis_params:
        kw["storey_height_m"] = float(part.options.analysis_params["storey_height_m"])
    met = compute_metrics(own, part.options.lod, **kw)
    recs = met.records(digits=None)
    outputs = []
    if "gpkg" in part.options.formats:
        fps = _footprints(own, met.ids)
        keys = [k for k in (recs[0] if recs else {}) if k != "id"]
        cols = {"tile": np.full(len(recs), part.tile.id, dtype=object), "id": np.asarray(met.ids, dtype=object)}
        for k in keys:
            vals = [r[k] for r in recs]
            if all(v is None or isinstance(v, (int, float, bool, np.number)) for v in vals):
                cols[k] = np.asarray([np.nan if v is None else float(v) for v in vals])
            else:
                cols[k] = np.asarray(["" if v is None else str(v) for v in vals], dtype=object)
        geoms = [fps.get(oid) for oid in met.ids]
        path = tdir / f"{part.tile.id}.gpkg"
        write_vector(path, [VectorLayer("buildings", cols, geoms, "Unknown")], own.crs, driver="GPKG")
        outputs.append(path.name)
    if "cityjsonseq" in part.options.formats:
        attrs = {r["id"]: {k: v for k, v in r.items() if k != "id" and v is not None} for r in recs}
        outputs.append(_write_seq(part, own, own_ids, tdir, attrs))
    vol = np.nansum(met.columns.get("volume_m3", np.zeros(0)))
    fpa = np.nansum(met.columns.get("footprint_area_m2", np.zeros(0)))
    return {"rows": len(met), "buildings": sum(1 for t in met.types if t == "Building"),
            "volume_m3": float(vol), "footprint_area_m2": float(fpa), "outputs": outputs}


def _sun_tile_setup(part: Partition, model):
    """(run scene, site, ground, ray caster) of a tile for the sun analyses: the run's local frame
    and site (:func:`run_scene`) and one ground plane for the whole run when there is no terrain."""
    from stadtbild.model.ground import Ground, ground_for
    from .raycast import RayCaster
    from .sun import site_from_model

    scene = run_scene(model, part.options.lod, part.origin, part.site_bbox)
    site = site_from_model(scene, tz=part.options.analysis_params.get("tz"))
    ground = ground_for(scene)
    if ground.kind == "plane" and part.ground_z is not None:  # one plane for the whole run
        ground = Ground(origin=scene.origin, plane_z=float(part.ground_z - scene.origin[2]))
    return scene, site, ground, RayCaster(scene, threads=1)


def _sunhours_tile(part: Partition, model, own_ids, tdir: Path) -> dict:
    from stadtbild.exporters.tables import write_geotiff

    from .shadow import sun_hours

    p = part.options.analysis_params
    scene, site, ground, rc = _sun_tile_setup(part, model)
    res = sun_hours(scene, date=p["date"], start=p.get("start", "00:00"), stop=p.get("stop", "24:00"),
                    step_min=float(p.get("step_min", 10.0)), cell_m=float(p.get("cell_m", 2.0)),
                    extent=part.tile.region, site=site, raycaster=rc, ground=ground)
    rc.close()
    outputs = []
    tif = tdir / f"{part.tile.id}.tif"
    write_geotiff(res.raster(), tif, model.crs)  # atomic itself
    outputs.append(tif.name)
    if "gpkg" in part.options.formats:
        import shapely

        x, y = res.grid.centres_local()
        act = res.grid.active
        xs = x[act] + res.grid.origin[0]
        ys = y[act] + res.grid.origin[1]
        cols = {"tile": np.full(int(act.sum()), part.tile.id, dtype=object), "sun_hours_h": res.hours[act]}
        path = tdir / f"{part.tile.id}.gpkg"
        write_vector(path, [VectorLayer("cells", cols, list(shapely.points(xs, ys)), "Point")], model.crs,
                     driver="GPKG")
        outputs.append(path.name)
    fig = res.figures()
    v = res.hours[res.grid.active]
    return {"cells": int(len(v)), "sum_sun_hours_h": float(v.sum()), "min_sun_hours_h": fig["min_sun_hours_h"],
            "max_sun_hours_h": fig["max_sun_hours_h"], "steps": fig["steps"], "buildings": len(own_ids),
            "outputs": outputs}


def _sunlight_tile(part: Partition, model, own_ids, tdir: Path) -> dict:
    """DIN 5034-1 facade sunlight at check points on the tile's own buildings; the halo only shades."""
    import shapely

    from .sunlight import MIN_ELEVATION_DEG, default_dates, facade_sunlight

    p = part.options.analysis_params
    scene, site, ground, rc = _sun_tile_setup(part, model)
    eq, winter = default_dates()
    own = np.isin(np.asarray(scene.object_ids, dtype=object), list(own_ids))
    parent = {oid: model.objects[oid].parents[0] for oid in own_ids if model.objects[oid].parents}
    res = facade_sunlight(scene, dates=(p.get("equinox") or eq.isoformat(), p.get("winter") or winter.isoformat()),
                          step_min=float(p.get("step_min", 2.0)), site=site, raycaster=rc, ground=ground,
                          spacing_m=float(p.get("spacing_m", 2.0)), storey_height_m=float(p.get("storey_height_m", 3.0)),
                          first_row_m=float(p.get("first_row_m", 1.5)),
                          min_elevation_deg=float(p.get("min_elevation_deg", MIN_ELEVATION_DEG)),
                          objects=own & np.array([t in ("Building", "BuildingPart") for t in scene.object_types]),
                          object_parent=parent)
    rc.close()
    per_b = res.per_building()
    outputs = []
    if "gpkg" in part.options.formats:
        pts = res.points.points + scene.origin
        k = len(pts)
        cols = {"tile": np.full(k, part.tile.id, dtype=object),
                "building_id": res.building_of_point().astype(object),
                "storey": res.points.storey.astype(np.int64), "height_m": res.points.height_m,
                "facade_azimuth_deg": res.points.facade_azimuth_deg,
                "hours_equinox": res.hours_equinox, "hours_winter": res.hours_winter,
                "meets_equinox": res.meets_equinox.astype(np.int64), "meets_winter": res.meets_winter.astype(np.int64)}
        bids = list(per_b)
        bcols = {"tile": np.full(len(bids), part.tile.id, dtype=object), "id": np.asarray(bids, dtype=object)}
        for key in ("points", "meets_equinox", "meets_both", "best_equinox_h", "best_winter_h"):
            bcols[key] = np.asarray([per_b[b][key] for b in bids], dtype=np.float64)
        fps = _footprints(model, bids)
        path = tdir / f"{part.tile.id}.gpkg"
        write_vector(path, [VectorLayer("points", cols, list(shapely.points(pts)), "Point Z"),
                            VectorLayer("buildings", bcols, [fps.get(b) for b in bids], "Unknown")], model.crs,
                     driver="GPKG")
        outputs.append(path.name)
    if "cityjsonseq" in part.options.formats:
        attrs = {b: {f"sunlight_{k}": v for k, v in d.items()} for b, d in per_b.items()}
        outputs.append(_write_seq(part, model, own_ids, tdir, attrs))
    f = res.figures()
    return {"check_points": f["check_points"], "points_meeting_equinox": f["points_meeting_equinox"],
            "points_meeting_both": f["points_meeting_both"], "buildings": f["buildings"],
            "buildings_without_any_point_meeting_equinox": f["buildings_without_any_point_meeting_equinox"],
            "sum_hours_equinox_h": float(res.hours_equinox.sum()), "sum_hours_winter_h": float(res.hours_winter.sum()),
            "date_equinox": f["date_equinox"], "date_winter": f["date_winter"], "outputs": outputs}


def run_partition(part: Partition, shared: RunShared | str | None = None) -> dict:
    """Compute one tile and write its outputs and done marker (a Dask task). Returns the marker.
    ``shared``: the run's :class:`RunShared` or its key in this process (solar; None =
    ``part.weather`` and a sky per tile)."""
    from stadtbild.model.crs import parse_crs
    t0 = time.perf_counter()
    c0 = time.process_time()
    loads0, hits0 = FILE_CACHE_STATS["loads"], FILE_CACHE_STATS["hits"]
    model, own_ids = partition_model(part)
    tdir = Path(part.options.out_dir) / "tiles"
    tdir.mkdir(parents=True, exist_ok=True)
    if part.options.analysis == "solar":
        if isinstance(shared, str):  # a Dask task: the key of the run's RunShared in this process
            crs = parse_crs(part.options.crs) if part.options.crs else model.crs
            shared = shared_for(part, shared, crs)
        figures = _solar_tile(part, model, own_ids, tdir, shared)
    else:
        fn = {"metrics": _metrics_tile, "sunhours": _sunhours_tile, "sunlight": _sunlight_tile}[part.options.analysis]
        figures = fn(part, model, own_ids, tdir)
    top = sum(1 for oid in own_ids if not any(p in model.objects for p in model.objects[oid].parents))
    marker = {"tile": part.tile.id, "analysis": part.options.analysis, "run_key": part.run_key,
              "region": list(part.tile.region), "own_objects": len(own_ids), "own_top_level": top,
              "partition_objects": len(model), "seconds": round(time.perf_counter() - t0, 3),
              "cpu_seconds": round(time.process_time() - c0, 3),
              "worker_pid": os.getpid(), "files_parsed": FILE_CACHE_STATS["loads"] - loads0,
              "files_from_cache": FILE_CACHE_STATS["hits"] - hits0, "figures": figures}
    atomic_write_bytes(done_marker(part.options.out_dir, part.tile.id), json.dumps(marker, indent=1).encode())
    return marker


def warm_worker(analysis: str) -> list:
    """Import the modules a tile task of ``analysis`` needs (once per worker process; run on the
    workers while the driver computes the run's weather and sky, so the first tile does not pay
    for them). Returns the names imported."""
    import importlib

    # a leading dot: a module of Stadtbild (relative to the stadtbild package)
    names = [".importers", ".model.spatial", "shapely", "pyogrio", "pyproj"]
    names += {"solar": [".analysis.solar", ".analysis.raycast", "scipy.sparse"],
              "sunhours": [".analysis.shadow", ".analysis.raycast", ".model.ground", ".exporters.tables"],
              "metrics": [".analysis.metrics"],
              "sunlight": [".analysis.sunlight", ".analysis.raycast", ".model.ground"]}.get(analysis, [])
    done = []
    for name in names:
        try:
            done.append(importlib.import_module(name, "stadtbild").__name__)
        except ImportError:  # pragma: no cover - the task itself will report it
            pass
    return done
