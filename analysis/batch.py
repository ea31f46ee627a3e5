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
import hashlib
import json
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.errors import InputError
from model.fileio import atomic_write_bytes, replace_via_temp

ANALYSES = ("solar", "sunhours", "metrics", "sunlight")
DEFAULT_HALO_M = 300.0
DEFAULT_TILE_M = 500.0


@dataclass
class BatchOptions:
    """Settings of a batch run (units in the names). ``analysis_params`` go to the analysis:
    solar: ``grid_m``, ``sky``, ``sun_mf``, ``albedo``, ``min_area_m2``, ``threshold_kwh_m2a``,
    ``kwp_per_m2``, ``performance_ratio``, ``include_facades`` (``analysis.solar.SolarOptions``);
    sunhours: ``date`` (required), ``start``, ``stop``, ``step_min``, ``cell_m``;
    metrics: ``storey_height_m``; sunlight (DIN 5034-1, :mod:`analysis.sunlight`): ``equinox``,
    ``winter`` (ISO dates), ``step_min``, ``spacing_m``, ``storey_height_m``, ``first_row_m``,
    ``min_elevation_deg``, ``tz``."""

    analysis: str = "solar"
    out_dir: str = "batch-out"
    tile_size_m: float | None = None
    halo_m: float = DEFAULT_HALO_M
    lod: str | None = None
    crs: str | None = None
    formats: tuple = ("gpkg",)
    workers: int = 2
    scheduler: str | None = None
    retries: int = 2
    weather: str | None = None
    analysis_params: dict = field(default_factory=dict)

    def validate(self) -> None:
        if self.analysis not in ANALYSES:
            raise InputError(None, f"unknown batch analysis {self.analysis!r} ({', '.join(ANALYSES)})")
        if self.tile_size_m is not None and not (math.isfinite(self.tile_size_m) and 10.0 <= self.tile_size_m <= 1e6):
            raise InputError(None, f"--tile-size must be between 10 m and 1000 km, got {self.tile_size_m}")
        if not (math.isfinite(self.halo_m) and 0.0 <= self.halo_m <= 10_000.0):
            raise InputError(None, f"--halo must be between 0 and 10000 m, got {self.halo_m}")
        if not (1 <= int(self.workers) <= 512):
            raise InputError(None, f"--workers must be between 1 and 512, got {self.workers}")
        bad = [f for f in self.formats if f not in ("gpkg", "cityjsonseq")]
        if bad:
            raise InputError(None, f"unknown output format {bad[0]!r} (gpkg, cityjsonseq)")
        if self.analysis == "sunhours" and not self.analysis_params.get("date"):
            raise InputError(None, "batch sunhours needs --date YYYY-MM-DD")
        if self.analysis == "solar":
            self.solar_options().validate()

    def solar_options(self):
        from .solar import SolarOptions

        keys = set(SolarOptions.__dataclass_fields__)
        return SolarOptions(**{k: v for k, v in self.analysis_params.items() if k in keys})

    def key(self) -> str:
        """Hash of everything that changes a tile's results (a finished tile of a run with other
        settings is computed again)."""
        import orjson

        doc = {"analysis": self.analysis, "tile": self.tile_size_m, "halo": self.halo_m, "lod": self.lod,
               "crs": self.crs, "formats": sorted(self.formats), "weather": self.weather,
               "params": self.analysis_params}
        # orjson, not the json module: importing cjio replaces json's float encoder process-wide
        # (200.0 -> "200.000000"), which made the same settings hash differently in processes
        # that had imported it, so a resumed run recomputed every finished tile
        return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()[:16]


@dataclass
class Tile:
    """One partition. ``region`` = the owned area [xmin, ymin, xmax, ymax] (grid cell, or the bbox
    of the file's objects); ``files`` = the file it owns and the files of its halo (file tiles)."""

    id: str
    region: tuple
    n_objects: int = 0
    own_file: str | None = None
    files: list = field(default_factory=list)


