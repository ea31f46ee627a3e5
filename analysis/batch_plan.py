"""Planning a city-wide batch run (:mod:`analysis.batch`): its settings, the tiles and their
partitions (own objects + halo), the parsed-file cache of a process, and the run-wide inputs
(weather, site, cumulative sky) that every tile shares.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import atomic_write_bytes

ANALYSES = ("solar", "sunhours", "metrics", "sunlight")
DEFAULT_HALO_M = 300.0
DEFAULT_TILE_M = 500.0


@dataclass
class BatchOptions:
    """Settings of a batch run (units in the names). ``analysis_params`` go to the analysis:
    solar: ``cell_m``, ``sky``, ``sun_mf``, ``albedo``, ``min_area_m2``, ``threshold_kwh_m2a``,
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


def shared_for(part: Partition, key: str, crs) -> RunShared | None:
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


def keep_shared(shared: RunShared) -> None:
    """Keep ``shared`` in this process's table under its key (the worker plugin's setup)."""
    with _RUN_SHARED_LOCK:
        _RUN_SHARED[shared.key] = shared


def drop_shared(key: str) -> None:
    """Forget the RunShared ``key`` of this process (the worker plugin's teardown)."""
    with _RUN_SHARED_LOCK:
        _RUN_SHARED.pop(key, None)


# ============================================================================ planning
def _model_files(inputs) -> list[Path]:
    from stadtbild.importers import sorted_model_files

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
    from stadtbild.importers import load

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
        from stadtbild.importers import load_many

        return load_many(files, crs=crs)
    for f, m in zip(files[1:], models[1:]):
        if m.crs.epsg and model.crs.epsg and m.crs.epsg != model.crs.epsg:
            raise InputError(f, f"CRS {m.crs.name} differs from {model.crs.name} of {files[0]}")
        model = model.merged(m)  # a new model; the cached ones stay as they are
    return model


def scan_file(path: str, crs: str | None = None) -> dict:
    """Bbox (3D, model CRS), object count and CRS of one tile file (a Dask task in file mode)."""
    from stadtbild.model.ground import lowest_ground_z

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
    from stadtbild.model.spatial import spatial_index

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


def grow_region(region, d):
    return (region[0] - d, region[1] - d, region[2] + d, region[3] + d)


def _intersects(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# ============================================================================ running one tile
def done_marker(out_dir, tile_id: str) -> Path:
    return Path(out_dir) / "tiles" / f"{tile_id}.done.json"


def read_done(out_dir, tile_id: str) -> dict | None:
    p = done_marker(out_dir, tile_id)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def partition_model(part: Partition):
    """(model with own + halo objects, own object ids) of a partition (loads files in file mode)."""
    from stadtbild.model.spatial import spatial_index, subset

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
        near = idx.groups_intersecting(grow_region(tile.region, part.options.halo_m))
        keep_groups = np.union1d(own_groups, near)
    own_ids = idx.members(own_groups)
    model = subset(model, idx.members(keep_groups))
    return model, own_ids


def plan(inputs, options: BatchOptions, client=None):
    """``client``: None (scan files here) or a callable returning a Dask client.

    (tiles with their parts, run origin, site bbox, model or None) for ``inputs``.

    File tiles when several files are given (or a folder) and no ``tile_size_m``; else a grid
    over the merged model (one file, or ``tile_size_m`` given)."""
    from stadtbild.importers import load, load_many

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
            grown = grow_region(region, options.halo_m)
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
        from stadtbild.model.ground import lowest_ground_z

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
