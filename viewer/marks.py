"""Simple marks drawn into a view, as PyVista meshes in the scene's local frame (metres): point
markers, straight lines, polylines and triangle meshes. The window's tools and result layers
draw with these, so ``app`` builds no VTK data itself (docs/ARCHITECTURE.md)."""
from __future__ import annotations

import numpy as np


def marker_mesh(centre, radius_m: float):
    """A sphere of ``radius_m`` around ``centre`` (a viewpoint, a hit, a measured point)."""
    import pyvista as pv

    return pv.Sphere(radius=radius_m, center=tuple(np.asarray(centre, float)))


def line_mesh(a, b):
    """The straight segment from ``a`` to ``b``."""
    import pyvista as pv

    return pv.Line(tuple(np.asarray(a, float)), tuple(np.asarray(b, float)))


def polyline_mesh(points):
    """One line through the (n, 3) ``points`` in order (repeat the first point to close it)."""
    import pyvista as pv

    return pv.lines_from_points(np.asarray(points, float))


def triangle_mesh(vertices, triangles):
    """A surface of the (m, 3) vertex indices ``triangles`` over the (n, 3) ``vertices``."""
    import pyvista as pv

    tris = np.asarray(triangles, dtype=np.int64).reshape(-1, 3)
    return pv.PolyData(np.asarray(vertices, float), np.c_[np.full(len(tris), 3), tris].ravel())
