"""OBJ (+MTL), glTF 2.0 / GLB and STL export of the (edited) model through trimesh.

Coordinates (what we chose, and why):

- **glTF/GLB**: vertex buffers are float32, so they always hold *local* coordinates relative to
  the offset ``o`` (the model's local origin: bbox minimum floored to whole metres), converted to
  glTF's Y-up convention: ``(x, y, z)_gltf = (X - oX, Z - oZ, -(Y - oY))`` with X east, Y north,
  Z up of the CRS. All object nodes hang below one root node ``stadtbild_origin``. Without
  ``local_origin`` that root node carries the translation ``(oX, oZ, -oY)`` (a JSON double, no
  precision lost), so a viewer that honours node transforms shows CRS coordinates; with
  ``local_origin`` the root node has no translation and the model sits near (0, 0, 0). In both
  cases the scene ``extras`` hold ``crs``, ``origin`` [oX, oY, oZ], ``up_axis`` "Y" and
  ``translation_applied`` (bool) so that GIS tools can put it back exactly.
  One node (and one mesh) per object, named by its id; mesh ``extras`` hold ``id``, ``type`` and
  the attributes; per-vertex colours (COLOR_0) show the semantic surfaces or the result classes
  (vertices are duplicated where colours change so faces keep flat colours). An attached terrain
  (``--terrain``) becomes one more node ``terrain`` (type TINRelief); in OBJ the object
  ``terrain#TERRAIN``.
- **OBJ**: text, so coordinates are written in the CRS (``digits`` decimals) unless
  ``local_origin`` is set; the header comment names the CRS and the offset. One OBJ object per
  object and colour group, named ``<id>#<GROUP>`` (``GROUP`` = ROOF/WALL/… or the result
  class), with one MTL material per group.
- **STL**: float32 again, so always local coordinates (Z up) relative to the offset; the 80-byte
  header (binary) or the ``solid`` names (ASCII, one solid per object with ``per_object``) carry
  the CRS and the offset.
"""
from __future__ import annotations

import json

import numpy as np

from stadtbild.model.errors import InputError
from stadtbild.model.semantics import SURFACE_TYPES

from ._common import (DEFAULT_RGB, INSERTED_RGB, SURFACE_RGB, SURFACE_SHORT, Edits, object_meshes,
                      resolve_offset, result_colouring)

TERRAIN_NODE = "terrain"  # node of the attached terrain (``--terrain``), if any
#: CRS (Z up) -> glTF (Y up): x' = x, y' = z, z' = -y
Z_UP_TO_Y_UP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float)


def _groups(model, meshes, edits: Edits | None, analysis):
    """Per-triangle group index, group names and group colours (RGB uint8)."""
    colouring = result_colouring(analysis, meshes) if analysis is not None else None
    inserted = set(edits.inserted) if edits else set()
    ins_obj = np.array([oid in inserted for oid in meshes.object_ids], dtype=bool)
    ins_tri = ins_obj[meshes.object_index] if len(ins_obj) else np.zeros(0, bool)
    if colouring is not None:
        names = [f"{colouring.name}_{i}" for i in range(len(colouring.class_rgb))] + ["NOVALUE", "INSERTED"]
        rgb = np.vstack([colouring.class_rgb, [DEFAULT_RGB, INSERTED_RGB]]).astype(np.uint8)
        group = np.where(colouring.klass >= 0, colouring.klass, len(colouring.class_rgb))
        group[ins_tri & (colouring.klass < 0)] = len(names) - 1
        return group, names, rgb, colouring
    names = [SURFACE_SHORT.get(n, "SURFACE") for n in SURFACE_TYPES] + ["INSERTED"]
    rgb = np.array([SURFACE_RGB.get(n, DEFAULT_RGB) for n in SURFACE_TYPES] + [INSERTED_RGB], dtype=np.uint8)
    group = meshes.surface_type.astype(np.int64)
    group[ins_tri] = len(names) - 1
    return group, names, rgb, None


def _header(model, offset, edits) -> dict:
    return {"generator": "stadtbild", "crs": model.crs.name, "origin": [float(v) for v in offset],
            "units": "m", "source": list(model.sources),
            "demolished": list(edits.demolished) if edits else [],
            "inserted": list(edits.inserted) if edits else []}


def _json_safe(d: dict) -> dict:
    return json.loads(json.dumps(d, default=str, ensure_ascii=False))