@dataclass
class Partition:
    """What a task needs: the tile, the partition model (own + halo, grid tiles) or the files to
    read, and the run-wide origin, site bbox and weather."""

    tile: Tile
    options: BatchOptions
    run_key: str
    origin: np.ndarray
    site_bbox: np.ndarray
    model: object = None
    own_ids: list | None = None
    weather: object = None
    ground_z: float | None = None  # run-wide ground plane (model CRS height, m) for sun-hours


@dataclass
class WeatherSummary:
    """What a tile needs of the run's weather once the cumulative sky is computed (the site, annual
    GHI, source, notes; ``analysis.solar.compute_solar`` reads nothing else): no hourly arrays and
    no pandas time index, so the workers need not import pandas to receive it."""

    latitude_deg: float
    longitude_deg: float
    annual_ghi_kwh_m2: float
    source: str = ""
    kind: str = ""
    notes: list = field(default_factory=list)

    @classmethod
    def of(cls, weather) -> WeatherSummary:
        return cls(latitude_deg=float(weather.latitude_deg), longitude_deg=float(weather.longitude_deg),
                   annual_ghi_kwh_m2=float(weather.annual_ghi_kwh_m2), source=weather.source,
                   kind=weather.kind, notes=list(weather.notes))


_RUN_SHARED: dict = {}  # key -> RunShared in this process (worker plugin, or computed by a task)
_RUN_SHARED_LOCK = threading.Lock()
#: how often this process computed a RunShared itself (driver: once per run; workers: 0)
RUN_SHARED_STATS = {"computed": 0}


@dataclass
class RunShared:
    """Run-wide solar inputs, computed once per run by :func:`run_shared` and shipped once to the
    workers: ``weather`` (``analysis.weather.Weather``), ``site`` (``analysis.sun.Site`` of the run's
    bbox centre, None without a CRS) and ``sky`` (``analysis.solar.CumulativeSky`` of that weather
    for the solar options' sky, sun binning and the site's grid convergence). With a sky the weather
    is shipped as a :class:`WeatherSummary`."""

    weather: object = None
    site: object = None
    sky: object = None
    key: str = ""  # :func:`run_shared_key` of the inputs


def run_shared_key(options: BatchOptions, site_bbox, crs) -> str:
    """Key of everything a :class:`RunShared` depends on (settings, run bbox, CRS code)."""
    doc = [options.key(), [float(v) for v in np.asarray(site_bbox, float)], getattr(crs, "epsg", None)]
    return hashlib.sha256(json.dumps(doc).encode()).hexdigest()[:16]


def _shared_for(part: Partition, key: str, crs) -> RunShared | None:
    """The RunShared ``key`` of this process; computed here (once per process) and kept if the
    plugin did not deliver it (e.g. a worker that joined while it was being registered)."""
    with _RUN_SHARED_LOCK:
        got = _RUN_SHARED.get(key)
    if got is None:
        got = run_shared(part.options, part.site_bbox, crs)
        if got is not None:
            with _RUN_SHARED_LOCK:
                _RUN_SHARED[key] = got
    return got


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


# ============================================================================ planning
def _model_files(inputs) -> list[Path]:
    from importers import sorted_model_files

    files: list[Path] = []
    for p in inputs:
        p = Path(p)
        if not p.exists():
            raise InputError(p, "no such file")
        files.extend(sorted_model_files(p) if p.is_dir() else [p])
    if not files:
        raise InputError(None, "no input files")
    return files


