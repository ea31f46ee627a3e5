"""Tables and GIS layers of per-object and per-surface results; rasters as GeoTIFF.

- **objects**: one row per object with geometry (its 2D footprint, :mod:`model.footprint`;
  MultiPolygon in the model CRS): ``id``,
  ``type``, ``parent``, ``status`` (existing / inserted), ``footprint_area_m2``, the object's own
  attributes (scalars; nested values as JSON text) and every result attribute as
  ``<analysis>_<name>``.
- **surfaces**: one row per polygon of each object's exported geometry, with its 3D polygon (holes
  kept): ``object_id``, ``surface`` (ordinal of the polygon in the object's geometry, as in the
  source file), ``surface_type``, ``area_m2`` (true 3D area), ``tilt_deg`` (0 = horizontal facing
  up, 90 = vertical), ``azimuth_deg`` (direction the surface faces, 0 = north, clockwise; NaN for
  horizontal surfaces) and every per-surface result ``<analysis>_<name>``.
- **result layers**: the analyses' 2D/3D geometries (``<analysis>_<layer>``) with their properties,
  and isolines of every result raster at its class breaks (``<analysis>_<raster>_iso``, ``value``).

Writers: CSV (Python's csv; footprint centroid as ``x``, ``y`` and the CRS name in a ``crs``
column — no geometry), GeoJSON and GeoPackage via pyogrio (GDAL) with the CRS written (GeoJSON
keeps the model CRS in its ``crs`` member unless ``wgs84=True``, which lets GDAL reproject to
RFC 7946 lon/lat), GeoPackage with every table as its own layer. Rasters (shadow, viewshed …)
go to GeoTIFF via rasterio (float32, deflate, nodata, CRS and affine transform, units as a tag).
All outputs are written to a temp file and renamed into place.
"""
from __future__ import annotations

import csv
import io
import json

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import replace_via_temp
from stadtbild.model.footprint import object_footprints
from stadtbild.model.semantics import SURFACE_TYPES
from stadtbild.model.shapes import polygon_shapes

from ._common import Edits, safe_name
from .vector import VectorLayer, geometry_type, write_vector


# ---------------------------------------------------------------------- table building
def object_table(model, lod=None, results=None, edits: Edits | None = None):
    """(columns dict name -> list, geometries list of shapely|None) for the objects table."""
    inserted = set(edits.inserted) if edits else set()
    ids = list(model.objects)
    cols: dict[str, list] = {"id": ids, "type": [], "parent": [], "status": [], "footprint_area_m2": []}
    geoms = []
    footprints = object_footprints(model, ids, lod)
    for oid in ids:
        obj = model.objects[oid]
        cols["type"].append(obj.type)
        cols["parent"].append(obj.parents[0] if obj.parents else None)
        cols["status"].append("inserted" if oid in inserted else "existing")
        fp, _ = footprints[oid]
        geoms.append(fp)
        cols["footprint_area_m2"].append(float(fp.area) if fp is not None else np.nan)
    attr_names: list[str] = []
    for obj in model.objects.values():
        for k in obj.attributes:
            if k not in attr_names and k not in cols:
                attr_names.append(k)
    for k in attr_names:
        cols[k] = [_scalar(model.objects[oid].attributes.get(k)) for oid in ids]
    for a in results or []:
        names: list[str] = []
        for attrs in a.objects.values():
            for k in attrs:
                if k not in names:
                    names.append(k)
        for k in names:
            cols[f"{safe_name(a.name, upper=False)}_{k}"] = [_scalar(a.objects.get(oid, {}).get(k)) for oid in ids]
    return cols, geoms