# ---------------------------------------------------------------------- glTF / GLB
def build_gltf_scene(model, lod=None, edits: Edits | None = None, analysis=None, local_origin=False):
    """The trimesh.Scene written by :func:`write_gltf` (see the module docstring)."""
    import trimesh

    offset = resolve_offset(model, True if local_origin is None or local_origin is False else local_origin)
    meshes = object_meshes(model, lod, offset)
    group, names, rgb, colouring = _groups(model, meshes, edits, analysis)
    scene = trimesh.Scene()
    root = "stadtbild_origin"
    root_matrix = np.eye(4)
    if local_origin is None or local_origin is False:
        root_matrix[:3, 3] = Z_UP_TO_Y_UP[:3, :3] @ offset
    scene.graph.update(frame_from=scene.graph.base_frame, frame_to=root, matrix=root_matrix)
    rot = Z_UP_TO_Y_UP[:3, :3]
    for k, oid in enumerate(meshes.object_ids):
        sl = meshes.object_slice(k)
        if sl.stop <= sl.start:
            continue
        tris = meshes.triangles[sl]
        g = group[sl]
        # duplicate vertices where the colour group changes: key = (vertex, group)
        key = tris * (len(names) + 1) + g[:, None]
        ukey, inv = np.unique(key.reshape(-1), return_inverse=True)
        verts = meshes.vertices[ukey // (len(names) + 1)] @ rot.T
        vgroup = ukey % (len(names) + 1)
        colours = np.empty((len(verts), 4), dtype=np.uint8)
        colours[:, :3] = rgb[vgroup]
        colours[:, 3] = 255
        mesh = trimesh.Trimesh(vertices=verts, faces=inv.reshape(-1, 3), vertex_colors=colours, process=False)
        obj = model.objects[oid]
        meta = {"id": oid, "type": obj.type, "attributes": obj.attributes}
        if analysis is not None and oid in analysis.objects:
            meta["results"] = {analysis.name: analysis.objects[oid]}
        mesh.metadata.update(_json_safe(meta))
        scene.add_geometry(mesh, geom_name=oid, node_name=oid, parent_node_name=root)
    terrain = model.terrain  # importers.terrain.attach_terrain: a Scene (local frame)
    if terrain is not None and getattr(terrain, "n_triangles", 0):
        name = TERRAIN_NODE if TERRAIN_NODE not in model.objects else f"{TERRAIN_NODE}_dem"
        tverts = (terrain.vertices + (np.asarray(terrain.origin, float) - offset)) @ rot.T
        tcol = np.tile(np.append(SURFACE_RGB["Terrain"], 255).astype(np.uint8), (len(tverts), 1))
        tmesh = trimesh.Trimesh(vertices=tverts, faces=terrain.triangles, vertex_colors=tcol, process=False)
        tmesh.metadata.update({"id": name, "type": "TINRelief"})
        scene.add_geometry(tmesh, geom_name=name, node_name=name, parent_node_name=root)
    head = _header(model, offset, edits)
    head.update({"up_axis": "Y", "translation_applied": local_origin is None or local_origin is False,
                 "to_crs": "X = x + origin[0]; Y = -z + origin[1]; Z = y + origin[2] (node translation "
                           "excluded)"})
    if colouring is not None:
        head["legend"] = {"value": colouring.name, "units": colouring.units,
                          "classes": [{"label": lab, "rgb": list(c)} for lab, c in colouring.legend()]}
    scene.metadata.update(_json_safe(head))
    return scene


def write_gltf(model, path, lod=None, edits: Edits | None = None, analysis=None, local_origin=False) -> dict:
    """Write ``.glb`` (binary) or ``.gltf`` (JSON with embedded buffers). Returns a summary."""
    from trimesh.exchange.gltf import export_glb, export_gltf

    from stadtbild.model.fileio import atomic_write_bytes

    scene = build_gltf_scene(model, lod, edits, analysis, local_origin)
    if str(path).lower().endswith(".glb"):
        data = export_glb(scene, include_normals=False)
    else:
        files = export_gltf(scene, include_normals=False, embed_buffers=True)
        data = files["model.gltf"]
    atomic_write_bytes(path, data)
    return {"objects": len(scene.geometry)}


# ---------------------------------------------------------------------- OBJ + MTL
def write_obj(model, path, lod=None, edits: Edits | None = None, analysis=None, local_origin=False,
              digits: int = 4) -> dict:
    """Write ``X.obj`` and ``X.mtl`` beside it (one material per colour group)."""
    import trimesh
    from trimesh.exchange.obj import export_obj
    from trimesh.visual import TextureVisuals
    from trimesh.visual.material import SimpleMaterial

    from stadtbild.model.fileio import atomic_write_bytes
    from pathlib import Path

    path = Path(path)
    offset = resolve_offset(model, local_origin)
    meshes = object_meshes(model, lod, offset)
    group, names, rgb, _ = _groups(model, meshes, edits, analysis)
    materials = {}
    scene = trimesh.Scene()
    for k, oid in enumerate(meshes.object_ids):
        sl = meshes.object_slice(k)
        if sl.stop <= sl.start:
            continue
        g = group[sl]
        for gi in np.unique(g):
            sel = np.arange(sl.start, sl.stop)[g == gi]
            verts, faces = meshes.sub_mesh(sel)
            mat = materials.get(gi)
            if mat is None:
                mat = SimpleMaterial(name=names[gi], diffuse=np.append(rgb[gi], 255), ambient=[60, 60, 60, 255],
                                     specular=[20, 20, 20, 255], glossiness=1.0)
                materials[gi] = mat
            m = trimesh.Trimesh(vertices=verts, faces=faces, process=False,
                                visual=TextureVisuals(material=mat))
            name = f"{oid}#{names[gi]}"
            scene.add_geometry(m, geom_name=name, node_name=name)
    terrain = model.terrain
    if terrain is not None and getattr(terrain, "n_triangles", 0):
        mat = SimpleMaterial(name="TERRAIN", diffuse=np.append(SURFACE_RGB["Terrain"], 255), glossiness=1.0)
        tverts = terrain.vertices + (np.asarray(terrain.origin, float) - offset)
        m = trimesh.Trimesh(vertices=tverts, faces=terrain.triangles, process=False, visual=TextureVisuals(material=mat))
        scene.add_geometry(m, geom_name=f"{TERRAIN_NODE}#TERRAIN", node_name=f"{TERRAIN_NODE}#TERRAIN")
    head = _header(model, offset, edits)
    header = (f"stadtbild OBJ; CRS {head['crs'] or 'unknown'}; units m; Z up; offset "
              f"{offset[0]:.3f} {offset[1]:.3f} {offset[2]:.3f} (CRS = file + offset); objects named <id>#<group>")
    text, extra = export_obj(scene, include_normals=False, include_color=False, include_texture=True,
                             return_texture=True, mtl_name=path.with_suffix(".mtl").name, digits=digits,
                             header=header)
    for name, data in extra.items():
        atomic_write_bytes(path.parent / name, data)
    atomic_write_bytes(path, text.encode("utf-8"))
    return {"objects": len({n.split('#')[0] for n in scene.geometry} - {TERRAIN_NODE})}


# ---------------------------------------------------------------------- STL
def write_stl(model, path, lod=None, edits: Edits | None = None, per_object=False, local_origin=True) -> dict:
    """Binary STL of all objects merged (default) or ASCII STL with one named ``solid`` per
    object (``per_object``). Always local coordinates (float32); offset in the header."""
    import trimesh
    from trimesh.exchange.stl import export_stl, export_stl_ascii

    from stadtbild.model.fileio import atomic_write_bytes

    offset = resolve_offset(model, True if local_origin is None or local_origin is False else local_origin)
    meshes = object_meshes(model, lod, offset)
    crs = model.crs.name or "unknown CRS"
    if not per_object:
        verts, faces = meshes.sub_mesh(np.arange(meshes.n_triangles))
        mesh = trimesh.Trimesh(vertices=verts, faces=faces, process=False)
        data = bytearray(export_stl(mesh))
        head = f"stadtbild {crs} offset {offset[0]:.3f} {offset[1]:.3f} {offset[2]:.3f} m".encode("ascii")[:80]
        data[:80] = head.ljust(80, b" ")
        atomic_write_bytes(path, bytes(data))
        return {"objects": len(meshes.object_ids)}
    parts = []
    for k, oid in enumerate(meshes.object_ids):
        sl = meshes.object_slice(k)
        if sl.stop <= sl.start:
            continue
        verts, faces = meshes.sub_mesh(np.arange(sl.start, sl.stop))
        mesh = trimesh.Trimesh(vertices=verts, faces=faces, process=False)
        text = export_stl_ascii(mesh)
        name = "".join(ch if ch.isprintable() and not ch.isspace() else "_" for ch in oid)
        body = text.split("\n", 1)[1].rsplit("endsolid", 1)[0]
        parts.append(f"solid {name}\n{body}endsolid {name}\n")
    note = (f"solid stadtbild_info {crs} offset {offset[0]:.3f} {offset[1]:.3f} {offset[2]:.3f}\n"
            f"endsolid stadtbild_info\n")
    if not parts:
        raise InputError(path, "nothing to export: no surface geometry")
    atomic_write_bytes(path, (note + "".join(parts)).encode("ascii", "replace"))
    return {"objects": len(parts)}
