"""From the model CRS to the Earth-centred frame of 3D Tiles: positions, heights and the local
east-north-up (ENU) frame of a published site.

3D Tiles place content in WGS 84 Earth-centred, Earth-fixed coordinates (ECEF, EPSG:4978; 3D Tiles
1.1 §"Coordinate reference system"). Every vertex goes the exact way, point by point, with PROJ:

1. model CRS (x, y) -> geodetic longitude/latitude (EPSG:4979) with the best transformation PROJ
   has on this machine (for RD New without the RDNAPTRANS grid that is the EPSG Helmert
   "Amersfoort to WGS 84 (3)", about 1 m; ETRS89 UTM is exact up to the ETRS89/WGS 84 offset);
2. height: city models carry *orthometric* heights (NAP, DHHN2016 …: metres above the geoid),
   ECEF needs *ellipsoidal* ones: ``h = H + N`` with N the geoid undulation. In this order:

   - ``geoid_undulation_m`` given by the user (a surveyor's figure for the site): used as is;
   - the model names its vertical CRS and PROJ holds that datum's national geoid grid (NLGEO2018
     for NAP, GCG2016 for DHHN2016 …, e.g. through ``PROJ_NETWORK`` or installed grids): the full
     compound transformation, centimetre-exact;
   - otherwise the global geoid EGM96 (NGA, 15' grid ``egm96_15.gtx`` of Debian's ``proj-data``),
     interpolated per vertex by PROJ's ``vgridshift``. EGM96 departs from the national geoids
     by decimetres, at most about a metre (its own error budget, Lemoine et al. 1998, NASA
     TP-1998-206861); over a city that is an almost constant offset, so buildings, ground and
     layers stay consistent with each other;
   - without any geoid model the heights are used as ellipsoidal ones and the report says so;

3. (lon, lat, h) -> ECEF (PROJ, EPSG:4979 -> EPSG:4978), then into the site's ENU frame at an
   anchor point: ``enu = R · (ecef − ecef_anchor)`` with R the rows east, north, up
   (EPSG Guidance Note 7-2, §4.1.2 "geocentric / topocentric conversions").

Because each vertex is converted on its own, the Earth's curvature and the grid convergence of the
projection are in the result: a building 5 km from the anchor sits 2 m lower in ENU than in the
projected CRS, exactly as on the ellipsoid.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from stadtbild.model.crs import SYSTEM_GRID_DIRS
from stadtbild.model.errors import InputError

#: Debian proj-data's global geoid (EGM96, 15 arc-minute grid, NGA), searched in PROJ's folders and
#: the system's grid folders (model.crs.SYSTEM_GRID_DIRS)
EGM96_GRID = "egm96_15.gtx"


@lru_cache(maxsize=1)
def egm96_grid_path() -> str | None:
    """Path of the EGM96 grid file, or None when no PROJ data folder holds it."""
    import pyproj

    folders = [os.environ.get("PROJ_DATA"), os.environ.get("PROJ_LIB"), pyproj.datadir.get_data_dir(),
               *SYSTEM_GRID_DIRS]
    for folder in folders:
        for sub in (folder or "").split(os.pathsep):
            if sub and (Path(sub) / EGM96_GRID).is_file():
                return str(Path(sub) / EGM96_GRID)
    return None


def geoid_undulation_egm96(lon_deg, lat_deg) -> np.ndarray | None:
    """EGM96 geoid undulation N (metres, geoid above the WGS 84 ellipsoid) at the points, bilinear
    in the 15' grid (PROJ ``vgridshift``); None when the grid is not installed."""
    path = egm96_grid_path()
    if path is None:
        return None
    from pyproj import Transformer

    t = Transformer.from_pipeline(f"+proj=vgridshift +grids={path} +multiplier=1")
    lon = np.asarray(lon_deg, dtype=float)
    lat = np.asarray(lat_deg, dtype=float)
    _, _, n = t.transform(lon, lat, np.zeros_like(lon))
    return np.asarray(n, dtype=float)


def enu_rotation(lon_deg: float, lat_deg: float) -> np.ndarray:
    """(3, 3) rows = unit east, north, up vectors in ECEF at the geodetic point (EPSG GN 7-2)."""
    lam, phi = np.radians(lon_deg), np.radians(lat_deg)
    sl, cl, sp, cp = np.sin(lam), np.cos(lam), np.sin(phi), np.cos(phi)
    return np.array([[-sl, cl, 0.0],
                     [-sp * cl, -sp * sl, cp],
                     [cp * cl, cp * sl, sp]])


