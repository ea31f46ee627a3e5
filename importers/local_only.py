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

from model.errors import InputError

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
