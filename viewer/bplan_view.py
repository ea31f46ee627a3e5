"""The Bebauungsplan in the 3D view: the Baufenster envelopes as translucent volumes coloured by
the Art der baulichen Nutzung (PlanZV), their top outlines (and eave lines), the plan's zones
draped on the ground, the Baugrenzen (blue), Baulinien (red) and the plan boundary (black).

Pure geometry comes from ``analysis.bplan_envelopes`` (``prepare``, ``envelopes``); this module only turns
it into PyVista meshes, all in the scene's local frame. Draping: on a terrain (``ground.grid``)
the zones are the terrain triangles inside them and the lines follow the terrain
(``viewer.layers_view``); on the flat ground plane they are triangulated polygons a few
centimetres above it.
"""
from __future__ import annotations

import numpy as np
import shapely

from stadtbild.model.bplan import zone_colour
from stadtbild.model.terrain import TerrainGrid

ENVELOPE_OPACITY = 0.38
#: envelopes whose height is an assumption (storeys × storey height) or unknown are paler
SOURCE_ALPHA = {"limit": ENVELOPE_OPACITY, "storeys": 0.2, "none": 0.12}
ZONE_OPACITY = 0.55
BOUNDARY_RGB = (25, 25, 25)
BAUGRENZE_RGB = (30, 90, 200)
BAULINIE_RGB = (200, 30, 30)
ZONE_LIFT_M = 0.06
LINE_LIFT_M = 0.12
#: the part of a building outside the Baugrenze and the stretch of Baulinie not built on
OUTSIDE_RGB = (255, 190, 0)
OUTSIDE_OPACITY = 0.7


def _flat_grid(plane_z_local: float, origin, bounds) -> TerrainGrid:
    """A 2×2-node grid at the plane height (absolute), for draping lines on flat ground."""
    xmin, ymin, xmax, ymax = bounds
    o = np.asarray(origin, dtype=np.float64).reshape(3)
    return TerrainGrid(np.full((2, 2), plane_z_local + o[2]), xmin + o[0] - 1, ymax + o[1] + 1,
                       max(xmax - xmin, 1.0) + 2, max(ymax - ymin, 1.0) + 2)


def _lines_mesh(geoms, rgb, grid, origin, lift):
    from .layers_view import drape_lines_polydata

    mesh = drape_lines_polydata(np.asarray(geoms, dtype=object), grid, origin, lift, max_segment_m=2.0)
    if not mesh.n_cells:
        return None
    mesh.cell_data["rgb"] = np.asarray(rgb, dtype=np.uint8)[mesh.cell_data["feature"]]
    return mesh


def _fill_mesh(geoms, rgb, ground, origin):
    """Zone fills on the ground: terrain triangles inside the zones, or triangulated polygons on
    the plane."""
    import pyvista as pv

    from stadtbild.analysis.bplan_envelopes import polygon_triangles

    if getattr(ground, "grid", None) is not None:
        from .layers_view import drape_fill_polydata

        mesh = drape_fill_polydata(np.asarray(geoms, dtype=object), ground.grid, origin, offset_m=ZONE_LIFT_M)
        if not mesh.n_cells:
            return None
        mesh.cell_data["rgb"] = np.asarray(rgb, dtype=np.uint8)[mesh.cell_data["feature"]]
        return mesh
    verts, tris, owner = polygon_triangles(geoms, ground.plane_z + ZONE_LIFT_M)
    if not len(tris):
        return None
    mesh = pv.PolyData(verts, np.c_[np.full(len(tris), 3), tris].ravel())
    mesh.cell_data["rgb"] = np.asarray(rgb, dtype=np.uint8)[owner]
    return mesh


