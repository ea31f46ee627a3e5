"""The extent of a city model file without reading the whole file (for tiling a folder of tiles).

- CityGML: the root ``gml:boundedBy/gml:Envelope`` (``lowerCorner``/``upperCorner``), read with the
  safe streaming parser of :mod:`importers.citygml` from the file's first bytes up to the first
  city object member (no envelope there: unknown).
- CityJSON: ``metadata.geographicalExtent`` when the file's first bytes hold it (metadata written
  before the CityObjects, as cjio and most writers do: the extent must follow ``"metadata"`` with
  no ``"CityObjects"`` or ``"vertices"`` in between, an object's own extent does not count), else
  the (transformed) range of all vertices (CityJSON and CityJSONSeq; the file is parsed with
  orjson, without building a model).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

#: bytes read to find a header (CityGML envelope, CityJSON metadata)
HEAD_BYTES = 65536

_EXTENT = re.compile(rb'"geographicalExtent"\s*:\s*\[([^\]]*)\]')


def file_extent(path) -> tuple[np.ndarray, str] | None:
    """([xmin, ymin, zmin, xmax, ymax, zmax] in the file's CRS, source) of a CityGML / CityJSON /
    CityJSONSeq file, ``source`` being "envelope" (the CityGML root envelope: often the survey's
    tile frame), "metadata" or "vertices"; None when the file gives none (read it instead)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        bb = _gml_envelope(path)
        return None if bb is None else (bb, "envelope")
    quick = _metadata_extent(head)
    if quick is not None:
        return quick, "metadata"
    bb = _vertex_range(path)
    return None if bb is None else (bb, "vertices")


def _gml_envelope(path: Path) -> np.ndarray | None:
    """The root envelope of a CityGML file (z = 0 for a 2D envelope), streamed until the first
    member; None without one."""
    from lxml import etree

    from .citygml import SAFE_PARSER
    from .gml_geometry import local_name

    kwargs = {k: v for k, v in SAFE_PARSER.items() if k not in ("dtd_validation", "remove_pis")}
    parser = etree.XMLPullParser(events=("start", "end"), **kwargs)
    corners: dict[str, list[float]] = {}
    depth = 0
    try:
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(HEAD_BYTES)
                if chunk:
                    parser.feed(chunk)
                for event, el in parser.read_events():
                    name = local_name(el.tag)
                    if event == "start":
                        depth += 1
                        if depth == 2 and name not in ("boundedBy", "name", "description", "metaDataProperty"):
                            return _corners_bbox(corners)  # the first member: the header is over
                        continue
                    depth -= 1
                    if name in ("lowerCorner", "upperCorner") and depth >= 2:
                        corners.setdefault(name, [float(v) for v in (el.text or "").split()])
                    elif name == "Envelope":
                        return _corners_bbox(corners)
                if not chunk:
                    return _corners_bbox(corners)
    except (OSError, ValueError, etree.XMLSyntaxError):
        return None


def _corners_bbox(corners: dict) -> np.ndarray | None:
    lo, hi = corners.get("lowerCorner"), corners.get("upperCorner")
    if not lo or not hi or len(lo) != len(hi) or len(lo) not in (2, 3):
        return None
    if len(lo) == 2:
        lo, hi = lo + [0.0], hi + [0.0]
    bb = np.array(lo + hi, dtype=np.float64)
    return np.nan_to_num(bb) if np.isfinite(bb[[0, 1, 3, 4]]).all() else None


def _metadata_extent(head: bytes) -> np.ndarray | None:
    """``metadata.geographicalExtent`` when ``head`` holds it before any objects (module docstring)."""
    m_meta = head.find(b'"metadata"')
    if m_meta < 0:
        return None
    m = _EXTENT.search(head, m_meta)
    if m is None:
        return None
    between = head[m_meta:m.start()]
    if b'"CityObjects"' in between or b'"vertices"' in between:
        return None
    try:
        vals = np.array([float(v) for v in m.group(1).split(b",")], dtype=np.float64)
    except ValueError:
        return None
    return vals if len(vals) == 6 and np.isfinite(vals).all() else None


def _vertex_range(path: Path) -> np.ndarray | None:
    """The extent in ``metadata`` of a CityJSON document, else the range of its (transformed)
    vertices; for CityJSONSeq the vertices of all features. None when unreadable."""
    import orjson

    try:
        if path.name.lower().endswith(".jsonl"):
            lines = path.read_bytes().splitlines()
            docs = [orjson.loads(x) for x in lines if x.strip()]
            header, feats = docs[0], docs[1:]
            t = header.get("transform")
            chunks = [np.asarray(f.get("vertices") or np.zeros((0, 3)), dtype=np.float64) for f in feats]
            v = np.concatenate(chunks) if chunks else np.zeros((0, 3))
        else:
            doc = orjson.loads(path.read_bytes())
            ext = (doc.get("metadata") or {}).get("geographicalExtent")
            if ext and len(ext) == 6:
                return np.asarray(ext, dtype=np.float64)
            t = doc.get("transform")
            v = np.asarray(doc.get("vertices") or np.zeros((0, 3)), dtype=np.float64)
        if not len(v):
            return None
        if t:
            v = v * np.asarray(t["scale"]) + np.asarray(t["translate"])
        return np.concatenate([v.min(axis=0), v.max(axis=0)])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
