"""Digital terrain models: GeoTIFF / ESRI ASCII grid / XYZ (German DGM1 tiles) and TINRelief.

- Rasters are read with rasterio (GDAL): GeoTIFF, ESRI ASCII grid (``.asc``) and anything else GDAL
  reads. Heights are taken at the cell centres ("pixel is area", as GDAL reports them).
- XYZ tiles of the German state surveys (DGM1: one ``x y z`` line per 1 m grid point, ETRS89/UTM
  zone 32 or 33, e.g. ``dgm1_32_280_5652_1_nw.xyz``) are parsed with numpy and gridded: every
  point becomes one node of a regular grid (missing points stay NaN). Separators may be blanks,
  tabs, commas or semicolons; a header line is skipped; eastings with the zone prefix
  (``32280000.00``) are recognised. Their CRS comes from the argument, the file name
  (``_32_`` → EPSG:25832, ``_33_`` → EPSG:25833) or else the model's CRS.
- When the DEM's CRS differs from the model CRS it is reprojected with ``rasterio.warp.reproject``
  (bilinear; GDAL warper). A coarser ``resolution_m`` resamples by cell averaging (decimation).
  Heights are taken as they are (the DEM's vertical datum is assumed to be the model's, e.g.
  DHHN2016 for both German LoD2 and DGM1).
- The result is a :class:`model.terrain.TerrainGrid`; :meth:`~model.terrain.TerrainGrid.scene`
  makes the terrain mesh (surface type ``Terrain``, one object ``"terrain"`` of type
  ``TINRelief``) in the model scene's local frame, :func:`model.terrain.with_terrain` merges it
  with the model scene for the analyses and :mod:`model.ground` answers ground heights (also from
  a model's own TINRelief). :func:`attach_terrain` attaches a DEM to a model for every command.
- :func:`check_ground_heights` reports buildings floating above or buried in the terrain.
- :func:`sample_raster` samples any georeferenced raster (flood depth, orthophoto) onto the nodes
  of a terrain grid, for draped overlays.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stadtbild.model import codes
from stadtbild.model.crs import CRSInfo, crs_argument
from stadtbild.model.errors import InputError
from stadtbild.model.scene import Scene
from stadtbild.model.semantics import GROUND
from stadtbild.model.terrain import TerrainGrid

XYZ_SUFFIXES = (".xyz", ".txt", ".csv", ".dat")
#: refuse grids larger than this many nodes (≈ 1.6 GB as float64) instead of running out of memory
MAX_NODES = 200_000_000
_ZONE_IN_NAME = re.compile(r"(?:^|[_\-.])(3[123])[_\-]\d{3}[_\-]\d{4}(?:[_\-.]|$)")


# ====================================================================== reading DEMs
def read_dem(path, model_crs=None, dem_crs=None, resolution_m: float | None = None,
             bounds=None, max_nodes: float | None = None) -> TerrainGrid:
    """Read a DEM file into a :class:`TerrainGrid` in the model CRS.

    path          GeoTIFF, ASCII grid, any GDAL raster, or an XYZ text file
    model_crs     the model's CRS (``CRSInfo``, "EPSG:25832", int or None = keep the DEM's)
    dem_crs       the DEM's CRS if the file does not say (XYZ, .asc without .prj)
    resolution_m  node spacing of the result in metres (default: the file's); coarser values
                  decimate by cell averaging
    bounds        (xmin, ymin, xmax, ymax) in the model CRS: only this part is kept (rasters
                  are read through a window, so a large DEM mosaic costs only that part)
    max_nodes     without ``resolution_m``: coarsen (by an integer factor, with a warning) so
                  the result has at most this many nodes (memory of the mesh: ≈ 100 B/node)
    """
    from .local_only import check_local_file

    path = check_local_file(path, "terrain")
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder; give a DEM file (GeoTIFF, .asc or .xyz)")
    if resolution_m is not None and not (np.isfinite(resolution_m) and resolution_m > 0):
        raise InputError(path, f"terrain resolution must be a positive number of metres, got {resolution_m}")
    target = crs_argument(model_crs, path)
    given = crs_argument(dem_crs, path)
    if path.suffix.lower() in XYZ_SUFFIXES or _looks_like_xyz(path):
        z, transform, src_crs = _read_xyz(path, given)
    else:
        z, transform, src_crs = _read_raster(path, given, bounds, target)
    if src_crs is None:
        src_crs = target if target else None
    grid_warnings = []
    if max_nodes and resolution_m is None:
        native = abs(transform.a)
        est = float(z.size)
        if bounds is not None:
            est = min(est, (bounds[2] - bounds[0]) * (bounds[3] - bounds[1]) / native ** 2)
        if est > max_nodes:
            resolution_m = native * float(np.ceil(np.sqrt(est / max_nodes)))
            grid_warnings.append(f"terrain coarsened from {native:g} m to {resolution_m:g} m to stay within "
                                 f"{max_nodes:,.0f} nodes (choose --terrain-resolution to override)")
    if src_crs is None and target:
        grid_warnings.append("DEM has no CRS; assumed to be the model's")
    z, transform, crs_out = _to_target(path, z, transform, src_crs, target, resolution_m, bounds)
    grid = _grid_from_array(path, z, transform, crs_out)
    grid.warnings.extend(grid_warnings)
    return grid


def _looks_like_xyz(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    if not head or b"\0" in head:
        return False
    first = head.lstrip().split(b"\n", 1)[0]
    return bool(re.match(rb"^\s*[-+]?\d[\d.eE+-]*[\s,;]+[-+]?\d[\d.eE+-]*[\s,;]+[-+]?\d", first))


def _read_xyz(path: Path, given: CRSInfo):
    """Parse an XYZ point file and grid it; returns (z, rasterio Affine, CRSInfo or None)."""
    from rasterio.transform import Affine

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    data = data.translate(bytes.maketrans(b",;\t", b"   "))
    start = data.lstrip()[:1]
    if start and not (start.isdigit() or start in b"+-."):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""  # header line
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        values = np.fromstring(data, dtype=np.float64, sep=" ")
    n_tokens = len(data.split())
    if values.size < 12:
        raise InputError(path, "not an XYZ terrain file (needs at least 4 lines of 'x y z' numbers)")
    if values.size != n_tokens or values.size % 3:
        raise InputError(path, f"XYZ file has a malformed line near point {values.size // 3 + 1} "
                               f"(expected 3 numbers per line)")
    pts = values.reshape(-1, 3)
    if not np.isfinite(pts).all():
        raise InputError(path, "XYZ file holds non-finite numbers")
    crs = given if given else None
    zone = None
    if pts[:, 0].min() > 1e7:  # eastings with zone prefix, e.g. 32280000.00
        zone = int(pts[0, 0] // 1_000_000)
        if not (31 <= zone <= 33) or int(pts[:, 0].max() // 1_000_000) != zone:
            raise InputError(path, "XYZ eastings are out of range for a projected CRS")
        pts[:, 0] -= zone * 1_000_000
    if crs is None:
        m = _ZONE_IN_NAME.search(path.name.lower())
        code = zone or (int(m.group(1)) if m else None)
        if code:
            crs = CRSInfo(25800 + code)
    x, y, z = pts[:, 0], pts[:, 1], pts[:, 2]
    dx = _grid_step(x)
    dy = _grid_step(y)
    if dx is None or dy is None:
        raise InputError(path, "XYZ points do not form a grid (need several distinct x and y values)")
    xmin, ymax = x.min(), y.max()
    fc = (x - xmin) / dx
    fr = (ymax - y) / dy
    col = np.rint(fc).astype(np.int64)
    row = np.rint(fr).astype(np.int64)
    off = max(np.abs(fc - col).max(), np.abs(fr - row).max())
    if off > 0.05:
        raise InputError(path, f"XYZ points are not on a regular {dx:g} × {dy:g} m grid")
    rows, cols = int(row.max()) + 1, int(col.max()) + 1
    if rows * cols > MAX_NODES:
        raise InputError(path, f"XYZ grid of {rows} × {cols} points is too large")
    grid = np.full((rows, cols), np.nan)
    grid[row, col] = z
    # pixel-is-area transform whose cell centres are the points
    transform = Affine(dx, 0.0, xmin - dx / 2, 0.0, -dy, ymax + dy / 2)
    return grid, transform, crs


def _grid_step(v: np.ndarray) -> float | None:
    u = np.unique(np.round(v, 4))
    if len(u) < 2:
        return None
    d = np.diff(u)
    step = float(np.median(d))
    small = d[d > 0.5 * step]
    return float(small.min()) if len(small) else step


def _read_raster(path: Path, given: CRSInfo, bounds=None, target: CRSInfo | None = None, what: str = "DEM"):
    """Band 1 as float64 (NaN = no data), its transform and CRS; only the window covering
    ``bounds`` (model CRS, plus 2 cells) when given. ``what`` names the raster in messages."""
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.warp import transform_bounds
    from rasterio.windows import Window, from_bounds

    try:
        with rasterio.open(path) as ds:
            if ds.count < 1:
                raise InputError(path, "raster has no bands")
            t = ds.transform
            if t.b != 0 or t.d != 0:
                raise InputError(path, "rotated rasters are not supported")
            crs = None
            if given:
                crs = given
            elif ds.crs is not None:
                code = ds.crs.to_epsg()
                crs = CRSInfo(code) if code else ds.crs  # rasterio CRS when it has no EPSG code
            window = None
            if bounds is not None and t.e < 0 and t.a > 0:
                b = tuple(bounds)
                src_rio, dst_rio = _rio_crs(crs), _rio_crs(target) if target else None
                if src_rio is not None and dst_rio is not None and not _same_crs(crs, target):
                    b = transform_bounds(dst_rio, src_rio, *b, densify_pts=21)
                pad = 2 * abs(t.a)
                w = from_bounds(b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad, t)
                c0, r0 = max(int(np.floor(w.col_off)), 0), max(int(np.floor(w.row_off)), 0)
                c1 = min(int(np.ceil(w.col_off + w.width)), ds.width)
                r1 = min(int(np.ceil(w.row_off + w.height)), ds.height)
                if c1 - c0 < 2 or r1 - r0 < 2:
                    raise InputError(path, f"the {what} does not cover the model area (different CRS or wrong tile?)")
                window = Window(c0, r0, c1 - c0, r1 - r0)
            n_cells = (window.width * window.height) if window is not None else ds.width * ds.height
            if n_cells > MAX_NODES:
                raise InputError(path, f"raster of {ds.width} × {ds.height} cells is too large")
            band = ds.read(1, masked=True, window=window)
            if window is not None:
                t = ds.window_transform(window)
            z = np.ma.filled(band.astype(np.float64), np.nan)
    except InputError:
        raise
    except (RasterioError, OSError, ValueError) as exc:
        raise InputError(path, f"cannot read {what} ({' '.join(str(exc).split())[:200]})") from None
    if t.e > 0:  # south-up raster: flip to north-up
        from rasterio.transform import Affine

        z = z[::-1]
        t = Affine(t.a, 0.0, t.c, 0.0, -t.e, t.f + t.e * z.shape[0])
    if t.a < 0:
        raise InputError(path, "rasters with x running west are not supported")
    if not np.isfinite(z).any():
        raise InputError(path, f"{what} holds no valid {'heights' if what == 'DEM' else 'values'} (all cells are no-data)")
    return z, t, crs


def _rio_crs(crs):
    from rasterio.crs import CRS

    if crs is None:
        return None
    if isinstance(crs, CRSInfo):
        return CRS.from_epsg(crs.epsg) if crs.epsg else None
    return crs


def _same_crs(a, b) -> bool:
    if a is None or b is None:
        return True
    ea = a.epsg if isinstance(a, CRSInfo) else a.to_epsg()
    eb = b.epsg if isinstance(b, CRSInfo) else b.to_epsg()
    return ea is not None and ea == eb


def _to_target(path, z, transform, src_crs, target: CRSInfo, resolution_m, bounds, resampling: str | None = None,
               what: str = "DEM"):
    """Reproject / resample / clip the array to the model CRS; returns (z, transform, crs).
    ``resampling``: a rasterio Resampling name (default: average when coarser, else bilinear)."""
    from rasterio.transform import Affine, array_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

    rows, cols = z.shape
    dst_crs = target if target else src_crs
    same = _same_crs(src_crs, dst_crs)
    native = abs(transform.a)
    if same and resolution_m is None and bounds is None:
        return z, transform, dst_crs
    if same and bounds is not None and resolution_m is None:
        # plain window: no resampling at all
        xmin, ymin, xmax, ymax = bounds
        c0 = int(np.clip(np.floor((xmin - transform.c) / transform.a), 0, cols))
        c1 = int(np.clip(np.ceil((xmax - transform.c) / transform.a), 0, cols))
        r0 = int(np.clip(np.floor((transform.f - ymax) / -transform.e), 0, rows))
        r1 = int(np.clip(np.ceil((transform.f - ymin) / -transform.e), 0, rows))
        if c1 - c0 < 2 or r1 - r0 < 2:
            raise InputError(path, f"the {what} does not cover the requested area")
        t = Affine(transform.a, 0.0, transform.c + c0 * transform.a, 0.0, transform.e, transform.f + r0 * transform.e)
        return z[r0:r1, c0:c1], t, dst_crs
    src_rio, dst_rio = _rio_crs(src_crs), _rio_crs(dst_crs)
    if src_rio is None or dst_rio is None:
        src_rio = dst_rio = _rio_crs(CRSInfo(3857))  # unknown CRS: any metric CRS for resampling only
    left, bottom, right, top = array_bounds(rows, cols, transform)
    res = resolution_m
    if same:
        res = res or native
        if bounds is not None:
            left, bottom = max(left, bounds[0]), max(bottom, bounds[1])
            right, top = min(right, bounds[2]), min(top, bounds[3])
            if right - left < 2 * res or top - bottom < 2 * res:
                raise InputError(path, f"the {what} does not cover the requested area")
        width = max(int(round((right - left) / res)), 2)
        height = max(int(round((top - bottom) / res)), 2)
        dst_t = Affine(res, 0.0, left, 0.0, -res, top)
    else:
        if res is None:
            dst_t, width, height = calculate_default_transform(src_rio, dst_rio, cols, rows, left, bottom, right, top)
            # keep the native spacing when the warp barely changes it (UTM 32 <-> 33: ~0.5 %)
            res = native if abs(abs(dst_t.a) / native - 1) < 0.1 else float(np.ceil(abs(dst_t.a) * 1000) / 1000)
        l2, b2, r2, t2 = transform_bounds(src_rio, dst_rio, left, bottom, right, top, densify_pts=21)
        if bounds is not None:
            l2, b2, r2, t2 = max(l2, bounds[0]), max(b2, bounds[1]), min(r2, bounds[2]), min(t2, bounds[3])
            if r2 - l2 < 2 * res or t2 - b2 < 2 * res:
                raise InputError(path, f"the {what} does not cover the requested area")
        # align the grid to multiples of the resolution (as the national DEM grids are)
        l2, t2 = np.floor(l2 / res) * res, np.ceil(t2 / res) * res
        width = max(int(np.ceil((r2 - l2) / res)), 2)
        height = max(int(np.ceil((t2 - b2) / res)), 2)
        dst_t = Affine(res, 0.0, l2, 0.0, -res, t2)
    if width * height > MAX_NODES:
        raise InputError(path, f"{'terrain' if what == 'DEM' else what} of {width} × {height} "
                               f"{'nodes' if what == 'DEM' else 'cells'} is too large; choose a coarser resolution")
    coarser = res > native * 1.01
    dst = np.full((height, width), np.nan)
    reproject(source=z, destination=dst, src_transform=transform, src_crs=src_rio, src_nodata=np.nan,
              dst_transform=dst_t, dst_crs=dst_rio, dst_nodata=np.nan,
              resampling=getattr(Resampling, resampling) if resampling else
              (Resampling.average if coarser else Resampling.bilinear))
    if not np.isfinite(dst).any():
        raise InputError(path, f"the {what} does not overlap the model area after reprojection")
    return dst, dst_t, dst_crs


def _grid_from_array(path, z, transform, crs) -> TerrainGrid:
    if z.shape[0] < 2 or z.shape[1] < 2:
        raise InputError(path, f"DEM is too small ({z.shape[0]} × {z.shape[1]} cells; need at least 2 × 2)")
    crs_info = crs if isinstance(crs, CRSInfo) or crs is None else CRSInfo(None, text=str(crs))
    return TerrainGrid(z=z, x0=transform.c + transform.a / 2, y0=transform.f + transform.e / 2,
                       dx=transform.a, dy=-transform.e, crs=crs_info, source=str(path))


def grid_transform(grid: TerrainGrid):
    """The rasterio Affine (pixel is area) whose cell centres are the grid's nodes."""
    from rasterio.transform import Affine

    return Affine(grid.dx, 0.0, grid.x0 - grid.dx / 2, 0.0, -grid.dy, grid.y0 + grid.dy / 2)


# ====================================================================== terrain in the scene
def load_terrain(path, model, resolution_m: float | None = None, dem_crs=None, bounds=None,
                 max_nodes: float | None = None) -> TerrainGrid:
    """Read a DEM for ``model`` (reprojected to its CRS). Thin wrapper over :func:`read_dem`."""
    return read_dem(path, model_crs=model.crs if model is not None else None, dem_crs=dem_crs,
                    resolution_m=resolution_m, bounds=bounds, max_nodes=max_nodes)


#: default vertical tolerance (m) of the adaptive terrain mesh the CLI attaches (--terrain-tolerance)
MESH_TOLERANCE_M = 0.1


def attach_terrain(model, path, resolution_m: float | None = None, dem_crs=None,
                   tolerance_m: float = 0.5, margin_m: float = 1000.0,
                   max_nodes: float = 4_000_000, mesh_tolerance_m: float | None = MESH_TOLERANCE_M) -> TerrainGrid:
    """Load a DEM for ``model`` and attach it, so every command sees it:

    - ``model.terrain_grid``   the :class:`TerrainGrid` (model CRS; heights for observers)
    - ``model.terrain``        its mesh as a Scene in the model's local frame: adaptive with at
                               most ``mesh_tolerance_m`` metres vertical error (default 0.1 m,
                               :mod:`model.terrain_mesh`); None or 0 = the regular grid mesh
    - ``model.terrain_check``  :func:`check_ground_heights` of the model's buildings

    Only the DEM within ``margin_m`` (default 1 km, the longest shadow docs/ARCHITECTURE.md allows) around
    the model is kept; without ``resolution_m`` it is coarsened to at most ``max_nodes`` nodes
    (4·10⁶: 2 km × 2 km at 1 m, ≈ 8·10⁶ triangles). Floating / buried buildings are also added
    to ``model.warnings`` (one summary line)."""
    bb = model.bbox()
    bounds = None if bb is None else (bb[0] - margin_m, bb[1] - margin_m, bb[3] + margin_m, bb[4] + margin_m)
    grid = load_terrain(path, model, resolution_m=resolution_m, dem_crs=dem_crs, bounds=bounds,
                        max_nodes=max_nodes)
    if mesh_tolerance_m is not None and not mesh_tolerance_m >= 0:
        raise InputError(path, f"terrain tolerance must be ≥ 0 m, got {mesh_tolerance_m}")
    grid.mesh_tolerance_m = float(mesh_tolerance_m) if mesh_tolerance_m else None
    model.terrain_grid = grid
    model.terrain = grid.scene(model.origin, crs=model.crs)
    for w in grid.warnings:
        model.warn(f"terrain {Path(path).name}: {w}", codes.TERRAIN)
    try:
        model.terrain_check = check_ground_heights(model.scene(), grid, tolerance_m)
    except Exception as exc:  # the check is advisory; never block loading
        model.terrain_check = []
        model.warn(f"terrain {Path(path).name}: ground height check failed ({type(exc).__name__})", codes.TERRAIN)
    floating = [r["id"] for r in model.terrain_check if r["status"] == "floating"]
    buried = [r["id"] for r in model.terrain_check if r["status"] == "buried"]
    if floating or buried:
        model.warn(f"terrain {Path(path).name}: {len(floating)} building(s) float above and {len(buried)} are "
                   f"buried in the terrain by more than {tolerance_m:g} m"
                   f" (e.g. {(floating + buried)[0]})", codes.FLOATING_BUILDINGS)
    bb = model.bbox()
    if bb is not None:
        gx0, gy0, gx1, gy1 = grid.bounds
        if bb[3] < gx0 or bb[0] > gx1 or bb[4] < gy0 or bb[1] > gy1:
            model.warn(f"terrain {Path(path).name}: the DEM does not overlap the model "
                       f"(different CRS or wrong tile?)", codes.TERRAIN_OUTSIDE)
    return grid


def terrain_info(model) -> dict | None:
    """What ``info`` reports about an attached terrain (None without one)."""
    grid = model.terrain_grid
    if grid is None:
        return None
    out = grid.summary()
    sc = model.terrain
    out["triangles"] = int(sc.n_triangles) if sc is not None else 0
    out["mesh_tolerance_m"] = grid.mesh_tolerance_m  # None: regular grid mesh
    check = model.terrain_check
    out["floating_buildings"] = [r for r in check if r["status"] == "floating"]
    out["buried_buildings"] = [r for r in check if r["status"] == "buried"]
    return out


# ====================================================================== ground height check
def check_ground_heights(scene: Scene, grid: TerrainGrid, tolerance_m: float = 0.5,
                         types=("Building", "BuildingPart")) -> list[dict]:
    """Buildings whose ground does not meet the terrain by more than ``tolerance_m`` metres.

    For every object of the given types the terrain height is sampled (bilinear) under its
    ground vertices — the vertices of its GroundSurface triangles, or, without semantics, its
    lowest vertices (within 5 cm of its minimum z). ``offset = z_ground − z_terrain`` per vertex:

    - ``floating`` when even the lowest offset is > tolerance (no footprint corner touches the
      terrain),
    - ``buried`` when even the highest offset is < −tolerance (no corner reaches up to it).

    A building on a slope whose ground sits at the downhill terrain height is neither.
    Returns [{id, status, ground_z_m, terrain_z_m, offset_m}] (offset = the smallest |offset|
    among its ground vertices, signed; heights in the model's vertical datum).
    """
    if scene.n_triangles == 0:
        return []
    wanted = np.array([t in set(types) for t in scene.object_types] or [False])
    tri_ok = wanted[scene.object_index]
    if not tri_ok.any():
        return []
    n_obj = len(scene.object_ids)
    obj = scene.object_index[tri_ok]
    tris = scene.triangles[tri_ok]
    ground = scene.surface_type[tri_ok] == GROUND
    has_ground = np.zeros(n_obj, dtype=bool)
    has_ground[obj[ground]] = True
    # lowest z per object, for objects without GroundSurface
    zt = scene.vertices[tris, 2]
    zmin = np.full(n_obj, np.inf)
    np.minimum.at(zmin, obj, zt.min(axis=1))
    vert_obj = np.repeat(obj, 3)
    vert = tris.ravel()
    use_tri = np.where(has_ground[obj], ground, True)
    use_vert = np.repeat(use_tri, 3)
    low = scene.vertices[vert, 2] <= zmin[vert_obj] + 0.05
    keep = use_vert & (has_ground[vert_obj] | low)
    pairs = np.unique(np.c_[vert_obj[keep], vert[keep]], axis=0)
    if not len(pairs):
        return []
    v_obj, v_idx = pairs[:, 0], pairs[:, 1]
    xyz = scene.vertices[v_idx]
    tz = grid.height_local(xyz[:, :2], scene.origin, method="bilinear")
    ok = np.isfinite(tz)
    v_obj, xyz, tz = v_obj[ok], xyz[ok], tz[ok]
    offset = xyz[:, 2] - tz
    lo = np.full(n_obj, np.inf)
    hi = np.full(n_obj, -np.inf)
    np.minimum.at(lo, v_obj, offset)
    np.maximum.at(hi, v_obj, offset)
    report = []
    for k in np.flatnonzero(np.isfinite(lo)):
        if lo[k] > tolerance_m:
            status, worst = "floating", lo[k]
        elif hi[k] < -tolerance_m:
            status, worst = "buried", hi[k]
        else:
            continue
        sel = v_obj == k
        i = np.flatnonzero(sel)[np.argmin(np.abs(offset[sel] - worst))]
        report.append({
            "id": scene.object_ids[k], "status": status,
            "ground_z_m": round(float(xyz[i, 2] + scene.origin[2]), 3),
            "terrain_z_m": round(float(tz[i] + scene.origin[2]), 3),
            "offset_m": round(float(worst), 3),
        })
    return report


# ====================================================================== raster overlays
@dataclass(eq=False)
class RasterOverlay:
    """A raster sampled at the nodes of a terrain grid (for draped display).

    values     (rows, cols, bands) float64 on the terrain grid's nodes, NaN = no data
    name       display name (file stem)
    band_names descriptions of the bands (or "band 1" …)
    source     the raster file
    """

    values: np.ndarray
    name: str
    band_names: list
    source: str

    @property
    def is_rgb(self) -> bool:
        return self.values.shape[2] >= 3

    def band(self, i: int = 0) -> np.ndarray:
        return self.values[:, :, i]


def sample_raster(path, grid: TerrainGrid, raster_crs=None, bands=None,
                  resampling: str = "bilinear") -> RasterOverlay:
    """Reproject any georeferenced raster onto the nodes of ``grid`` (model CRS) with the GDAL
    warper: a flood-depth GeoTIFF gives one band of depths (m), an orthophoto three RGB bands.
    ``raster_crs`` is used when the file names none; ``bands`` (1-based) selects bands
    (default: the first, or the first three of an RGB image). ``resampling``: bilinear/nearest."""
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.warp import Resampling, reproject

    from .local_only import check_local_file

    path = check_local_file(path, "a raster")
    if not path.exists():
        raise InputError(path, "no such file")
    target = _rio_crs(grid.crs) if grid.crs else None
    given = _rio_crs(crs_argument(raster_crs, path)) if raster_crs else None
    try:
        with rasterio.open(path) as ds:
            if bands is None:
                rgb = ds.count >= 3 and all(c in (rasterio.enums.ColorInterp.red, rasterio.enums.ColorInterp.green,
                                                  rasterio.enums.ColorInterp.blue)
                                            for c in ds.colorinterp[:3])
                bands = [1, 2, 3] if rgb or (ds.count >= 3 and ds.dtypes[0] == "uint8") else [1]
            bands = [int(b) for b in bands]
            if any(b < 1 or b > ds.count for b in bands):
                raise InputError(path, f"raster has {ds.count} band(s); asked for {bands}")
            src_crs = given or ds.crs or target
            if src_crs is None:
                raise InputError(path, "raster has no CRS; give one")
            out = np.full((len(bands), *grid.shape), np.nan)
            names = [ds.descriptions[b - 1] or f"band {b}" for b in bands]
            for k, b in enumerate(bands):
                reproject(source=rasterio.band(ds, b), destination=out[k], src_crs=src_crs,
                          src_nodata=ds.nodata, dst_transform=grid_transform(grid),
                          dst_crs=target or src_crs, dst_nodata=np.nan,
                          resampling=getattr(Resampling, resampling))
    except InputError:
        raise
    except (RasterioError, OSError, ValueError, AttributeError) as exc:
        raise InputError(path, f"cannot read raster ({' '.join(str(exc).split())[:200]})") from None
    return RasterOverlay(values=np.moveaxis(out, 0, -1), name=path.stem, band_names=names, source=str(path))