def plan_meshes(prepared, env, ground) -> list:
    """[(name, PolyData, add_mesh keyword arguments)] of the plan: zones, lines, boundary,
    envelopes and their edges (local frame of ``prepared.origin``)."""
    import pyvista as pv

    origin = prepared.origin
    plan = prepared.plan
    out = []
    zones = [f for f in plan.zones() if f.attributes.get("flaechenschluss", True) is not False]
    o2 = origin[:2]
    local = [shapely.transform(f.geometry, lambda c: c - o2) for f in zones]
    fill = _fill_mesh(local, [zone_colour(f) for f in zones], ground, origin) if zones else None
    if fill is not None:
        out.append(("bplan-zones", fill, dict(scalars="rgb", rgb=True, opacity=ZONE_OPACITY, pickable=False,
                                              lighting=False)))
    area = prepared.area
    bounds = area.bounds if not area.is_empty else (0, 0, 1, 1)
    grid = ground.grid if getattr(ground, "grid", None) is not None else _flat_grid(ground.plane_z, origin, bounds)
    lines, rgbs = [], []
    for z in prepared.baufenster:
        lines.append(z.geometry)
        rgbs.append(BAUGRENZE_RGB)
    for _f, line, _b in prepared.baulinien:
        lines.append(line)
        rgbs.append(BAULINIE_RGB)
    m = _lines_mesh(lines, rgbs, grid, origin, LINE_LIFT_M) if lines else None
    if m is not None:
        out.append(("bplan-lines", m, dict(scalars="rgb", rgb=True, line_width=3, pickable=False, lighting=False)))
    if not area.is_empty:
        m = _lines_mesh([area], [BOUNDARY_RGB], grid, origin, LINE_LIFT_M + 0.02)
        if m is not None:
            out.append(("bplan-boundary", m, dict(scalars="rgb", rgb=True, line_width=5, pickable=False,
                                                  lighting=False)))
    if env is not None and env.n_triangles:
        faces = np.c_[np.full(env.n_triangles, 3), env.triangles].ravel()
        vol = pv.PolyData(env.vertices, faces)
        alpha = np.array([SOURCE_ALPHA.get(s, ENVELOPE_OPACITY) for s in env.source])
        rgba = np.c_[env.colours, np.round(alpha * 255)].astype(np.uint8)
        vol.cell_data["rgba"] = rgba[env.owner]
        vol.cell_data["zone_index"] = env.owner
        out.append(("bplan-envelopes", vol, dict(scalars="rgba", rgba=True, pickable=False, lighting=True,
                                                 ambient=0.45, diffuse=0.55, specular=0.0)))
        if len(env.edges):
            k = len(env.edges)
            pts = env.edges.reshape(-1, 3)
            conn = np.c_[np.full(k, 2), np.arange(0, 2 * k, 2), np.arange(1, 2 * k, 2)].ravel()
            edges = pv.PolyData(pts, lines=conn)
            edges.cell_data["rgb"] = (env.colours[env.edge_owner].astype(float) * 0.55).astype(np.uint8)
            out.append(("bplan-envelope-edges", edges, dict(scalars="rgb", rgb=True, line_width=2, pickable=False,
                                                            lighting=False)))
    return out


def plan_legend(prepared, env=None) -> list:
    """[(label, rgb)] for the legend: the Arten der baulichen Nutzung shown, the lines, the boundary."""
    from stadtbild.model.bplan import ALLG_ART, BESONDERE_ART

    names = {abbr: name for abbr, name, _p in BESONDERE_ART.values()}
    names.update({abbr: name for abbr, name in ALLG_ART.values()})
    out, seen = [], set()
    for z in prepared.baufenster + prepared.baugebiete:
        key = z.nutzung or "?"
        if key in seen:
            continue
        seen.add(key)
        out.append((f"{key} {names.get(key, 'Baufläche')}" if key != "?" else "Baufenster", tuple(z.colour)))
    if prepared.baufenster:
        out.append(("Baugrenze", BAUGRENZE_RGB))
    if prepared.baulinien:
        out.append(("Baulinie", BAULINIE_RGB))
    out.append(("Geltungsbereich", BOUNDARY_RGB))
    if env is not None and "storeys" in env.source:
        out.append(("blass: Höhe aus Z × Geschosshöhe", (225, 215, 205)))
    return out


