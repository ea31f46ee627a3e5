"""Appearances of CityJSON and CityGML 2.0/3.0 models: textures (with their coordinates, wrap
modes and world files) and material colours, as :class:`model.appearance.Textures`.

CityJSON (§ Appearance of the specification): ``appearance.textures`` (image, wrapMode,
borderColor), ``appearance.vertices-texture`` (u, v) and per geometry ``texture`` / ``material``
objects per theme whose ``values`` nest like the boundaries, one ``[texture, uv, uv, …]`` per
ring. The reader kept them on each :class:`model.citymodel.Geometry` (``extra``); its polygons are
the boundaries' polygons in order, so the values are laid over them polygon by polygon.

CityGML (OGC 12-019 §9, and the 3.0 conceptual model's Appearance module): a second, streamed pass
over the file reads every ``app:Appearance`` (inside features or as ``appearanceMember``):
``ParameterizedTexture`` with ``TexCoordList`` (texture coordinates per ring id, also via an
xlink to a TexCoordList elsewhere) or ``TexCoordGen`` (a 3×4 ``worldToTexture`` matrix,
homogeneous: (s, t, q) = M·(x, y, z, 1), texture coordinate (s/q, t/q)), ``GeoreferencedTexture``
(``referencePoint`` = centre of the upper-left pixel and a 2×2 ``orientation`` from pixel to
world, or else the image's world file) and ``X3DMaterial`` (``diffuseColor``). Targets name
polygons, rings or composite / triangulated surfaces by gml:id. A third pass reads the geometry of
only those targets and matches each of their polygons to the model's polygon with the same
exterior ring (vertex coordinates to the millimetre), so this works whatever the streaming
reader did with ids; texture coordinates then follow the model's ring vertices by coordinate.

Images are looked up next to the model (relative URIs; a URL or a path outside is "missing").
Referenced-but-missing images are counted in ``Textures.missing``; whoever draws the textures
says so (``Textures.missing_note``), not the loader: an analysis does not need the images.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from stadtbild.model.appearance import WRAP_MODES, TextureImage, Textures, empty_textures

#: keys of coordinates matched between the file's rings and the model's (metres, to the mm)
_KEY_DIGITS = 3


def _resolve(base: Path, uri: str) -> str | None:
    """The image file for ``uri`` next to the model (relative to its folder), else None."""
    if not uri or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", uri):
        return None
    p = (base / uri).resolve() if not Path(uri).is_absolute() else Path(uri)
    return str(p) if p.is_file() else None


def _wrap(value) -> str:
    v = str(value or "none").strip().lower()
    return v if v in WRAP_MODES else "none"


# ====================================================================== CityJSON
def _cityjson_polygons(gtype: str, values):
    """The per-polygon entries of a CityJSON ``texture``/``material`` ``values`` array in the
    order the reader made the polygons (surfaces; shells → surfaces; solids → shells → surfaces)."""
    if not isinstance(values, list):
        return None
    if gtype in ("MultiSurface", "CompositeSurface"):
        return values
    if gtype == "Solid":
        return [p for shell in values if isinstance(shell, list) for p in shell]
    if gtype in ("MultiSolid", "CompositeSolid"):
        return [p for solid in values if isinstance(solid, list) for shell in solid if isinstance(shell, list)
                for p in shell]
    return None


def read_cityjson_textures(model, path, theme: str | None = None) -> Textures | None:
    """Textures and materials of a CityJSON model read by :mod:`importers.cityjson` (its
    ``appearance`` and the geometries' ``texture``/``material``), one ``theme`` (default: the
    first texture theme in the file). None when the model has no appearance."""
    app = getattr(model, "appearance", None)
    if not isinstance(app, dict):
        return None
    tex_list = app.get("textures") if isinstance(app.get("textures"), list) else []
    mats = app.get("materials") if isinstance(app.get("materials"), list) else []
    vt = np.asarray(app.get("vertices-texture") or [], dtype=np.float64).reshape(-1, 2) if tex_list else np.zeros((0, 2))
    themes: dict = {}
    mat_themes: dict = {}
    for g in model.geometries:
        for key, store in (("texture", themes), ("material", mat_themes)):
            t = (g.extra or {}).get(key)
            if isinstance(t, dict):
                for name in t:
                    store.setdefault(name, None)
    if not themes and not mat_themes:
        return None
    chosen = theme if theme in themes else next(iter(themes), None)
    mat_theme = theme if theme in mat_themes else (chosen if chosen in mat_themes else next(iter(mat_themes), None))
    tex = empty_textures(model, chosen, list(themes))
    base = Path(path).parent
    tex.images = [TextureImage(uri=str(t.get("image", "")), path=_resolve(base, str(t.get("image", ""))),
                               wrap=_wrap(t.get("wrapMode")),
                               border_rgba=tuple(t["borderColor"]) if isinstance(t.get("borderColor"), list) else None)
                  for t in tex_list if isinstance(t, dict)]
    rgb = [np.asarray(m.get("diffuseColor", (np.nan,) * 3), dtype=np.float32)[:3] if isinstance(m, dict)
           else np.full(3, np.nan, np.float32) for m in mats]
    po, ro = model.polygon_offsets, model.ring_offsets
    skipped = 0
    for g in model.geometries:
        extra = g.extra or {}
        if chosen is not None and isinstance(extra.get("texture"), dict) and chosen in extra["texture"]:
            polys = _cityjson_polygons(g.type, (extra["texture"][chosen] or {}).get("values"))
            if polys is None or len(polys) != g.n_polygons:
                skipped += 1
            else:
                for j, entry in enumerate(polys):
                    row = g.poly_start + j
                    rings = entry if isinstance(entry, list) else []
                    if not rings or not isinstance(rings[0], list) or not rings[0] or rings[0][0] is None:
                        continue
                    t = rings[0][0]
                    if not (isinstance(t, int) and 0 <= t < len(tex.images)):
                        continue
                    r0, r1 = po[row], po[row + 1]
                    if len(rings) != r1 - r0:
                        continue
                    ok = True
                    for k, ring in enumerate(rings):
                        uvi = ring[1:] if isinstance(ring, list) else []
                        a, b = ro[r0 + k], ro[r0 + k + 1]
                        if len(uvi) != b - a or not all(isinstance(i, int) and 0 <= i < len(vt) for i in uvi):
                            ok = False
                            break
                        tex.ring_uv[a:b] = vt[uvi]
                    if ok:
                        tex.polygon_image[row] = t
        m = extra.get("material")
        if mat_theme is not None and isinstance(m, dict) and isinstance(m.get(mat_theme), dict) and rgb:
            mt = m[mat_theme]
            if isinstance(mt.get("value"), int) and 0 <= mt["value"] < len(rgb):
                tex.polygon_rgb[g.poly_start:g.poly_stop] = rgb[mt["value"]]
            else:
                polys = _cityjson_polygons(g.type, mt.get("values"))
                if polys is not None and len(polys) == g.n_polygons:
                    for j, v in enumerate(polys):
                        if isinstance(v, int) and 0 <= v < len(rgb):
                            tex.polygon_rgb[g.poly_start + j] = rgb[v]
    if skipped:
        model.warn(f"textures of {skipped} geometr{'y' if skipped == 1 else 'ies'} do not match their surfaces "
                   f"and are not shown")
    return tex


# ====================================================================== CityGML
def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _floats(text) -> np.ndarray:
    return np.array(str(text or "").split(), dtype=np.float64)


def _gml_id(el) -> str | None:
    for k, v in el.attrib.items():
        if _local(k) == "id":
            return v
    return None


def _href(el) -> str | None:
    for k, v in el.attrib.items():
        if _local(k) == "href":
            return v.lstrip("#")
    return None


def _mentions_appearance(path: Path) -> bool:
    """Whether the file contains an Appearance element name at all (a C-speed byte scan), so that
    big untextured models skip the extra passes."""
    with open(path, "rb") as fh:
        tail = b""
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                return False
            if b"Appearance" in tail + chunk:
                return True
            tail = chunk[-16:]


def _parse_appearances(path: Path):
    """All surface data of every Appearance: [(theme, kind, data)] with kind "param" (image,
    wrap, border, [(target, ("list", {ring: uv}) | ("gen", M) | ("href", id))]), "geo" (image,
    wrap, border, ref, orientation, [targets]) or "material" (rgb, [targets]); and the
    TexCoordLists by gml:id (for xlinks)."""
    from lxml import etree

    from .citygml import SAFE_PARSER

    out, coord_lists = [], {}
    try:
        _read_appearances(etree.iterparse(str(path), events=("end",), tag=("{*}Appearance",), **SAFE_PARSER), out,
                          coord_lists)
    except etree.XMLSyntaxError:
        pass  # a damaged or cut-off file: what was read stands (the model reader has warned)
    return out, coord_lists


def _read_appearances(context, out: list, coord_lists: dict) -> None:
    for _ev, app in context:
        theme = None
        for child in app:
            if _local(child.tag) == "theme":
                theme = (child.text or "").strip() or None
        for sd in app.iter():
            kind = _local(sd.tag)
            if kind not in ("ParameterizedTexture", "GeoreferencedTexture", "X3DMaterial"):
                continue
            props = {_local(c.tag): c for c in sd}
            image = (props["imageURI"].text or "").strip() if "imageURI" in props else ""
            wrap = _wrap(props["wrapMode"].text if "wrapMode" in props else None)
            border = tuple(_floats(props["borderColor"].text)) if "borderColor" in props else None
            if kind == "X3DMaterial":
                rgb = _floats(props["diffuseColor"].text)[:3] if "diffuseColor" in props else None
                targets = [(t.text or "").strip().lstrip("#") for t in sd if _local(t.tag) == "target"]
                if rgb is not None and len(rgb) == 3:
                    out.append((theme, "material", (rgb, targets)))
            elif kind == "GeoreferencedTexture":
                ref = orient = None
                for c in sd.iter():
                    if _local(c.tag) == "pos" and ref is None:
                        ref = _floats(c.text)[:2]
                if "orientation" in props:
                    orient = _floats(props["orientation"].text)[:4]
                targets = [(t.text or "").strip().lstrip("#") for t in sd if _local(t.tag) == "target"]
                out.append((theme, "geo", (image, wrap, border, ref, orient, targets)))
            else:
                targets = []
                for t in sd:
                    ln = _local(t.tag)
                    if ln == "target" and t.get("uri"):  # CityGML 2.0
                        targets.append((t.get("uri").lstrip("#"), _parameterization(t, coord_lists)))
                    elif ln in ("textureParameterization", "target"):  # CityGML 3.0: TextureAssociation
                        for assoc in t.iter("{*}TextureAssociation"):
                            tgt = next((c for c in assoc if _local(c.tag) == "target"), None)
                            if tgt is not None:
                                uri = (tgt.get("uri") or tgt.text or _href(tgt) or "").strip().lstrip("#")
                                targets.append((uri, _parameterization(assoc, coord_lists)))
                out.append((theme, "param", (image, wrap, border, targets)))
        app.clear()


def _parameterization(el, coord_lists: dict):
    """("list", {ring id: (n, 2) uv}) / ("gen", 3×4 matrix) / ("href", TexCoordList id) of a target."""
    href = _href(el)
    for c in el.iter():
        ln = _local(c.tag)
        if ln == "TexCoordList":
            rings = {}
            for tc in c:
                if _local(tc.tag) == "textureCoordinates":
                    rings[(tc.get("ring") or "").lstrip("#")] = _floats(tc.text).reshape(-1, 2)
            cid = _gml_id(c)
            if cid:
                coord_lists[cid] = rings
            return ("list", rings)
        if ln == "worldToTexture":
            m = _floats(c.text)
            if len(m) == 12:
                return ("gen", m.reshape(3, 4))
    if href:
        return ("href", href)
    return None


def _target_geometry(path: Path, ids: set) -> dict:
    """gml:id → [(polygon exterior (n, 3), [(ring id, (n, 3) coords)…])] of the targeted surfaces,
    polygons and rings (a ring id maps to its polygon)."""
    from lxml import etree

    from .citygml import SAFE_PARSER

    found: dict = {}
    poly_tags = ("Polygon", "Triangle", "PolygonPatch", "Rectangle")

    def polygon(p):
        rings = []
        for r in p.iter():
            if _local(r.tag) not in ("LinearRing", "Ring"):
                continue
            coords = []
            for c in r.iter():
                if _local(c.tag) == "posList":
                    coords.append(_floats(c.text))
                elif _local(c.tag) == "pos":
                    coords.append(_floats(c.text))
            xyz = np.concatenate(coords).reshape(-1, 3) if coords else np.zeros((0, 3))
            rings.append((_gml_id(r), xyz))
        return rings

    try:
        for _ev, el in etree.iterparse(str(path), events=("end",), **SAFE_PARSER):
            _collect_target(el, ids, found, polygon, poly_tags)
    except etree.XMLSyntaxError:
        pass  # a cut-off file: the targets read so far
    return found


def _collect_target(el, ids: set, found: dict, polygon, poly_tags) -> None:
    """Record ``el`` in ``found`` when its gml:id is a target (see :func:`_target_geometry`)."""
    gid = _gml_id(el)
    if gid is None or gid not in ids:
        return
    ln = _local(el.tag)
    if ln in ("LinearRing", "Ring"):
        return  # collected with its polygon
    found[gid] = [polygon(el)] if ln in poly_tags else [polygon(p) for p in el.iter() if _local(p.tag) in poly_tags]
    for poly in found[gid]:
        for rid, _xyz in poly:
            if rid and rid in ids:
                found[rid] = [poly]


def _polygon_index(model) -> dict:
    """Exterior-ring key (sorted vertex coordinates to the mm) → model polygon rows."""
    ext = model.ring_offsets[model.polygon_offsets[:-1]]
    ext_end = model.ring_offsets[model.polygon_offsets[:-1] + 1]
    index: dict = {}
    v = np.round(model.vertices, _KEY_DIGITS)
    for row, (a, b) in enumerate(zip(ext.tolist(), ext_end.tolist())):
        key = tuple(sorted(map(tuple, v[model.ring_vertices[a:b]].tolist())))
        index.setdefault(key, []).append(row)
    return index


def _ring_key(xyz: np.ndarray) -> tuple:
    pts = np.round(xyz, _KEY_DIGITS)
    if len(pts) > 1 and np.array_equal(pts[0], pts[-1]):
        pts = pts[:-1]
    return tuple(sorted(map(tuple, pts.tolist())))


def read_citygml_textures(model, path, theme: str | None = None) -> Textures | None:
    """Textures and materials of a CityGML file (see module docstring), one ``theme`` (default:
    the first). None when the file has no appearance."""
    path = Path(path)
    if not _mentions_appearance(path):
        return None
    data, coord_lists = _parse_appearances(path)
    if not data:
        return None
    themes = list(dict.fromkeys(t for t, _k, _d in data))
    chosen = theme if theme in themes else themes[0]
    data = [(k, d) for t, k, d in data if t == chosen]
    ids: set = set()
    for kind, d in data:
        if kind == "param":
            for uri, par in d[3]:
                ids.add(uri)
                if par is not None and par[0] == "href":
                    par = ("list", coord_lists.get(par[1], {}))
                if par is not None and par[0] == "list":
                    ids.update(par[1])
        else:
            ids.update(d[-1])
    geometry = _target_geometry(path, ids)
    index = _polygon_index(model)
    tex = empty_textures(model, chosen, [t for t in themes if t is not None])
    base = path.parent
    images: dict = {}
    v = np.round(model.vertices, _KEY_DIGITS)
    po, ro = model.polygon_offsets, model.ring_offsets

    def image_index(uri, wrap, border):
        key = (uri, wrap)
        if key not in images:
            images[key] = len(tex.images)
            tex.images.append(TextureImage(uri=uri, path=_resolve(base, uri), wrap=wrap,
                                           border_rgba=tuple(border) if border is not None else None))
        return images[key]

    def rows_of(target):
        """[(model polygon row, file polygon rings)] of a target id."""
        out = []
        for poly in geometry.get(target, []):
            if poly and len(poly[0][1]) >= 3:
                for row in index.get(_ring_key(poly[0][1]), []):
                    out.append((row, poly))
        return out

    def model_ring_positions(row):
        return np.arange(ro[po[row]], ro[po[row + 1]])

    matched = unmatched = 0
    for kind, d in data:
        if kind == "material":
            rgb, targets = d
            for target in targets:
                for row, _poly in rows_of(target):
                    tex.polygon_rgb[row] = rgb
            continue
        if kind == "geo":
            uri, wrap, border, ref, orient, targets = d
            transform = _georeference(base, uri, ref, orient)
            k = image_index(uri, wrap, border)
            size = _image_size(tex.images[k].path)
            for target in targets:
                rows = rows_of(target)
                unmatched += not rows
                for row, _poly in rows:
                    if transform is None or size is None:
                        continue  # without the image (or its georeference) it cannot be placed
                    pos = model_ring_positions(row)
                    tex.ring_uv[pos] = _georeferenced_uv(model.vertices[model.ring_vertices[pos]], transform, size)
                    tex.polygon_image[row] = k
                    matched += 1
            continue
        uri, wrap, border, targets = d
        k = image_index(uri, wrap, border)
        for target, par in targets:
            if par is not None and par[0] == "href":
                par = ("list", coord_lists.get(par[1], {}))
            rows = rows_of(target)
            unmatched += not rows
            for row, poly in rows:
                pos = model_ring_positions(row)
                if par is None:
                    continue
                if par[0] == "gen":
                    xyz1 = np.c_[model.vertices[model.ring_vertices[pos]], np.ones(len(pos))]
                    stq = xyz1 @ par[1].T
                    tex.ring_uv[pos] = stq[:, :2] / np.where(np.abs(stq[:, 2:3]) > 1e-12, stq[:, 2:3], 1.0)
                else:
                    lookup = {}
                    for rid, xyz in poly:
                        uv = par[1].get(rid)
                        if uv is not None and len(uv) == len(xyz):
                            for p, t in zip(np.round(xyz, _KEY_DIGITS).tolist(), uv.tolist()):
                                lookup[tuple(p)] = t
                    if not lookup:
                        continue
                    keys = map(tuple, v[model.ring_vertices[pos]].tolist())
                    uv = np.array([lookup.get(key, (np.nan, np.nan)) for key in keys], dtype=np.float32)
                    if np.isnan(uv).any():
                        continue
                    tex.ring_uv[pos] = uv
                tex.polygon_image[row] = k
                matched += 1
    if unmatched:
        model.warn(f"{unmatched} appearance target(s) name no surface of the model (theme {chosen!r})")
    return tex


def _georeference(base: Path, uri: str, ref, orient):
    """Affine pixel → world (a, b, c, d, e, f): x = a·col + b·row + c, y = d·col + e·row + f, with
    (col, row) = (0, 0) the centre of the upper-left pixel (CityGML referencePoint/orientation, or
    the image's world file: lines A, D, B, E, C, F)."""
    if ref is not None and orient is not None and len(ref) == 2 and len(orient) == 4:
        return (orient[0], orient[1], ref[0], orient[2], orient[3], ref[1])
    img = _resolve(base, uri)
    if img is None:
        return None
    p = Path(img)
    s = p.suffix.lower().lstrip(".")
    for cand in (p.with_suffix(f".{s[0]}{s[-1]}w") if len(s) >= 2 else None, p.with_suffix(p.suffix + "w"),
                 p.with_suffix(".wld")):
        if cand is not None and cand.is_file():
            vals = _floats(cand.read_text(errors="replace"))
            if len(vals) >= 6:
                a, d, b, e, c, f = vals[:6]
                return (a, b, c, d, e, f)
    return None


def _image_size(path) -> tuple[int, int] | None:
    if path is None:
        return None
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.size
    except Exception:  # noqa: BLE001 — an unreadable image is a missing image
        return None


def _georeferenced_uv(xyz: np.ndarray, transform, size) -> np.ndarray:
    """Texture coordinates of world points for a georeferenced image of ``size`` (w, h) pixels:
    pixel (col, row) from the inverse affine, s = (col + ½)/w, t = 1 − (row + ½)/h."""
    a, b, c, d, e, f = transform
    det = a * e - b * d
    x, y = xyz[:, 0] - c, xyz[:, 1] - f
    col = (e * x - b * y) / det
    row = (-d * x + a * y) / det
    w, h = size
    return np.c_[(col + 0.5) / w, 1.0 - (row + 0.5) / h].astype(np.float32)


def attach_textures(model, path, theme: str | None = None) -> Textures | None:
    """Read the appearance of ``model`` (loaded from ``path``) and set ``model.textures``. A
    malformed appearance (texture coordinates that are no numbers, ragged arrays …) leaves the model
    untextured with a warning naming the problem: the geometry was read, that is what counts."""
    fmt = getattr(model, "format", "")
    try:
        if fmt == "CityGML":
            tex = read_citygml_textures(model, path, theme)
        elif fmt in ("CityJSON", "CityJSONSeq"):
            tex = read_cityjson_textures(model, path, theme)
        else:
            tex = None
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError) as exc:
        model.warn(f"appearance not read ({type(exc).__name__}: {' '.join(str(exc).split())[:120]}); "
                   f"the model is shown in its own colours")
        tex = None
    model.textures = tex
    return tex
