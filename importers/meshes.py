"""Designs from CAD/BIM meshes (OBJ, glTF/GLB, STL, PLY, OFF via trimesh; IFC via ifcopenshell.geom)
as :class:`~model.citymodel.CityModel` objects, for inserting them into a city model.

- Axes: the result is z-up. glTF 2.0 is y-up by its specification (§3.4 "Coordinate System and
  Units": +Y up, +Z forward, metres), so ``up="auto"`` converts glTF/GLB with
  (x, y, z) → (x, −z, y) — the conversion Blender's glTF importer applies. OBJ, STL, PLY and IFC
  are taken as z-up (CAD/GIS convention); pass ``up="y"`` for y-up OBJ exports.
- Units are taken as metres (glTF and IFC in metres by spec / by the IfcUnit scaling of
  ifcopenshell; OBJ/STL have no units: use the insert edit's ``scale``).
- Objects: ``split="nodes"`` (default) makes one object per mesh node of the file's scene graph
  (OBJ ``o``/``g`` groups, glTF nodes); ``"components"`` one per connected component;
  ``"none"`` one object for everything. IFC files give one object per IfcBuilding (or one for all
  products when there is none).
- IFC georeferencing: an ``IfcMapConversion`` (IFC4, ISO 16739-1 §8.18.3.9) or the
  ``ePSet_MapConversion`` of the buildingSMART "User Guide for Geo-referencing in IFC" (IFC2X3) is
  applied to the vertices — E = E₀ + s·(x·cos θ − y·sin θ), N = N₀ + s·(x·sin θ + y·cos θ),
  H = H₀ + s·z with θ = atan2(XAxisOrdinate, XAxisAbscissa) and s = Scale, x/y/z in project
  length units — and the model's CRS is the target ``IfcProjectedCRS`` (``EPSG:…`` name), so an
  insert without ``at`` lands where the architect put it. The parameters are read with
  ``ifcopenshell.util.geolocation`` (same convention, including the context's world coordinate
  system); the transformation itself is applied to all vertices at once here.
- Repair (trimesh): duplicate vertices merged, degenerate and duplicate faces removed, holes
  filled (``fill_holes``), winding made consistent and outward (``fix_normals``); what was done is
  reported in the model's ``warnings``. A mesh that is closed afterwards becomes a ``Solid``,
  otherwise a ``MultiSurface`` (with a warning).
- Semantics from normals: a triangle whose normal points up by more than 10° above the horizon
  (n_z ≥ sin 10° ≈ 0.17) is RoofSurface; one pointing down likewise is GroundSurface when it lies
  within 0.2 m of the object's lowest point, else OuterFloorSurface (overhang undersides); the
  rest are WallSurface. Every triangle becomes one polygon.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from stadtbild.model import codes
from stadtbild.model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from stadtbild.model.errors import InputError
from stadtbild.model.semantics import GROUND, ROOF, SURFACE_CODE, WALL

ROOF_NZ = 0.17  # sin(10°)
GROUND_BAND_M = 0.2
TRIMESH_SUFFIXES = (".obj", ".gltf", ".glb", ".stl", ".ply", ".off")


def _yup_to_zup(v: np.ndarray) -> np.ndarray:
    return np.c_[v[:, 0], -v[:, 2], v[:, 1]]


def _load_trimesh_parts(path: Path, split: str) -> list[tuple[str, "object"]]:
    import trimesh

    try:
        scene = trimesh.load(str(path), force="scene", process=False)
    except Exception as exc:  # trimesh raises many kinds for broken files
        raise InputError(path, f"cannot read mesh ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from None
    parts = []
    if split == "none":
        geoms = []
        for node in scene.graph.nodes_geometry:
            tf, gname = scene.graph[node]
            g = scene.geometry.get(gname)
            if isinstance(g, trimesh.Trimesh) and len(g.faces):
                geoms.append(g.copy().apply_transform(tf))
        if geoms:
            parts.append((path.stem, trimesh.util.concatenate(geoms)))
    else:
        for node in scene.graph.nodes_geometry:
            tf, gname = scene.graph[node]
            g = scene.geometry.get(gname)
            if not isinstance(g, trimesh.Trimesh) or not len(g.faces):
                continue
            mesh = g.copy().apply_transform(tf)
            if split == "components":
                mesh.merge_vertices()
                comps = mesh.split(only_watertight=False)
                for k, c in enumerate(comps):
                    parts.append((f"{node}-{k + 1}" if len(comps) > 1 else str(node), c))
            else:
                parts.append((str(node), mesh))
    if not parts:
        raise InputError(path, "the file holds no triangle meshes")
    return parts


class IfcGeoreference:
    """The map conversion of an IFC file: local metres → map coordinates in metres."""

    def __init__(self, eastings, northings, height, theta_rad, scale_xyz, local_to_project, wcs_inverse,
                 crs_name, map_unit_m):
        self.offset = np.array([eastings, northings, height], dtype=np.float64) * map_unit_m
        self.theta = theta_rad
        self.scale_xyz = np.asarray(scale_xyz, dtype=np.float64) * map_unit_m
        self.local_to_project = local_to_project  # metres → project length units
        self.wcs_inverse = wcs_inverse
        self.crs_name = crs_name

    def apply(self, v_m: np.ndarray) -> np.ndarray:
        """Map coordinates (m) of local vertices given in metres (ifcopenshell.geom output)."""
        p = np.asarray(v_m, dtype=np.float64) * self.local_to_project
        if self.wcs_inverse is not None:
            p = p @ self.wcs_inverse[:3, :3].T + self.wcs_inverse[:3, 3]
        c, s = np.cos(self.theta), np.sin(self.theta)
        x, y, z = p[:, 0] * self.scale_xyz[0], p[:, 1] * self.scale_xyz[1], p[:, 2] * self.scale_xyz[2]
        return np.c_[c * x - s * y, s * x + c * y, z] + self.offset


def _unit_metres(unit) -> float | None:
    """Metres per unit of an IfcSIUnit / IfcConversionBasedUnit length unit (None: unknown)."""
    import ifcopenshell.util.unit as uu

    if unit is None:
        return 1.0
    try:
        if unit.is_a("IfcSIUnit"):
            return float(uu.get_prefix_multiplier(getattr(unit, "Prefix", None)))
        if unit.is_a("IfcConversionBasedUnit"):
            return float(unit.ConversionFactor.ValueComponent.wrappedValue) * (
                _unit_metres(unit.ConversionFactor.UnitComponent) or 1.0)
    except Exception:
        return None
    return None


def _scale_omitted(f) -> bool:
    """True when the file's map conversion leaves Scale unset (IFC4 attribute or IFC2X3 pset)."""
    try:
        if f.schema == "IFC2X3":
            import ifcopenshell.util.element as ue

            pset = ue.get_pset(f.by_type("IfcProject")[0], "ePSet_MapConversion") or {}
            return pset.get("Scale") is None
        ops = f.by_type("IfcCoordinateOperation")
        return bool(ops) and getattr(ops[0], "Scale", 1.0) is None
    except Exception:
        return False


