"""Only plain local files reach GDAL (rasterio, pyogrio).

GDAL follows references inside some formats on its own: a VRT (raster or vector) may name
``/vsicurl/https://…`` sources, WMS/WMTS/WFS descriptions are XML files that fetch tiles over
HTTP, GML reads remote schemas. Measured: a terrain ``.vrt`` and a layer ``.vrt`` made GDAL open
TCP connections. Stadtbild promises to work offline, so DEMs and layers must be files whose
content GDAL reads from disk: GeoTIFF / ASCII grid / XYZ, GeoPackage / GeoJSON / Shapefile —
none of which is XML. This module refuses URLs, GDAL virtual file system paths and XML
(indirection) files before GDAL sees them.
"""
from __future__ import annotations

import re
from pathlib import Path

from stadtbild.model.errors import InputError

_REMOTE_PREFIXES = ("/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift", "/vsiwebhdfs",
                    "/vsihdfs", "/vsi")
#: a URL scheme ("https://", or "https:/" after pathlib collapsed the slashes); not "C:/"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def check_local_file(path, what: str = "file") -> Path:
    """``path`` as a Path when it is a plain local file GDAL can read without following
    references; else :class:`InputError` (one line)."""
    text = str(path)
    if _URL.match(text) or text.startswith(_REMOTE_PREFIXES):
        raise InputError(path, f"only local files are read as {what} (no URLs or GDAL virtual file systems: "
                               f"Stadtbild works offline)")
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except IsADirectoryError:
        return p  # folders (e.g. a Shapefile folder) are handled by the reader
    except OSError:
        return p  # "no such file" and friends are reported by the reader
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"<"):
        kind = "VRT" if b"VRT" in body[:200] else "XML"
        raise InputError(p, f"{kind} files are not read as {what}: GDAL would follow the references inside "
                            f"(other files, web services); use GeoTIFF/ASCII grid for terrain and "
                            f"GeoPackage/GeoJSON/Shapefile for layers")
    return p


#: VRTs nested deeper than this are refused (a VRT naming a VRT naming …)
MAX_VRT_DEPTH = 4


def check_local_raster(path, what: str = "a raster", _depth: int = 0) -> Path:
    """Like :func:`check_local_file`, but a GDAL VRT mosaic is allowed when every source file it
    names (``SourceFilename``, relative to the VRT or absolute) is itself a local raster file that
    passes this check (VRTs nested at most :data:`MAX_VRT_DEPTH` deep). The VRT is read with the
    safe XML settings of the CityGML reader (no entities, no DTD, no network)."""
    p = Path(path)
    try:
        return check_local_file(p, what)
    except InputError as exc:
        if "VRT" not in exc.message:
            raise
    from lxml import etree

    from .citygml import SAFE_PARSER

    if _depth >= MAX_VRT_DEPTH:
        raise InputError(p, f"VRT files nested more than {MAX_VRT_DEPTH} deep are not read")
    try:
        root = etree.parse(str(p), etree.XMLParser(**SAFE_PARSER)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise InputError(p, f"not a readable VRT ({' '.join(str(exc).split())[:160]})") from None
    if root.tag != "VRTDataset":
        raise InputError(p, f"XML files are not read as {what}; give a GeoTIFF, an image with a world file or a VRT")
    if root.get("subClass"):  # warped / derived / pansharpened VRTs run GDAL algorithms on other files
        raise InputError(p, f"VRT of type {root.get('subClass')} is not read; use a plain mosaic VRT (gdalbuildvrt)")
    names = root.iter("SourceFilename")
    found = False
    for el in names:
        found = True
        text = (el.text or "").strip()
        if _URL.match(text) or text.startswith(_REMOTE_PREFIXES):
            raise InputError(p, f"VRT source {text!r} is not a local file (Stadtbild works offline)")
        src = (p.parent / text) if el.get("relativeToVRT", "0") == "1" else Path(text)
        if not src.exists():
            raise InputError(p, f"VRT source {text!r} does not exist")
        check_local_raster(src, what, _depth + 1)
    if not found:
        raise InputError(p, "VRT names no source files")
    return p
