"""Pure data: the city model, scenario edits and the merged triangle Scene (no Qt, no VTK)."""
from .citymodel import CityModel, CityObject, Geometry, BoundaryBuilder
from .crs import CRSInfo, parse_crs
from .errors import InputError, UnsupportedFormatError
from .scene import Scene

__all__ = ["CityModel", "CityObject", "Geometry", "BoundaryBuilder", "CRSInfo", "parse_crs",
           "InputError", "UnsupportedFormatError", "Scene"]
