"""2D geo layers (parcels, Bebauungsplan areas, streets, monuments) from GeoJSON, GeoPackage,
Shapefile or any other OGR vector format, read with pyogrio (GDAL/OGR).

A :class:`model.layer.Layer` holds shapely 2.x geometries in the **model CRS** (reprojected with pyproj,
``always_xy``), an attribute table (one numpy column per field) and the CRS. It serves

- as analysis extent (``layer.union()`` / ``layer.extent()``),
- as parcel boundaries for the setback check (``layer.polygons()`` → shapely Polygons),
- as overlay in the viewer (``viewer/layers_view.py`` drapes it on the terrain).

GeoJSON without a ``crs`` member is WGS84 (RFC 7946 §4); a Shapefile without ``.prj`` is assumed
to be in the model CRS (with a warning). A GeoPackage with several layers gives several Layers.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from stadtbild.model import codes
from stadtbild.model.crs import CRSInfo, crs_argument, parse_crs
from stadtbild.model.errors import InputError
from stadtbild.model.layer import Layer


# ====================================================================== reading
def list_layers(path) -> list[str]:
    """Names of the vector layers in a file (a GeoPackage may hold several)."""
    import pyogrio

    from .local_only import check_local_file

    path = check_local_file(path, "a layer")
    if not path.exists():
        raise InputError(path, "no such file")
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(path, f"not a readable vector layer file ({_short(exc)})") from None


def read_layer(path, model_crs=None, layer: str | int | None = None, layer_crs=None) -> Layer:
    """Read one vector layer and reproject it to ``model_crs`` (CRSInfo/"EPSG:…"/int/None).

    ``layer`` names the layer in a multi-layer file (default: the first); ``layer_crs`` is used
    when the file has no CRS."""
    import pyogrio
    from pyogrio.errors import DataSourceError, DataLayerError

    from .local_only import check_local_file

    path = check_local_file(path, "a layer")
    if not path.exists():
        raise InputError(path, "no such file")
    try:
        meta, _fids, wkb, field_data = pyogrio.raw.read(path, layer=layer)
    except (DataSourceError, DataLayerError) as exc:
        raise InputError(path, f"not a readable vector layer ({_short(exc)})") from None
    except Exception as exc:  # GDAL reports everything else as generic errors
        raise InputError(path, f"cannot read layer ({_short(exc)})") from None
    warnings: list[str] = []
    try:
        geoms = shapely.from_wkb(wkb, on_invalid="ignore") if wkb is not None else np.full(len(field_data[0]) if field_data else 0, None, dtype=object)
    except Exception as exc:
        raise InputError(path, f"layer holds unreadable geometries ({_short(exc)})") from None
    geoms = np.asarray(geoms, dtype=object)
    names = [str(n) for n in meta.get("fields", [])]
    attributes = {n: _column(col) for n, col in zip(names, field_data)}
    src_crs_text = meta.get("crs")
    src = _crs_from_text(src_crs_text)
    if layer_crs is not None:
        src = crs_argument(layer_crs, path)
    target = crs_argument(model_crs, path) if model_crs is not None else None
    if not src:
        if target:
            warnings.append("layer has no CRS; assumed to be the model's")
        src = target or CRSInfo(None)
    elif target and target.epsg != src.epsg:
        geoms = _reproject(geoms, src, target, path, warnings)
    # 2D: planning layers are drawn on the terrain, their z (if any) is not used
    geoms = shapely.force_2d(geoms)
    name = meta.get("layer_name") or (str(layer) if isinstance(layer, str) else path.stem)
    return Layer(name=str(name), geometries=geoms, attributes=attributes, crs=target or src,
                 geometry_type=str(meta.get("geometry_type") or "Unknown"), source=str(path),
                 source_crs=src_crs_text if isinstance(src_crs_text, str) and len(src_crs_text) < 40 else (src.name if src else None),
                 warnings=warnings)


def read_layers(path, model_crs=None) -> list[Layer]:
    """Every layer of a file (one for GeoJSON/Shapefile, maybe several for a GeoPackage)."""
    names = list_layers(path)
    if len(names) <= 1:
        return [read_layer(path, model_crs)]
    return [read_layer(path, model_crs, layer=n) for n in names]


def attach_layers(model, paths) -> list[Layer]:
    """Read every layer of ``paths`` for ``model`` (reprojected to its CRS) and append them to
    ``model.layers`` so every command sees them; their warnings go to ``model.warnings``."""
    layers = list(model.layers)
    crs = model.crs if model.crs else None
    for p in paths:
        for lyr in read_layers(p, crs):
            for w in lyr.warnings:
                model.warn(f"layer {Path(p).name}: {w}", codes.LAYER)
            layers.append(lyr)
    model.layers = layers
    return layers


def _column(col) -> np.ndarray:
    arr = np.asarray(col)
    if arr.dtype.kind in "OU":
        return np.array([None if v is None else str(v) for v in arr], dtype=object)
    return arr


def _crs_from_text(text) -> CRSInfo:
    if not text:
        return CRSInfo(None)
    info = parse_crs(text)
    if info:
        return info
    try:  # WKT / PROJ string: ask pyproj for an EPSG code
        from pyproj import CRS

        code = CRS.from_user_input(text).to_epsg(min_confidence=70)
        return CRSInfo(code, text=str(text)[:80]) if code else CRSInfo(None, text=str(text)[:80])
    except Exception:
        return CRSInfo(None, text=str(text)[:80])


def _reproject(geoms: np.ndarray, src: CRSInfo, dst: CRSInfo, path, warnings: list | None = None) -> np.ndarray:
    from stadtbild.model.crs import transformer_between

    try:
        tr, how = transformer_between(src.epsg, dst.epsg)
        if how.note and warnings is not None:
            warnings.append(f"{Path(path).name}: {how.note}")
    except Exception as exc:
        raise InputError(path, f"cannot transform {src.name} to {dst.name} ({_short(exc)})") from None

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.c_[x, y]

    out = shapely.transform(geoms, fn)
    if len(out) and not np.isfinite(shapely.total_bounds(out)).all() and shapely.total_bounds(geoms).size:
        if np.isfinite(shapely.total_bounds(geoms)).all():
            raise InputError(path, f"layer coordinates cannot be transformed from {src.name} to {dst.name}")
    return out


def _short(exc) -> str:
    return " ".join(str(exc).split())[:200]
