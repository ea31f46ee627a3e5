"""Tables and GIS layers of per-object and per-surface results; rasters as GeoTIFF.

- **objects**: one row per object with geometry (the 2D footprint: union of GroundSurfaces, else
  roofs, else all polygons, projected to the plane; MultiPolygon in the model CRS): ``id``,
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
import warnings

import numpy as np

from model.errors import InputError
from model.fileio import replace_via_temp
from model.semantics import SURFACE_TYPES

from ._common import Edits, object_footprint, polygon_geometries, safe_name


# ---------------------------------------------------------------------- table building
def object_table(model, lod=None, results=None, edits: Edits | None = None):
    """(columns dict name -> list, geometries list of shapely|None) for the objects table."""
    inserted = set(edits.inserted) if edits else set()
    ids = list(model.objects)
    cols: dict[str, list] = {"id": ids, "type": [], "parent": [], "status": [], "footprint_area_m2": []}
    geoms = []
    for oid in ids:
        obj = model.objects[oid]
        cols["type"].append(obj.type)
        cols["parent"].append(obj.parents[0] if obj.parents else None)
        cols["status"].append("inserted" if oid in inserted else "existing")
        fp, _ = object_footprint(model, oid, lod)
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
    return cols, list(polygon_geometries(model, rows))


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
    from model.fileio import atomic_write_bytes

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


def _ogr_fields(cols: dict):
    names, data, masks = [], [], []
    for name, vals in cols.items():
        vals = list(vals)
        kinds = {type(v) for v in vals if v is not None and not (isinstance(v, float) and np.isnan(v))}
        if kinds and kinds <= {bool}:
            arr = np.array([bool(v) if v is not None else False for v in vals])
            mask = np.array([v is None for v in vals])
        elif kinds <= {int, float, np.float64, np.int64}:
            arr = np.array([np.nan if v is None else float(v) for v in vals], dtype=np.float64)
            if kinds <= {int, np.int64} and kinds and not np.isnan(arr).any():
                arr = arr.astype(np.int64)
            mask = None
        else:
            arr = np.array(["" if v is None else str(v) for v in vals], dtype=object)
            mask = np.array([v is None for v in vals])
        names.append(name[:63])
        data.append(arr)
        masks.append(mask if mask is not None and mask.any() else None)
    return names, data, masks


def _wkb(geoms, force_multi_2d: bool):
    import shapely

    arr = np.array([g if g is not None else None for g in geoms], dtype=object)
    if force_multi_2d:
        arr = np.array([None if g is None else (shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else
                                                 shapely.MultiPolygon([p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"])
                                                 if g.geom_type != "MultiPolygon" else g) for g in arr], dtype=object)
    return shapely.to_wkb(arr, output_dimension=2 if force_multi_2d else 3)


def _geometry_type(geoms) -> str:
    types = {g.geom_type for g in geoms if g is not None}
    has_z = any(g.has_z for g in geoms if g is not None)
    if len(types) == 1:
        t = types.pop()
        return f"{t} Z" if has_z else t
    return "Unknown"


def _write_ogr_layers(path, driver, layers: list, crs_wkt, dataset_options=None, layer_options=None):
    """layers: [(name, cols, geoms, geometry_type, force_multi_2d)] written into one new file."""
    def write(tmp):
        with warnings.catch_warnings():
            # a model without CRS gives a file without CRS; the CLI already warned about it
            warnings.filterwarnings("ignore", message=".*'crs' was not provided.*")
            _write_layers(tmp, driver, layers, crs_wkt, dataset_options, layer_options)

    replace_via_temp(path, write)


def _write_layers(tmp, driver, layers, crs_wkt, dataset_options, layer_options):
    import pyogrio.raw

    for i, (name, cols, geoms, gtype, multi2d) in enumerate(layers):
        names, data, masks = _ogr_fields(cols)
        pyogrio.raw.write(tmp, _wkb(geoms, multi2d), data, names, field_mask=masks, layer=name,
                          driver=driver, geometry_type=gtype, crs=crs_wkt, append=i > 0,
                          promote_to_multi=False, dataset_options=dataset_options if i == 0 else None,
                          layer_options=layer_options)


def _crs_wkt(model):
    crs = model.crs.pyproj() if model.crs else None
    return crs.to_wkt() if crs is not None else None


def write_geojson(model, path, lod=None, results=None, edits: Edits | None = None, table: str = "objects",
                  wgs84: bool = False) -> dict:
    """GeoJSON of one table ("objects" footprints, "surfaces" 3D polygons or a result layer)."""
    cols, geoms = _table(model, lod, results, edits, table)
    multi = table == "objects"
    gtype = "MultiPolygon" if multi else _geometry_type(geoms)
    opts = {"RFC7946": "YES"} if wgs84 else {"WRITE_NAME": "NO", "COORDINATE_PRECISION": 4}
    _write_ogr_layers(path, "GeoJSON", [(table, cols, geoms, gtype, multi)], _crs_wkt(model), layer_options=opts)
    return {"objects": len(geoms), "table": table}


def write_gpkg(model, path, lod=None, results=None, edits: Edits | None = None) -> dict:
    """GeoPackage with the layers ``objects`` (footprints), ``surfaces`` (3D polygons) and one
    layer per result geometry layer."""
    layers = []
    cols, geoms = object_table(model, lod, results, edits)
    layers.append(("objects", cols, geoms, "MultiPolygon", True))
    scols, sgeoms = surface_table(model, lod, results)
    layers.append(("surfaces", scols, sgeoms, "Polygon Z", False))
    for name, (lc, lg) in layer_tables(results).items():
        layers.append((name, lc, lg, _geometry_type(lg), False))
    _write_ogr_layers(path, "GPKG", layers, _crs_wkt(model))
    return {"objects": len(geoms), "surfaces": len(sgeoms), "layers": [entry[0] for entry in layers]}


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
