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
  shapely geometries by :class:`importers.gml_shapes.GmlShapeReader`: curves with their circular
  arcs densified so that no chord is farther than ``arc_tolerance_m`` (default 1 cm) from the arc.
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

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from lxml import etree

from stadtbild.model.bplan import (BAUFENSTER, BAUGEBIET, PRESENTATION_TYPES, TEXT_TYPES, ZONE_COLOURS, Bebauungsplan,
                         Hoehenangabe, PlanFeature)
from stadtbild.model.crs import CRSInfo, crs_argument, parse_crs
from stadtbild.model.errors import InputError, UnsupportedFormatError

from .citygml import SAFE_PARSER, _syntax_message, root_element
from .gml_geometry import GML_NS, XLINK_HREF
from .gml_geometry import local_name as _local
from .gml_shapes import _UOM_FACTORS, DEFAULT_ARC_TOLERANCE_M, GmlShapeError, GmlShapeReader

XPLAN_NS_PREFIX = "http://www.xplanung.de/xplangml/"
SUPPORTED_VERSIONS = ("4.0", "4.1", "5.0", "5.1", "5.2", "5.3", "5.4", "6.0")
_GML_NS = GML_NS
_GML_IDS = tuple(f"{{{ns}}}id" for ns in _GML_NS)
_MEMBER_TAGS = ("{*}featureMember", "{*}featureMembers", "{*}member", "{*}Envelope")
_INT_RE = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
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
        self.geo = GmlShapeReader(tolerance_m)
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
                except GmlShapeError as exc:
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
        from stadtbild.model.crs import _horizontal_geographic, _latitude_first, projected_crs_for

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


__all__ = ["read_xplanung", "sniff_xplangml", "is_xplangml", "SUPPORTED_VERSIONS"]