def ifc_georeference(f, path: Path) -> tuple[IfcGeoreference | None, list[str]]:
    """The map conversion of an open IFC file, or None, with notes on what could not be used."""
    import ifcopenshell.util.geolocation as geo
    import ifcopenshell.util.unit as uu

    notes = []
    try:
        params = geo.get_helmert_transformation_parameters(f)
    except Exception as exc:  # malformed conversion entities
        return None, [f"IFC map conversion unreadable ({type(exc).__name__}); design kept in local coordinates"]
    if not params:
        if any(getattr(s, "RefLatitude", None) for s in f.by_type("IfcSite")):
            notes.append("IFC has only IfcSite RefLatitude/RefLongitude, no IfcMapConversion: "
                         "place it with an insertion point")
        return None, notes
    try:
        crs = geo.get_crs(f) or {}
    except Exception:
        crs = {}
    name = crs.get("Name") if isinstance(crs, dict) else None
    map_unit = crs.get("MapUnit") if isinstance(crs, dict) else None
    map_unit_m = 1.0
    if map_unit is not None and not isinstance(map_unit, (str, int, float)):
        map_unit_m = _unit_metres(map_unit) or 1.0
    try:
        project_unit_m = float(uu.calculate_unit_scale(f)) or 1.0
    except Exception:
        project_unit_m = 1.0
    try:
        wcs = geo.get_wcs(f)
        wcs_inv = None if wcs is None or np.allclose(wcs, np.eye(4)) else np.linalg.inv(np.asarray(wcs, float))
    except Exception:
        wcs_inv = None
    xaa, xao = float(params.xaa or 0.0), float(params.xao or 0.0)
    theta = float(np.arctan2(xao, xaa)) if (xaa or xao) else 0.0
    scale = float(params.scale or 1.0)
    if _scale_omitted(f) and abs(project_unit_m / map_unit_m - 1.0) > 1e-12:
        # IFC4 reads an omitted Scale as 1.0, which for a millimetre project on a metre CRS puts the
        # design 1000× too far out; the unit ratio is the only reading that can be meant
        scale = project_unit_m / map_unit_m
        notes.append(f"IFC map conversion has no Scale; used the unit ratio {scale:g} "
                     f"(project length unit → map unit)")
    fx, fy, fz = (float(params.factor_x or 1.0), float(params.factor_y or 1.0), float(params.factor_z or 1.0))
    georef = IfcGeoreference(float(params.e or 0.0), float(params.n or 0.0), float(params.h or 0.0), theta,
                             (scale * fx, scale * fy, scale * fz), 1.0 / project_unit_m, wcs_inv,
                             str(name) if name else None, map_unit_m)
    return georef, notes