def _tile_name(path: Path) -> str:
    name = path.name
    for suffix in (".city.jsonl", ".city.json", ".jsonl", ".json", ".gml", ".xml", ".citygml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "tile"


_FILE_CACHE: OrderedDict = OrderedDict()  # (path, size, mtime_ns, crs) -> (CityModel, bytes)
_FILE_CACHE_LOCK = threading.Lock()
#: this process's parsed-file cache: files parsed / served from the cache (for tests and markers)
FILE_CACHE_STATS = {"loads": 0, "hits": 0}


def _file_cache_budget() -> float:
    try:
        return max(0.0, float(os.environ.get("STADTBILD_BATCH_CACHE_MB", "512"))) * 1e6
    except ValueError:
        return 512e6


def load_cached(path, crs: str | None = None):
    """``importers.load(path, crs=crs)``, kept in a per-process LRU cache keyed by path, size,
    modification time and ``crs`` (bounded by ``STADTBILD_BATCH_CACHE_MB`` MB of source file
    bytes; 0 disables it). The cached model is shared: callers must not modify it (partitions take
    ``model.spatial.subset`` views or merged copies)."""
    from importers import load

    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return load(p, crs=crs)  # raises the importer's InputError
    key = (str(p), st.st_size, st.st_mtime_ns, crs)
    with _FILE_CACHE_LOCK:
        hit = _FILE_CACHE.get(key)
        if hit is not None:
            _FILE_CACHE.move_to_end(key)
            FILE_CACHE_STATS["hits"] += 1
            return hit[0]
    model = load(p, crs=crs)
    budget = _file_cache_budget()
    with _FILE_CACHE_LOCK:
        FILE_CACHE_STATS["loads"] += 1
        if st.st_size <= budget:
            _FILE_CACHE[key] = (model, st.st_size)
            total = sum(b for _, b in _FILE_CACHE.values())
            while total > budget and len(_FILE_CACHE) > 1:
                _, (_, b) = _FILE_CACHE.popitem(last=False)
                total -= b
    return model


def clear_file_cache() -> None:
    """Drop this process's parsed tile files (the inline driver does at the end of a run)."""
    with _FILE_CACHE_LOCK:
        _FILE_CACHE.clear()


def load_files(files, crs: str | None = None):
    """The files as one model, as ``importers.load_many`` (same order, same CRS check) but from
    :func:`load_cached`."""
    files = [Path(f) for f in files]
    models = [load_cached(f, crs) for f in files]
    model = models[0]
    if len(models) == 1:
        return model
    if not model.crs and any(m.crs for m in models[1:]):  # load_many sets the CRS on its first model
        from importers import load_many

        return load_many(files, crs=crs)
    for f, m in zip(files[1:], models[1:]):
        if m.crs.epsg and model.crs.epsg and m.crs.epsg != model.crs.epsg:
            raise InputError(f, f"CRS {m.crs.name} differs from {model.crs.name} of {files[0]}")
        model = model.merged(m)  # a new model; the cached ones stay as they are
    return model


def scan_file(path: str, crs: str | None = None) -> dict:
    """Bbox (3D, model CRS), object count and CRS of one tile file (a Dask task in file mode)."""
    from .ground import lowest_ground_z

    try:
        m = load_cached(path, crs=crs)
    except InputError as exc:  # reported by the driver as "error: FILE: what" (no retries, no worker log)
        return {"path": str(path), "error": str(exc)}
    bb = m.bbox()
    sc = m.scene()
    return {"path": str(path), "bbox": None if bb is None else [float(v) for v in bb],
            "ground_z": float(lowest_ground_z(sc) + sc.origin[2]) if sc.n_triangles else None,
            "objects": len(m), "epsg": m.crs.epsg, "size": os.path.getsize(path),
            "mtime": os.path.getmtime(path)}


def grid_tiles(model, tile_size_m: float) -> list[tuple[Tile, np.ndarray]]:
    """Grid cells (aligned to multiples of ``tile_size_m``) that own at least one object group,
    with the indices of their groups (``model.spatial.SpatialIndex``)."""
    from model.spatial import spatial_index

    idx = spatial_index(model)
    c = idx.group_centres
    ok = np.isfinite(c).all(axis=1)
    if not ok.any():
        return []
    ts = float(tile_size_m)
    col = np.floor(c[ok, 0] / ts).astype(np.int64)
    row = np.floor(c[ok, 1] / ts).astype(np.int64)
    groups = np.flatnonzero(ok)
    keys, inv = np.unique(np.stack([col, row], axis=1), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    out = []
    for k, (ci, ri) in enumerate(keys):
        region = (ci * ts, ri * ts, (ci + 1) * ts, (ri + 1) * ts)
        own = groups[inv == k]
        tile = Tile(id=f"E{region[0]:.0f}_N{region[1]:.0f}", region=region, n_objects=len(own))
        out.append((tile, own))
    return out


def _grow(region, d):
    return (region[0] - d, region[1] - d, region[2] + d, region[3] + d)


def _intersects(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# ============================================================================ running one tile
def done_marker(out_dir, tile_id: str) -> Path:
    return Path(out_dir) / "tiles" / f"{tile_id}.done.json"


def _read_done(out_dir, tile_id: str) -> dict | None:
    p = done_marker(out_dir, tile_id)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def partition_model(part: Partition):
    """(model with own + halo objects, own object ids) of a partition (loads files in file mode)."""
    from model.spatial import spatial_index, subset

    if part.model is not None:
        return part.model, list(part.own_ids)
    tile = part.tile
    model = load_files(tile.files, crs=part.options.crs)
    own_src = str(Path(tile.own_file))
    idx = spatial_index(model)
    own_groups = np.unique(idx.group_of[[i for i, oid in enumerate(idx.ids)
                                          if model.objects[oid].source == own_src]])
    if part.options.analysis == "metrics":
        keep_groups = own_groups
    else:
        near = idx.groups_intersecting(_grow(tile.region, part.options.halo_m))
        keep_groups = np.union1d(own_groups, near)
    own_ids = idx.members(own_groups)
    model = subset(model, idx.members(keep_groups))
    return model, own_ids


def run_scene(model, lod, origin, site_bbox):
    """The model's Scene expressed in the run's local ``origin`` (exact: both origins are whole
    metres) and reporting the run's bbox as its own, so that ``analysis.sun.site_from_model`` gives
    every partition the site of the whole run."""
    from model.scene import Scene

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


def _subset_surfaces(surf, keep: np.ndarray):
    """RoofSurfaces restricted to the surfaces flagged in ``keep`` (triangle map renumbered)."""
    from .solar import RoofSurfaces

    sel = np.flatnonzero(keep)
    lookup = np.full(len(keep) + 1, -1, dtype=np.int64)
    lookup[sel] = np.arange(len(sel))
    ts = surf.triangle_surface
    new_ts = np.where(ts >= 0, lookup[np.where(ts >= 0, ts, len(keep))], -1)
    flipped = surf.flipped  # counted over all surfaces; the partition reports it for its own only
    return RoofSurfaces(polygon=surf.polygon[sel], object_index=surf.object_index[sel], triangle_surface=new_ts,
                        area_m2=surf.area_m2[sel], normal=surf.normal[sel], tilt_deg=surf.tilt_deg[sel],
                        azimuth_deg=surf.azimuth_deg[sel], centroid=surf.centroid[sel], z_min_m=surf.z_min_m[sel],
                        z_max_m=surf.z_max_m[sel], height_m=surf.height_m[sel], kind=surf.kind[sel],
                        flipped=min(flipped, len(sel)))


def surface_ordinals(model, scene, polygons: np.ndarray) -> np.ndarray:
    """Ordinal of every scene polygon in its object's selected geometry (``surface`` key, the
    same in a partition and in the whole model; as ``exporters.tables.surface_table``)."""
    mp = np.asarray(scene.model_polygon)[polygons]
    geom_start = np.zeros(model.n_polygons, dtype=np.int64)
    for g in model.geometries:
        geom_start[g.poly_start:g.poly_stop] = g.poly_start
    return mp - geom_start[mp], mp


def _polygon_geoms(model, rows):
    """shapely 3D polygons (exterior + holes) of model polygon ``rows`` in the model CRS."""
    import shapely

    out = []
    for p in rows:
        r0, r1 = model.polygon_offsets[p], model.polygon_offsets[p + 1]
        rings = [model.vertices[model.ring_vertices[model.ring_offsets[r]:model.ring_offsets[r + 1]]]
                 for r in range(r0, r1)]
        rings = [r for r in rings if len(r) >= 3]
        out.append(shapely.Polygon(rings[0], rings[1:]) if rings else None)
    return out


def _write_gpkg(path: Path, layers: list, crs_wkt) -> None:
    """layers: [(name, {column: array}, geometries (shapely|None), geometry_type)] → one GPKG."""
    import pyogrio.raw
    import shapely

    def write(tmp):
        import warnings

        warnings.filterwarnings("ignore", message=".*'crs' was not provided.*")  # the model's own warning says it
        for i, (name, cols, geoms, gtype) in enumerate(layers):
            names = list(cols)
            data = []
            for k in names:
                v = np.asarray(cols[k])
                data.append(v.astype(object) if v.dtype.kind in "US" else v)
            wkb = shapely.to_wkb(np.asarray(geoms, dtype=object), output_dimension=3 if gtype.endswith("Z") else 2)
            pyogrio.raw.write(str(tmp), wkb, data, names, layer=name, driver="GPKG", geometry_type=gtype,
                              crs=crs_wkt, append=i > 0, promote_to_multi=False)

    replace_via_temp(path, write)


def _crs_wkt(model):
    try:
        crs = model.crs.pyproj() if model.crs else None
        return crs.to_wkt() if crs is not None else None
    except Exception:
        return None


def _footprints(model, ids):
    """{building id: shapely footprint in the model CRS} for the top-level ids."""
    from .metrics import footprint_polygons

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
    from .solar import compute_solar, find_roof_surfaces

    opt = part.options.solar_options()
    scene = run_scene(model, part.options.lod, part.origin, part.site_bbox)
    surf = find_roof_surfaces(scene, opt)
    own = set(own_ids)
    own_obj = np.array([oid in own for oid in scene.object_ids], dtype=bool)
    surf = _subset_surfaces(surf, own_obj[surf.object_index] if len(surf) else np.zeros(0, bool))
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
        geoms = _polygon_geoms(model, mp)
        fps = _footprints(model, list(per_b))
        bl = list(per_b)
        bcols = {"tile": np.full(len(bl), part.tile.id, dtype=object), "building_id": np.asarray(bl, dtype=object)}
        for k in ("roof_area_m2", "suitable_area_m2", "kwp", "yield_kwh_a", "mean_kwh_m2a", "surfaces"):
            bcols[k] = np.asarray([per_b[b][k] for b in bl])
        bgeoms = [fps.get(b) for b in bl]
        path = tdir / f"{part.tile.id}.gpkg"
        _write_gpkg(path, [("surfaces", cols, geoms, "Polygon Z"),
                           ("buildings", bcols, bgeoms, "Unknown")], _crs_wkt(model))
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
    from exporters.cityjson import write_cityjsonseq
    from model.spatial import compact, subset

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
    from model.spatial import subset

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
        _write_gpkg(path, [("buildings", cols, geoms, "Unknown")], _crs_wkt(own))
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
    from .ground import Ground, ground_for
    from .raycast import RayCaster
    from .sun import site_from_model

    scene = run_scene(model, part.options.lod, part.origin, part.site_bbox)
    site = site_from_model(scene, tz=part.options.analysis_params.get("tz"))
    ground = ground_for(scene)
    if ground.kind == "plane" and part.ground_z is not None:  # one plane for the whole run
        ground = Ground(origin=scene.origin, plane_z=float(part.ground_z - scene.origin[2]))
    return scene, site, ground, RayCaster(scene, threads=1)


def _sunhours_tile(part: Partition, model, own_ids, tdir: Path) -> dict:
    from exporters.tables import write_geotiff

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
        _write_gpkg(path, [("cells", cols, list(shapely.points(xs, ys)), "Point")], _crs_wkt(model))
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
        _write_gpkg(path, [("points", cols, list(shapely.points(pts)), "Point Z"),
                           ("buildings", bcols, [fps.get(b) for b in bids], "Unknown")], _crs_wkt(model))
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
    from model.crs import parse_crs
    t0 = time.perf_counter()
    c0 = time.process_time()
    loads0, hits0 = FILE_CACHE_STATS["loads"], FILE_CACHE_STATS["hits"]
    model, own_ids = partition_model(part)
    tdir = Path(part.options.out_dir) / "tiles"
    tdir.mkdir(parents=True, exist_ok=True)
    if part.options.analysis == "solar":
        if isinstance(shared, str):  # a Dask task: the key of the run's RunShared in this process
            crs = parse_crs(part.options.crs) if part.options.crs else model.crs
            shared = _shared_for(part, shared, crs)
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


def plan(inputs, options: BatchOptions, client=None):
    """``client``: None (scan files here) or a callable returning a Dask client.

    (tiles with their parts, run origin, site bbox, model or None) for ``inputs``.

    File tiles when several files are given (or a folder) and no ``tile_size_m``; else a grid
    over the merged model (one file, or ``tile_size_m`` given)."""
    from importers import load, load_many

    files = _model_files(inputs)
    if len(files) > 1 and options.tile_size_m is None:
        infos = _scan(files, options, client)
        infos = [i for i in infos if i["bbox"] is not None]
        if not infos:
            raise InputError(None, "the input files hold no geometry")
        epsg = {i["epsg"] for i in infos if i["epsg"]}
        if len(epsg) > 1:
            raise InputError(None, f"the tiles have different CRSs ({', '.join(f'EPSG:{e}' for e in sorted(epsg))})")
        bbs = np.array([i["bbox"] for i in infos])
        site_bbox = np.concatenate([bbs[:, :3].min(axis=0), bbs[:, 3:].max(axis=0)])
        tiles = []
        names = set()
        for info in infos:
            b = info["bbox"]
            region = (b[0], b[1], b[3], b[4])
            grown = _grow(region, options.halo_m)
            neigh = [j["path"] for j in infos if j is not info and _intersects(grown, (j["bbox"][0], j["bbox"][1], j["bbox"][3], j["bbox"][4]))]
            name = _tile_name(Path(info["path"]))
            while name in names:
                name += "_"
            names.add(name)
            files_needed = [info["path"]] + ([] if options.analysis == "metrics" else neigh)
            tiles.append((Tile(id=name, region=region, n_objects=info["objects"], own_file=info["path"],
                               files=files_needed), None))
        grounds = [i["ground_z"] for i in infos if i.get("ground_z") is not None]
        options._ground_z = min(grounds) if grounds else float(site_bbox[2])
        options._epsg = next(iter(epsg)) if epsg else None  # the run's CRS without parsing a tile again
        return tiles, np.floor(site_bbox[:3]), site_bbox, None
    model = load(files[0], crs=options.crs) if len(files) == 1 else load_many(files, crs=options.crs)
    bb = model.bbox()
    if bb is None:
        raise InputError(files[0], "the model holds no geometry")
    if options.analysis in ("sunhours", "sunlight"):
        from .ground import lowest_ground_z

        sc = model.scene(options.lod)
        options._ground_z = float(lowest_ground_z(sc) + sc.origin[2])
    return grid_tiles(model, options.tile_size_m or DEFAULT_TILE_M), model.origin, bb, model


def _scan(files, options, client):
    """scan_file for every file, cached in OUT/index.json by path, size and mtime."""
    cache_path = Path(options.out_dir) / "index.json"
    try:
        cache = {d["path"]: d for d in json.loads(cache_path.read_text())["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        cache = {}
    out, todo = {}, []
    for f in files:
        d = cache.get(str(f))
        if d and d.get("size") == os.path.getsize(f) and d.get("mtime") == os.path.getmtime(f) \
                and d.get("crs_override") == options.crs and "ground_z" in d:
            out[str(f)] = d
        else:
            todo.append(str(f))
    if todo:
        if client is None:
            res = [scan_file(f, options.crs) for f in todo]
        else:
            client = client()  # started on first use
            futs = client.map(scan_file, todo, crs=options.crs, retries=options.retries, pure=False)
            res = client.gather(futs)
        for d in res:
            if "error" in d:
                raise InputError(None, d["error"])
            d["crs_override"] = options.crs
            out[d["path"]] = d
        atomic_write_bytes(cache_path, json.dumps({"files": list(out.values())}, indent=1).encode())
    return [out[str(f)] for f in files]


def run_shared(options: BatchOptions, site_bbox, crs) -> RunShared | None:
    """The run's weather, site and cumulative sky (solar; None otherwise), computed once here.
    The site is what ``analysis.solar.compute_solar`` finds for every partition's scene
    (``run_scene`` reports the run's bbox: its centre, its lowest height; same CRS code), so each
    tile gets exactly the sun, Perez coefficients and patch weights it would compute itself."""
    if options.analysis != "solar":
        return None
    from .solar import cumulative_sky
    from .sun import site_at
    from .weather import default_weather, read_weather

    RUN_SHARED_STATS["computed"] += 1
    key = run_shared_key(options, site_bbox, crs)

    try:
        c = 0.5 * (np.asarray(site_bbox[:3], float) + np.asarray(site_bbox[3:], float))
        site = site_at(c[0], c[1], crs, elevation_m=float(site_bbox[2]))
    except (InputError, ValueError, TypeError):
        site = None
    if options.weather:
        weather = read_weather(options.weather)
    elif site is None:
        weather = default_weather(51.0, 10.0)  # as compute_solar without a CRS
    else:
        weather = default_weather(site.latitude_deg, site.longitude_deg, max(site.elevation_m, 0.0))
    if site is None:  # each tile finds its own (CRS-less) site; ship only the weather
        return RunShared(weather=weather, key=key)
    opt = options.solar_options()
    return RunShared(weather=WeatherSummary.of(weather), site=site,
                     sky=cumulative_sky(weather, opt.sky, opt.sun_mf, site.grid_north_deg), key=key)


def run_batch(inputs, options: BatchOptions, client=None, progress=None, on_tile_done=None) -> BatchResult:
    """Run ``options.analysis`` over ``inputs`` (files / folders) in partitions (module docstring).

    client        a ``distributed.Client`` to use (default: from ``options.scheduler`` /
                  ``options.workers``; ``options.scheduler == "inline"`` = no Dask)
    progress      callable(done, total) after every finished tile
    on_tile_done  callable(tile_id, marker or None, exception or None)
    """
    from model.crs import parse_crs

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
            from model.crs import CRSInfo

            crs = parse_crs(options.crs) if options.crs else CRSInfo(getattr(options, "_epsg", None))
        todo, skipped = [], []
        for tile, groups in tiles:
            d = _read_done(out_dir, tile.id)
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
            from model.spatial import compact, spatial_index, subset

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
                        near = idx.groups_intersecting(_grow(tile.region, options.halo_m))
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


def warm_worker(analysis: str) -> list:
    """Import the modules a tile task of ``analysis`` needs (once per worker process; run on the
    workers while the driver computes the run's weather and sky, so the first tile does not pay
    for them). Returns the names imported."""
    import importlib

    names = ["importers", "model.spatial", "shapely", "pyogrio", "pyproj"]
    names += {"solar": ["analysis.solar", "analysis.raycast", "scipy.sparse"],
              "sunhours": ["analysis.shadow", "analysis.raycast", "analysis.ground", "exporters.tables"],
              "metrics": ["analysis.metrics"],
              "sunlight": ["analysis.sunlight", "analysis.raycast", "analysis.ground"]}.get(analysis, [])
    done = []
    for name in names:
        try:
            importlib.import_module(name)
            done.append(name)
        except ImportError:  # pragma: no cover - the task itself will report it
            pass
    return done


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
        d = _read_done(out_dir, t)
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