def surface_table(model, lod=None, results=None):
    """(columns, geometries) for the surfaces table (one row per polygon of the exported
    geometry of every object)."""
    rows, owner, ordinal = [], [], []
    for oid, obj in model.objects.items():
        g = model.select_geometry(obj, lod)
        if g is None:
            continue
        r = np.arange(g.poly_start, g.poly_stop)
        rows.append(r)
        owner.extend([oid] * len(r))
        ordinal.append(np.arange(len(r)))
    rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    ordinal = np.concatenate(ordinal) if ordinal else np.zeros(0, np.int64)
    normals = polygon_normals(model)[rows]
    length = np.linalg.norm(normals, axis=1)
    unit = np.divide(normals, length[:, None], out=np.zeros_like(normals), where=length[:, None] > 0)
    tilt = np.degrees(np.arccos(np.clip(unit[:, 2], -1, 1)))
    horizontal = np.hypot(unit[:, 0], unit[:, 1]) < 1e-9
    azimuth = np.where(horizontal, np.nan, np.degrees(np.arctan2(unit[:, 0], unit[:, 1])) % 360.0)
    cols = {
        "object_id": owner,
        "surface": ordinal.tolist(),
        "surface_type": [SURFACE_TYPES[int(c)] for c in model.polygon_semantic[rows]],
        "area_m2": model.polygon_areas()[rows],
        "tilt_deg": tilt,
        "azimuth_deg": azimuth,
    }
    for a in results or []:
        for name, vals in a.surfaces.items():
            vals = np.asarray(vals, dtype=float)
            cols[f"{safe_name(a.name, upper=False)}_{name}"] = vals[rows] if len(vals) == model.n_polygons \
                else np.full(len(rows), np.nan)
    return cols, list(polygon_shapes(model, rows))


def polygon_normals(model) -> np.ndarray:
    """(P, 3) area-weighted normal per model polygon (sum of its triangles' cross products / 2;
    length = area for planar polygons), from the model's triangulation."""
    tri = model.triangulation()
    c = model.vertices[tri.triangles]
    n = 0.5 * np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    out = np.zeros((model.n_polygons, 3))
    for k in range(3):
        out[:, k] = np.bincount(tri.polygon, weights=n[:, k], minlength=model.n_polygons)
    return out


def layer_tables(results):
    """{layer name: (columns, geometries)} for the analyses' geometry layers."""
    out = {}
    for a in results or []:
        for lkey, feats in a.layers_with_isolines().items():
            keys: list[str] = []
            for _, props in feats:
                for k in props:
                    if k not in keys:
                        keys.append(k)
            cols = {k: [_scalar(p.get(k)) for _, p in feats] for k in keys}
            out[f"{safe_name(a.name, upper=False)}_{safe_name(lkey, upper=False)}"] = (cols, [g for g, _ in feats])
    return out


def _scalar(v):
    if v is None or isinstance(v, (str, bool, int, float, np.integer, np.floating)):
        return v.item() if isinstance(v, (np.integer, np.floating)) else v
    return json.dumps(v, ensure_ascii=False, default=str)


# ---------------------------------------------------------------------- writers
def write_csv(model, path, lod=None, results=None, edits: Edits | None = None, table: str = "objects") -> dict:
    """CSV of ``table`` ("objects", "surfaces" or a result layer name). Objects get the footprint
    centroid ``x``, ``y``; surfaces the polygon centroid ``x``, ``y``, ``z``; all rows the ``crs``."""
    from stadtbild.model.fileio import atomic_write_bytes

    cols, geoms = _table(model, lod, results, edits, table)
    import shapely

    cents = [None if g is None or g.is_empty else g.centroid for g in geoms]
    cols = dict(cols)
    cols["x"] = [None if c is None else round(c.x, 4) for c in cents]
    cols["y"] = [None if c is None else round(c.y, 4) for c in cents]
    if table == "surfaces":
        cols["z"] = [None if g is None else round(float(np.mean(shapely.get_coordinates(g, include_z=True)[:-1, 2])), 4)
                     for g in geoms]
    cols["crs"] = [model.crs.name or ""] * len(geoms)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    names = list(cols)
    writer.writerow(names)
    columns = [_csv_column(cols[n]) for n in names]
    for row in zip(*columns):
        writer.writerow(row)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))
    return {"objects": len(geoms), "table": table}


