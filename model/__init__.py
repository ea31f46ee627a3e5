"""Pure data: the city model, scenario edits and the merged triangle Scene (no Qt, no VTK)."""
import os as _os

# Stadtbild works offline: PROJ (pyproj, GDAL) never downloads transformation grids, whatever the
# environment says (PROJ_NETWORK=ON would let it fetch from cdn.proj.org)
_os.environ["PROJ_NETWORK"] = "OFF"

from .citymodel import CityModel, CityObject, Geometry, BoundaryBuilder
from .crs import CRSInfo, parse_crs
from .errors import InputError, UnsupportedFormatError
from .scene import Scene

__all__ = ["CityModel", "CityObject", "Geometry", "BoundaryBuilder", "CRSInfo", "parse_crs",
           "InputError", "UnsupportedFormatError", "Scene"]