def _load_ifc_parts(path: Path) -> list[tuple[str, "object"]]:
    try:
        import ifcopenshell
        import ifcopenshell.geom
    except ImportError:
        raise InputError(path, "IFC needs the 'ifcopenshell' package") from None
    import trimesh

    try:
        f = ifcopenshell.open(str(path))
    except Exception as exc:
        raise InputError(path, f"cannot read IFC ({' '.join(str(exc).split())[:200]})") from None
    georef, geo_notes = ifc_georeference(f, path)
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    groups: dict[str, list] = {}
    buildings = {b.id(): (b.GlobalId or f"building-{b.id()}") for b in f.by_type("IfcBuilding")}
    try:
        it = ifcopenshell.geom.iterator(settings, f)
        ok = it.initialize()
    except Exception as exc:
        raise InputError(path, f"IFC geometry cannot be built ({' '.join(str(exc).split())[:200]})") from None
    if ok:
        while True:
            shape = it.get()
            verts = np.asarray(shape.geometry.verts, dtype=np.float64).reshape(-1, 3)
            faces = np.asarray(shape.geometry.faces, dtype=np.int64).reshape(-1, 3)
            if len(faces):
                key = path.stem
                if buildings:
                    try:
                        elem = f.by_id(shape.id)
                        import ifcopenshell.util.element as ue

                        cont = ue.get_aggregate(elem) or ue.get_container(elem)
                        while cont is not None and not cont.is_a("IfcBuilding"):
                            cont = ue.get_aggregate(cont) or ue.get_container(cont)
                        if cont is not None:
                            key = buildings.get(cont.id(), key)
                    except Exception:
                        pass
                groups.setdefault(key, []).append(trimesh.Trimesh(verts, faces, process=False))
            if not it.next():
                break
    if not groups:
        raise InputError(path, "the IFC file has no product geometry")
    parts = [(k, trimesh.util.concatenate(v)) for k, v in groups.items()]
    if georef is not None:
        for _k, mesh in parts:
            mesh.vertices = georef.apply(np.asarray(mesh.vertices))
    return parts, georef, geo_notes


def repair_mesh(mesh) -> tuple[object, list[str], bool]:
    """Validate and repair a trimesh in place as far as trimesh can: returns (mesh, notes,
    closed). ``closed`` means watertight with consistent outward winding (positive volume)."""
    import trimesh

    notes = []
    n0 = len(mesh.faces)
    mesh.merge_vertices()
    keep = mesh.nondegenerate_faces(height=1e-8)
    if not keep.all():
        mesh.update_faces(keep)
        notes.append(f"{int((~keep).sum())} degenerate triangle(s) removed")
    uniq = mesh.unique_faces()
    if len(uniq) < len(mesh.faces):
        mask = np.zeros(len(mesh.faces), bool)
        mask[uniq] = True
        notes.append(f"{len(mesh.faces) - len(uniq)} duplicate triangle(s) removed")
        mesh.update_faces(mask)
    mesh.remove_unreferenced_vertices()
    if not mesh.is_watertight:
        before = len(mesh.faces)
        trimesh.repair.fill_holes(mesh)
        if len(mesh.faces) > before:
            notes.append(f"{len(mesh.faces) - before} triangle(s) added to fill holes")
    if not mesh.is_winding_consistent or (mesh.is_watertight and mesh.volume < 0):
        before = mesh.faces.copy()
        trimesh.repair.fix_normals(mesh, multibody=True)
        flipped = int((mesh.faces != before).any(axis=1).sum()) if mesh.faces.shape == before.shape else -1
        notes.append(f"winding fixed ({flipped} triangle(s) turned to face outward)" if flipped >= 0
                     else "winding fixed")
    closed = bool(mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0)
    if not closed:
        notes.append("not a closed solid after repair (kept as MultiSurface)")
    if n0 == 0:
        closed = False
    return mesh, notes, closed