@dataclass
class SiteFrame:
    """The ENU frame of a published site and the conversion of model coordinates into it.

    ``anchor`` (model CRS, metres) is the frame's origin; ``anchor_ecef`` its ECEF position;
    ``rotation`` rows east/north/up; ``vertical`` says how heights became ellipsoidal (see the
    module docstring); ``horizontal`` names PROJ's transformation and its accuracy (m, -1 unknown).
    """

    crs: object  # model.crs.CRSInfo
    anchor: np.ndarray
    geoid_undulation_m: float | None = None
    anchor_lonlat_h: np.ndarray = field(init=False)
    anchor_ecef: np.ndarray = field(init=False)
    rotation: np.ndarray = field(init=False)
    vertical: dict = field(init=False)
    horizontal: dict = field(init=False)

    def __post_init__(self) -> None:
        from pyproj import Transformer

        if not self.crs or not getattr(self.crs, "epsg", None):
            raise InputError(None, "the model has no known CRS, so it cannot be placed on the globe "
                                   "(give one with --crs, e.g. --crs EPSG:25832)")
        self.anchor = np.asarray(self.anchor, dtype=float).reshape(3)
        try:
            import warnings

            from pyproj.transformer import TransformerGroup

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "best transformation not available": the best one we have is named
                group = TransformerGroup(self.crs.epsg, 4326, always_xy=True)
            self._to_geo = group.transformers[0]  # PROJ sorts the usable ones best first
        except Exception as exc:
            raise InputError(None, f"no transformation from EPSG:{self.crs.epsg} to WGS 84 ({exc})") from None
        self._to_ecef = Transformer.from_crs(4979, 4978, always_xy=True)
        self._national = self._national_geoid_transformer()
        lon, lat, h = self.geodetic(self.anchor[None, :])
        self.horizontal = {"operation": self._to_geo.description, "accuracy_m": float(self._to_geo.accuracy)}
        self.anchor_lonlat_h = np.array([lon[0], lat[0], h[0]])
        self.anchor_ecef = self._ecef(lon, lat, h)[0]
        self.rotation = enu_rotation(lon[0], lat[0])
        if self.geoid_undulation_m is not None:
            self.vertical = {"method": "given", "geoid_undulation_m": float(self.geoid_undulation_m)}
        elif self._national is not None:
            self.vertical = {"method": "national geoid (PROJ)", "operation": self._national.description,
                             "accuracy_m": float(self._national.accuracy)}
        else:
            n = geoid_undulation_egm96(lon, lat)
            if n is None:
                self.vertical = {"method": "none", "geoid_undulation_m": 0.0,
                                 "note": f"no geoid model ({EGM96_GRID}, Debian package proj-data): heights "
                                         "used as ellipsoidal heights, the site floats about 40-50 m low"}
            else:
                self.vertical = {"method": "EGM96", "grid": EGM96_GRID, "geoid_undulation_m": round(float(n[0]), 3),
                                 "note": "orthometric heights + EGM96 undulation; EGM96 differs from the "
                                         "national geoid by decimetres (at most about 1 m)"}
        self.vertical["vertical_crs"] = f"EPSG:{self.crs.vertical_epsg}" if self.crs.vertical_epsg else None

    def _national_geoid_transformer(self):
        """The compound CRS -> EPSG:4979 transformation when PROJ has the national geoid grid
        (not a "ballpark" vertical operation); None otherwise."""
        if self.geoid_undulation_m is not None or not self.crs.vertical_epsg:
            return None
        import warnings

        from pyproj import CRS
        from pyproj.transformer import TransformerGroup

        try:
            src = CRS.from_user_input(f"EPSG:{self.crs.epsg}+{self.crs.vertical_epsg}")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "best transformation is not available": we check ourselves
                group = TransformerGroup(src, CRS.from_epsg(4979), always_xy=True)
        except Exception:
            return None
        for t in group.transformers:
            if "ballpark" not in t.description.lower():
                return t
        return None

    # ------------------------------------------------------------------ conversions
    def geodetic(self, xyz) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Model-CRS points (n, 3) -> (lon°, lat°, ellipsoidal height m)."""
        xyz = np.asarray(xyz, dtype=float).reshape(-1, 3)
        if self._national is not None:
            lon, lat, h = self._national.transform(xyz[:, 0], xyz[:, 1], xyz[:, 2])
            return np.asarray(lon), np.asarray(lat), np.asarray(h)
        lon, lat = self._to_geo.transform(xyz[:, 0], xyz[:, 1])
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        if self.geoid_undulation_m is not None:
            n = np.full(len(lon), float(self.geoid_undulation_m))
        else:
            n = geoid_undulation_egm96(lon, lat)
            if n is None:
                n = np.zeros(len(lon))
        return lon, lat, xyz[:, 2] + n

    def _ecef(self, lon, lat, h) -> np.ndarray:
        x, y, z = self._to_ecef.transform(lon, lat, h)
        return np.column_stack([x, y, z])

    def to_ecef(self, xyz) -> np.ndarray:
        """Model-CRS points (n, 3) -> ECEF (n, 3), metres."""
        return self._ecef(*self.geodetic(xyz))

    def to_enu(self, xyz) -> np.ndarray:
        """Model-CRS points (n, 3) -> the site's ENU frame (n, 3), metres."""
        return (self.to_ecef(xyz) - self.anchor_ecef) @ self.rotation.T

    def enu_to_ecef_matrix(self) -> np.ndarray:
        """4×4 matrix taking ENU coordinates to ECEF (the tileset root's ``transform``)."""
        m = np.eye(4)
        m[:3, :3] = self.rotation.T
        m[:3, 3] = self.anchor_ecef
        return m

    def enu_direction(self, d_model) -> np.ndarray:
        """A direction given in the model CRS axes (x east, y north, z up) near the anchor, in ENU
        (the grid convergence is taken from the transformation of a short step)."""
        d = np.asarray(d_model, float).reshape(3)
        length = np.linalg.norm(d) or 1.0
        step = 10.0 * d / length
        a, b = self.to_enu(np.vstack([self.anchor, self.anchor + step]))
        v = b - a
        return v / (np.linalg.norm(v) or 1.0)

    def summary(self) -> dict:
        """What the tileset's ``asset.extras`` records about the placement."""
        return {"crs": self.crs.name, "anchor_model": [float(v) for v in self.anchor],
                "anchor_lon_lat_h": [round(float(v), 9) for v in self.anchor_lonlat_h],
                "horizontal": self.horizontal, "vertical": self.vertical}
