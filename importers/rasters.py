"""Georeferenced images for the picture: orthophotos (DOP, RGB(A)) and single-band overlays
(flood / heavy-rain depth, any GeoTIFF), read with rasterio (GDAL) in the model CRS.

Orthophotos (:class:`ImageMosaic`)
    One or more files — GeoTIFF, JPEG/PNG/TIFF with a world file (``.jgw``/``.pgw``/``.tfw``, GDAL
    reads it beside the image), or a GDAL VRT of local files — form one mosaic. A file in another
    CRS is warped on the fly through a ``WarpedVRT`` (GDAL warper, bilinear); a file that names no
    CRS (a world file says nothing about it) is taken to be in the model CRS, with a warning, or in
    ``image_crs`` when given. :meth:`ImageMosaic.read_rgba` reads any rectangle of the model CRS at
    any pixel size: GDAL picks the file's overview level (internal overviews of a COG, ``.ovr``)
    and decimates by area averaging, so a 10 km² DOP20 (250 Mpx) is never read whole to show it
    from afar — the viewer's level-of-detail tiles (``viewer/ortho.py``) ask only for what the
    screen can show.

Overlays (:func:`read_overlay`)
    Band 1 of any single-band raster as float (NaN = no data) on its own cells, clipped to an area
    of interest. In the model CRS the cells are kept exactly; a raster in another CRS is warped
    with *nearest* resampling (a wet/dry edge must not be smeared into invented shallow water).

Only local files are read (``importers/local_only.py``): a VRT is opened only when every source it
names is a local, non-XML file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stadtbild.model.crs import CRSInfo, crs_argument
from stadtbild.model.errors import InputError

#: a mosaic of more files than this is refused (an ortho folder of a whole state)
MAX_FILES = 4096
#: at most this many output pixels per read (256 Mpx RGBA ≈ 1 GB)
MAX_READ_PIXELS = 256 * 1024 * 1024


def _short(exc) -> str:
    return " ".join(str(exc).split())[:200]


def _rio_crs(crs):
    from .terrain import _rio_crs as to_rio

    return to_rio(crs)


# ====================================================================== orthophotos
@dataclass(eq=False)
class ImageSource:
    """One image file of a mosaic: its CRS, footprint in the model CRS and native pixel size."""

    path: Path
    crs: object  # rasterio CRS of the pixels (the file's, the given or the model's)
    bounds: tuple  # (xmin, ymin, xmax, ymax) in the model CRS, metres
    pixel_m: float  # native pixel size in model-CRS metres (the larger of x / y)
    bands: int
    warped: bool  # True when the file is in another CRS than the model
    _ds: object = None
    _vrt: object = None

    def dataset(self, target_crs):
        """The open rasterio dataset in the model CRS (a WarpedVRT when the CRS differs)."""
        if self._ds is None:
            import rasterio
            from rasterio.vrt import WarpedVRT
            from rasterio.enums import Resampling

            self._ds = rasterio.open(self.path)
            if self.warped:
                self._vrt = WarpedVRT(self._ds, src_crs=self.crs, crs=target_crs, resampling=Resampling.bilinear,
                                      add_alpha=True)  # beyond the warped edge: transparent, not black
        return self._vrt if self._vrt is not None else self._ds

    def close(self) -> None:
        for d in (self._vrt, self._ds):
            if d is not None:
                d.close()
        self._ds = self._vrt = None


@dataclass(eq=False)
class ImageMosaic:
    """Orthophoto files forming one image in the model CRS (see module docstring)."""

    sources: list
    crs: object  # rasterio CRS of the model
    warnings: list = field(default_factory=list)
    name: str = "Luftbild"

    @property
    def bounds(self) -> tuple:
        """(xmin, ymin, xmax, ymax) of all files in the model CRS."""
        b = np.array([s.bounds for s in self.sources], dtype=float)
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())

    @property
    def pixel_m(self) -> float:
        """The finest native pixel size of the files, metres."""
        return float(min(s.pixel_m for s in self.sources))

    @property
    def paths(self) -> list[str]:
        return [str(s.path) for s in self.sources]

    def read_rgba(self, bounds, width: int, height: int) -> np.ndarray:
        """(height, width, 4) uint8 RGBA of the rectangle ``bounds`` (xmin, ymin, xmax, ymax,
        model CRS), pixel (0, 0) at the north-west corner, each output pixel covering
        (xmax − xmin)/width × (ymax − ymin)/height metres. Areas no file covers are transparent
        (alpha 0). Down-sampling averages (GDAL picks overviews), up-sampling is nearest (the
        GPU's texture filter smooths on screen)."""
        width, height = int(width), int(height)
        if width < 1 or height < 1 or width * height > MAX_READ_PIXELS:
            raise ValueError(f"cannot read {width}×{height} pixels")
        out = np.zeros((height, width, 4), dtype=np.uint8)
        xmin, ymin, xmax, ymax = (float(v) for v in bounds)
        px_w, px_h = (xmax - xmin) / width, (ymax - ymin) / height
        for src in self.sources:
            sb = src.bounds
            if sb[0] >= xmax or sb[2] <= xmin or sb[1] >= ymax or sb[3] <= ymin:
                continue
            try:
                _paste(src, self.crs, out, xmin, ymax, px_w, px_h)
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 — GDAL errors of a damaged tile: name the file
                raise InputError(src.path, f"cannot read image ({_short(exc)})") from None
        return out

    def close(self) -> None:
        for s in self.sources:
            s.close()


def _paste(src: ImageSource, target_crs, out: np.ndarray, xmin: float, ymax: float, px_w: float, px_h: float) -> None:
    """Read the part of ``src`` under ``out`` (north-west corner ``xmin, ymax``, pixel size
    ``px_w × px_h``) and paste it where the file has data (later files over earlier ones)."""
    from rasterio.enums import ColorInterp, Resampling
    from rasterio.windows import Window

    ds = src.dataset(target_crs)
    t = ds.transform
    height, width = out.shape[:2]
    # output pixel range covered by the dataset
    dx0, dy1 = t.c, t.f
    dx1, dy0 = t.c + t.a * ds.width, t.f + t.e * ds.height
    ox0 = max(0, int(np.floor((dx0 - xmin) / px_w)))
    ox1 = min(width, int(np.ceil((dx1 - xmin) / px_w)))
    oy0 = max(0, int(np.floor((ymax - dy1) / px_h)))
    oy1 = min(height, int(np.ceil((ymax - dy0) / px_h)))
    if ox1 <= ox0 or oy1 <= oy0:
        return
    # the dataset window under those output pixels (fractional: GDAL resamples sub-pixel exactly)
    col0 = (xmin + ox0 * px_w - t.c) / t.a
    col1 = (xmin + ox1 * px_w - t.c) / t.a
    row0 = (ymax - oy0 * px_h - t.f) / t.e
    row1 = (ymax - oy1 * px_h - t.f) / t.e
    c0, c1 = max(col0, 0.0), min(col1, float(ds.width))
    r0, r1 = max(row0, 0.0), min(row1, float(ds.height))
    if c1 - c0 <= 0 or r1 - r0 <= 0:
        return
    # output pixels of the clipped window
    sx = (ox1 - ox0) / (col1 - col0)
    sy = (oy1 - oy0) / (row1 - row0)
    px0 = ox0 + int(round((c0 - col0) * sx))
    px1 = ox0 + int(round((c1 - col0) * sx))
    py0 = oy0 + int(round((r0 - row0) * sy))
    py1 = oy0 + int(round((r1 - row0) * sy))
    if px1 <= px0 or py1 <= py0:
        return
    window = Window(c0, r0, c1 - c0, r1 - r0)
    shape = (py1 - py0, px1 - px0)
    coarser = (c1 - c0) > shape[1] * 1.01
    resampling = Resampling.average if coarser else Resampling.nearest
    interp = list(ds.colorinterp)
    if interp and interp[0] == ColorInterp.palette:
        idx = ds.read(1, window=window, out_shape=shape, resampling=Resampling.nearest)
        lut = np.zeros((256, 4), np.uint8)
        for k, rgba in ds.colormap(1).items():
            if 0 <= k < 256:
                lut[k] = rgba
        rgb = lut[idx][:, :, :3]
    else:
        bands = [1, 2, 3] if ds.count >= 3 else [1, 1, 1]
        rgb = np.moveaxis(ds.read(bands, window=window, out_shape=(3, *shape), resampling=resampling), 0, -1)
        if rgb.dtype != np.uint8:
            rgb = _to_uint8(rgb, ds)
    mask = ds.read_masks(1, window=window, out_shape=shape, resampling=Resampling.nearest)
    alpha_band = next((i + 1 for i, c in enumerate(interp) if c == ColorInterp.alpha), None)
    if alpha_band is not None:
        a = ds.read(alpha_band, window=window, out_shape=shape, resampling=resampling)
        mask = np.minimum(mask, a if a.dtype == np.uint8 else _to_uint8(a, ds))
    dst = out[py0:py1, px0:px1]
    keep = mask > 0
    dst[keep, :3] = rgb[keep]
    dst[keep, 3] = mask[keep]


def _to_uint8(values: np.ndarray, ds) -> np.ndarray:
    """16-bit or float images to 0..255: integer types by their bit depth (12-bit cameras store
    0..4095 in uint16: scaled by the largest value of the file's first overview), floats 0..1."""
    v = values.astype(np.float64)
    if np.issubdtype(values.dtype, np.integer):
        top = float(np.iinfo(values.dtype).max)
        peak = float(np.nanmax(v)) if v.size else 0.0
        if peak <= 4095:
            top = 4095.0 if peak > 255 else 255.0
        return np.clip(v * (255.0 / top), 0, 255).astype(np.uint8)
    return np.clip(np.nan_to_num(v) * (255.0 if np.nanmax(v) <= 1.0 else 1.0), 0, 255).astype(np.uint8)


def open_mosaic(paths, model_crs, image_crs=None, name: str | None = None) -> ImageMosaic:
    """Open orthophoto files (a list of files, folders of tiles or VRTs of local files) as one
    mosaic in ``model_crs``. Every file must be a georeferenced image (GeoTIFF, or an image with a
    world file); errors name the file."""
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.warp import calculate_default_transform, transform_bounds

    from .local_only import check_local_raster

    files: list[Path] = []
    for p in [Path(p) for p in paths]:
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in (".tif", ".tiff", ".jpg", ".jpeg", ".png",
                                                                         ".jp2", ".vrt"))
            if not found:
                raise InputError(p, "folder holds no images (.tif, .jpg, .png, .jp2, .vrt)")
            files.extend(found)
        else:
            files.append(p)
    if not files:
        raise InputError(None, "no orthophoto given")
    if len(files) > MAX_FILES:
        raise InputError(files[0].parent, f"{len(files)} image files are too many (at most {MAX_FILES}); "
                                          f"build a VRT of the area you need")
    target = crs_argument(model_crs) if model_crs is not None else CRSInfo(None)
    dst = _rio_crs(target) if target else None
    warnings: list[str] = []
    sources = []
    for path in files:
        path = check_local_raster(path, "an orthophoto")
        if not path.exists():
            raise InputError(path, "no such file")
        try:
            with rasterio.open(path) as ds:
                t = ds.transform
                if t.is_identity and ds.crs is None:
                    raise InputError(path, "image has no georeference (no GeoTIFF tags and no world file "
                                           f"{_world_file_names(path)})")
                if t.b != 0 or t.d != 0:
                    raise InputError(path, "rotated images are not supported (world file with rotation terms)")
                src_crs = ds.crs
                if image_crs is not None:
                    src_crs = _rio_crs(crs_argument(image_crs, path))
                if src_crs is None:
                    if dst is None:
                        raise InputError(path, "neither the image nor the model names a CRS; give one")
                    src_crs = dst
                    warnings.append(f"{path.name}: image names no CRS; assumed to be the model's ({target.name})")
                warped = dst is not None and not _same(src_crs, dst)
                left, bottom, right, top = ds.bounds
                if warped:
                    left, bottom, right, top = transform_bounds(src_crs, dst, left, bottom, right, top, densify_pts=21)
                pixel = max(abs(t.a), abs(t.e))
                if warped:  # GDAL's own choice of the warped pixel size (what the WarpedVRT uses)
                    wt, _w, _h = calculate_default_transform(src_crs, dst, ds.width, ds.height, *ds.bounds)
                    pixel = max(abs(wt.a), abs(wt.e))
                if ds.count not in (1, 2, 3, 4) and ds.count < 3:
                    raise InputError(path, f"image has {ds.count} bands; an orthophoto needs 1 (grey), 3 (RGB) or 4 (RGBA)")
                sources.append(ImageSource(path=path, crs=src_crs, bounds=(min(left, right), min(bottom, top),
                                                                            max(left, right), max(bottom, top)),
                                           pixel_m=float(pixel), bands=ds.count, warped=warped))
        except InputError:
            raise
        except (RasterioError, OSError, ValueError) as exc:
            raise InputError(path, f"cannot read image ({_short(exc)})") from None
    return ImageMosaic(sources=sources, crs=dst if dst is not None else sources[0].crs, warnings=warnings,
                       name=name or (files[0].stem if len(files) == 1 else f"{files[0].stem} … ({len(files)} Dateien)"))


