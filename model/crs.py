"""Coordinate reference systems as they are spelled in city models.

Recognised spellings (all map to a horizontal EPSG code and an optional vertical one):

- ``EPSG:25832``, ``epsg:25832``, ``{"epsg": 7415}`` (CityJSON 1.0)
- ``urn:ogc:def:crs:EPSG::28992``, ``urn:ogc:def:crs:EPSG:6.12:3068``
- ``urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783`` (compound, CityGML)
- ``http(s)://www.opengis.net/def/crs/EPSG/0/28992`` (any version segment, e.g. ``6.12``)
- AdV URNs of German state data: ``urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH*GCG2016`` ->
  EPSG:25832 + DHHN2016 (EPSG:7837); ``…UTM33…`` -> 25833; ``DE_DHHN92_NH`` -> EPSG:5783.
- Compound EPSG codes (7415 = Amersfoort / RD New + NAP height) are split with pyproj.
"""
from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from functools import lru_cache

_ADV_HORIZONTAL = {
    "ETRS89_UTM32": 25832,
    "ETRS89_UTM33": 25833,
    "ETRS89_UTM31": 25831,
    "DE_DHDN_3GK2": 31466,
    "DE_DHDN_3GK3": 31467,
    "DE_DHDN_3GK4": 31468,
    "DE_DHDN_3GK5": 31469,
    "ETRS89_3GK3": 5677,
}
_ADV_VERTICAL = {
    "DE_DHHN2016_NH": 7837,
    "DE_DHHN92_NH": 5783,
    "DE_DHHN12_NOH": 5784,
}

_EPSG_RE = re.compile(r"EPSG(?:/|:)+(?:[0-9.]+)?(?:/|:)+(\d+)|EPSG:+(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class CRSInfo:
    """A model's CRS: horizontal EPSG code, optional vertical EPSG code, and the original text."""

    epsg: int | None
    vertical_epsg: int | None = None
    text: str | None = None

    @property
    def name(self) -> str | None:
        """``"EPSG:28992"`` or None when unknown."""
        return f"EPSG:{self.epsg}" if self.epsg else None

    def pyproj(self):
        """The horizontal CRS as a ``pyproj.CRS`` (None if unknown)."""
        if not self.epsg:
            return None
        from pyproj import CRS

        return CRS.from_epsg(self.epsg)

    def __bool__(self) -> bool:
        return self.epsg is not None


@lru_cache(maxsize=256)
def _split_compound(code: int) -> tuple[int | None, int | None]:
    """Split a compound EPSG code into (horizontal, vertical) with pyproj; a plain code returns
    (code, None); an unknown code returns (None, None)."""
    try:
        from pyproj import CRS

        crs = CRS.from_epsg(code)
    except Exception:
        return None, None
    if crs.is_compound:
        horiz = vert = None
        for sub in crs.sub_crs_list:
            sub_code = sub.to_epsg()
            if sub.is_vertical:
                vert = sub_code
            else:
                horiz = sub_code
        return horiz, vert
    if crs.is_vertical:
        return None, code
    return code, None


def parse_crs(value) -> CRSInfo:
    """Parse a CRS as written in a CityJSON ``referenceSystem`` or a CityGML ``srsName``.

    Returns ``CRSInfo(None, ...)`` when nothing recognisable is found (a local engineering CRS
    such as ``#local-CRS-1``) — callers load the model and warn.
    """
    if value is None:
        return CRSInfo(None)
    if isinstance(value, dict):  # CityJSON 1.0: {"epsg": 7415}
        code = value.get("epsg")
        if isinstance(code, (int, str)) and str(code).isdigit():
            h, v = _split_compound(int(code))
            return CRSInfo(h, v, f"EPSG:{code}")
        return CRSInfo(None, None, str(value))
    text = str(value).strip()
    if not text:
        return CRSInfo(None)
    if text.lower().startswith("urn:adv:crs:"):
        parts = text.split(":", 3)[-1].split("*")
        horiz = _ADV_HORIZONTAL.get(parts[0])
        vert = next((_ADV_VERTICAL[p] for p in parts[1:] if p in _ADV_VERTICAL), None)
        return CRSInfo(horiz, vert, text)
    codes = [int(a or b) for a, b in _EPSG_RE.findall(text)]
    if not codes and text.isdigit():
        codes = [int(text)]
    horiz = vert = None
    for code in codes:
        h, v = _split_compound(code)
        horiz = horiz or h
        vert = vert or v
    return CRSInfo(horiz, vert, text)


def transformer_to_wgs84(crs: CRSInfo):
    """A pyproj Transformer from the model CRS to WGS84 lon/lat (always_xy)."""
    from pyproj import Transformer

    if not crs or not crs.epsg:
        raise ValueError("model has no known CRS")
    return Transformer.from_crs(crs.epsg, 4326, always_xy=True)


@lru_cache(maxsize=64)
def compound_epsg(horizontal: int | None, vertical: int | None) -> int | None:
    """The EPSG code of the compound CRS made of ``horizontal`` + ``vertical`` (e.g. 28992 +
    5709 -> 7415, 25832 + 5783 -> 5555), found in PROJ's EPSG database by its registered name
    "<horizontal name> + <vertical name>"; None when EPSG registers no such compound (e.g.
    ETRS89 / UTM 32N + DHHN2016 has none)."""
    if not horizontal or not vertical:
        return None
    try:
        from pyproj import CRS
        from pyproj.database import query_crs_info
        from pyproj.enums import PJType

        name = f"{CRS.from_epsg(horizontal).name} + {CRS.from_epsg(vertical).name}"
        for info in query_crs_info(auth_name="EPSG", pj_types=PJType.COMPOUND_CRS):
            if info.name == name:
                return int(info.code)
    except Exception:
        return None
    return None


def crs_argument(value, path=None) -> CRSInfo:
    """A CRS given by the user or a caller (CRSInfo, EPSG integer, or any spelling ``parse_crs``
    reads) as CRSInfo; None or "" is "unknown". An unrecognised spelling is an InputError naming
    ``path``."""
    from .errors import InputError

    if value is None or value == "":
        return CRSInfo(None)
    if isinstance(value, CRSInfo):
        return value
    if isinstance(value, numbers.Integral):  # int and numpy integers
        return CRSInfo(int(value))
    info = parse_crs(str(value))
    if not info:
        raise InputError(path, f"unknown CRS {value!r} (give an EPSG code such as EPSG:25832)")
    return info
