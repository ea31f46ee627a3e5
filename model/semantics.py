"""Semantic surface types shared by every importer, analysis and exporter.

The codes are small integers stored per polygon and per triangle (``int16``). The names are the
CityJSON 2.0 semantic surface names; CityGML thematic surfaces map onto the same names
(``bldg:RoofSurface`` -> ``RoofSurface``, CityGML 3.0 ``con:WindowSurface`` -> ``Window`` …).
Code 0 means "no semantics". ``Terrain`` is our own type for DEM/TIN relief triangles.
"""
from __future__ import annotations

SURFACE_TYPES: tuple[str, ...] = (
    "Unknown",
    "RoofSurface",
    "WallSurface",
    "GroundSurface",
    "ClosureSurface",
    "OuterCeilingSurface",
    "OuterFloorSurface",
    "Window",
    "Door",
    "InteriorWallSurface",
    "CeilingSurface",
    "FloorSurface",
    "WaterSurface",
    "WaterGroundSurface",
    "WaterClosureSurface",
    "TrafficArea",
    "AuxiliaryTrafficArea",
    "TransportationMarking",
    "TransportationHole",
    "Terrain",
    "Other",
)
SURFACE_CODE: dict[str, int] = {name: i for i, name in enumerate(SURFACE_TYPES)}

UNKNOWN = SURFACE_CODE["Unknown"]
ROOF = SURFACE_CODE["RoofSurface"]
WALL = SURFACE_CODE["WallSurface"]
GROUND = SURFACE_CODE["GroundSurface"]
CLOSURE = SURFACE_CODE["ClosureSurface"]
TERRAIN = SURFACE_CODE["Terrain"]
OTHER = SURFACE_CODE["Other"]

# CityGML 3.0 / other spellings mapped onto the CityJSON names
_ALIASES = {
    "WindowSurface": "Window",
    "DoorSurface": "Door",
    "InteriorWallSurface": "InteriorWallSurface",
    "Ceiling": "CeilingSurface",
    "Floor": "FloorSurface",
    "TINRelief": "Terrain",
    "ReliefFeature": "Terrain",
}


def surface_code(name: str | None) -> int:
    """Code of a semantic surface type name; unknown names (extensions such as ``+PatioDoor``)
    map to ``Other``, ``None`` to ``Unknown``."""
    if not name:
        return UNKNOWN
    if not isinstance(name, str):
        return OTHER
    name = _ALIASES.get(name, name)
    return SURFACE_CODE.get(name, OTHER)
