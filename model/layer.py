"""A 2D geo layer (parcels, Bebauungsplan areas, streets, monuments) in the model CRS: shapely
geometries, an attribute table and the CRS. Read by :mod:`importers.layers`, attached to a model
(:attr:`model.citymodel.CityModel.layers`), drawn by ``viewer/layers_view.py``, written by the
exporters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from .crs import CRSInfo
from .errors import InputError


@dataclass(eq=False)
class Layer:
    """A 2D vector layer in the model CRS.

    name          layer name (GPKG layer name or file stem)
    geometries    (n,) object array of shapely geometries (None for features without geometry),
                  x/y in metres of ``crs``
    attributes    {field name: (n,) numpy array}, the attribute table in file order
    crs           ``CRSInfo`` of the geometries (the model CRS after reading for a model)
    geometry_type "Polygon", "MultiLineString", … as OGR reports it
    source        the file read
    source_crs    the file's own CRS (e.g. "EPSG:4326")
    """

    name: str
    geometries: np.ndarray
    attributes: dict
    crs: CRSInfo
    geometry_type: str = "Unknown"
    source: str | None = None
    source_crs: str | None = None
    warnings: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.geometries)

    @property
    def fields(self) -> list[str]:
        return list(self.attributes)

    def records(self) -> list[dict]:
        """Attribute rows as dicts (numpy scalars turned into Python values)."""
        cols = {k: v.tolist() for k, v in self.attributes.items()}
        return [{k: cols[k][i] for k in cols} for i in range(len(self))]

    def column(self, name: str) -> np.ndarray:
        try:
            return self.attributes[name]
        except KeyError:
            raise InputError(self.source, f"layer {self.name!r} has no attribute {name!r} "
                                          f"(has: {', '.join(self.fields) or 'none'})") from None

    def where(self, name: str, value) -> "Layer":
        """The features whose attribute ``name`` equals ``value``."""
        return self.subset(self.column(name) == value)

    def subset(self, mask) -> "Layer":
        mask = np.asarray(mask, dtype=bool)
        return Layer(self.name, self.geometries[mask], {k: v[mask] for k, v in self.attributes.items()},
                     self.crs, self.geometry_type, self.source, self.source_crs, list(self.warnings))

    def to_local(self, origin) -> np.ndarray:
        """The geometries shifted into a scene's local frame (x − origin[0], y − origin[1])."""
        o = np.asarray(origin, dtype=np.float64).reshape(-1)[:2]
        return shapely.transform(self.geometries, lambda c: c - o)

    def polygons(self, local_origin=None) -> list:
        """All polygon parts as shapely Polygons (MultiPolygons split), e.g. parcels for the
        setback check; in the model CRS, or local when ``local_origin`` is given."""
        geoms = self.geometries if local_origin is None else self.to_local(local_origin)
        parts = shapely.get_parts(geoms[shapely.get_type_id(geoms) >= 0] if len(geoms) else geoms)
        return [g for g in parts if g is not None and g.geom_type == "Polygon" and not g.is_empty]

    def union(self):
        """All geometries merged (shapely), e.g. an analysis extent."""
        valid = [g for g in self.geometries if g is not None]
        return shapely.union_all(shapely.make_valid(np.array(valid, dtype=object))) if valid else shapely.Polygon()

    def extent(self) -> tuple[float, float, float, float] | None:
        """(xmin, ymin, xmax, ymax) in the layer CRS, or None for an empty layer."""
        b = shapely.total_bounds(self.geometries)
        return None if not np.isfinite(b).all() else tuple(float(v) for v in b)

    def summary(self) -> dict:
        """What ``info`` reports about the layer (JSON-ready)."""
        ext = self.extent()
        return {"name": self.name, "source": self.source, "features": len(self),
                "geometry_type": self.geometry_type, "crs": self.crs.name if self.crs else None,
                "source_crs": self.source_crs, "fields": self.fields,
                "extent": None if ext is None else [round(v, 3) for v in ext]}
