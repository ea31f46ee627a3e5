"""GML geometry (GML 3.2.1, ISO 19136; GML 3.1.1 and GML 2 coordinates) as 2D shapely shapes, with
curves: what plans and 2D layers in GML (XPlanGML) need, where :mod:`importers.gml_geometry` reads
the 3D surfaces of city models into the model's polygon table.

Shapes: Point, MultiPoint, LineString, Curve (segments ``LineStringSegment``, ``ArcString``,
``Arc``, ``Circle``, ``ArcByCenterPoint``, ``CircleByCenterPoint``), CompositeCurve,
OrientableCurve, MultiCurve, LinearRing, Ring (curve members), Polygon, Surface / PolygonPatch,
CompositeSurface, MultiSurface, MultiPolygon (GML 2) and MultiGeometry. Circular arcs are
densified so that no chord is farther than the tolerance (default 1 cm) from the arc: the angular
step θ satisfies r·(1 − cos(θ/2)) ≤ tolerance, the sagitta of the chord; in a geographic CRS the
tolerance is converted to degrees (1° ≥ 111 km). Coordinates beyond the second
(``srsDimension="3"``) are dropped. Splines, clothoids and bulges are read as straight lines
between their control points and counted (``GmlShapeReader.unsupported``).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from lxml import etree

from stadtbild.model.crs import parse_crs

from .gml_geometry import MAX_COORDINATE, parse_floats
from .gml_geometry import local_name as _local

DEFAULT_ARC_TOLERANCE_M = 0.01
#: length units of gml:LengthType / uom attributes, in metres
_UOM_FACTORS = {"m": 1.0, "cm": 0.01, "mm": 0.001, "km": 1000.0, "dm": 0.1}


def _dim(el, default: int) -> int:
    d = el.get("srsDimension")
    return int(d) if d and d.isdecimal() else default


def _parse_numbers(text: str) -> np.ndarray | None:
    """Finite numbers within :data:`MAX_COORDINATE` of a coordinate text, or None."""
    arr = parse_floats(text)
    if arr is None or not arr.size or not np.isfinite(arr).all() or np.abs(arr).max() > MAX_COORDINATE:
        return None
    return arr


class GmlShapeError(Exception):
    """A GML geometry that cannot be read (the message says what and where)."""


def arc_points(p0, p1, p2, tolerance_m: float = DEFAULT_ARC_TOLERANCE_M, full_circle: bool = False) -> np.ndarray:
    """Points along the circular arc from ``p0`` through ``p1`` to ``p2`` (GML
    ``circularArc3Points``), every chord within ``tolerance_m`` of the arc: the angular step θ
    satisfies r(1 − cos(θ/2)) ≤ tolerance (sagitta of a chord). ``full_circle``: the whole
    circle through the three points, starting and ending at ``p0``. Collinear points give the
    straight polyline. Computed relative to ``p0`` (national grid coordinates are ~5e6 m)."""
    base = np.asarray(p0, dtype=np.float64)
    a = np.zeros(2)
    b = np.asarray(p1, dtype=np.float64) - base
    c = np.asarray(p2, dtype=np.float64) - base
    d = 2.0 * (b[0] * c[1] - b[1] * c[0])
    scale = max(float(np.hypot(*b)), float(np.hypot(*c)), 1e-12)
    if abs(d) <= 1e-12 * scale * scale:  # collinear: a straight line
        return np.array([base, base + b, base + c]) if not full_circle else np.array([base, base + b])
    bb, cc = b @ b, c @ c
    centre = np.array([(c[1] * bb - b[1] * cc) / d, (b[0] * cc - c[0] * bb) / d])
    r = float(np.hypot(*(a - centre)))
    t0 = math.atan2(a[1] - centre[1], a[0] - centre[0])
    t2 = math.atan2(c[1] - centre[1], c[0] - centre[0])
    ccw = d > 0  # orientation of p0 -> p1 -> p2
    two_pi = 2.0 * math.pi
    if full_circle:
        sweep = two_pi if ccw else -two_pi
    else:
        sweep = (t2 - t0) % two_pi if ccw else -((t0 - t2) % two_pi)
        if abs(sweep) < 1e-15:
            sweep = two_pi if ccw else -two_pi
    step = 2.0 * math.acos(max(-1.0, 1.0 - tolerance_m / r)) if tolerance_m < 2 * r else math.pi
    n = max(2, int(math.ceil(abs(sweep) / max(step, 1e-9))))
    t = t0 + sweep * np.linspace(0.0, 1.0, n + 1)
    pts = centre + r * np.column_stack([np.cos(t), np.sin(t)])
    pts[0] = a
    if not full_circle:
        pts[-1] = c
    else:
        pts[-1] = a
    return pts + base


def _centre_arc(centre, radius: float, start_deg: float, end_deg: float, tolerance_m: float,
                full_circle: bool = False) -> np.ndarray:
    """Points of an ``ArcByCenterPoint`` (angles in degrees, counter-clockwise from east)."""
    sweep = 360.0 if full_circle else end_deg - start_deg
    step = 2.0 * math.acos(max(-1.0, 1.0 - tolerance_m / radius)) if tolerance_m < 2 * radius else math.pi
    n = max(2, int(math.ceil(math.radians(abs(sweep)) / max(step, 1e-9))))
    t = np.radians(start_deg + sweep * np.linspace(0.0, 1.0, n + 1))
    return np.asarray(centre, dtype=np.float64)[:2] + radius * np.column_stack([np.cos(t), np.sin(t)])


class GmlShapeReader:
    """GML 3.2 (and GML 2) geometry elements -> 2D shapely geometries (file CRS); counts the
    srsNames seen (``srs_names``), the coordinates read (``vertices``) and the curve segments
    read as polylines (``unsupported``)."""

    def __init__(self, tolerance_m: float):
        self.tolerance_m = self.metres = tolerance_m
        self.default_srs = None
        self.srs_names: dict = {}
        self.unsupported: dict = {}
        self.vertices = 0

    def tolerance_of(self, srs) -> float:
        """The arc tolerance in the units of ``srs``: metres, or degrees for a geographic CRS."""
        return self.metres / 111_320.0 if srs and _srs_is_geographic(srs) else self.metres

    # -- coordinates
    def coords(self, el, dim: int) -> np.ndarray:
        """(n, 2) coordinates of an element holding posList / pos / coordinates / pointProperty."""
        dim = _dim(el, dim)
        parts = []
        for c in el.iterchildren(etree.Element):
            ln = _local(c.tag)
            if ln == "posList":
                arr = _parse_numbers(c.text or "")
                d = _dim(c, dim)
                if arr is None or d < 2 or arr.size % d:
                    raise GmlShapeError(f"bad coordinate list in {_local(el.tag)}")
                parts.append(arr.reshape(-1, d)[:, :2])
            elif ln == "pos":
                arr = _parse_numbers(c.text or "")
                if arr is None or arr.size < 2:
                    raise GmlShapeError(f"bad position in {_local(el.tag)}")
                parts.append(arr[:2].reshape(1, 2))
            elif ln == "coordinates":  # GML 2
                cs, ts, dec = c.get("cs", ","), c.get("ts", " "), c.get("decimal", ".")
                tuples = [t for t in (c.text or "").replace(dec, ".").split(ts) if t.strip()]
                try:
                    pts = [[float(v) for v in t.split(cs)[:2]] for t in tuples]
                except ValueError:
                    raise GmlShapeError("bad gml:coordinates") from None
                if not pts or any(len(p) < 2 for p in pts):
                    raise GmlShapeError("bad gml:coordinates")
                parts.append(np.array(pts))
            elif ln in ("pointProperty", "pointRep"):
                for p in c.iter("{*}pos", "{*}coordinates"):
                    arr = _parse_numbers((p.text or "").replace(",", " "))
                    if arr is None or arr.size < 2:
                        raise GmlShapeError("bad point property")
                    parts.append(arr[:2].reshape(1, 2))
                    break
        if not parts:
            raise GmlShapeError(f"{_local(el.tag)} without coordinates")
        xy = np.concatenate(parts)
        self.vertices += len(xy)
        return xy

    # -- curves
    def _segment(self, seg, dim: int) -> np.ndarray:
        ln = _local(seg.tag)
        if ln in ("LineStringSegment", "LineString", "LinearRing", "GeodesicString"):
            return self.coords(seg, dim)
        if ln in ("ArcString", "Arc", "Circle"):
            pts = self.coords(seg, dim)
            if ln == "Circle":
                if len(pts) != 3:
                    raise GmlShapeError("gml:Circle needs 3 points")
                return arc_points(pts[0], pts[1], pts[2], self.tolerance_m, full_circle=True)
            if len(pts) < 3 or len(pts) % 2 == 0:
                raise GmlShapeError(f"gml:{ln} needs an odd number (≥ 3) of points, has {len(pts)}")
            out = [pts[:1]]
            for k in range(0, len(pts) - 2, 2):
                out.append(arc_points(pts[k], pts[k + 1], pts[k + 2], self.tolerance_m)[1:])
            return np.concatenate(out)
        if ln in ("ArcByCenterPoint", "CircleByCenterPoint"):
            centre = self.coords(seg, dim)[0]
            vals = {_local(c.tag): c for c in seg.iterchildren(etree.Element)}
            try:
                radius = float(vals["radius"].text) * _UOM_FACTORS.get(vals["radius"].get("uom", "m"), 1.0)
                start = float(vals["startAngle"].text) if "startAngle" in vals else 0.0
                end = float(vals["endAngle"].text) if "endAngle" in vals else 360.0
            except (KeyError, TypeError, ValueError):
                raise GmlShapeError(f"gml:{ln} without a readable radius / angles") from None
            if not radius > 0:
                raise GmlShapeError(f"gml:{ln} with radius {radius}")
            return _centre_arc(centre, radius, start, end, self.tolerance_m, full_circle=ln == "CircleByCenterPoint")
        # splines, clothoids, bulges …: their control points as a polyline (counted, reported)
        self.unsupported[ln] = self.unsupported.get(ln, 0) + 1
        return self.coords(seg, dim)

    def curve_coords(self, el, dim: int) -> np.ndarray:
        """Coordinates of any GML curve (LineString, Curve, CompositeCurve, OrientableCurve,
        LinearRing, Ring)."""
        ln = _local(el.tag)
        dim = _dim(el, dim)
        if ln in ("LineString", "LinearRing", "LineStringSegment"):
            return self.coords(el, dim)
        if ln == "Curve":
            seg_parent = next((c for c in el.iterchildren(etree.Element) if _local(c.tag) == "segments"), None)
            if seg_parent is None:
                raise GmlShapeError("gml:Curve without segments")
            return _join([self._segment(s, dim) for s in seg_parent.iterchildren(etree.Element)])
        if ln in ("CompositeCurve", "Ring"):
            parts = []
            for member in el.iterchildren(etree.Element):
                for c in member.iterchildren(etree.Element):
                    parts.append(self.curve_coords(c, dim))
            if not parts:
                raise GmlShapeError(f"gml:{ln} without curve members")
            return _join(parts)
        if ln == "OrientableCurve":
            base = next((c for c in el.iterchildren(etree.Element) if _local(c.tag) == "baseCurve"), None)
            inner = next(base.iterchildren(etree.Element), None) if base is not None else None
            if inner is None:
                raise GmlShapeError("gml:OrientableCurve without baseCurve")
            xy = self.curve_coords(inner, dim)
            return xy[::-1] if el.get("orientation", "+") == "-" else xy
        if ln in ("ArcString", "Arc", "Circle", "ArcByCenterPoint", "CircleByCenterPoint"):
            return self._segment(el, dim)
        raise GmlShapeError(f"gml:{ln} is not a curve")

    # -- surfaces
    def _ring(self, boundary, dim: int) -> np.ndarray:
        inner = next(boundary.iterchildren(etree.Element), None)
        if inner is None:
            raise GmlShapeError("empty polygon boundary")
        xy = self.curve_coords(inner, dim)
        if len(xy) < 3:
            raise GmlShapeError("a polygon ring with fewer than 3 points")
        return xy

    def polygon(self, el, dim: int):
        dim = _dim(el, dim)
        shell, holes = None, []
        for b in el.iterchildren(etree.Element):
            ln = _local(b.tag)
            if ln in ("exterior", "outerBoundaryIs"):
                shell = self._ring(b, dim)
            elif ln in ("interior", "innerBoundaryIs"):
                holes.append(self._ring(b, dim))
        if shell is None:
            raise GmlShapeError("gml:Polygon without exterior")
        return shapely.Polygon(shell, holes)

    def geometry(self, el, dim: int = 2, parent_srs=None):
        """A shapely geometry (2D, file CRS) from a GML geometry element; records its srsName.
        In a geographic CRS the arc tolerance is converted to degrees (1° ≥ 111 km)."""
        srs = el.get("srsName")
        if srs:
            self.srs_names[srs] = self.srs_names.get(srs, 0) + 1
        srs_here = srs or parent_srs or self.default_srs
        self.tolerance_m = self.tolerance_of(srs_here)
        ln = _local(el.tag)
        dim = _dim(el, dim)
        if ln == "Point":
            return shapely.Point(self.coords(el, dim)[0])
        if ln in ("Polygon", "PolygonPatch", "Rectangle", "Triangle"):
            return self.polygon(el, dim)
        if ln in ("LineString", "Curve", "CompositeCurve", "OrientableCurve", "LinearRing", "ArcString", "Arc",
                  "Circle", "ArcByCenterPoint", "CircleByCenterPoint"):
            return shapely.LineString(self.curve_coords(el, dim))
        if ln in ("Surface", "PolyhedralSurface", "TriangulatedSurface", "Tin"):
            patches = [self.polygon(p, dim) for c in el.iterchildren(etree.Element)
                       if _local(c.tag) in ("patches", "polygonPatches", "trianglePatches")
                       for p in c.iterchildren(etree.Element)]
            return _collect(patches, shapely.MultiPolygon)
        if ln in ("MultiSurface", "CompositeSurface", "MultiPolygon", "MultiCurve", "MultiLineString", "MultiPoint",
                  "MultiGeometry", "Shell"):
            members = []
            for m in el.iterchildren(etree.Element):
                for g in m.iterchildren(etree.Element):
                    members.append(self.geometry(g, dim, srs_here))
            if not members:
                raise GmlShapeError(f"empty gml:{ln}")
            parts = [p for g in members for p in shapely.get_parts(g)]
            kinds = {p.geom_type for p in parts}
            if kinds <= {"Polygon"}:
                return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
            if kinds <= {"LineString"}:
                return shapely.MultiLineString(parts) if len(parts) > 1 else parts[0]
            if kinds <= {"Point"}:
                return shapely.MultiPoint(parts) if len(parts) > 1 else parts[0]
            return shapely.GeometryCollection(parts)
        raise GmlShapeError(f"unsupported geometry gml:{ln}")


def _join(parts: list) -> np.ndarray:
    """Concatenate curve pieces, dropping the repeated junction points."""
    out = [parts[0]]
    for p in parts[1:]:
        if len(p) and len(out[-1]) and abs(p[0, 0] - out[-1][-1, 0]) <= 1e-9 and abs(p[0, 1] - out[-1][-1, 1]) <= 1e-9:
            p = p[1:]
        out.append(p)
    return np.concatenate(out)


def _collect(polys: list, cls):
    if not polys:
        raise GmlShapeError("surface without patches")
    return polys[0] if len(polys) == 1 else cls(polys)


@lru_cache(maxsize=64)
def _srs_is_geographic(srs: str) -> bool:
    from stadtbild.model.crs import _horizontal_geographic

    epsg = parse_crs(srs).epsg
    return bool(epsg) and _horizontal_geographic(epsg) is not None


__all__ = ["GmlShapeReader", "GmlShapeError", "arc_points", "DEFAULT_ARC_TOLERANCE_M"]
