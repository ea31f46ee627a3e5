"""A georeferenced single-band grid of values in the model CRS (shadow, sun-hours, visibility,
terrain heights …), as analyses produce it and exporters write it (GeoTIFF, isolines, report).

``values`` (rows, cols) with ``transform`` the affine (a, b, c, d, e, f) in rasterio / GDAL order,
*x = a·col + b·row + c, y = d·col + e·row + f* for the pixel corner (north-up: e < 0), metres in
the model CRS; ``nodata`` marks cells without a value; ``units`` names what the values measure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Raster:
    """A single-band grid in the model CRS (module docstring)."""

    values: np.ndarray
    transform: tuple
    nodata: float | None = None
    units: str = ""
    crs: str | None = None  # defaults to the Results' CRS

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values)
        if self.values.ndim != 2:
            raise ValueError("Raster.values must be 2D (rows, cols)")
        self.transform = tuple(float(v) for v in tuple(self.transform)[:6])

    def valid_values(self) -> np.ndarray:
        """The finite cell values that are not ``nodata`` (1D)."""
        v = np.asarray(self.values, dtype=float).reshape(-1)
        ok = np.isfinite(v)
        if self.nodata is not None and np.isfinite(self.nodata):
            ok &= v != self.nodata
        return v[ok]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the grid's outer pixel edges (north-up grids)."""
        a, b, c, d, e, f = self.transform
        rows, cols = self.values.shape
        xs = [c, c + a * cols + b * rows]
        ys = [f, f + d * cols + e * rows]
        return min(xs), min(ys), max(xs), max(ys)
