"""Files of analysis results named with ``-o`` (shadow, sun-hours, sunlight, solar, sightlines):
tables as CSV, features as GeoJSON, per-surface results as CityJSON attributes.

The analyses hand over plain data — column arrays, (geometry, properties) features, result rows
(:meth:`analysis.shadow.ShadowResult.features`, ``sample_table``, :meth:`analysis.solar.
SolarResult.surface_rows` …) — and this module writes them, atomically and with the model CRS
named. It never imports the analyses (exporters sit below them).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from stadtbild.model.fileio import atomic_write_bytes, atomic_writer

from .vector import VectorLayer, write_vector


# ---------------------------------------------------------------------- generic tables / features
def write_table_csv(path, columns: dict, float_format: str = "%.3f") -> None:
    """A CSV of ``columns`` {name: (n,) array} (pandas; reals with ``float_format``, NaN empty)."""
    import pandas as pd

    buf = io.StringIO()
    pd.DataFrame(columns).to_csv(buf, index=False, float_format=float_format)
    atomic_write_bytes(path, buf.getvalue().encode())


def write_rows_csv(path, rows: list[dict]) -> None:
    """A CSV of dict rows (Python's csv; the first row's keys are the columns, None is empty)."""
    import csv

    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))


def write_feature_collection(path, features: list, crs) -> None:
    """[(shapely geometry in the model CRS, properties)] as a GeoJSON FeatureCollection named
    after the file, with the model CRS named (GDAL's "crs" member), written as JSON text (mixed
    geometry types kept, properties as they are)."""
    import shapely

    from stadtbild.model.fileio import json_default

    fc = {"type": "FeatureCollection", "name": Path(path).stem}
    epsg = getattr(crs, "epsg", None)
    if epsg:
        fc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    fc["features"] = [{"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)}
                      for g, props in features]
    atomic_write_bytes(path, json.dumps(fc, ensure_ascii=False, default=json_default).encode())


def write_polygon_features(path, features: list, crs) -> None:
    """GeoJSON of [(shapely (Multi)Polygon, properties)] as MultiPolygons (layer = file stem); a
    property that is a number (or None) everywhere is a real column, else text."""
    import shapely

    names = sorted({k for _, p in features for k in p})
    columns = {}
    for k in names:
        vals = [p.get(k) for _, p in features]
        if all(isinstance(v, (int, float)) or v is None for v in vals):
            columns[k] = np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
        else:
            columns[k] = np.array(["" if v is None else str(v) for v in vals], dtype=object)
    geoms = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g, _ in features]
    write_vector(path, [VectorLayer(Path(path).stem, columns, geoms, "MultiPolygon")], crs, driver="GeoJSON")


def write_point_features(path, columns: dict, crs) -> None:
    """GeoJSON of 3D points: ``columns`` holds x, y, z (model CRS) and the properties."""
    import shapely

    cols = dict(columns)
    xyz = np.c_[cols.pop("x"), cols.pop("y"), cols.pop("z")]
    points = list(shapely.points(xyz)) if len(xyz) else []
    data = {k: np.asarray(v) for k, v in cols.items()}
    write_vector(path, [VectorLayer(Path(path).stem, data, points, "Point Z")], crs, driver="GeoJSON")


def write_with_attributes(path, model, object_attributes=None, surface_attributes=None) -> None:
    """The model as CityJSON (``*.city.json``) or CityJSONSeq (``*.jsonl``) with result attributes
    per object id and per model polygon row (:func:`exporters.cityjson.write_cityjson`)."""
    from .cityjson import write_cityjson, write_cityjsonseq

    write = write_cityjsonseq if Path(path).name.lower().endswith(".jsonl") else write_cityjson
    write(model, path, object_attributes=object_attributes, surface_attributes=surface_attributes)


# ---------------------------------------------------------------------- roof solar potential
def write_solar(path, result, model, scene, kind: str) -> None:
    """Per-surface solar results (``result.surface_rows``) as CSV (``kind`` ".csv"), GeoJSON of the
    3D roof polygons (".geojson") or CityJSON attributes (else)."""
    if kind == ".csv":
        write_rows_csv(path, result.surface_rows(model, scene))
    elif kind == ".geojson":
        doc = solar_geojson(result, model, scene)
        atomic_write_bytes(path, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    else:
        objects, surfaces = solar_attributes(result, scene)
        write_with_attributes(path, model, objects, surfaces)


def _polygon_rings(model, row: int):
    """Rings (exterior first) of model polygon ``row`` as lists of [x, y, z], closed, mm rounded."""
    r0, r1 = model.polygon_offsets[row], model.polygon_offsets[row + 1]
    rings = []
    for r in range(r0, r1):
        idx = model.ring_vertices[model.ring_offsets[r]:model.ring_offsets[r + 1]]
        pts = [[round(float(c), 3) for c in model.vertices[i]] for i in idx]
        if pts:
            pts.append(pts[0])
            rings.append(pts)
    return rings


def solar_geojson(result, model, scene) -> dict:
    """FeatureCollection of the roof surfaces (3D polygons in the model CRS)."""
    rows = result.surface_rows(model, scene)
    feats = []
    for i, r in enumerate(rows):
        mp = r["model_polygon"]
        if mp is not None:
            rings = _polygon_rings(model, mp)
        else:  # a loose triangle: its corners
            tri = np.flatnonzero(result.surfaces.triangle_surface == i)[:1]
            c = scene.corners[tri[0]] + scene.origin if len(tri) else np.zeros((3, 3))
            rings = [[[round(float(v), 3) for v in p] for p in list(c) + [c[0]]]]
        feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": rings},
                      "properties": r})
    doc = {"type": "FeatureCollection", "name": "roof_solar_potential", "features": feats}
    if model.crs.name:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{model.crs.epsg}"}}
    return doc


def solar_attributes(result, scene):
    """(object attributes per building id, surface attributes per model polygon row) for
    :func:`write_with_attributes`."""
    objects = {}
    for bid, b in result.buildings().items():
        objects[bid] = {
            "solar_roof_area_m2": round(b["roof_area_m2"], 2),
            "solar_suitable_area_m2": round(b["suitable_area_m2"], 2),
            "solar_kwp": round(b["kwp"], 2),
            "solar_yield_kwh_a": round(b["yield_kwh_a"], 1),
            "solar_mean_kwh_m2a": round(b["mean_kwh_m2a"], 1),
            "solar_monthly_yield_kwh": [round(v, 1) for v in b["monthly_yield_kwh"]],
        }
    surfaces = {}
    for r in result.surface_rows(None, scene):
        if r["model_polygon"] is None:
            continue
        surfaces[int(r["model_polygon"])] = {
            "solar_irradiation_kwh_m2a": r["irradiation_kwh_m2a"],
            "solar_unshaded_kwh_m2a": r["unshaded_kwh_m2a"],
            "solar_area_m2": r["area_m2"],
            "solar_tilt_deg": r["tilt_deg"],
            "solar_azimuth_deg": r["azimuth_deg"],
            "solar_suitable_area_m2": r["suitable_area_m2"],
            "solar_kwp": r["kwp"],
            "solar_yield_kwh_a": r["yield_kwh_a"],
        }
    return objects, surfaces


# ---------------------------------------------------------------------- setbacks (Abstandsflächen)
#: DXF layers (AutoCAD colour index): setback areas, violating ones, building footprints
SETBACK_DXF_LAYERS = {"ABSTANDSFLAECHE": 3, "ABSTANDSFLAECHE_VERLETZUNG": 1, "GEBAEUDE_GRUNDRISS": 8, "FLURSTUECK": 5}


def write_setbacks_dxf(result, path, parcels=None) -> None:
    """Setback areas as closed LWPOLYLINEs with a solid HATCH, on layer ABSTANDSFLAECHE
    (green) or ABSTANDSFLAECHE_VERLETZUNG (red) for walls with a conflict; footprints on
    GEBAEUDE_GRUNDRISS; parcels on FLURSTUECK. Coordinates in the model CRS (m), z = 0."""
    import ezdxf
    import shapely

    doc = ezdxf.new("R2010", setup=False)
    doc.header["$INSUNITS"] = 6
    doc.header["$MEASUREMENT"] = 1
    for name, colour in SETBACK_DXF_LAYERS.items():
        doc.layers.add(name, color=colour)
    msp = doc.modelspace()
    ox, oy = float(result.origin[0]), float(result.origin[1])
    bad = result.violating_mask()

    def rings(geom):
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            yield [(x + ox, y + oy) for x, y in np.asarray(poly.exterior.coords)[:-1]], \
                  [[(x + ox, y + oy) for x, y in np.asarray(r.coords)[:-1]] for r in poly.interiors]

    for i in np.flatnonzero(result.kind == "outer"):
        layer = "ABSTANDSFLAECHE_VERLETZUNG" if bad[i] else "ABSTANDSFLAECHE"
        for ext, _ in rings(result.areas[i]):
            msp.add_lwpolyline(ext, close=True, dxfattribs={"layer": layer})
            hatch = msp.add_hatch(dxfattribs={"layer": layer})
            hatch.paths.add_polyline_path(ext, is_closed=True)
            hatch.transparency = 0.6
    for fp in result.footprints:
        for ext, holes in rings(fp):
            msp.add_lwpolyline(ext, close=True, dxfattribs={"layer": "GEBAEUDE_GRUNDRISS"})
            for h in holes:
                msp.add_lwpolyline(h, close=True, dxfattribs={"layer": "GEBAEUDE_GRUNDRISS"})
    for parcel in parcels or ():
        for poly in shapely.get_parts(parcel):
            if poly.geom_type == "Polygon":
                msp.add_lwpolyline(list(poly.exterior.coords)[:-1], close=True, dxfattribs={"layer": "FLURSTUECK"})
    with atomic_writer(path, "wt", encoding=doc.output_encoding, errors="dxfreplace", newline="") as fh:
        doc.write(fh)
