"""An independent checker for 3D Tiles 1.1 tilesets, used by the publish tests.

It shares no code with the writer (``exporters.publish``): the GLB container is parsed here with
``struct`` and the geometry re-derived from the raw accessors.

- :func:`schema_errors`: the tileset JSON against the official 3D Tiles 1.1 JSON schemas
  (``shared/schemas/3dtiles-1.1``, draft 2020-12, every ``$ref`` resolved offline from that folder —
  the file names there are unique, so a reference is found by its base name);
- :func:`structure_problems`: the rules the schema cannot express — every content URI resolves;
  each tile's bounding box encloses every vertex of its content and every corner of its
  children's boxes; geometric error decreases toward the leaves; in every GLB the
  ``EXT_mesh_features`` feature IDs are whole numbers below ``featureCount``, which equals the row
  count of the property table they point to, every row is used, and the ``EXT_structural_metadata``
  schema and property tables validate against the 3D Metadata schemas (``Schema/``,
  ``PropertyTable/``) and their buffer views hold ``count`` values (strings: ``count + 1`` offsets).
"""
from __future__ import annotations

import json
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from conftest import DATA

SCHEMAS = DATA.parent / "schemas" / "3dtiles-1.1"  # ../shared/schemas beside ../shared/data
_DTYPE = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16, 5125: np.uint32, 5126: np.float32}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
#: glTF Y-up -> 3D Tiles Z-up (3D Tiles 1.1, "glTF transforms")
Y_UP_TO_Z_UP = np.array([[1, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=float)


@lru_cache(maxsize=1)
def _schema_files() -> dict:
    return {p.name: json.loads(p.read_text()) for p in SCHEMAS.rglob("*.schema.json")}


def validator(name: str):
    """A Draft 2020-12 validator of the schema file ``name`` (e.g. ``tileset.schema.json``)."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    files = _schema_files()

    def retrieve(uri: str):
        return Resource.from_contents(files[uri.rsplit("/", 1)[-1].split("#")[0]], default_specification=DRAFT202012)

    return jsonschema.Draft202012Validator(files[name], registry=Registry(retrieve=retrieve))


def schema_errors(doc: dict, name: str = "tileset.schema.json") -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(doc)]


# ---------------------------------------------------------------------- GLB
def read_glb(path: Path) -> tuple[dict, bytes]:
    data = Path(path).read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data, 0)
    assert magic == b"glTF" and version == 2 and length == len(data), f"{path}: bad GLB header"
    jlen, jtype = struct.unpack_from("<I4s", data, 12)
    assert jtype == b"JSON"
    doc = json.loads(data[20:20 + jlen])
    binary = b""
    if 20 + jlen < len(data):
        blen, btype = struct.unpack_from("<I4s", data, 20 + jlen)
        assert btype == b"BIN\0"
        binary = data[28 + jlen:28 + jlen + blen]
    return doc, binary


def accessor(doc: dict, binary: bytes, i: int) -> np.ndarray:
    acc = doc["accessors"][i]
    bv = doc["bufferViews"][acc["bufferView"]]
    width = _WIDTH[acc["type"]]
    dt = np.dtype(_DTYPE[acc["componentType"]])
    stride = bv.get("byteStride") or dt.itemsize * width
    start = bv.get("byteOffset", 0) + acc.get("byteOffset", 0)
    raw = np.frombuffer(binary, dtype=np.uint8, count=bv["byteLength"] - acc.get("byteOffset", 0), offset=start)
    rows = [raw[k * stride:k * stride + dt.itemsize * width].view(dt) for k in range(acc["count"])] \
        if stride != dt.itemsize * width else [raw[:acc["count"] * dt.itemsize * width].view(dt)]
    a = np.concatenate(rows).reshape(acc["count"], width)
    return a if width > 1 else a[:, 0]


def _node_matrix(node: dict) -> np.ndarray:
    if "matrix" in node:
        return np.array(node["matrix"], float).reshape(4, 4).T
    m = np.eye(4)
    t = node.get("translation", [0, 0, 0])
    if "rotation" in node or "scale" in node:
        x, y, z, w = node.get("rotation", [0, 0, 0, 1])
        r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                      [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                      [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
        m[:3, :3] = r * np.asarray(node.get("scale", [1, 1, 1]), float)
    m[:3, 3] = t
    return m


def glb_positions(doc: dict, binary: bytes) -> np.ndarray:
    """All vertex positions of the default scene in tile coordinates (Z up), (n, 3)."""
    out = []

    def walk(i, parent):
        node = doc["nodes"][i]
        m = parent @ _node_matrix(node)
        if "mesh" in node:
            for prim in doc["meshes"][node["mesh"]]["primitives"]:
                p = accessor(doc, binary, prim["attributes"]["POSITION"]).astype(float)
                out.append((np.c_[p, np.ones(len(p))] @ m.T)[:, :3])
        for ch in node.get("children", []):
            walk(ch, m)

    for n in doc["scenes"][doc.get("scene", 0)]["nodes"]:
        walk(n, Y_UP_TO_Z_UP)
    return np.vstack(out) if out else np.zeros((0, 3))


def feature_problems(path: Path, doc: dict, binary: bytes) -> list[str]:
    """EXT_mesh_features / EXT_structural_metadata rules of one GLB."""
    probs = []
    meta = (doc.get("extensions") or {}).get("EXT_structural_metadata")
    if meta is not None:
        probs += [f"{path.name}: metadata schema: {e}" for e in schema_errors(meta["schema"], "schema.schema.json")]
        for t in meta.get("propertyTables", []):
            probs += [f"{path.name}: property table: {e}" for e in schema_errors(t, "propertyTable.schema.json")]
            cls = meta["schema"]["classes"][t["class"]]["properties"]
            for key, prop in t["properties"].items():
                bv = doc["bufferViews"][prop["values"]]
                if bv["byteOffset"] % 8:
                    probs.append(f"{path.name}: property {key} buffer view not 8-byte aligned")
                if cls[key].get("type") == "STRING":
                    off = doc["bufferViews"][prop["stringOffsets"]]
                    if off["byteLength"] != 4 * (t["count"] + 1):
                        probs.append(f"{path.name}: {key}: {off['byteLength'] // 4} string offsets for {t['count']} rows")
                    offs = np.frombuffer(binary, np.uint32, t["count"] + 1, off["byteOffset"])
                    if offs[-1] != bv["byteLength"] or (np.diff(offs.astype(np.int64)) < 0).any():
                        probs.append(f"{path.name}: {key}: string offsets do not cover the values")
                elif cls[key].get("componentType") == "FLOAT64" and bv["byteLength"] != 8 * t["count"]:
                    probs.append(f"{path.name}: {key}: {bv['byteLength'] // 8} values for {t['count']} rows")
    for mesh in doc.get("meshes", []):
        for prim in mesh["primitives"]:
            fx = (prim.get("extensions") or {}).get("EXT_mesh_features")
            if fx is None:
                continue
            for fid in fx["featureIds"]:
                ids = accessor(doc, binary, prim["attributes"][f"_FEATURE_ID_{fid['attribute']}"]).astype(float)
                n = fid["featureCount"]
                if (ids != np.round(ids)).any() or ids.min() < 0 or ids.max() >= n:
                    probs.append(f"{path.name}: feature IDs outside 0..{n - 1} or not whole")
                if "propertyTable" in fid:
                    rows = meta["propertyTables"][fid["propertyTable"]]["count"] if meta else -1
                    if rows != n:
                        probs.append(f"{path.name}: featureCount {n} != property table rows {rows}")
                    if len(np.unique(ids)) != n:
                        probs.append(f"{path.name}: {n - len(np.unique(ids))} property table rows have no geometry")
    return probs


# ---------------------------------------------------------------------- tileset structure
def _box_in(inner_pts: np.ndarray, box: list, tol: float = 1e-3) -> bool:
    c = np.array(box[:3], float)
    axes = np.array(box[3:], float).reshape(3, 3)
    d = inner_pts - c
    for ax in axes:
        ln2 = float(ax @ ax)
        if ln2 == 0:
            if np.abs(d @ ax).max(initial=0) > tol:
                return False
            continue
        if (np.abs(d @ ax) / np.sqrt(ln2)).max(initial=0) > np.sqrt(ln2) + tol:
            return False
    return True


def box_corners(box: list) -> np.ndarray:
    c = np.array(box[:3], float)
    axes = np.array(box[3:], float).reshape(3, 3)
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], float)
    return c + signs @ axes


def structure_problems(tileset_path, check_content: bool = True) -> tuple[list[str], dict]:
    """(problems, counts) of a tileset and its GLB tiles (see the module docstring)."""
    tileset_path = Path(tileset_path)
    doc = json.loads(tileset_path.read_text())
    base = tileset_path.parent
    probs: list[str] = []
    counts = {"tiles": 0, "contents": 0, "features": 0, "glbs": []}
    if not doc.get("geometricError", -1) >= doc["root"]["geometricError"]:
        probs.append("tileset geometricError below the root's")

    def walk(tile: dict, frame: np.ndarray, parent_error: float, where: str) -> None:
        counts["tiles"] += 1
        m = frame @ (np.array(tile["transform"], float).reshape(4, 4).T if "transform" in tile else np.eye(4))
        if "transform" in tile and where != "root":
            probs.append(f"{where}: transforms below the root are not expected here")
        box = tile["boundingVolume"].get("box")
        if box is None:
            probs.append(f"{where}: no box bounding volume")
            return
        err = tile["geometricError"]
        if where != "root" and not err < parent_error and not (err == 0 and parent_error == 0):
            probs.append(f"{where}: geometricError {err} not below its parent's {parent_error}")
        for k, ch in enumerate(tile.get("children", [])):
            if not _box_in(box_corners(ch["boundingVolume"]["box"]), box):
                probs.append(f"{where}/children/{k}: box not inside its parent's")
            walk(ch, m, err, f"{where}/children/{k}")
        for c in ([tile["content"]] if "content" in tile else []) + tile.get("contents", []):
            uri = c["uri"]
            f = base / uri
            if "://" in uri or uri.startswith("/") or not f.is_file():
                probs.append(f"{where}: content {uri} does not resolve to a file of the tileset")
                continue
            counts["contents"] += 1
            if not check_content or not uri.endswith(".glb"):
                continue
            g, binary = read_glb(f)
            counts["glbs"].append(f)
            pts = glb_positions(g, binary)
            if not _box_in(pts, box, tol=2e-3):
                probs.append(f"{where}: content {uri} reaches outside the tile's box")
            probs.extend(feature_problems(f, g, binary))
            fx = [fid["featureCount"] for mesh in g.get("meshes", []) for p in mesh["primitives"]
                  for fid in ((p.get("extensions") or {}).get("EXT_mesh_features") or {}).get("featureIds", [])]
            if not tile.get("children"):  # inner tiles' coarse content repeats the features of their leaves
                counts["features"] += sum(fx)
        if not tile.get("children") and "content" not in tile and not tile.get("contents"):
            probs.append(f"{where}: leaf without content")

    walk(doc["root"], np.eye(4), float("inf"), "root")
    return probs, counts


def feature_vertices(tileset_path) -> dict:
    """{feature id (the ``id`` property): (vertices in ECEF (n, 3), the same in the root's frame)}
    of a tileset whose transform is on the root (read from every GLB leaf)."""
    tileset_path = Path(tileset_path)
    ts = json.loads(tileset_path.read_text())
    root_m = np.array(ts["root"].get("transform", np.eye(4).T.reshape(-1)), float).reshape(4, 4).T
    out = {}

    def leaves(t):
        if "content" in t:
            yield t
        for ch in t.get("children", []):
            yield from leaves(ch)

    for leaf in leaves(ts["root"]):
        doc, binary = read_glb(tileset_path.parent / leaf["content"]["uri"])
        table = doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0]
        prop = table["properties"]["id"]
        values, offsets = doc["bufferViews"][prop["values"]], doc["bufferViews"][prop["stringOffsets"]]
        offs = np.frombuffer(binary, np.uint32, table["count"] + 1, offsets["byteOffset"])
        blob = binary[values["byteOffset"]:values["byteOffset"] + values["byteLength"]]
        ids = [blob[offs[i]:offs[i + 1]].decode() for i in range(table["count"])]
        fid = accessor(doc, binary, doc["meshes"][0]["primitives"][0]["attributes"]["_FEATURE_ID_0"]).astype(int)
        local = glb_positions(doc, binary)
        ecef = (np.c_[local, np.ones(len(local))] @ root_m.T)[:, :3]
        for k, oid in enumerate(ids):
            out[oid] = (ecef[fid == k], local[fid == k])
    return out