def _world_file_names(path: Path) -> str:
    s = path.suffix.lower().lstrip(".")
    short = f".{s[0]}{s[-1]}w" if len(s) >= 2 else ".wld"
    return f"{path.with_suffix(short).name} or {path.name}w"


def _same(a, b) -> bool:
    try:
        return a == b or (a.to_epsg() is not None and a.to_epsg() == b.to_epsg())
    except Exception:  # noqa: BLE001
        return False


# ====================================================================== single-band overlays
@dataclass(eq=False)
class GridImage:
    """Band values on a north-up grid of cells in the model CRS.

    values  (rows, cols) float64, NaN = no data; row 0 is the northern row
    x0, y1  north-west corner of cell (0, 0), metres (model CRS)
    dx, dy  cell size east / south, metres
    """

    values: np.ndarray
    x0: float
    y1: float
    dx: float
    dy: float
    name: str = ""
    source: str | None = None

    @property
    def bounds(self) -> tuple:
        rows, cols = self.values.shape
        return self.x0, self.y1 - rows * self.dy, self.x0 + cols * self.dx, self.y1

    def cell_of(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of the cells containing model-CRS points (may lie outside the grid)."""
        c = np.floor((np.asarray(x, float) - self.x0) / self.dx).astype(np.int64)
        r = np.floor((self.y1 - np.asarray(y, float)) / self.dy).astype(np.int64)
        return r, c


def read_overlay(path, model_crs, raster_crs=None, bounds=None, band: int = 1) -> GridImage:
    """Band ``band`` of a raster as a :class:`GridImage` in the model CRS (cells kept exactly when
    the raster is in the model CRS, else warped with nearest resampling at its own resolution),
    clipped to ``bounds`` (model CRS) when given."""
    from .local_only import check_local_raster
    from .terrain import _read_raster, _to_target

    path = check_local_raster(path, "a raster")
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder; give a raster file (GeoTIFF)")
    if band != 1:
        raise InputError(path, "only band 1 of an overlay raster is drawn")
    target = crs_argument(model_crs, path) if model_crs is not None else CRSInfo(None)
    given = crs_argument(raster_crs, path)
    z, t, src = _read_raster(path, given, bounds, target, what="raster")
    if src is None:
        src = target
    z, t, _crs = _to_target(path, z, t, src, target, None, None, resampling="nearest", what="raster")
    img = GridImage(values=z, x0=float(t.c), y1=float(t.f), dx=float(t.a), dy=float(-t.e), name=path.stem,
                    source=str(path))
    if bounds is not None:
        img = _clip(img, bounds)
        if img is None:
            raise InputError(path, "the raster does not cover the model area (different CRS or wrong tile?)")
    return img


def _clip(img: GridImage, bounds) -> GridImage | None:
    xmin, ymin, xmax, ymax = bounds
    rows, cols = img.values.shape
    c0 = int(np.clip(np.floor((xmin - img.x0) / img.dx), 0, cols))
    c1 = int(np.clip(np.ceil((xmax - img.x0) / img.dx), 0, cols))
    r0 = int(np.clip(np.floor((img.y1 - ymax) / img.dy), 0, rows))
    r1 = int(np.clip(np.ceil((img.y1 - ymin) / img.dy), 0, rows))
    if c1 <= c0 or r1 <= r0:
        return None
    return GridImage(values=img.values[r0:r1, c0:c1], x0=img.x0 + c0 * img.dx, y1=img.y1 - r0 * img.dy,
                     dx=img.dx, dy=img.dy, name=img.name, source=img.source)