def _csv_column(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            out.append("")
        elif isinstance(v, (float, np.floating)):
            out.append(repr(float(v)))
        else:
            out.append(v)
    return out


def _table(model, lod, results, edits, table):
    if table == "objects":
        return object_table(model, lod, results, edits)
    if table == "surfaces":
        return surface_table(model, lod, results)
    layers = layer_tables(results)
    if table in layers:
        return layers[table]
    raise InputError(None, f"unknown table {table!r} (objects, surfaces{''.join(', ' + k for k in layers)})")


def write_geojson(model, path, lod=None, results=None, edits: Edits | None = None, table: str = "objects",
                  wgs84: bool = False) -> dict:
    """GeoJSON of one table ("objects" footprints, "surfaces" 3D polygons or a result layer)."""
    cols, geoms = _table(model, lod, results, edits, table)
    multi = table == "objects"
    gtype = "MultiPolygon" if multi else geometry_type(geoms)
    opts = {"RFC7946": "YES"} if wgs84 else {"WRITE_NAME": "NO", "COORDINATE_PRECISION": 4}
    write_vector(path, [VectorLayer(table, cols, geoms, gtype, multi, opts)], model.crs, driver="GeoJSON")
    return {"objects": len(geoms), "table": table}


def write_gpkg(model, path, lod=None, results=None, edits: Edits | None = None) -> dict:
    """GeoPackage with the layers ``objects`` (footprints), ``surfaces`` (3D polygons) and one
    layer per result geometry layer."""
    cols, geoms = object_table(model, lod, results, edits)
    scols, sgeoms = surface_table(model, lod, results)
    layers = [VectorLayer("objects", cols, geoms, "MultiPolygon", True),
              VectorLayer("surfaces", scols, sgeoms, "Polygon Z")]
    layers += [VectorLayer(name, lc, lg) for name, (lc, lg) in layer_tables(results).items()]
    write_vector(path, layers, model.crs, driver="GPKG")
    return {"objects": len(geoms), "surfaces": len(sgeoms), "layers": [lyr.name for lyr in layers]}


# ---------------------------------------------------------------------- rasters
def write_geotiff(raster, path, crs=None) -> dict:
    """One :class:`exporters.results.Raster` as a single-band float32 GeoTIFF (deflate) with CRS,
    affine transform, nodata and units."""
    import rasterio
    from rasterio.transform import Affine

    crs = raster.crs or crs
    if not crs:
        raise InputError(path, "the raster has no CRS (the model's CRS is unknown); give --crs")
    vals = np.asarray(raster.values, dtype=np.float32)
    nodata = raster.nodata
    if nodata is None and np.isnan(vals).any():
        nodata = float("nan")
    def write(tmp):
        with rasterio.open(tmp, "w", driver="GTiff", width=vals.shape[1], height=vals.shape[0], count=1,
                           dtype="float32", crs=crs, transform=Affine(*raster.transform), nodata=nodata,
                           compress="deflate", predictor=3) as dst:
            dst.write(vals, 1)
            dst.update_tags(units=raster.units or "", generator="stadtbild")

    replace_via_temp(path, write)
    return {"objects": 1, "shape": list(vals.shape)}


def pick_raster(results, name: str | None = None):
    """(analysis name, raster name, Raster) of ``name`` ("shadow" or "analysis.shadow"), or the
    first raster of the results."""
    found = [(a.name, k, r) for a in results or [] for k, r in a.rasters.items()]
    if not found:
        raise InputError(None, "no raster in the results (shadow / viewshed grids) to write as GeoTIFF")
    if name is None:
        return found[0]
    for a, k, r in found:
        if name in (k, f"{a}.{k}"):
            return a, k, r
    raise InputError(None, f"no raster named {name!r} (have: {', '.join(f'{a}.{k}' for a, k, _ in found)})")
