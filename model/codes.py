"""Warning codes (as ezdxf's audit codes): what went wrong while reading, attaching or editing,
as a stable code beside the sentence people read.

A warning stays a ``str`` (the ``warnings`` lists of models and edits, the ``info`` JSON, the GUI
show the text as before); :class:`Coded` adds ``.code``, which scripts and tests match instead of
the wording. Codes never change meaning; new ones get new numbers.

W1xx reading a city model file
    W101 degenerate polygons dropped            W102 bad coordinate lists (rings) skipped
    W103 references (xlink, vertex indices) to nothing   W104 2D coordinates, z = 0
    W105 duplicate object ids                   W106 no CRS / unknown CRS / several CRS
    W107 truncated or damaged file              W108 objects or geometries skipped
    W109 no objects / no geometry               W110 links to missing objects dropped
    W111 model reprojected from a geographic CRS
W2xx attached data
    W201 terrain (DEM) read with remarks         W202 buildings float above / buried in the terrain
    W203 the DEM does not overlap the model      W204 layer read with remarks
W3xx edits and inserted designs
    W301 ids not in the model                    W302 design solids turned outward
    W303 design solids not closed                W304 design reprojected / placed by a guess
    W305 design mesh repaired or parts skipped   W306 an object without geometry was skipped
    W307 an area (bbox) holds no objects
"""
from __future__ import annotations

DEGENERATE_POLYGONS = "W101"
BAD_RINGS = "W102"
DANGLING_REFERENCES = "W103"
TWO_D_COORDINATES = "W104"
DUPLICATE_IDS = "W105"
CRS = "W106"
DAMAGED_FILE = "W107"
SKIPPED = "W108"
EMPTY = "W109"
DANGLING_LINKS = "W110"
REPROJECTED = "W111"
TERRAIN = "W201"
FLOATING_BUILDINGS = "W202"
TERRAIN_OUTSIDE = "W203"
LAYER = "W204"
IDS_NOT_IN_MODEL = "W301"
SOLIDS_TURNED = "W302"
SOLIDS_OPEN = "W303"
DESIGN_PLACEMENT = "W304"
DESIGN_REPAIRED = "W305"
NO_GEOMETRY = "W306"
NOTHING_IN_AREA = "W307"


class Coded(str):
    """A warning text with a :attr:`code` (one of this module's constants); compares and prints
    as its text."""

    def __new__(cls, code: str, text: str):
        out = super().__new__(cls, text)
        out.code = code
        return out

    def __reduce__(self):  # pickles (Dask workers, process pools) keep the code
        return (Coded, (self.code, str(self)))


def code_of(warning) -> str | None:
    """The code of a warning (None for plain text)."""
    return getattr(warning, "code", None)
