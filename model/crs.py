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


# ---------------------------------------------------------------------------- geographic models
#: projected national grids of geographic CRSs that have no UTM zones of their own datum
#: (Amersfoort -> RD New); everything else goes to the UTM zone of its own datum
NATIONAL_GRIDS = {4289: 28992}


@dataclass(frozen=True)
class Reprojection:
    """What :func:`reproject_geographic` did: source and target CRS, whether the file's
    coordinates were latitude-first, and a note for the user."""

    source: CRSInfo
    target: CRSInfo
    latitude_first: bool
    note: str
    source_name: str = ""  # "EPSG:6697": the compound code where EPSG has one, else the horizontal


def _horizontal_geographic(epsg: int):
    """The pyproj horizontal CRS of ``epsg`` when it is geographic (2D or 3D), else None."""
    from pyproj import CRS

    try:
        crs = CRS.from_epsg(epsg)
    except Exception:
        return None
    if crs.is_compound:
        crs = next((s for s in crs.sub_crs_list if not s.is_vertical), crs)
    return crs if crs.is_geographic else None


def _latitude_first(geo_crs, first, second) -> tuple[bool, bool]:
    """(latitude first?, swapped against the CRS definition?) for coordinates ``first``,
    ``second`` (arrays) of a geographic CRS. The CRS's axis order is honoured (EPSG:4326, 4979,
    6697 … define latitude first, as GML writes them); only when the values cannot be latitudes
    in that order (|φ| > 90°) but can in the other are they read the other way round."""
    import numpy as np

    declared = geo_crs.axis_info[0].direction.lower() in ("north", "south")
    lat, lon = (first, second) if declared else (second, first)
    plausible = bool(np.all(np.abs(lat) <= 90.0) and np.all(np.abs(lon) <= 360.0))
    other = bool(np.all(np.abs(lon) <= 90.0) and np.all(np.abs(lat) <= 360.0))
    if not plausible and other:
        return not declared, True
    return declared, False


