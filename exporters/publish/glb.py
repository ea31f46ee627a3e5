"""A minimal binary glTF 2.0 (GLB) writer for 3D Tiles content, with the 3D Tiles metadata
extensions ``EXT_mesh_features`` (feature IDs per vertex) and ``EXT_structural_metadata``
(property tables per feature, property attributes per vertex).

Written by hand because no maintained Python glTF library writes these extensions (trimesh drops
unknown extensions; pygltflib only carries them as opaque dicts, so the binary layout rules below
would still be ours). The container is the GLB of glTF 2.0 §4.4: a 12-byte header, a JSON chunk
padded with spaces and a BIN chunk padded with zeros, both to 4 bytes.

Layout rules kept here (glTF 2.0 §3.6, EXT_structural_metadata §"Binary data"):
- every buffer view starts at a multiple of 8 bytes (metadata views must be 8-byte aligned;
  vertex attributes need 4);
- vertex attributes are 4-byte elements or multiples (float32 VEC3 positions/normals, uint8 VEC4
  colours, float32 feature IDs: the spec forbids unsigned int attributes outside indices, and
  uint16 scalars would need a padded stride);
- POSITION accessors carry min/max.
"""
from __future__ import annotations

import json
import struct

import numpy as np

ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963
COMPONENT = {np.dtype(np.int8): 5120, np.dtype(np.uint8): 5121, np.dtype(np.int16): 5122,
             np.dtype(np.uint16): 5123, np.dtype(np.uint32): 5125, np.dtype(np.float32): 5126}
TYPE_OF_WIDTH = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}
GLB_MAGIC = 0x46546C67
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942


class GlbBuilder:
    """Collects buffer views and accessors in one binary buffer and writes the GLB."""

    def __init__(self, generator: str = "Stadtbild publish"):
        self.gltf: dict = {"asset": {"version": "2.0", "generator": generator}, "buffers": [],
                           "bufferViews": [], "accessors": []}
        self.bin = bytearray()
        self.extensions: set[str] = set()

    def view(self, data: bytes, target: int | None = None) -> int:
        """Append bytes as a new buffer view (8-byte aligned); returns its index."""
        self.bin.extend(b"\0" * (-len(self.bin) % 8))
        bv = {"buffer": 0, "byteOffset": len(self.bin), "byteLength": len(data)}
        if target is not None:
            bv["target"] = target
        self.bin.extend(data)
        self.gltf["bufferViews"].append(bv)
        return len(self.gltf["bufferViews"]) - 1

    def accessor(self, array, target: int | None = ARRAY_BUFFER, normalized: bool = False,
                 min_max: bool = False) -> int:
        """An accessor over a new buffer view holding ``array`` ((n,) or (n, k), dtype kept)."""
        a = np.ascontiguousarray(array)
        width = 1 if a.ndim == 1 else a.shape[1]
        acc = {"bufferView": self.view(a.tobytes(), target), "componentType": COMPONENT[a.dtype],
               "count": int(a.shape[0]), "type": TYPE_OF_WIDTH[width]}
        if normalized:
            acc["normalized"] = True
        if min_max:
            flat = a.reshape(len(a), -1)
            acc["min"] = [_num(v) for v in flat.min(axis=0)]
            acc["max"] = [_num(v) for v in flat.max(axis=0)]
        self.gltf["accessors"].append(acc)
        return len(self.gltf["accessors"]) - 1

    def indices(self, triangles) -> int:
        """Index accessor (uint16 when the vertices allow, else uint32)."""
        t = np.asarray(triangles).reshape(-1)
        dtype = np.uint16 if (t.max(initial=0) < 65535) else np.uint32
        return self.accessor(t.astype(dtype), ELEMENT_ARRAY_BUFFER)

    def image_png(self, png: bytes) -> int:
        """An embedded PNG image (buffer view, mimeType image/png); returns the image index."""
        images = self.gltf.setdefault("images", [])
        images.append({"bufferView": self.view(png), "mimeType": "image/png"})
        return len(images) - 1

    def to_bytes(self) -> bytes:
        self.bin.extend(b"\0" * (-len(self.bin) % 4))
        self.gltf["buffers"] = [{"byteLength": len(self.bin)}]
        if self.extensions:
            self.gltf["extensionsUsed"] = sorted(self.extensions)
        text = json.dumps(self.gltf, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        text += b" " * (-len(text) % 4)
        total = 12 + 8 + len(text) + 8 + len(self.bin)
        return b"".join([struct.pack("<III", GLB_MAGIC, 2, total), struct.pack("<II", len(text), CHUNK_JSON), text,
                         struct.pack("<II", len(self.bin), CHUNK_BIN), bytes(self.bin)])


def _num(v):
    v = v.item() if hasattr(v, "item") else v
    return int(v) if isinstance(v, (int, np.integer)) else float(v)


def read_glb(data: bytes) -> tuple[dict, bytes]:
    """(glTF JSON, BIN chunk) of a GLB (for tests and tools)."""
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != GLB_MAGIC or version != 2:
        raise ValueError("not a GLB 2.0 file")
    jlen, jtype = struct.unpack_from("<II", data, 12)
    doc = json.loads(data[20:20 + jlen])
    off = 20 + jlen
    binary = b""
    if off < total:
        blen, _ = struct.unpack_from("<II", data, off)
        binary = data[off + 8:off + 8 + blen]
    return doc, binary


def accessor_array(doc: dict, binary: bytes, index: int) -> np.ndarray:
    """The values of accessor ``index`` as a numpy array (tight buffer views only)."""
    acc = doc["accessors"][index]
    bv = doc["bufferViews"][acc["bufferView"]]
    dtype = {v: k for k, v in COMPONENT.items()}[acc["componentType"]]
    width = {v: k for k, v in TYPE_OF_WIDTH.items()}[acc["type"]]
    start = bv.get("byteOffset", 0) + acc.get("byteOffset", 0)
    a = np.frombuffer(binary, dtype=dtype, count=acc["count"] * width, offset=start)
    return a.reshape(acc["count"], width) if width > 1 else a
