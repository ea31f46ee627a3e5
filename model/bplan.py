"""A Bebauungsplan (binding land-use plan) as read from XPlanGML: plan features with 2D shapely
geometry in one CRS, their fixings (Festsetzungen) as attributes, and the height specifications
(``XP_Hoehenangabe``). Pure data (numpy, shapely); the reader is ``importers/xplanung.py``, the
envelopes are in ``analysis/bplan_envelopes.py``, the compliance check of a variant in ``analysis/bplan.py``.

Terms (XPlanung Objektartenkatalog 5.x/6.0, BauNVO 1990/2017, PlanZV 1990):

- ``BP_Plan`` the plan (``raeumlicherGeltungsbereich`` = its boundary), ``BP_Bereich`` a part;
- ``BP_BaugebietsTeilFlaeche`` (BTF) a building zone: Art der baulichen Nutzung
  (``allgArtDerBaulNutzung``, ``besondereArtDerBaulNutzung``, codes below), Maß der baulichen
  Nutzung (GRZ, GFZ, GR m², GF m², Z = number of full storeys, with ``min``/``max``/``zwingend``
  variants), ``bauweise``, roof form and pitch (``dachform``, ``DN*``; 6.0 inside
  ``dachgestaltung/BP_Dachgestaltung``);
- ``BP_UeberbaubareGrundstuecksFlaeche`` a Baufenster (buildable area), bounded by
  ``BP_BauGrenze`` (must not be crossed, §23(3) BauNVO) and ``BP_BauLinie`` (must be built on,
  §23(2) BauNVO) lines; it may carry the same fixings as a BTF and an ``ebene`` (0 = ground level,
  > 0 above, < 0 below ground);
- ``XP_Hoehenangabe`` a height: ``h`` (the value, read as the maximum), ``hMin``/``hMax`` (a range),
  ``hZwingend`` (mandatory), ``hoehenbezug`` (absolute NHN or relative to ground / street / the
  plan's ``bezugshoehe``) and ``bezugspunkt`` (TH eave, FH ridge, OK top, GBH building height …).
  Without ``bezugspunkt`` a ``hMin``/``hMax`` range limits the vertical extent of the feature itself
  (e.g. a Baufenster from 4.5 m upwards over a passage).

Every feature keeps its file id (``gml:id``), its XPlanGML class name, its simple properties as
``attributes`` (numbers as numbers, code lists as their integer codes, text as text, repeated
properties as lists, data types such as ``XP_Gemeinde`` as dicts), the ids of features it refers
to (``refs``: ``gehoertZuBereich``, ``refTextInhalt`` …) and its textual fixings (``texts``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from .crs import CRSInfo

# ---------------------------------------------------------------------------- code lists
#: XP_ArtHoehenbezug (XPlanung 5.x/6.0): code -> (short label, absolute?)
HOEHENBEZUG = {
    1000: ("NHN", True),  # absolutNHN
    1100: ("NN", True),  # absolutNN (Normalnull, older datum; centimetres from NHN)
    1200: ("DHHN", True),  # absolutDHHN
    2000: ("über Gelände", False),  # relativGelaendeoberkante
    2500: ("über Gehweg", False),  # relativGehwegOberkante
    3000: ("über Bezugshöhe", False),  # relativBezugshoehe (the plan's bezugshoehe)
    3500: ("über Straße", False),  # relativStrasse
    4000: ("über EFH", False),  # relativEFH (6.0)
}
#: XP_ArtHoehenbezugspunkt: code -> abbreviation
BEZUGSPUNKT = {1000: "TH", 2000: "FH", 3000: "OK", 3500: "LH", 4000: "SH", 4500: "EFH", 5000: "HBA",
               5500: "UK", 6000: "GBH", 6500: "WH", 6600: "GOK"}
BEZUGSPUNKT_NAMES = {"TH": "Traufhöhe", "FH": "Firsthöhe", "OK": "Oberkante", "LH": "lichte Höhe",
                     "SH": "Sockelhöhe", "EFH": "Erdgeschoss-Fußbodenhöhe", "HBA": "Höhe baulicher Anlagen",
                     "UK": "Unterkante", "GBH": "Gebäudehöhe", "WH": "Wandhöhe", "GOK": "Geländeoberkante"}
#: which building height a reference point limits: "eave" (lowest roof edge: Traufhöhe, Wandhöhe)
#: or "top" (highest point: Firsthöhe, Oberkante, Gebäudehöhe, Höhe baulicher Anlagen). Clearance,
#: plinth, floor and ground heights (LH, SH, EFH, UK, GOK) are not limits of the building's height.
LIMITED_HEIGHT = {"TH": "eave", "WH": "eave", "FH": "top", "OK": "top", "GBH": "top", "HBA": "top"}
#: XP_AllgArtDerBaulNutzung: code -> (abbreviation, name)
ALLG_ART = {1000: ("W", "Wohnbaufläche"), 2000: ("M", "Gemischte Baufläche"),
            3000: ("G", "Gewerbliche Baufläche"), 4000: ("S", "Sonderbaufläche"), 9999: ("SB", "Sonstige Baufläche")}
#: XP_BesondereArtDerBaulNutzung: code -> (abbreviation, name, BauNVO paragraph)
BESONDERE_ART = {
    1000: ("WS", "Kleinsiedlungsgebiet", "§2"), 1100: ("WR", "Reines Wohngebiet", "§3"),
    1200: ("WA", "Allgemeines Wohngebiet", "§4"), 1300: ("WB", "Besonderes Wohngebiet", "§4a"),
    1400: ("MD", "Dorfgebiet", "§5"), 1450: ("MDW", "Dörfliches Wohngebiet", "§5a"),
    1500: ("MI", "Mischgebiet", "§6"), 1550: ("MU", "Urbanes Gebiet", "§6a"), 1600: ("MK", "Kerngebiet", "§7"),
    1700: ("GE", "Gewerbegebiet", "§8"), 1800: ("GI", "Industriegebiet", "§9"),
    2000: ("SO", "Sondergebiet Erholung", "§10"), 2100: ("SO", "Sonstiges Sondergebiet", "§11"),
    3000: ("SO", "Wochenendhausgebiet", "§10"), 4000: ("SO", "Sondergebiet", "§11"),
    9999: ("SG", "Sonstiges Gebiet", ""),
}
#: BP_Bauweise
BAUWEISE = {1000: "offen", 2000: "geschlossen", 3000: "abweichend"}
#: BP_Dachform: code -> name
DACHFORM = {1000: "Flachdach", 2100: "Pultdach", 2200: "Versetztes Pultdach", 3000: "Geneigtes Dach",
            3100: "Satteldach", 3200: "Walmdach", 3300: "Krüppelwalmdach", 3400: "Mansarddach",
            3500: "Zeltdach", 3600: "Kegeldach", 3700: "Kuppeldach", 3800: "Sheddach", 3900: "Bogendach",
            4000: "Turmdach", 4100: "Tonnendach", 5000: "Mischform", 9999: "Sonstiges"}

# ---------------------------------------------------------------------------- PlanZV colours
#: Colours (RGB 0–255) after the Planzeichenverordnung 1990, Anlage Nr. 1 (Art der baulichen
#: Nutzung): Wohnbauflächen red, gemischte Bauflächen brown, gewerbliche Bauflächen grey,
#: Sonderbauflächen orange; the Baugebiete in shades of their group. PlanZV names the colours
#: only; these shades are ours.
NUTZUNG_COLOURS = {
    "W": (214, 72, 62), "WS": (232, 120, 104), "WR": (200, 40, 40), "WA": (222, 86, 70), "WB": (186, 62, 78),
    "M": (150, 98, 54), "MD": (176, 128, 72), "MDW": (190, 146, 92), "MI": (158, 104, 58), "MU": (140, 86, 60),
    "MK": (118, 72, 44),
    "G": (140, 140, 140), "GE": (150, 150, 150), "GI": (105, 105, 112),
    "S": (244, 146, 42), "SO": (244, 146, 42), "SB": (200, 170, 140), "SG": (200, 170, 140),
}
#: other plan areas (PlanZV Nr. 4 Gemeinbedarf, 6 Verkehr, 7 Ver-/Entsorgung, 9 Grün,
#: 10 Wasser, 12 Landwirtschaft/Wald, 13 Natur); unknown area types are drawn light grey
ZONE_COLOURS = {
    "BP_GemeinbedarfsFlaeche": (214, 96, 170), "BP_SpielSportanlagenFlaeche": (120, 190, 90),
    "BP_StrassenVerkehrsFlaeche": (250, 226, 140), "BP_VerkehrsflaecheBesondererZweckbestimmung": (245, 210, 120),
    "SO_Strassenverkehr": (250, 226, 140), "SO_Strassenverkehrsrecht": (250, 226, 140),
    "SO_Schienenverkehrsrecht": (190, 180, 170),
    "BP_VerEntsorgung": (240, 200, 60), "BP_GruenFlaeche": (110, 186, 90), "BP_WaldFlaeche": (40, 120, 60),
    "BP_LandwirtschaftsFlaeche": (200, 214, 120), "BP_GewaesserFlaeche": (90, 160, 220),
    "BP_WasserwirtschaftsFlaeche": (120, 180, 230), "SO_Gewaesser": (90, 160, 220),
    "SO_Wasserrecht": (120, 180, 230),
    "BP_SchutzPflegeEntwicklungsFlaeche": (150, 200, 120), "BP_AusgleichsFlaeche": (150, 200, 120),
    "BP_NebenanlagenFlaeche": (190, 190, 170), "BP_GemeinschaftsanlagenFlaeche": (190, 190, 170),
    "BP_KennzeichnungsFlaeche": (220, 220, 220),
}
DEFAULT_ZONE_COLOUR = (215, 215, 215)
UNKNOWN_NUTZUNG_COLOUR = (200, 150, 140)

#: feature classes read as Baufenster, building zones, boundary lines, heights and texts
BAUFENSTER = "BP_UeberbaubareGrundstuecksFlaeche"
BAUGEBIET = "BP_BaugebietsTeilFlaeche"
BAUGRENZE = "BP_BauGrenze"
BAULINIE = "BP_BauLinie"
HOEHENMASS = "BP_HoehenMass"
TEXT_TYPES = ("XP_TextAbschnitt", "BP_TextAbschnitt")
PRESENTATION_TYPES = ("XP_PPO", "XP_PTO", "XP_LPO", "XP_LTO", "XP_FPO", "XP_Praesentationsobjekt",
                      "XP_Nutzungsschablone", "XP_Rasterdarstellung", "XP_ExterneReferenz")

#: numeric fixings of the Maß der baulichen Nutzung (BauNVO §§16–21a) as XPlanGML names them
STOREY_KEYS = ("Z", "Zmin", "Zmax", "Zzwingend", "Z_Ausn")
DENSITY_KEYS = ("GRZ", "GRZmin", "GRZmax", "GRZ_Ausn", "GFZ", "GFZmin", "GFZmax", "GFZ_Ausn",
                "GR", "GRmin", "GRmax", "GR_Ausn", "GF", "GFmin", "GFmax", "GF_Ausn")


def _number(v) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v) if math.isfinite(float(v)) else None
    if isinstance(v, dict) and "value" in v:
        return _number(v["value"])
    return None


def _code(v) -> int | None:
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v)
    return None


# ---------------------------------------------------------------------------- heights
@dataclass(frozen=True)
class Hoehenangabe:
    """One ``XP_Hoehenangabe`` (heights in metres, codes as in the file)."""

    h: float | None = None
    h_min: float | None = None
    h_max: float | None = None
    h_zwingend: float | None = None
    hoehenbezug: int | None = None
    bezugspunkt: int | None = None
    abweichender_hoehenbezug: str | None = None
    abweichender_bezugspunkt: str | None = None

    @property
    def reference(self) -> str | None:
        """Abbreviation of the reference point (``"TH"``, ``"FH"``, ``"GBH"`` …) or None."""
        return BEZUGSPUNKT.get(self.bezugspunkt) if self.bezugspunkt is not None else None

    @property
    def limits(self) -> str | None:
        """"eave" or "top" when this is a limit of the building's height (see ``LIMITED_HEIGHT``),
        "extent" for a range without reference point (the vertical extent of the feature), else
        None."""
        if self.reference is not None:
            return LIMITED_HEIGHT.get(self.reference)
        if self.bezugspunkt is None and self.abweichender_bezugspunkt is None and (
                self.h_min is not None or self.h_max is not None or self.h_zwingend is not None):
            return "extent"
        return None

    @property
    def absolute(self) -> bool:
        """True when the values are heights above sea level (NHN / NN / DHHN)."""
        return HOEHENBEZUG.get(self.hoehenbezug, ("", False))[1]

    @property
    def upper(self) -> float | None:
        """The largest allowed height: ``hMax``, else ``h`` (a single value is a Höchstmaß), else
        ``hZwingend``."""
        for v in (self.h_max, self.h, self.h_zwingend):
            if v is not None:
                return v
        return None

    @property
    def lower(self) -> float | None:
        """The smallest allowed height: ``hMin``, else ``hZwingend``; None without one."""
        return self.h_min if self.h_min is not None else self.h_zwingend

    def label(self) -> str:
        """Short text such as "GBH ≤ 34 m NHN" or "TH 6.5–7.5 m über Gelände"."""
        ref = self.reference or self.abweichender_bezugspunkt or "Höhe"
        bezug = HOEHENBEZUG.get(self.hoehenbezug, (self.abweichender_hoehenbezug or "", False))[0]
        unit = f" m {bezug}".rstrip()
        if self.h_zwingend is not None:
            return f"{ref} = {self.h_zwingend:g}{unit}"
        lo, hi = self.h_min, self.h_max if self.h_max is not None else self.h
        if lo is not None and hi is not None:
            return f"{ref} {lo:g}–{hi:g}{unit}"
        if hi is not None:
            return f"{ref} ≤ {hi:g}{unit}"
        if lo is not None:
            return f"{ref} ≥ {lo:g}{unit}"
        return ref

    def to_dict(self) -> dict:
        d = {"h": self.h, "hMin": self.h_min, "hMax": self.h_max, "hZwingend": self.h_zwingend,
             "hoehenbezug": self.hoehenbezug, "bezugspunkt": self.reference or self.bezugspunkt,
             "abweichenderHoehenbezug": self.abweichender_hoehenbezug,
             "abweichenderBezugspunkt": self.abweichender_bezugspunkt}
        return {k: v for k, v in d.items() if v is not None}


# ---------------------------------------------------------------------------- features
@dataclass(eq=False)
class PlanFeature:
    """One XPlanGML feature (see module docstring). ``geometry`` is in the plan's CRS (metres),
    2D; ``file_geometry`` is the same geometry before repair (``make_valid``), for areas as the
    file defines them."""

    id: str
    type: str
    geometry: object = None
    attributes: dict = field(default_factory=dict)
    heights: list = field(default_factory=list)
    refs: dict = field(default_factory=dict)
    texts: list = field(default_factory=list)
    file_geometry: object = None

    # -- fixings
    def number(self, key: str) -> float | None:
        """A numeric fixing (GRZ, GFZ, Z, DN …) or None."""
        v = self.attributes.get(key)
        if v is None and key.endswith("zwingend"):
            v = self.attributes.get(key[:-8] + "Zwingend")  # 6.0 spells DNZwingend, 5.x DNzwingend
        return _number(v)

    @property
    def ebene(self) -> int:
        """Level of the fixing: 0 ground level (default), > 0 above, < 0 below ground."""
        v = _code(self.attributes.get("ebene"))
        return 0 if v is None else v

    @property
    def nutzung(self) -> str | None:
        """Abbreviation of the Art der baulichen Nutzung ("WA", "MI", "GE" … or "W", "M" …)."""
        b = _code(self.attributes.get("besondereArtDerBaulNutzung"))
        if b in BESONDERE_ART:
            return BESONDERE_ART[b][0]
        a = _code(self.attributes.get("allgArtDerBaulNutzung"))
        if a in ALLG_ART:
            return ALLG_ART[a][0]
        return None

    @property
    def nutzung_name(self) -> str | None:
        b = _code(self.attributes.get("besondereArtDerBaulNutzung"))
        if b in BESONDERE_ART:
            name, para = BESONDERE_ART[b][1], BESONDERE_ART[b][2]
            return f"{name} ({para} BauNVO)" if para else name
        a = _code(self.attributes.get("allgArtDerBaulNutzung"))
        return ALLG_ART[a][1] if a in ALLG_ART else None

    @property
    def bauweise(self) -> str | None:
        return BAUWEISE.get(_code(self.attributes.get("bauweise")))

    def roof(self) -> dict:
        """Roof fixings: ``forms`` [names], ``pitch_deg`` / ``pitch_min_deg`` / ``pitch_max_deg`` /
        ``pitch_mandatory_deg`` (5.x properties of the feature; 6.0 ``BP_Dachgestaltung``)."""
        sources = [self.attributes]
        dg = self.attributes.get("dachgestaltung")
        for d in dg if isinstance(dg, list) else [dg]:
            if isinstance(d, dict):
                sources.append(d.get("BP_Dachgestaltung", d))
        forms, out = [], {}
        for src in sources:
            f = src.get("dachform")
            for c in f if isinstance(f, list) else [f]:
                code = _code(c)
                if code is not None and DACHFORM.get(code, str(code)) not in forms:
                    forms.append(DACHFORM.get(code, str(code)))
            for key, name in (("DN", "pitch_deg"), ("DNmin", "pitch_min_deg"), ("DNmax", "pitch_max_deg"),
                              ("DNzwingend", "pitch_mandatory_deg"), ("DNZwingend", "pitch_mandatory_deg")):
                v = _number(src.get(key))
                if v is not None:
                    out[name] = v
        if forms:
            out["forms"] = forms
        return out

    def storey_limits(self) -> dict:
        """{"max": n, "min": n, "mandatory": n} of the full storeys above ground (Z, Zmax, Zmin,
        Zzwingend); keys only where fixed."""
        out = {}
        z, zmax, zmin, zzw = (self.number(k) for k in ("Z", "Zmax", "Zmin", "Zzwingend"))
        if zzw is not None:
            out["mandatory"] = zzw
        hi = zmax if zmax is not None else z
        if hi is not None:
            out["max"] = hi
        if zmin is not None:
            out["min"] = zmin
        return out

    def height_limits(self) -> list:
        """The :class:`Hoehenangabe` that limit the building's eave or top height."""
        return [h for h in self.heights if h.limits in ("eave", "top")]

    def extent(self) -> Hoehenangabe | None:
        """A height range without reference point: the vertical extent of the feature itself."""
        return next((h for h in self.heights if h.limits == "extent"), None)

    def label(self) -> str:
        """Short plan label: Art, Z in Roman numerals, GRZ, GFZ, heights."""
        parts = []
        if self.nutzung:
            parts.append(self.nutzung)
        s = self.storey_limits()
        if "mandatory" in s:
            parts.append(roman(int(s["mandatory"])))
        elif "max" in s:
            parts.append(("" if "min" not in s else roman(int(s["min"])) + "–") + roman(int(s["max"])))
        for k in ("GRZ", "GFZ"):
            v = self.number(k)
            if v is not None:
                parts.append(f"{k} {v:g}")
        parts += [h.label() for h in self.height_limits()]
        return " · ".join(parts)

    def summary(self) -> dict:
        """JSON-ready description (attributes as read, plus decoded fixings)."""
        d = {"id": self.id, "type": self.type}
        for k in ("nutzung", "nutzung_name", "bauweise"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.ebene:
            d["ebene"] = self.ebene
        for k in STOREY_KEYS + DENSITY_KEYS:
            v = self.number(k)
            if v is not None:
                d[k] = v
        roof = self.roof()
        if roof:
            d["roof"] = roof
        if self.heights:
            d["heights"] = [h.to_dict() for h in self.heights]
        if self.texts:
            d["texts"] = list(self.texts)
        return d


def roman(n: int) -> str:
    """Roman numeral (the plan's notation for the number of full storeys)."""
    if n <= 0:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def zone_colour(feature: PlanFeature) -> tuple[int, int, int]:
    """PlanZV colour of a plan area: building zones and Baufenster by their Art der baulichen
    Nutzung, other areas by class (``ZONE_COLOURS``)."""
    if feature.type in (BAUGEBIET, BAUFENSTER):
        return NUTZUNG_COLOURS.get(feature.nutzung or "", UNKNOWN_NUTZUNG_COLOUR)
    return ZONE_COLOURS.get(feature.type, DEFAULT_ZONE_COLOUR)


# ---------------------------------------------------------------------------- the plan
@dataclass(eq=False)
class Bebauungsplan:
    """All features of one XPlanGML file (several ``BP_Plan`` are possible)."""

    source: str
    version: str
    crs: CRSInfo
    features: list = field(default_factory=list)
    source_crs: CRSInfo = field(default_factory=lambda: CRSInfo(None))
    warnings: list = field(default_factory=list)
    unknown_types: dict = field(default_factory=dict)
    vertex_count: int = 0
    hoehenangaben: int = 0

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- access
    def of_type(self, *types) -> list:
        wanted = set(types)
        return [f for f in self.features if f.type in wanted]

    def by_id(self) -> dict:
        return {f.id: f for f in self.features}

    @property
    def plans(self) -> list:
        return [f for f in self.features if f.type.endswith("_Plan")]

    @property
    def bereiche(self) -> list:
        return [f for f in self.features if f.type.endswith("_Bereich")]

    @property
    def baufenster(self) -> list:
        return [f for f in self.of_type(BAUFENSTER) if _is_area(f.geometry)]

    @property
    def baugebiete(self) -> list:
        return [f for f in self.of_type(BAUGEBIET) if _is_area(f.geometry)]

    @property
    def baugrenzen(self) -> list:
        return [f for f in self.of_type(BAUGRENZE) if f.geometry is not None]

    @property
    def baulinien(self) -> list:
        return [f for f in self.of_type(BAULINIE) if f.geometry is not None]

    def zones(self) -> list:
        """Area features to draw on the ground: every feature with an areal geometry except the
        plan, its parts, texts and presentation objects."""
        skip = set(TEXT_TYPES) | set(PRESENTATION_TYPES)
        return [f for f in self.features if _is_area(f.geometry) and f.type not in skip
                and not f.type.endswith(("_Plan", "_Bereich"))]

    def name(self) -> str:
        for p in self.plans:
            n = p.attributes.get("name")
            if n:
                return str(n)
        return ""

    def geltungsbereich(self):
        """The plan area: union of the plans' ``raeumlicherGeltungsbereich``, else of the parts'
        ``geltungsbereich``, else the convex hull of all features (shapely, plan CRS)."""
        for group in (self.plans, self.bereiche):
            geoms = [f.geometry for f in group if _is_area(f.geometry)]
            if geoms:
                return shapely.union_all(geoms)
        geoms = [f.geometry for f in self.features if f.geometry is not None]
        return shapely.convex_hull(shapely.union_all(geoms)) if geoms else shapely.Polygon()

    def bezugshoehe(self) -> float | None:
        """The plan's reference height for heights ``relativBezugshoehe`` (m NHN), if given."""
        for f in self.plans + self.bereiche:
            v = _number(f.attributes.get("bezugshoehe"))
            if v is not None:
                return v
        return None

    def counts(self) -> dict:
        """{XPlanGML class: number of features}, most frequent first."""
        out: dict = {}
        for f in self.features:
            out[f.type] = out.get(f.type, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def bbox(self):
        """[xmin, ymin, zmin, xmax, ymax, zmax] in the plan CRS (z: range of the absolute
        heights fixed in the plan, 0 without any) or None."""
        geoms = [f.geometry for f in self.features if f.geometry is not None]
        if not geoms:
            return None
        b = shapely.total_bounds(np.array(geoms, dtype=object))
        zs = [v for f in self.features for h in f.heights if h.absolute
              for v in (h.h, h.h_min, h.h_max, h.h_zwingend) if v is not None]
        z0, z1 = (min(zs), max(zs)) if zs else (0.0, 0.0)
        return [float(b[0]), float(b[1]), float(z0), float(b[2]), float(b[3]), float(z1)]

    def info(self) -> dict:
        """What ``main.py info PLAN.gml --json`` prints: the city-model keys (``format``,
        ``version``, ``crs``, ``object_counts``, ``objects``, ``lods``, ``bbox``, ``vertices``,
        ``triangles``) plus the plan's own counts."""
        bb = self.bbox()
        return {
            "format": "XPlanGML",
            "version": self.version,
            "crs": self.crs.name,
            "vertical_crs": None,
            "source_crs": self.source_crs.name,
            "object_counts": self.counts(),
            "objects": len(self.features),
            "lods": [],
            "bbox": None if bb is None else [round(v, 4) for v in bb],
            "vertices": int(self.vertex_count),
            "triangles": 0,
            "files": [self.source],
            "plan_name": self.name(),
            "plans": len(self.plans),
            "bereiche": len(self.bereiche),
            "baufenster": len(self.of_type(BAUFENSTER)),
            "baugebiete": len(self.of_type(BAUGEBIET)),
            "baugrenzen": len(self.of_type(BAUGRENZE)),
            "baulinien": len(self.of_type(BAULINIE)),
            "hoehenangaben": int(self.hoehenangaben),
            "texts": len(self.of_type(*TEXT_TYPES)),
            "unknown_features": dict(self.unknown_types),
            "area_m2": round(float(shapely.area(self.geltungsbereich())), 2),
            "bezugshoehe_m": self.bezugshoehe(),
            "warnings": list(self.warnings),
        }


def _is_area(g) -> bool:
    return g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")


__all__ = ["Bebauungsplan", "PlanFeature", "Hoehenangabe", "zone_colour", "roman", "BAUFENSTER", "BAUGEBIET",
           "BAUGRENZE", "BAULINIE", "HOEHENMASS", "NUTZUNG_COLOURS", "ZONE_COLOURS"]
