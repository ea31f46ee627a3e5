"""A small container that analyses hand to exporters: :class:`Results` (one or more
:class:`AnalysisResult`).

How an analysis produces it (plain numpy / shapely / dicts, nothing else)::

    from stadtbild.exporters.results import AnalysisResult, Results
    from stadtbild.model.raster import Raster

    r = AnalysisResult(
        name="shadow",                                   # short id, becomes DXF layer RESULT_SHADOW …
        title="Schatten 21.03. 12:00",                   # human title (PDF page, legend)
        parameters={"time_local": "2024-03-21T12:00+01:00", "grid_m": 1.0},
        figures={"shadow_area_m2": 12345.6},             # key figures (PDF report, CSV summary)
        objects={"bldg-1": {"shadow_fraction": 0.4}},    # per object id: attributes
        surfaces={"sun_hours_h": values},                # per surface: float array, one value per
                                                         # ROW OF THE MODEL'S POLYGON TABLE
                                                         # (len == model.n_polygons, NaN = no value)
        layers={"shadow": [(shapely_polygon, {"value": 1.0})]},   # 2D/3D shapely geometries in the
                                                         # model CRS (absolute coordinates, metres)
        rasters={"shadow": Raster(array, transform, nodata=-1, units="h")},
        units={"sun_hours_h": "h", "shadow_fraction": "1"},
        colour_by="sun_hours_h",                         # which surface/object value colours faces
        cmap="viridis", classes=None,                    # colour map, or explicit class breaks
        image="shadow.png",                              # optional picture for the PDF report
    )
    results = Results([r], crs="EPSG:28992", source="district.city.json")
    results.save("R.json", model)      # -> main.py export … --results R.json

Per-surface values from a :class:`model.Scene` (values per scene polygon, i.e. indexed like
``scene.polygon_index``) are turned into model rows with :func:`surface_values_from_scene`.

Layers: geometry kind decides the DXF entity (Polygon/MultiPolygon -> HATCH, LineString with
2 points -> LINE, longer -> POLYLINE, Point -> POINT); properties ``value`` (number) and
``class`` (text) are used for colours and legends; everything else becomes table columns.

Rasters: :class:`model.raster.Raster`.

The JSON file written by :meth:`Results.save` stores per-surface values per object as
``{object_id: [value per polygon of that object's geometry at the results' LoD]}`` (polygon
order as in the source file), so that it survives re-loading the same file; rasters are stored
inline as nested lists (keep them modest) and layers as GeoJSON-like geometry dicts.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.raster import Raster

FORMAT_VERSION = 1


@dataclass
class AnalysisResult:
    """Outcome of one analysis run (see the module docstring for every field)."""

    name: str
    title: str = ""
    parameters: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    surfaces: dict = field(default_factory=dict)
    layers: dict = field(default_factory=dict)
    rasters: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    colour_by: str | None = None
    cmap: str = "viridis"
    classes: list | None = None  # explicit class breaks for colour legends (ascending numbers)
    image: str | None = None
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))

    # ------------------------------------------------------------------ colour helpers
    def colour_key(self) -> tuple[str, str] | None:
        """("surfaces"|"objects", name) of the value that colours faces, or None."""
        if self.colour_by:
            if self.colour_by in self.surfaces:
                return "surfaces", self.colour_by
            if any(self.colour_by in a for a in self.objects.values()):
                return "objects", self.colour_by
        for name in self.surfaces:
            return "surfaces", name
        for attrs in self.objects.values():
            for k, v in attrs.items():
                if _is_number(v):
                    return "objects", k
        return None

    def layers_with_isolines(self) -> dict:
        """``layers`` plus, for every raster, its isolines at the interior class breaks as layer
        ``<raster>_iso`` (sun-hour isolines for CAD/GIS)."""
        out = dict(self.layers or {})
        for rname, raster in (self.rasters or {}).items():
            key = f"{rname}_iso"
            if key not in out:
                iso = raster_isolines(raster, self.breaks(raster.valid_values())[1:-1])
                if iso:
                    out[key] = iso
        return out

    def breaks(self, values) -> np.ndarray:
        """Class breaks (ascending, n+1 edges) for the legend: the explicit ``classes`` or
        8 equal-width classes over the finite values."""
        if self.classes:
            return np.asarray(self.classes, dtype=float)
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if not len(v):
            return np.array([0.0, 1.0])
        lo, hi = float(v.min()), float(v.max())
        if hi <= lo:
            hi = lo + 1.0
        return np.linspace(lo, hi, 9)


@dataclass
class Results:
    analyses: list = field(default_factory=list)
    crs: str | None = None
    source: str | None = None
    lod: str | None = None

    def __iter__(self):
        return iter(self.analyses)

    def __len__(self) -> int:
        return len(self.analyses)

    def __bool__(self) -> bool:
        return bool(self.analyses)

    # ------------------------------------------------------------------ JSON
    def to_json(self, model=None) -> dict:
        out = {"stadtbild_results": FORMAT_VERSION, "crs": self.crs, "source": self.source,
               "lod": self.lod, "analyses": []}
        for a in self.analyses:
            surfaces = {}
            for name, vals in a.surfaces.items():
                if model is None:
                    raise ValueError("per-surface values need the model to be saved")
                surfaces[name] = _surfaces_to_objects(model, np.asarray(vals, float), self.lod)
            out["analyses"].append({
                "name": a.name, "title": a.title, "parameters": a.parameters, "figures": a.figures,
                "objects": a.objects, "surfaces": surfaces,
                "layers": {k: [{"geometry": _geom_to_json(g), "properties": p} for g, p in feats]
                           for k, feats in a.layers.items()},
                "rasters": {k: {"values": np.where(np.isfinite(r.values), r.values, None).tolist()
                                if r.values.dtype.kind == "f" else r.values.tolist(),
                                "transform": list(r.transform), "nodata": r.nodata,
                                "units": r.units, "crs": r.crs} for k, r in a.rasters.items()},
                "units": a.units, "colour_by": a.colour_by, "cmap": a.cmap, "classes": a.classes,
                "image": a.image, "created": a.created,
            })
        return out

    def save(self, path, model=None) -> None:
        from stadtbild.model.fileio import atomic_write_bytes, json_default

        atomic_write_bytes(path, json.dumps(self.to_json(model), ensure_ascii=False,
                                            default=json_default).encode("utf-8"))

    @classmethod
    def from_json(cls, doc: dict, model=None, path=None) -> "Results":
        if isinstance(doc, dict) and "analyses" not in doc:
            foreign = _from_other_json(doc, model, path)
            if foreign is not None:
                return foreign
        if not isinstance(doc, dict) or "analyses" not in doc:
            raise InputError(path, "not a Stadtbild results file (no 'analyses'), nor a GeoJSON "
                                   "FeatureCollection or a JSON with per-object records ('id')")
        res = cls(crs=doc.get("crs"), source=doc.get("source"), lod=doc.get("lod"))
        for d in doc["analyses"]:
            if not isinstance(d, dict) or not d.get("name"):
                raise InputError(path, "every analysis in a results file needs a 'name'")
            surfaces = {}
            for name, per_obj in (d.get("surfaces") or {}).items():
                if model is None:
                    continue
                surfaces[name] = _surfaces_from_objects(model, per_obj, res.lod)
            layers = {}
            for lname, feats in (d.get("layers") or {}).items():
                layers[lname] = [(_geom_from_json(f["geometry"], path), dict(f.get("properties") or {}))
                                 for f in feats]
            rasters = {}
            for rname, r in (d.get("rasters") or {}).items():
                vals = np.array([[np.nan if v is None else v for v in row] for row in r["values"]], dtype=float)
                rasters[rname] = Raster(vals, r["transform"], r.get("nodata"), r.get("units", ""), r.get("crs"))
            res.analyses.append(AnalysisResult(
                name=str(d["name"]), title=d.get("title", ""), parameters=d.get("parameters") or {},
                figures=d.get("figures") or {}, objects=d.get("objects") or {}, surfaces=surfaces,
                layers=layers, rasters=rasters, units=d.get("units") or {}, colour_by=d.get("colour_by"),
                cmap=d.get("cmap") or "viridis", classes=d.get("classes"), image=d.get("image"),
                created=d.get("created") or ""))
        return res

    @classmethod
    def load(cls, path, model=None) -> "Results":
        path = Path(path)
        try:
            doc = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except (OSError, ValueError) as exc:
            raise InputError(path, f"cannot read results JSON ({exc})") from None
        try:
            res = cls.from_json(doc, model, path)
            for a in res.analyses:  # pictures are named relative to the results file
                if a.image and not Path(a.image).is_absolute():
                    a.image = str(path.parent / a.image)
            return res
        except InputError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(path, f"malformed results file ({type(exc).__name__}: {exc})") from None


# ---------------------------------------------------------------------- other analyses' files
def _from_other_json(doc: dict, model, path) -> "Results | None":
    """Outputs of the analysis commands read as results, so that ``export --results`` takes them
    directly:

    - a GeoJSON FeatureCollection (``solar -o x.geojson``, ``shadow -o x.geojson`` …): features
      whose properties carry ``model_polygon`` (a model polygon row) give per-surface values
      (every numeric property); features with an object ``id`` of the model give per-object
      values; all others become the geometry layer named after the file;
    - a JSON object with lists of records that have an ``id`` (``metrics -o m.json``:
      ``buildings``, ``building_parts``): per-object attributes; top-level numbers are key figures.
    Returns None when the document is neither.
    """
    name = Path(path).name.split(".")[0] if path else "results"
    a = AnalysisResult(name=name, title=name)
    if doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
        feats = []
        surfaces: dict[str, np.ndarray] = {}
        for f in doc["features"]:
            props = dict((f or {}).get("properties") or {})
            row = props.get("model_polygon")
            oid = props.get("id")
            if model is not None and isinstance(row, int) and 0 <= row < model.n_polygons:
                for k, v in props.items():
                    if _is_number(v) and k != "model_polygon":
                        surfaces.setdefault(k, np.full(model.n_polygons, np.nan))[row] = float(v)
            elif model is not None and isinstance(oid, str) and oid in model.objects:
                a.objects[oid] = {k: v for k, v in props.items() if k != "id"}
            elif f.get("geometry"):
                feats.append((_geom_from_json(f["geometry"], path), props))
        a.surfaces = surfaces
        if feats:
            a.layers[name] = feats
        crs = ((doc.get("crs") or {}).get("properties") or {}).get("name")
        return Results([a], crs=crs)
    found = False
    for key, val in doc.items():
        if isinstance(val, list) and val and all(isinstance(r, dict) and "id" in r for r in val):
            found = True
            for r in val:
                a.objects[str(r["id"])] = {k: v for k, v in r.items() if k != "id"}
        elif _is_number(val):
            a.figures[key] = val
    if not found:
        return None
    return Results([a], crs=doc.get("crs") if isinstance(doc.get("crs"), str) else None)


# ---------------------------------------------------------------------- helpers
def surface_values_from_scene(model, scene, values_per_scene_polygon) -> np.ndarray:
    """Per-scene-polygon values (indexed like ``scene.polygon_index``) -> one value per model
    polygon row (NaN elsewhere), the layout :attr:`AnalysisResult.surfaces` expects."""
    out = np.full(model.n_polygons, np.nan)
    rows = getattr(scene, "model_polygon", None)
    if rows is None:
        raise ValueError("scene was not built by CityModel.scene() (no model_polygon map)")
    out[np.asarray(rows)] = np.asarray(values_per_scene_polygon, dtype=float)
    return out


def _surfaces_to_objects(model, vals: np.ndarray, lod) -> dict:
    out = {}
    for obj in model.objects.values():
        g = model.select_geometry(obj, lod)
        if g is None:
            continue
        seg = vals[g.poly_start:g.poly_stop]
        if np.isfinite(seg).any():
            out[obj.id] = [None if not math.isfinite(v) else float(v) for v in seg]
    return out


def _surfaces_from_objects(model, per_obj: dict, lod) -> np.ndarray:
    vals = np.full(model.n_polygons, np.nan)
    for oid, seg in per_obj.items():
        obj = model.objects.get(oid)
        if obj is None:
            continue
        g = model.select_geometry(obj, lod)
        if g is None:
            continue
        seg = np.array([np.nan if v is None else v for v in seg], dtype=float)[: g.n_polygons]
        vals[g.poly_start:g.poly_start + len(seg)] = seg
    return vals


def _geom_to_json(g) -> dict:
    import shapely

    return json.loads(shapely.to_geojson(g))


def _geom_from_json(d, path):
    import shapely

    try:
        return shapely.from_geojson(json.dumps(d))
    except Exception as exc:  # shapely raises GEOSException subclasses
        raise InputError(path, f"bad layer geometry in results file ({exc})") from None


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def raster_isolines(raster: Raster, levels) -> list:
    """Isolines (e.g. sun-hour isolines) of a raster at ``levels`` as [(LineString, {"value":
    level})] in the raster's CRS, traced with contourpy (marching squares over the pixel
    centres; NaN / nodata cells break the lines). North-up or rotated grids: centres are mapped
    through the affine transform."""
    import contourpy
    import shapely

    vals = np.asarray(raster.values, dtype=float)
    if raster.nodata is not None and np.isfinite(raster.nodata):
        vals = np.where(vals == raster.nodata, np.nan, vals)
    rows, cols = vals.shape
    if rows < 2 or cols < 2 or not np.isfinite(vals).any():
        return []
    gen = contourpy.contour_generator(np.arange(cols) + 0.5, np.arange(rows) + 0.5, np.ma.masked_invalid(vals),
                                      line_type="Separate")
    a, b, c, d, e, f = raster.transform
    out = []
    for level in levels:
        for line in gen.lines(float(level)):
            if len(line) < 2:
                continue
            col, row = line[:, 0], line[:, 1]
            xy = np.column_stack([a * col + b * row + c, d * col + e * row + f])
            out.append((shapely.LineString(xy), {"value": float(level)}))
    return out
