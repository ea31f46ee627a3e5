"""Vector GIS files written with pyogrio (GDAL/OGR): GeoPackage, GeoJSON, Shapefile, FlatGeobuf.

The one writer behind every table, layer and result that leaves the program as a vector file
(``exporters.tables``, 2D layers, the shadow / sunlight / batch outputs). A file is written to a
temp name in the target folder and renamed into place (a Shapefile's sidecar files with it), with
its CRS named; a GeoPackage gets one OGR layer per :class:`VectorLayer`.

Columns: numeric numpy arrays go to GDAL as they are; lists (and object arrays holding None) are
typed by their values — booleans, integers (int64 when none is missing), reals, else text — with
None written as NULL (a field mask) or NaN for reals.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import replace_via_temp

#: OGR driver by file suffix
DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile",
           ".fgb": "FlatGeobuf", ".geojsonl": "GeoJSONSeq", ".geojsons": "GeoJSONSeq"}


@dataclass
class VectorLayer:
    """One OGR layer: ``columns`` {field name: (n,) array or list}, ``geometries`` (n,) shapely
    geometries or None, ``geometry_type`` the OGR type ("MultiPolygon", "Polygon Z", "Point",
    "Unknown" …; None: from the geometries, :func:`geometry_type`); ``multi_2d`` writes polygons
    as 2D MultiPolygons (footprints)."""

    name: str
    columns: dict
    geometries: list
    geometry_type: str | None = None
    multi_2d: bool = False
    options: dict = field(default_factory=dict)  # OGR layer creation options


def geometry_type(geoms) -> str:
    """The OGR geometry type of ``geoms``: their one shapely type (with " Z" when any has z), else
    "Unknown"."""
    types = {g.geom_type for g in geoms if g is not None}
    has_z = any(g.has_z for g in geoms if g is not None)
    if len(types) == 1:
        t = types.pop()
        return f"{t} Z" if has_z else t
    return "Unknown"


def field_arrays(columns: dict):
    """(names, arrays, masks) for ``pyogrio.raw.write`` from {name: values} (module docstring);
    names are cut to the 63 characters GeoPackage allows."""
    names, data, masks = [], [], []
    for name, vals in columns.items():
        mask = None
        if isinstance(vals, np.ndarray) and vals.dtype.kind in "fiub":
            arr = vals
        elif isinstance(vals, np.ndarray) and vals.dtype.kind in "US":
            arr = vals.astype(object)
        elif isinstance(vals, np.ndarray) and vals.dtype == object and not any(v is None for v in vals):
            arr = vals
        else:
            vals = list(vals)
            kinds = {type(v) for v in vals if v is not None and not (isinstance(v, float) and np.isnan(v))}
            if kinds and kinds <= {bool}:
                arr = np.array([bool(v) if v is not None else False for v in vals])
                mask = np.array([v is None for v in vals])
            elif kinds <= {int, float, np.float64, np.int64}:
                arr = np.array([np.nan if v is None else float(v) for v in vals], dtype=np.float64)
                if kinds <= {int, np.int64} and kinds and not np.isnan(arr).any():
                    arr = arr.astype(np.int64)
            else:
                arr = np.array(["" if v is None else str(v) for v in vals], dtype=object)
                mask = np.array([v is None for v in vals])
        names.append(str(name)[:63])
        data.append(arr)
        masks.append(mask if mask is not None and mask.any() else None)
    return names, data, masks


def _wkb(geoms, multi_2d: bool) -> np.ndarray:
    import shapely

    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    if multi_2d:
        arr = np.array([None if g is None else (shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else
                                                 shapely.MultiPolygon([p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"])
                                                 if g.geom_type != "MultiPolygon" else g) for g in arr], dtype=object)
    return shapely.to_wkb(arr, output_dimension=2 if multi_2d else 3)


def crs_wkt(crs) -> str | None:
    """WKT of a :class:`model.crs.CRSInfo` (None without a CRS)."""
    if crs is None or isinstance(crs, str):
        return crs
    try:
        p = crs.pyproj() if crs else None
    except Exception:  # noqa: BLE001 - an unknown code writes no CRS (the model already warned)
        return None
    return p.to_wkt() if p is not None else None


def write_vector(path, layers: list[VectorLayer], crs=None, driver: str | None = None,
                 dataset_options: dict | None = None) -> Path:
    """Write ``layers`` into one new vector file ``path`` (driver from the suffix unless given),
    atomically, with ``crs`` (:class:`model.crs.CRSInfo`, WKT or None) as the layers' CRS."""
    import pyogrio.raw

    path = Path(path)
    driver = driver or DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise InputError(path, f"unknown vector format {path.suffix!r} (use .gpkg, .geojson or .shp)")
    wkt = crs_wkt(crs)

    def write(tmp):
        with warnings.catch_warnings():
            # a model without CRS gives a file without CRS; the CLI already warned about it
            warnings.filterwarnings("ignore", message=".*'crs' was not provided.*")
            for i, lyr in enumerate(layers):
                names, data, masks = field_arrays(lyr.columns)
                gtype = lyr.geometry_type or geometry_type(lyr.geometries)
                pyogrio.raw.write(str(tmp), _wkb(lyr.geometries, lyr.multi_2d), data, names,
                                  field_mask=masks if any(m is not None for m in masks) else None,
                                  layer=lyr.name, driver=driver, geometry_type=gtype, crs=wkt, append=i > 0,
                                  promote_to_multi=False, dataset_options=dataset_options if i == 0 else None,
                                  layer_options=lyr.options or None)

    if driver != "ESRI Shapefile":
        return replace_via_temp(path, write)
    # a Shapefile is several files (.shp, .shx, .dbf, .prj): written in a temp folder, then moved
    path.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        write(tmpdir / path.name)
        for part in sorted(tmpdir.iterdir()):
            os.replace(part, path.parent / part.name)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return path


def write_layer(layer, path, driver: str | None = None) -> Path:
    """Write a 2D :class:`model.layer.Layer` (new file, atomically). Driver from the suffix
    (.gpkg, .geojson, .shp, .fgb) unless given."""
    geoms = layer.geometries
    gtype = geometry_type(geoms).removesuffix(" Z")
    if (driver or DRIVERS.get(Path(path).suffix.lower())) == "ESRI Shapefile" and gtype == "Unknown":
        if all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms if g is not None):
            gtype = "Polygon"
    name = layer.name if (driver or DRIVERS.get(Path(path).suffix.lower())) == "GPKG" else Path(path).stem
    return write_vector(path, [VectorLayer(name, dict(layer.attributes), geoms, gtype)],
                        crs=layer.crs.name if layer.crs else None, driver=driver)