def mesh_semantics(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Semantic code per triangle from its normal and height (see module docstring)."""
    c = vertices[faces]
    n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    ln = np.linalg.norm(n, axis=1)
    nz = np.divide(n[:, 2], ln, out=np.zeros(len(n)), where=ln > 0)
    zmin = vertices[:, 2].min() if len(vertices) else 0.0
    sem = np.full(len(faces), WALL, dtype=np.int16)
    sem[nz >= ROOF_NZ] = ROOF
    down = nz <= -ROOF_NZ
    low = c[:, :, 2].max(axis=1) <= zmin + GROUND_BAND_M
    sem[down & low] = GROUND
    sem[down & ~low] = SURFACE_CODE["OuterFloorSurface"]
    return sem


def read_mesh_design(path, up: str = "auto", split: str = "nodes", object_type: str = "Building") -> CityModel:
    """Read a mesh design file as a CityModel (file coordinates, z-up; no CRS)."""
    path = Path(path)
    suffix = path.suffix.lower()
    georef, notes_before = None, []
    if suffix == ".ifc":
        parts, georef, notes_before = _load_ifc_parts(path)
    elif suffix in TRIMESH_SUFFIXES:
        parts = _load_trimesh_parts(path, split)
    else:
        raise InputError(path, f"not a mesh format we read ({', '.join(TRIMESH_SUFFIXES + ('.ifc',))})")
    yup = up == "y" or (up == "auto" and suffix in (".gltf", ".glb"))
    model = CityModel()
    model.format = "Mesh"
    model.version = None
    model.sources = [str(path)]
    for note in notes_before:
        model.warn(note, codes.DESIGN_REPAIRED)
    if georef is not None:
        from stadtbild.model.crs import parse_crs

        crs = parse_crs(georef.crs_name) if georef.crs_name else None
        if crs is not None and crs.epsg:
            model.crs = crs
        else:
            model.warn(f"IFC map conversion targets an unknown CRS {georef.crs_name!r}: coordinates are "
                       f"taken to be in the city model's CRS", codes.CRS)
    b = BoundaryBuilder()
    verts, nv = [], 0
    sem_surfaces_all = [{"type": "RoofSurface"}, {"type": "WallSurface"}, {"type": "GroundSurface"},
                        {"type": "OuterFloorSurface"}]
    slot_of = {ROOF: 0, WALL: 1, GROUND: 2, SURFACE_CODE["OuterFloorSurface"]: 3}
    used_names = set()
    for name, mesh in parts:
        v = np.asarray(mesh.vertices, dtype=np.float64)
        if yup:
            mesh.vertices = _yup_to_zup(v)
        mesh, notes, closed = repair_mesh(mesh)
        if not len(mesh.faces):
            model.warn(f"object {name!r}: no usable triangles; skipped", codes.DESIGN_REPAIRED)
            continue
        oid = name
        k = 2
        while oid in used_names:
            oid = f"{name}-{k}"
            k += 1
        used_names.add(oid)
        for note in notes:
            model.warn(f"object {oid!r}: {note}", codes.DESIGN_REPAIRED)
        v = np.asarray(mesh.vertices, dtype=np.float64)
        f = np.asarray(mesh.faces, dtype=np.int64)
        sem = mesh_semantics(v, f)
        gi = len(model.geometries)
        g = Geometry(type="Solid" if closed else "MultiSurface", lod="2", object_index=len(model.objects),
                     poly_start=b.n_polygons, semantic_surfaces=sem_surfaces_all)
        shell = b.new_shell() if closed else -1
        # flat CSR append (one triangle = one polygon with one ring)
        b.ring_vertices.extend((f + nv).reshape(-1).tolist())
        b.ring_lengths.extend([3] * len(f))
        b.poly_nrings.extend([1] * len(f))
        b.poly_semantic.extend(sem.tolist())
        b.poly_surface.extend(slot_of[int(s)] for s in sem)
        b.poly_shell.extend([shell] * len(f))
        b.poly_geometry.extend([gi] * len(f))
        g.poly_stop = b.n_polygons
        model.geometries.append(g)
        model.objects[oid] = CityObject(id=oid, type=object_type, geometries=[g], source=str(path))
        verts.append(v)
        nv += len(v)
    if not model.objects:
        raise InputError(path, "no usable triangles in the file")
    model.vertices = np.concatenate(verts)
    model.file_vertex_count = nv
    model.set_boundaries(b)
    return model