def projected_crs_for(geo_epsg: int, lon_deg: float, lat_deg: float) -> int:
    """The projected CRS a geographic model is analysed in: the UTM zone of the same datum at the
    model's position (ETRS89 -> EPSG:25832/25833, the German and Dutch national standard;
    JGD2011 -> 6688–6692; WGS 84 -> 326xx/327xx), or the national grid of :data:`NATIONAL_GRIDS`;
    WGS 84 UTM as the last resort (with a datum transformation)."""
    import re

    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    if geo_epsg in NATIONAL_GRIDS:
        return NATIONAL_GRIDS[geo_epsg]
    geo = _horizontal_geographic(geo_epsg)
    aoi = AreaOfInterest(lon_deg, lat_deg, lon_deg, lat_deg)
    for datum in ((geo.name,) if geo is not None else ()) + ("WGS 84",):
        found = [int(i.code) for i in query_utm_crs_info(datum_name=datum, area_of_interest=aoi)
                 if i.auth_name == "EPSG" and re.fullmatch(rf"{re.escape(datum)} / UTM zone \d+[NS]", i.name)]
        if found:
            return found[0]
    zone = int((lon_deg + 180.0) // 6.0) % 60 + 1
    return (32600 if lat_deg >= 0 else 32700) + zone


def reproject_geographic(model) -> Reprojection | None:
    """Reproject a model whose CRS is geographic (degrees: EPSG:4326/4979 CityJSON, PLATEAU
    CityGML in EPSG:6697 …) to :func:`projected_crs_for` in place, so that areas, heights,
    distances and shadows are in metres. Heights stay as they are (the vertical CRS is kept; a 3D
    geographic CRS's ellipsoidal heights stay ellipsoidal). The CityJSON transform of the file no
    longer applies and is dropped. Returns what was done, or None for a projected/unknown CRS."""
    import numpy as np
    from pyproj import Transformer

    crs = model.crs
    if not crs or not crs.epsg:
        return None
    geo = _horizontal_geographic(crs.epsg)
    if geo is None or len(model.vertices) == 0:
        return None
    v = model.vertices
    lat_first, swapped = _latitude_first(geo, v[:, 0], v[:, 1])
    lat, lon = (v[:, 0], v[:, 1]) if lat_first else (v[:, 1], v[:, 0])
    target = projected_crs_for(crs.epsg, float(np.median(lon)), float(np.median(lat)))
    tr = Transformer.from_crs(crs.epsg, target, always_xy=True)
    x, y = tr.transform(lon, lat)
    out = np.column_stack([x, y, v[:, 2]]).astype(np.float64)
    if not np.isfinite(out).all():
        from .errors import InputError

        raise InputError(None, f"coordinates in {crs.name} cannot be projected to EPSG:{target}")
    model.vertices = out
    model.transform = None
    model.invalidate()
    vertical = crs.vertical_epsg
    new = CRSInfo(target, vertical, f"EPSG:{target}" + (f"+{vertical}" if vertical else ""))
    from pyproj import CRS

    order = "latitude, longitude" if lat_first else "longitude, latitude"
    source_name = f"EPSG:{compound_epsg(crs.epsg, vertical) or crs.epsg}"
    note = (f"geographic CRS {source_name} ({geo.name}, degrees; coordinates read as {order}"
            + (", against the CRS's axis order" if swapped else "")
            + f") reprojected to EPSG:{target} ({CRS.from_epsg(target).name}) for metric analyses"
            + ("" if vertical else "; heights unchanged (ellipsoidal)" if len(geo.axis_info) == 3 else ""))
    model.crs = new
    from . import codes

    model.warn(note, codes.REPROJECTED)
    model.reprojection = Reprojection(crs, new, lat_first, note, source_name)
    return model.reprojection


# ---------------------------------------------------------------------------- transformations
#: folders of transformation grids installed by the system (Debian's proj-data: BETA2007.gsb for
#: DHDN -> ETRS89, EGM96 …), searched after pyproj's own data folder
SYSTEM_GRID_DIRS = ("/usr/share/proj", "/usr/local/share/proj")


def grid_folders() -> tuple[str, ...]:
    """Folders PROJ should search for grids besides pyproj's own, in order: the RDNAPTRANS™2018
    grids built from NSGI's data (:mod:`stadtbild.model.datum_grids`, ``make grids``), then the system's."""
    from .datum_grids import grid_folder

    return (str(grid_folder()), *SYSTEM_GRID_DIRS)


@lru_cache(maxsize=1)
def use_installed_grids() -> tuple[str, ...]:
    """Let PROJ find the grids of :func:`grid_folders` besides pyproj's own data folder (pyproj's
    wheel only looks in its own; its proj.db stays first). Called at start-up by the CLI and the
    window and before every :func:`transformer_between`. Returns the folders added."""
    import os

    from pyproj import datadir

    current = datadir.get_data_dir().split(os.pathsep)
    added = []
    for folder in grid_folders():
        if os.path.isdir(folder) and folder not in current:
            datadir.append_data_dir(folder)
            added.append(folder)
    return tuple(added)


@dataclass(frozen=True)
class TransformationInfo:
    """Which PROJ operation a transformation uses and how accurate PROJ says it is (metres; None
    when PROJ does not know), and a note when a more accurate one was not available."""

    operation: str
    accuracy_m: float | None
    best_available: bool
    note: str | None = None


def transformer_between(src_epsg: int, dst_epsg: int):
    """(pyproj Transformer, TransformationInfo) from ``src_epsg`` to ``dst_epsg`` (x/y order =
    easting/northing or longitude/latitude), the most accurate operation PROJ can run with the
    grids installed. When PROJ knows a more accurate one whose grid is missing (e.g. RDNAPTRANS
    ``nl_nsgi_rdtrans2018.tif`` for ETRS89 -> RD New when it has not been built, 0.25 m Helmert
    used instead), the note says so with both accuracies, as PROJ reports them."""
    import warnings

    from pyproj import Transformer
    from pyproj.transformer import TransformerGroup

    use_installed_grids()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "best transformation is not available": reported below
        group = TransformerGroup(src_epsg, dst_epsg, always_xy=True)
    if not group.transformers:
        return Transformer.from_crs(src_epsg, dst_epsg, always_xy=True), TransformationInfo("", None, False, None)
    t = group.transformers[0]
    acc = float(t.accuracy) if t.accuracy is not None and t.accuracy >= 0 else None
    note = None
    if not group.best_available and group.unavailable_operations:
        best = group.unavailable_operations[0]
        grids = sorted({g.short_name for g in best.grids if not g.available})
        best_acc = best.accuracy if best.accuracy is not None and best.accuracy >= 0 else None
        note = (f"EPSG:{src_epsg} -> EPSG:{dst_epsg}: PROJ fell back to '{t.description}' (accuracy "
                f"{'unknown' if acc is None else f'{acc:g} m'}) because the grid(s) {', '.join(grids) or '?'} of "
                f"the more accurate '{best.name}' ({'unknown' if best_acc is None else f'{best_acc:g} m'}) "
                f"are not installed")
        from .datum_grids import DUTCH_GRIDS

        if {g.file_name for g in DUTCH_GRIDS} & set(grids):
            note += " (`make grids` or `python -m stadtbild.model.datum_grids` builds them from NSGI's data)"
    return t, TransformationInfo(t.description, acc, bool(group.best_available), note)
