"""Files that edits read: designs to insert and GeoJSON footprints to extrude (the readers of
:class:`model.edits.Loaders`; ``importers`` registers them as the default).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from stadtbild.model import codes
from stadtbild.model.citymodel import CityModel
from stadtbild.model.crs import parse_crs
from stadtbild.model.errors import InputError

from .meshes import TRIMESH_SUFFIXES, read_mesh_design

#: designs read as meshes (everything else as a city model: CityJSON, CityGML)
MESH_SUFFIXES = TRIMESH_SUFFIXES + (".ifc",)


def load_design(path, up: str = "auto", split: str = "nodes", object_type: str = "Building") -> CityModel:
    """A design to insert: a mesh file (OBJ, glTF, STL, PLY, OFF, IFC; ``up`` axis, ``split`` into
    objects, ``object_type``, see :func:`importers.meshes.read_mesh_design`) or a city model file
    whose solids are checked and turned outward (:func:`check_solids`)."""
    path = Path(path)
    if path.suffix.lower() in MESH_SUFFIXES:
        return read_mesh_design(path, up=up, split=split, object_type=object_type)
    from . import load

    design = load(path)
    check_solids(design)
    return design


def read_footprints(path: Path, model: CityModel, crs=None) -> list:
    """Footprints from a GeoJSON file: [(feature id or None, shapely Polygon, properties)].
    Properties height_m, roof, roof_height_m, ground_z (if present) override the edit's values.
    Coordinates are taken in the model CRS unless the file names another CRS (old-style "crs"
    member), ``crs`` is given, or they look like lon/lat (RFC 7946 GeoJSON) while the model CRS
    is projected — then they are reprojected with pyproj."""
    import shapely
    from shapely.geometry import shape

    try:
        doc = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(path, "no such file (relative paths start at the scenario file's folder)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"not a readable GeoJSON file ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict):
        raise InputError(path, "not a GeoJSON object")
    feats = doc.get("features") if doc.get("type") == "FeatureCollection" else (
        [doc] if doc.get("type") == "Feature" else [{"type": "Feature", "geometry": doc, "properties": {}}])
    src = parse_crs(crs) if crs else None
    if src is None and isinstance(doc.get("crs"), dict):
        src = parse_crs((doc["crs"].get("properties") or {}).get("name"))
    out = []
    for k, f in enumerate(feats or []):
        if not isinstance(f, dict) or not isinstance(f.get("geometry"), dict):
            continue
        try:
            geom = shape(f["geometry"])
        except Exception:
            raise InputError(path, f"feature {k + 1}: invalid geometry") from None
        polys = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", [])) if geom.geom_type == "MultiPolygon" else []
        props = f.get("properties") or {}
        fid = f.get("id", props.get("id"))
        want = {key: props[key] for key in ("height_m", "roof", "roof_height_m", "ground_z") if props.get(key) is not None}
        for j, poly in enumerate(polys):
            out.append((None if fid is None else (str(fid) if len(polys) == 1 else f"{fid}-{j + 1}"), poly, want))
    if not out:
        raise InputError(path, "no Polygon features in the GeoJSON file")
    b = np.array([p.bounds for _, p, _ in out])
    if src is None and model.crs and np.abs(b[:, [0, 2]]).max() <= 180 and np.abs(b[:, [1, 3]]).max() <= 90:
        src = parse_crs("EPSG:4326")
    if src and model.crs and src.epsg != model.crs.epsg:
        from stadtbild.model.crs import transformer_between

        tr, _how = transformer_between(src.epsg, model.crs.epsg)
        out = [(fid, shapely.transform(p, lambda xy: np.c_[tr.transform(xy[:, 0], xy[:, 1])]), pr)
               for fid, p, pr in out]
    return out


def check_solids(model: CityModel) -> None:
    """Validate the shells of Solid / MultiSolid / CompositeSolid geometries of a (small, design)
    model and repair their orientation in place: per shell, the triangles are made consistently
    and outward wound with trimesh (``repair.fix_normals``), and a polygon whose triangles were
    mostly flipped has its rings reversed. Shells that are not closed (open edges after merging
    coincident vertices) are reported, not changed. Findings go to ``model.warnings``."""
    import trimesh

    shells = model.polygon_shell
    if not len(shells) or (shells < 0).all():
        return
    tri = model.triangulation()
    flip_poly = np.zeros(model.n_polygons, dtype=bool)
    open_shells = flipped_shells = 0
    tri_shell = shells[tri.polygon] if len(tri.polygon) else np.zeros(0, np.int32)
    for sh in np.unique(shells[shells >= 0]):
        sel = np.flatnonzero(tri_shell == sh)
        if len(sel) < 4:
            continue
        mesh = trimesh.Trimesh(model.vertices, tri.triangles[sel], process=False)
        mesh.merge_vertices()
        before = mesh.faces.copy()
        if not mesh.is_watertight:
            open_shells += 1
            continue
        if mesh.is_winding_consistent and mesh.volume > 0:
            continue
        trimesh.repair.fix_normals(mesh, multibody=False)
        if mesh.faces.shape != before.shape:
            continue
        flipped = (mesh.faces != before).any(axis=1)
        votes = np.bincount(tri.polygon[sel], weights=np.where(flipped, 1.0, -1.0), minlength=model.n_polygons)
        polys = np.flatnonzero(votes > 0)
        if len(polys):
            flip_poly[polys] = True
            flipped_shells += 1
    if flip_poly.any():
        rv = model.ring_vertices.copy()
        for p in np.flatnonzero(flip_poly):
            for r in range(model.polygon_offsets[p], model.polygon_offsets[p + 1]):
                a, b = model.ring_offsets[r], model.ring_offsets[r + 1]
                rv[a:b] = rv[a:b][::-1]
        model.ring_vertices = rv
        model.invalidate()
        model.warn(f"{int(flip_poly.sum())} polygon(s) in {flipped_shells} solid shell(s) were turned to face outward", codes.SOLIDS_TURNED)
    if open_shells:
        model.warn(f"{open_shells} solid shell(s) are not closed (kept as they are)", codes.SOLIDS_OPEN)