def add_plan(plotter, prepared, env, ground, visible: bool = True) -> list:
    """Add the plan's meshes to a plotter (names ``bplan-*``); returns the actors."""
    actors = []
    for name, mesh, kw in plan_meshes(prepared, env, ground):
        a = plotter.add_mesh(mesh, name=name, **kw)
        a.SetVisibility(bool(visible))
        actors.append(a)
    return actors


def plan_bounds(prepared, env=None) -> np.ndarray:
    """(2, 3) local bounds of the plan area and its envelopes."""
    b = prepared.area.bounds if not prepared.area.is_empty else (0.0, 0.0, 1.0, 1.0)
    z0 = float(env.bottom_z.min()) if env is not None and len(env.bottom_z) else 0.0
    z1 = float(env.top_z.max()) if env is not None and len(env.top_z) else z0 + 1.0
    return np.array([[b[0], b[1], z0], [b[2], b[3], z1]])


def violation_meshes(result, scene) -> dict:
    """Overlays {name: (mesh, add_mesh keywords)} of a compliance check's violations
    (``analysis.bplan``) in ``scene``'s frame: the parts outside the Baugrenze as amber prisms
    from the ground to the building's top, the stretches of Baulinie not built on as amber lines
    on the ground."""
    import pyvista as pv

    from stadtbild.analysis.bplan_envelopes import polygon_triangles

    shift = np.asarray(result.origin, float) - np.asarray(scene.origin, float)
    checks = result.by_id()
    prisms, lines = [], []
    for v in result.violations:
        if v.geometry is None or v.geometry.is_empty:
            continue
        g = shapely.transform(v.geometry, lambda c: c + shift[:2])
        b = checks.get(v.id)
        if v.kind == "baugrenze" and b is not None:
            z0, z1 = b.ground_z_m - scene.origin[2], b.top_z_m - scene.origin[2]
            vt, tt, _ = polygon_triangles([g], z1 + 0.05)
            vb, tb, _ = polygon_triangles([g], z0)
            pts = [vt, vb]
            tris = [tt, tb[:, ::-1] + len(vt)]
            n = len(vt) + len(vb)
            for p in shapely.get_parts(g):
                ring = np.asarray(p.exterior.coords)[:-1]
                m = len(ring)
                i = np.arange(m)
                j = (i + 1) % m
                pts.append(np.r_[np.c_[ring, np.full(m, z0)], np.c_[ring, np.full(m, z1 + 0.05)]])
                tris.append(np.r_[np.c_[i, j, m + j], np.c_[i, m + j, m + i]] + n)
                n += 2 * m
            prisms.append((np.concatenate(pts), np.concatenate(tris)))
        elif v.kind == "baulinie":
            for p in shapely.get_parts(g):
                if p.geom_type == "LineString":
                    xy = np.asarray(p.coords)
                    z = (b.ground_z_m - scene.origin[2] + 0.2) if b is not None else float(scene.bounds[0][2])
                    lines.append(np.c_[xy, np.full(len(xy), z)])
    out = {}
    if prisms:
        verts, faces, n = [], [], 0
        for v, t in prisms:
            verts.append(v)
            faces.append(np.c_[np.full(len(t), 3), t + n].ravel())
            n += len(v)
        mesh = pv.PolyData(np.concatenate(verts), np.concatenate(faces))
        out["bplan-outside"] = (mesh, {"color": np.array(OUTSIDE_RGB) / 255, "opacity": OUTSIDE_OPACITY,
                                       "lighting": True, "ambient": 0.5})
    if lines:
        pts = np.concatenate(lines)
        conn, k = [], 0
        for ln in lines:
            conn.append(np.r_[len(ln), np.arange(k, k + len(ln))])
            k += len(ln)
        out["bplan-baulinie-gaps"] = (pv.PolyData(pts, lines=np.concatenate(conn)),
                                      {"color": np.array(OUTSIDE_RGB) / 255, "line_width": 6, "lighting": False})
    return out
