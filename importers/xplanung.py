"""XPlanGML reader (Bebauungspläne, XPlanGML 4.0/4.1, 5.0–5.4 and 6.0), streamed with lxml.

Specs: XPlanung Objektartenkatalog / XPlanGML 4.1, 5.x and 6.0 (Leitstelle XPlanung), GML 3.2.1
(ISO 19136) for the geometries.

How it works
------------
- The root element and its namespaces are sniffed first; the XPlanGML namespace
  ``http://www.xplanung.de/xplangml/<major>/<minor>`` gives the version. A file that is not XML,
  not XPlanGML or of another version is an :class:`InputError` (one line). So is a file that is
  damaged or truncated later on: a Bebauungsplan with missing Baufenster would give wrong
  compliance results, so nothing of it is used.
- The file is read with ``lxml.etree.iterparse`` (end events of ``gml:featureMember`` /
  ``featureMembers`` / ``wfs:member``), each feature is turned into a
  :class:`model.bplan.PlanFeature` and its element cleared, as the CityGML reader does. The parser
  is the CityGML reader's hostile-XML-safe one: no entity expansion, no DTD, no network, libxml2's
  size limits on.
- Geometries (``position``, ``raeumlicherGeltungsbereich``, ``geltungsbereich`` …) become 2D
  shapely geometries: Point, MultiPoint, LineString, Curve (segments ``LineStringSegment``,
  ``ArcString``, ``Arc``, ``Circle``, ``ArcByCenterPoint``, ``CircleByCenterPoint``),
  CompositeCurve, OrientableCurve, MultiCurve, LinearRing, Ring (curve members), Polygon, Surface /
  PolygonPatch, CompositeSurface, MultiSurface, MultiPolygon (GML 2) and MultiGeometry. Circular
  arcs are densified so that no chord is farther than ``arc_tolerance_m`` (default 1 cm) from the
  arc: the angular step θ satisfies r·(1 − cos(θ/2)) ≤ tolerance (the sagitta of the chord).
  Coordinates beyond the second (``srsDimension="3"``) are dropped.
- The CRS comes from each geometry's ``srsName`` (any spelling :func:`model.crs.parse_crs` reads:
  ``EPSG:25832``, ``urn:ogc:def:crs:EPSG::25832``, ``http://www.opengis.net/def/crs/EPSG/0/31467``,
  ``urn:adv:crs:ETRS89_UTM32``, ``urn:adv:crs:DE_DHDN_3GK3`` …), inherited from the document's
  envelope. With ``crs`` given, every geometry is reprojected to it with pyproj (``always_xy``)
  after the arcs were densified. An unreadable ``srsName`` is an error (the plan could not be
  placed).
- Properties: ``XP_Hoehenangabe`` → :class:`model.bplan.Hoehenangabe`; ``xlink:href`` →
  ``refs``; data types (``XP_Gemeinde``, ``BP_Dachgestaltung`` …) → dicts; simple values →
  numbers, booleans or text (codes keep leading zeros as text). The textual fixings
  (``XP_TextAbschnitt`` / ``BP_TextAbschnitt`` referenced by ``refTextInhalt`` or a plan's
  ``texte``) are attached to the features as ``texts`` [{id, schluessel, text}].
- Feature classes the program does not know are read all the same, counted in
  ``unknown_types`` and reported in a warning, never fatal.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from lxml import etree

from model.bplan import (BAUFENSTER, BAUGEBIET, PRESENTATION_TYPES, TEXT_TYPES, ZONE_COLOURS, Bebauungsplan,
                         Hoehenangabe, PlanFeature)
from model.crs import CRSInfo, crs_argument, parse_crs
from model.errors import InputError, UnsupportedFormatError

from .citygml import SAFE_PARSER, _syntax_message, root_element
from .gml_geometry import MAX_COORDINATE
from .gml_geometry import local_name as _local

XPLAN_NS_PREFIX = "http://www.xplanung.de/xplangml/"
SUPPORTED_VERSIONS = ("4.0", "4.1", "5.0", "5.1", "5.2", "5.3", "5.4", "6.0")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_GML_NS = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
_GML_IDS = tuple(f"{{{ns}}}id" for ns in _GML_NS)
_MEMBER_TAGS = ("{*}featureMember", "{*}featureMembers", "{*}member", "{*}Envelope")
DEFAULT_ARC_TOLERANCE_M = 0.01
_INT_RE = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_UOM_FACTORS = {"m": 1.0, "cm": 0.01, "mm": 0.001, "km": 1000.0, "dm": 0.1}
#: properties that hold the feature's geometry (first found wins)
_GEOMETRY_PROPS = ("position", "raeumlicherGeltungsbereich", "geltungsbereich", "geometrie")

#: XPlanGML classes the program knows (interprets or draws); anything else is counted as unknown
KNOWN_TYPES = frozenset({
    "BP_Plan", "BP_Bereich", BAUGEBIET, BAUFENSTER, "BP_BauGrenze", "BP_BauLinie", "BP_HoehenMass",
    "BP_BesondererNutzungszweckFlaeche", "BP_GemeinbedarfsFlaeche", "BP_SpielSportanlagenFlaeche",
    "BP_GruenFlaeche", "BP_WaldFlaeche", "BP_LandwirtschaftsFlaeche", "BP_StrassenVerkehrsFlaeche",
    "BP_VerkehrsflaecheBesondererZweckbestimmung", "BP_VerEntsorgung", "BP_GewaesserFlaeche",
    "BP_WasserwirtschaftsFlaeche", "BP_NebenanlagenFlaeche", "BP_GemeinschaftsanlagenFlaeche",
    "BP_KennzeichnungsFlaeche", "BP_SchutzPflegeEntwicklungsFlaeche", "BP_SchutzPflegeEntwicklungsMassnahme",
    "BP_AusgleichsFlaeche", "BP_AusgleichsMassnahme", "BP_AnpflanzungBindungErhaltung",
    "BP_TextlicheFestsetzungsFlaeche", "BP_TextAbschnittFlaeche", "BP_Wegerecht", "BP_SpezielleBauweise",
    "BP_AbgrabungsFlaeche", "BP_AufschuettungsFlaeche", "BP_BodenschaetzeFlaeche", "BP_RekultivierungsFlaeche",
    "BP_ErhaltungsBereichFlaeche", "BP_FreiFlaeche", "BP_GebaeudeFlaeche", "BP_Immissionsschutz",
    "BP_AbstandsFlaeche", "BP_AbstandsMass", "BP_FoerderungsFlaeche", "BP_GemeinschaftsanlagenZuordnung",
    "BP_NichtUeberbaubareGrundstuecksflaeche", "BP_PersGruppenBestimmteFlaeche",
    "BP_RegelungVergnuegungsstaetten", "BP_TechnischeMassnahmenFlaeche", "BP_UnverbindlicheVormerkung",
    "BP_VeraenderungssperreFlaeche", "BP_ZentralerVersorgungsbereich", "BP_Sichtflaeche",
    "BP_FirstRichtungsLinie", "BP_BereichOhneEinAusfahrtLinie", "BP_EinfahrtPunkt", "BP_EinfahrtsbereichLinie",
    "BP_StrassenbegrenzungsLinie", "BP_NutzungsartenGrenze", "BP_Strassenkoerper", "BP_Veraenderungssperre",
    "BP_EmissionskontingentLaermGebiet", "BP_ZusatzkontingentLaerm", "BP_ZusatzkontingentLaermFlaeche",
    "BP_RichtungssektorGrenze", "BP_GenerischesObjekt", "BP_LuftreinhalteFlaeche", "BP_EingriffsBereich",
    "BP_KleintierhaltungFlaeche", "BP_Landwirtschaft", "BP_WohngebaeudeFlaeche", "BP_DenkmalschutzEnsembleFlaeche",
    "BP_DenkmalschutzEinzelanlage", "BP_ErneuerbareEnergieFlaeche", "BP_HochwasserschutzFlaeche",
    "SO_Strassenverkehr", "SO_Strassenverkehrsrecht", "SO_Schienenverkehrsrecht", "SO_Wasserrecht",
    "SO_Gewaesser", "SO_Denkmalschutzrecht", "SO_Schutzgebietsrecht", "SO_SchutzgebietWasserrecht",
    "SO_SchutzgebietNaturschutzrecht", "SO_SchutzgebietSonstigesRecht", "SO_Bodenschutzrecht", "SO_Forstrecht",
    "SO_Luftverkehrsrecht", "SO_Gebiet", "SO_SonstigesRecht", "SO_Grenze", "SO_Linienobjekt", "SO_Wasserwirtschaft",
    "SO_Bauverbotszone", "SO_Objekt",
    "XP_BegruendungAbschnitt", "XP_Bereich", "XP_Plan",
}) | frozenset(ZONE_COLOURS) | frozenset(TEXT_TYPES) | frozenset(PRESENTATION_TYPES)


# ====================================================================== sniffing
def xplan_version(namespace: str) -> str | None:
    """'5.2' from 'http://www.xplanung.de/xplangml/5/2' (None for other namespaces)."""
    if not namespace or not namespace.startswith(XPLAN_NS_PREFIX):
        return None
    parts = namespace[len(XPLAN_NS_PREFIX):].strip("/").split("/")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}.0"
    return None


def _root_version(root) -> tuple[str, str | None]:
    """(root namespace, XPlanGML version of the root's namespace or of one it declares)."""
    tag = root.tag if isinstance(root.tag, str) else ""
    ns = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    version = xplan_version(ns)
    for uri in (root.nsmap or {}).values():
        version = version or xplan_version(uri or "")
    return ns, version


def sniff_xplangml(path) -> str | None:
    """The XPlanGML version of the file ('5.2') when its root is in (or declares) an XPlanGML
    namespace, else None. Raises InputError for an empty file or one that is not XML."""
    return _root_version(root_element(Path(path)))[1]


def is_xplangml(path) -> bool:
    """True for an XPlanGML file (cheap: reads the root element only); False for anything else,
    including unreadable files."""
    try:
        return sniff_xplangml(path) is not None
    except InputError:
        return False


# ====================================================================== geometry
def _dim(el, default: int) -> int:
    d = el.get("srsDimension")
    return int(d) if d and d.isdecimal() else default


def _parse_numbers(text: str) -> np.ndarray | None:
    try:
        arr = np.array(text.split(), dtype=np.float64)
    except ValueError:
        return None
    if not arr.size or not np.isfinite(arr).all() or np.abs(arr).max() > MAX_COORDINATE:
        return None
    return arr


class _BadGeometry(Exception):
    pass


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


class _GeometryReader:
    """GML 3.2 (and GML 2) geometry elements -> 2D shapely geometries with their srsName."""

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
                    raise _BadGeometry(f"bad coordinate list in {_local(el.tag)}")
                parts.append(arr.reshape(-1, d)[:, :2])
            elif ln == "pos":
                arr = _parse_numbers(c.text or "")
                if arr is None or arr.size < 2:
                    raise _BadGeometry(f"bad position in {_local(el.tag)}")
                parts.append(arr[:2].reshape(1, 2))
            elif ln == "coordinates":  # GML 2
                cs, ts, dec = c.get("cs", ","), c.get("ts", " "), c.get("decimal", ".")
                tuples = [t for t in (c.text or "").replace(dec, ".").split(ts) if t.strip()]
                try:
                    pts = [[float(v) for v in t.split(cs)[:2]] for t in tuples]
                except ValueError:
                    raise _BadGeometry("bad gml:coordinates") from None
                if not pts or any(len(p) < 2 for p in pts):
                    raise _BadGeometry("bad gml:coordinates")
                parts.append(np.array(pts))
            elif ln in ("pointProperty", "pointRep"):
                for p in c.iter("{*}pos", "{*}coordinates"):
                    arr = _parse_numbers((p.text or "").replace(",", " "))
                    if arr is None or arr.size < 2:
                        raise _BadGeometry("bad point property")
                    parts.append(arr[:2].reshape(1, 2))
                    break
        if not parts:
            raise _BadGeometry(f"{_local(el.tag)} without coordinates")
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
                    raise _BadGeometry("gml:Circle needs 3 points")
                return arc_points(pts[0], pts[1], pts[2], self.tolerance_m, full_circle=True)
            if len(pts) < 3 or len(pts) % 2 == 0:
                raise _BadGeometry(f"gml:{ln} needs an odd number (≥ 3) of points, has {len(pts)}")
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
                raise _BadGeometry(f"gml:{ln} without a readable radius / angles") from None
            if not radius > 0:
                raise _BadGeometry(f"gml:{ln} with radius {radius}")
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
                raise _BadGeometry("gml:Curve without segments")
            return _join([self._segment(s, dim) for s in seg_parent.iterchildren(etree.Element)])
        if ln in ("CompositeCurve", "Ring"):
            parts = []
            for member in el.iterchildren(etree.Element):
                for c in member.iterchildren(etree.Element):
                    parts.append(self.curve_coords(c, dim))
            if not parts:
                raise _BadGeometry(f"gml:{ln} without curve members")
            return _join(parts)
        if ln == "OrientableCurve":
            base = next((c for c in el.iterchildren(etree.Element) if _local(c.tag) == "baseCurve"), None)
            inner = next(base.iterchildren(etree.Element), None) if base is not None else None
            if inner is None:
                raise _BadGeometry("gml:OrientableCurve without baseCurve")
            xy = self.curve_coords(inner, dim)
            return xy[::-1] if el.get("orientation", "+") == "-" else xy
        if ln in ("ArcString", "Arc", "Circle", "ArcByCenterPoint", "CircleByCenterPoint"):
            return self._segment(el, dim)
        raise _BadGeometry(f"gml:{ln} is not a curve")

    # -- surfaces
    def _ring(self, boundary, dim: int) -> np.ndarray:
        inner = next(boundary.iterchildren(etree.Element), None)
        if inner is None:
            raise _BadGeometry("empty polygon boundary")
        xy = self.curve_coords(inner, dim)
        if len(xy) < 3:
            raise _BadGeometry("a polygon ring with fewer than 3 points")
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
            raise _BadGeometry("gml:Polygon without exterior")
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
                raise _BadGeometry(f"empty gml:{ln}")
            parts = [p for g in members for p in shapely.get_parts(g)]
            kinds = {p.geom_type for p in parts}
            if kinds <= {"Polygon"}:
                return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
            if kinds <= {"LineString"}:
                return shapely.MultiLineString(parts) if len(parts) > 1 else parts[0]
            if kinds <= {"Point"}:
                return shapely.MultiPoint(parts) if len(parts) > 1 else parts[0]
            return shapely.GeometryCollection(parts)
        raise _BadGeometry(f"unsupported geometry gml:{ln}")


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
        raise _BadGeometry("surface without patches")
    return polys[0] if len(polys) == 1 else cls(polys)


@lru_cache(maxsize=64)
def _srs_is_geographic(srs: str) -> bool:
    from model.crs import _horizontal_geographic

    epsg = parse_crs(srs).epsg
    return bool(epsg) and _horizontal_geographic(epsg) is not None


@lru_cache(maxsize=32)
def _transformer(src: int, dst: int):
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


# ====================================================================== values
def _value(el):
    """A leaf property's value: bool, int (no leading zeros), float (scaled by a length ``uom``),
    else the text."""
    text = (el.text or "").strip()
    if text in ("true", "false"):
        return text == "true"
    if _INT_RE.match(text) and el.get("uom") in (None, "m", "1", "grad", "deg"):
        return int(text)
    if _FLOAT_RE.match(text):
        f = float(text)
        return f * _UOM_FACTORS.get(el.get("uom", "m"), 1.0)
    return " ".join(text.split()) if "\n" not in text else text


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _hoehenangabe(el) -> Hoehenangabe:
    vals = {}
    for c in el.iterchildren(etree.Element):
        vals[_local(c.tag)] = _value(c)

    def code(k):
        v = vals.get(k)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def text(k):
        v = vals.get(k)
        return None if v is None else str(v)

    return Hoehenangabe(h=_number(vals.get("h")), h_min=_number(vals.get("hMin")), h_max=_number(vals.get("hMax")),
                        h_zwingend=_number(vals.get("hZwingend")), hoehenbezug=code("hoehenbezug"),
                        bezugspunkt=code("bezugspunkt"), abweichender_hoehenbezug=text("abweichenderHoehenbezug"),
                        abweichender_bezugspunkt=text("abweichenderBezugspunkt"))


def _data_type(el):
    """A data-type property (``XP_Gemeinde``, ``BP_Dachgestaltung`` …) as a dict."""
    out: dict = {}
    for c in el.iterchildren(etree.Element):
        ln = _local(c.tag)
        href = c.get(XLINK_HREF)
        if href:
            v = href.lstrip("#")
        elif len(c):
            inner = next(c.iterchildren(etree.Element))
            v = _data_type(inner) if len(inner) else _value(inner)
        else:
            v = _value(c)
        _add(out, ln, v)
    return out


def _add(d: dict, key: str, value) -> None:
    if key in d:
        old = d[key]
        d[key] = old + [value] if isinstance(old, list) else [old, value]
    else:
        d[key] = value


# ====================================================================== the reader
class _Reader:
    def __init__(self, path: Path, version: str, target, tolerance_m: float):
        self.path = path
        self.version = version
        self.target = target  # CRSInfo or None (keep the file's CRS)
        self.geo = _GeometryReader(tolerance_m)
        self.features: list[PlanFeature] = []
        self.geometry_srs: list = []  # per feature: srsName of its geometry (or None)
        self.bad_geometries = 0
        self.bad_example = ""
        self.hoehenangaben = 0
        self.envelope_srs = None

    def _feature(self, el) -> None:
        ftype = _local(el.tag)
        if not ftype:
            return
        fid = next((el.get(a) for a in _GML_IDS if el.get(a)), None) or f"{ftype}-{len(self.features) + 1}"
        self.hoehenangaben += sum(1 for _ in el.iter("{*}XP_Hoehenangabe"))
        feat = PlanFeature(id=fid, type=ftype)
        srs = None
        for prop in el.iterchildren(etree.Element):
            ln = _local(prop.tag)
            ns = prop.tag[1:].partition("}")[0]
            if ln == "boundedBy":
                continue
            href = prop.get(XLINK_HREF)
            if href:
                feat.refs.setdefault(ln, []).append(href.lstrip("#"))
                continue
            if ns in _GML_NS:  # gml:name, gml:description, gml:identifier
                if prop.text and prop.text.strip():
                    _add(feat.attributes, ln, " ".join(prop.text.split()))
                continue
            child = next(prop.iterchildren(etree.Element), None)
            if child is None:
                if prop.text and prop.text.strip():
                    _add(feat.attributes, ln, _value(prop))
                continue
            cns = child.tag[1:].partition("}")[0]
            cln = _local(child.tag)
            if cns in _GML_NS:  # a geometry
                try:
                    geom = self.geo.geometry(child)
                except _BadGeometry as exc:
                    self.bad_geometries += 1
                    self.bad_example = self.bad_example or f"{ftype} {fid}: {exc}"
                    continue
                if ln in _GEOMETRY_PROPS and feat.geometry is None:
                    feat.geometry = geom
                    srs = child.get("srsName") or srs
                else:
                    feat.attributes[ln] = geom  # other geometry-valued properties (rare)
                continue
            if cln == "XP_Hoehenangabe":
                feat.heights.append(_hoehenangabe(child))
                continue
            _add(feat.attributes, ln, _data_type(child) if len(child) else _value(child))
        self.features.append(feat)
        self.geometry_srs.append(srs)

    def read(self) -> Bebauungsplan:
        path = self.path
        root = None
        try:
            context = etree.iterparse(str(path), events=("end",), tag=_MEMBER_TAGS, **SAFE_PARSER)
            for _event, elem in context:
                parent = elem.getparent()
                if root is None:
                    root = elem.getroottree().getroot()
                ln = _local(elem.tag)
                if ln == "Envelope":
                    grand = parent.getparent() if parent is not None else None
                    if grand is not None and grand is root:
                        self.envelope_srs = elem.get("srsName") or self.envelope_srs
                        self.geo.default_srs = self.envelope_srs
                    continue
                if parent is not root:
                    continue
                for feat in elem.iterchildren(etree.Element):
                    self._feature(feat)
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del root[0]
        except etree.XMLSyntaxError as exc:
            raise InputError(path, f"malformed XML ({_syntax_message(exc)}): the plan is damaged or truncated; "
                                   f"nothing of it was used") from None
        return self._finish()

    # -- after the pass
    def _source_crs(self) -> CRSInfo:
        names = dict(self.geo.srs_names)
        default = self.envelope_srs or (max(names, key=names.get) if names else None)
        if default is None:
            return CRSInfo(None)
        crs = parse_crs(default)
        if not crs:
            raise InputError(self.path, f"unknown CRS {default!r} (srsName); the plan cannot be placed")
        return crs

    def _finish(self) -> Bebauungsplan:
        path = self.path
        if not self.features:
            raise InputError(path, "no plan features in the file (an empty XPlanGML document)")
        types = {f.type for f in self.features}
        if not any(t.startswith("BP_") for t in types):
            others = sorted(t for t in types if t.endswith("_Plan")) or sorted(types)[:3]
            raise UnsupportedFormatError(path, f"not a Bebauungsplan (the file holds {', '.join(others)}); only "
                                               f"XPlanGML Bebauungspläne (BP_Plan) are supported")
        source_crs = self._source_crs()
        plan = Bebauungsplan(source=str(path), version=self.version, crs=source_crs, source_crs=source_crs,
                             features=self.features)
        plan.hoehenangaben = self.hoehenangaben
        plan.vertex_count = self.geo.vertices
        if not any(f.type == "BP_Plan" for f in self.features):
            plan.warn("no BP_Plan object in the file: the plan area is the hull of its features")
        if not source_crs:
            plan.warn("no CRS in the file (no srsName); coordinates are used as they are")
        self._reproject(plan)
        self._repair(plan)
        self._attach_texts(plan)
        unknown: dict = {}
        for f in self.features:
            if f.type not in KNOWN_TYPES:
                unknown[f.type] = unknown.get(f.type, 0) + 1
        plan.unknown_types = dict(sorted(unknown.items()))
        if unknown:
            plan.warn(f"{sum(unknown.values())} feature(s) of {len(unknown)} unknown class(es) were read but not "
                      f"interpreted: " + ", ".join(f"{k} ({v})" for k, v in plan.unknown_types.items()))
        if self.bad_geometries:
            plan.warn(f"{self.bad_geometries} geometr{'y' if self.bad_geometries == 1 else 'ies'} could not be read "
                      f"and were skipped (first: {self.bad_example})")
        if self.geo.unsupported:
            plan.warn("curve segments read as straight lines between their control points: "
                      + ", ".join(f"{k} ({v})" for k, v in sorted(self.geo.unsupported.items())))
        return plan

    def _reproject(self, plan: Bebauungsplan) -> None:
        """Every geometry from its own CRS (its srsName, else the document's) to the target CRS
        (pyproj, x = easting). A plan in a geographic CRS (degrees) honours the CRS's axis order
        (latitude first for EPSG:4326 …, unless the values can only be longitude first, as
        ``model.crs`` reads city models) and, without a target, is projected to the UTM zone of
        its datum."""
        from model.crs import _horizontal_geographic, _latitude_first, projected_crs_for

        target = self.target
        default = plan.source_crs
        if target is not None and not target and default:
            plan.warn("the model has no CRS; the plan keeps its own")
        if not default:
            if target:
                plan.crs = target
                plan.warn(f"the plan has no CRS; its coordinates are taken as {target.name}")
            return
        sources = []
        for f, srs in zip(self.features, self.geometry_srs):
            src = parse_crs(srs) if srs else default
            if srs and not src:
                raise InputError(self.path, f"unknown CRS {srs!r} of feature {f.id}; the plan cannot be placed")
            sources.append(src)
        swap = {}
        for epsg in {src.epsg for src in sources}:
            geo = _horizontal_geographic(epsg)
            if geo is None:
                continue
            xy = shapely.get_coordinates(np.array([f.geometry for f, s in zip(self.features, sources)
                                                   if s.epsg == epsg and f.geometry is not None], dtype=object))
            swap[epsg] = _latitude_first(geo, xy[:, 0], xy[:, 1])[0] if len(xy) else False
            if not target and epsg == default.epsg and len(xy):
                lat, lon = (xy[:, 0], xy[:, 1]) if swap[epsg] else (xy[:, 1], xy[:, 0])
                target = CRSInfo(projected_crs_for(epsg, float(np.median(lon)), float(np.median(lat))))
                plan.warn(f"geographic CRS {default.name} (degrees) projected to {target.name} for metric areas")
        if not target:
            return
        for f, src in zip(self.features, sources):
            for key, g in [("geometry", f.geometry)] + [(k, v) for k, v in f.attributes.items()
                                                       if isinstance(v, shapely.Geometry)]:
                if g is None or (src.epsg == target.epsg and not swap.get(src.epsg)):
                    continue
                t = _transformer(src.epsg, target.epsg)
                lat_first = swap.get(src.epsg, False)
                g2 = shapely.transform(g, lambda xy, t=t, s=lat_first: np.column_stack(
                    t.transform(xy[:, 1], xy[:, 0]) if s else t.transform(xy[:, 0], xy[:, 1])))
                if key == "geometry":
                    f.geometry = g2
                else:
                    f.attributes[key] = g2
        plan.crs = CRSInfo(target.epsg, target.vertical_epsg, target.text)

    def _repair(self, plan: Bebauungsplan) -> None:
        """Keep the file's polygons as ``file_geometry``; repair invalid ones (self-touching
        rings, bow ties) with ``shapely.make_valid`` for the overlays, and say how many."""
        repaired = 0
        for f in plan.features:
            g = f.geometry
            f.file_geometry = g
            if g is None or g.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            if not g.is_valid:
                fixed = shapely.make_valid(g)
                polys = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
                f.geometry = shapely.union_all(polys) if polys else g
                repaired += 1
        if repaired:
            plan.warn(f"{repaired} invalid polygon(s) (self-intersecting or touching rings) were repaired for "
                      f"the overlays; areas are reported as the file defines them")

    def _attach_texts(self, plan: Bebauungsplan) -> None:
        texts = {}
        for f in plan.features:
            if f.type in TEXT_TYPES:
                d = {"id": f.id}
                for k in ("schluessel", "gesetzlicheGrundlage", "text", "rechtscharakter"):
                    v = f.attributes.get(k)
                    if v is not None:
                        d[k] = v if not isinstance(v, dict) else str(v)
                texts[f.id] = d
        if not texts:
            return
        for f in plan.features:
            for key in ("refTextInhalt", "texte", "abschnitt"):
                for ref in f.refs.get(key, []):
                    if ref in texts and texts[ref] not in f.texts:
                        f.texts.append(texts[ref])


def read_xplanung(path, crs=None, arc_tolerance_m: float = DEFAULT_ARC_TOLERANCE_M) -> Bebauungsplan:
    """Read an XPlanGML Bebauungsplan (see module docstring).

    ``crs``: target CRS (CRSInfo, EPSG integer or any spelling; e.g. the city model's), None to
    keep the file's. ``arc_tolerance_m``: largest distance between a circular arc and its chords.
    Raises :class:`InputError` (one line) for a missing, empty, non-XML, non-XPlanGML,
    unsupported-version, damaged or truncated file or one whose CRS is unknown."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder; give the XPlanGML file")
    if not path.exists():
        raise InputError(path, "no such file")
    root = root_element(path)
    ns, version = _root_version(root)
    if version is None:
        where = f" in namespace {ns}" if ns else " without a namespace"
        raise UnsupportedFormatError(path, f"not XPlanGML: the root element is <{_local(root.tag)}>{where} (expected an "
                                           f"XPlanGML XPlanAuszug, namespace {XPLAN_NS_PREFIX}…)")
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedFormatError(path, f"XPlanGML {version} is not supported (supported: 4.0, 4.1, 5.0–5.4, 6.0)")
    target = crs_argument(crs, path) if crs is not None else None
    return _Reader(path, version, target, float(arc_tolerance_m)).read()


__all__ = ["read_xplanung", "sniff_xplangml", "is_xplangml", "arc_points", "SUPPORTED_VERSIONS"]
