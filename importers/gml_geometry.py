"""GML geometry (GML 3.1.1, OGC 03-105r1; GML 3.2.1, ISO 19136) as read inside CityGML members.

:class:`GmlGeometryReader` turns GML geometry elements into polygon *items* of the model's CSR
polygon table; :mod:`importers.citygml` walks the CityGML features around them.

- Coordinates (``gml:posList``, a run of ``gml:pos`` or GML 2 ``gml:coordinates``) are collected
  as text while a member is walked and parsed for a batch of members (≈4,000 rings) by one
  ``numpy.fromstring`` call ('nan'-separated), then split, checked and stripped of the closing
  vertex with index arithmetic. ``srsDimension`` comes from the element, its geometry or the
  envelope (default 3; 2D gets z = 0). Rings are stored not closed. A ring whose count is not a
  multiple of ``srsDimension``, or that holds non-numbers, is skipped and counted.
- Items: ``("P", key, rings)`` a polygon (rings: ring placeholders while the member is read,
  vertex index ranges after :meth:`GmlGeometryReader._apply_ranges`), ``("R", gml:id, reversed)``
  an ``xlink:href`` reference, resolved by :meth:`GmlGeometryReader._resolve` first within the
  member, then against all earlier members. ``gml:OrientableSurface`` with ``orientation="-"``
  reverses its rings.
- Solids, MultiSolids and CompositeSolids keep their shells; ``gml:Tin`` given by control points
  only is triangulated by Delaunay (scipy/Qhull); implicit geometries are expanded into explicit
  polygons: v' = M · (x, y, z, 1)ᵀ + referencePoint (CityGML 2.0 §8.3.4).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from lxml import etree

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
GML_NS = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
_MAX_XLINK_DEPTH = 16
_RING_TAGS = ("{*}LinearRing", "{*}Ring")
_POLYGON_TAGS = {f"{{{ns}}}{name}" for ns in GML_NS for name in ("Polygon", "PolygonPatch", "Triangle", "Rectangle")}
_POSLIST_TAGS = {f"{{{ns}}}posList" for ns in GML_NS}
#: |coordinate| above this is no place on Earth (as in the CityJSON reader): the ring is skipped
MAX_COORDINATE = 1e9

_local_names: dict = {}


def local_name(tag) -> str:
    """Local name of an element tag ('{ns}Name' -> 'Name'); '' for comments/entities."""
    name = _local_names.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return ""
        name = tag.rpartition("}")[2]
        _local_names[tag] = name
    return name


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def element_children(el):
    """Element children only (no comments, processing instructions or entity references)."""
    return el.iterchildren(etree.Element)


def element_text(el) -> str:
    return (el.text or "").strip()


class Member:
    """State of one top-level member while it is read: polygon definitions by gml:id, the object
    records in document order, and the coordinate texts of its rings, parsed in one batch when
    the member is complete (rings are placeholders until then: ring number, ~number = reversed)."""

    __slots__ = ("defs", "objects", "texts", "dims", "ring_lists")

    def __init__(self):
        self.defs: dict = {}
        self.objects: list = []
        self.texts: list = []
        self.dims: list = []
        self.ring_lists: list = []  # (polygon key, list of ring placeholders) to materialise


class VertexPool:
    """Vertex coordinates in chunks; indices are handed out in the order chunks are added."""

    __slots__ = ("chunks", "n")

    def __init__(self):
        self.chunks: list = []
        self.n = 0

    def add(self, arr: np.ndarray) -> int:
        start = self.n
        self.chunks.append(arr)
        self.n += len(arr)
        return start

    def array(self) -> np.ndarray:
        if not self.chunks:
            return np.zeros((0, 3), dtype=np.float64)
        return self.chunks[0] if len(self.chunks) == 1 else np.concatenate(self.chunks)


class GmlGeometryReader:
    """GML geometry of the member being read (:attr:`member`): coordinates into :attr:`pool`,
    polygons, surfaces, solids and implicit geometries into items, references resolved against
    :attr:`global_defs`. Counts what it had to skip (bad rings, unresolved references, curves)."""

    def __init__(self):
        self.pool = VertexPool()
        self.member: Member | None = None
        self.global_defs: dict = {}
        self.templates: dict = {}
        self.srs_names: dict[str, int] = {}
        self.counter = 0
        self.bad_rings = 0
        self.bad_ring_example = ""
        self.two_d = False
        self.unresolved_refs = 0
        self.unresolved_example = ""
        self.skipped_curves = 0
        self.warn_log: list = []
        self.id_attr = "{http://www.opengis.net/gml}id"

    # ------------------------------------------------------------------ coordinates
    def _coord_text(self, el, dim: int):
        """(text, srsDimension) of the coordinates of a LinearRing / LineString / Point / control
        point list; text None when the element holds none."""
        if not len(el):
            return None, dim
        first = el[0]
        ln = local_name(first.tag)
        if ln == "posList":
            text = first.text
            d = first.get("srsDimension") or el.get("srsDimension")
            if d:
                dim = int(d) if d.isdecimal() else 0
        elif ln == "pos":
            text = " ".join(k.text or "" for k in el if local_name(k.tag) == "pos")
            d = first.get("srsDimension")
            if d:
                dim = int(d) if d.isdecimal() else 0
        elif ln == "coordinates":
            cs = first.get("cs", ",")
            ts = first.get("ts", " ")
            dec = first.get("decimal", ".")
            raw = first.text or ""
            parts = raw.split()
            dim = len(parts[0].split(cs)) if parts else dim
            text = raw.replace(dec, ".") if dec != "." else raw
            text = text.replace(cs, " ").replace(ts, " ")
        elif ln in ("pointProperty", "pointRep"):
            pts = []
            for k in el:
                for p in element_children(k):
                    for q in element_children(p):
                        pts.append(q.text or "")
            text = " ".join(pts)
        else:
            return None, dim
        return text, dim

    def _parse_coords(self, text, dim: int) -> np.ndarray | None:
        """(n, 3) float64 from a coordinate text, or None if it is not a list of finite numbers
        whose count is a multiple of ``dim`` (2 or 3; 2D gets z = 0)."""
        if not text:
            return None
        n_warn = len(self.warn_log)
        try:
            arr = np.fromstring(text, sep=" ")
        except ValueError:  # a token that is not a number (numpy >= 2.3 raises)
            return None
        if len(self.warn_log) != n_warn:  # a token that is not a number (older numpy warns)
            del self.warn_log[n_warn:]
            return None
        n = arr.size
        if not n or dim not in (2, 3) or n % dim or not math.isfinite(arr.sum()) or np.abs(arr).max() > MAX_COORDINATE:
            return None
        arr = arr.reshape(-1, dim)
        if dim == 2:
            self.two_d = True
            arr = np.column_stack([arr, np.zeros(len(arr))])
        return arr

    def _coords(self, el, dim: int) -> np.ndarray | None:
        text, dim = self._coord_text(el, dim)
        return self._parse_coords(text, dim)

    def _add_vertices(self, arr: np.ndarray) -> int:
        return self.pool.add(arr)

    def _ring(self, lr, dim: int) -> int:
        """Register a LinearRing's coordinate text with the member; returns its ring number
        (materialised into a range of vertex indices by :meth:`_materialise`)."""
        if local_name(lr.tag) == "Ring":  # gml:Ring of curve members: concatenate the curves' points
            parts = []
            for cm in element_children(lr):
                for curve in element_children(cm):
                    for seg in curve.iter("{*}posList", "{*}pos"):
                        parts.append(seg.text or "")
            text = " ".join(parts)
        else:
            text, dim = self._coord_text(lr, dim)
        m = self.member
        m.texts.append(text or "")
        m.dims.append(dim)
        return len(m.texts) - 1

    def _polygon(self, el, dim: int, defs: dict):
        """gml:Polygon / PolygonPatch / Triangle / Rectangle -> leaf item. The exterior ring comes
        first in document order (GML schema), interiors follow."""
        m = self.member
        texts, dims = m.texts, m.dims
        rings = []
        for lr in el.iter(*_RING_TAGS):
            first = lr[0] if len(lr) else None
            if first is not None and first.tag in _POSLIST_TAGS:  # the common case, inline
                d = first.get("srsDimension") or lr.get("srsDimension")
                rings.append(len(texts))
                texts.append(first.text or "")
                dims.append(dim if d is None else int(d) if d.isdecimal() else 0)
            else:
                rings.append(self._ring(lr, dim))
        if not rings:
            self.bad_rings += 1
            return None
        gid = el.get(self.id_attr)
        self.counter += 1
        key = gid or self.counter
        item = ("P", key, rings)
        m.ring_lists.append((key, rings))
        if gid:
            defs[gid] = [item]
        return item

    def _materialise(self, member: Member) -> None:
        """Parse the ring texts of one member (a template) and resolve its ring placeholders."""
        ranges = self._parse_rings(member.texts, member.dims) if member.texts else []
        self._apply_ranges(member, ranges, 0)

    def _apply_ranges(self, member: Member, ranges: list, base: int) -> None:
        """Replace the ring placeholders of ``member``'s polygons by ranges of vertex indices (in
        place; ring number r is ``ranges[base + r]``). A polygon whose exterior is bad loses all
        rings (and is skipped later); a bad interior ring is dropped."""
        for key, rings in member.ring_lists:
            out = []
            for k, r in enumerate(rings):
                rng = ranges[base + (r if r >= 0 else ~r)]
                if rng is None:
                    self.bad_rings += 1
                    if not self.bad_ring_example:
                        self.bad_ring_example = f"polygon {key}" if isinstance(key, str) else ""
                    if k == 0:
                        out = []
                        break
                    continue
                out.append(rng if r >= 0 else rng[::-1])
            rings[:] = out
        member.texts = []
        member.dims = []
        member.ring_lists = []

    def _parse_rings(self, texts: list, dims: list) -> list:
        """Vertex ranges (or None for a bad ring) of ring coordinate texts. Fast path: all rings
        3D, joined with 'nan' separators and parsed by one ``numpy.fromstring``; closing vertices
        are dropped and vertices gathered with index arithmetic. Anything unusual (2D, bad
        tokens, a 'nan' in the data) falls back to one parse per ring."""
        n = len(texts)
        big = None
        if dims.count(3) == n:
            n_warn = len(self.warn_log)
            try:
                big = np.fromstring(" nan ".join(texts), sep=" ")
            except ValueError:
                big = None
            if len(self.warn_log) != n_warn:
                del self.warn_log[n_warn:]
                big = None
        if big is not None:
            seps = np.flatnonzero(np.isnan(big))
            if len(seps) == n - 1 and not (np.abs(big) > MAX_COORDINATE).any():  # also inf
                bounds = np.empty(n + 1, dtype=np.int64)
                bounds[0] = 0
                bounds[1:-1] = seps + 1
                bounds[-1] = len(big) + 1
                starts = bounds[:-1]
                counts = bounds[1:] - 1 - starts
                nv = counts // 3
                ok = (counts % 3 == 0) & (nv >= 3)
                cols = np.arange(3)
                closed = np.zeros(n, dtype=bool)
                okr = np.flatnonzero(ok)  # only complete rings: empty/short texts index nothing
                closed[okr] = (big[starts[okr, None] + cols] == big[(starts + counts - 3)[okr, None] + cols]).all(axis=1)
                lens = nv - closed
                ok &= lens >= 3
                lens = np.where(ok, lens, 0)
                total = int(lens.sum())
                before = np.zeros(n, dtype=np.int64)
                np.cumsum(lens[:-1], out=before[1:])
                ring_of = np.repeat(np.arange(n), lens)
                j = np.arange(total) - before[ring_of]
                base = starts[ring_of] + 3 * j
                verts = big[base[:, None] + cols]
                start = self._add_vertices(verts) if total else 0
                out = [None] * n
                for i, (b, ln_) in enumerate(zip((before + start).tolist(), lens.tolist())):
                    if ln_:
                        out[i] = range(b, b + ln_)
                return out
        out = []
        for text, dim in zip(texts, dims):
            arr = self._parse_coords(text, dim)
            if arr is None or len(arr) < 3:
                out.append(None)
                continue
            last = len(arr) - 1
            a0, al = arr[0], arr[last]
            if a0[0] == al[0] and a0[1] == al[1] and a0[2] == al[2]:
                arr = arr[:last]
            if len(arr) < 3:
                out.append(None)
                continue
            start = self._add_vertices(arr)
            out.append(range(start, start + len(arr)))
        return out

    # ------------------------------------------------------------------ surfaces
    def _surfaces(self, el, out: list, dim: int, defs: dict) -> None:
        """Append the polygon items of any GML surface element ``el`` to ``out``."""
        ln = local_name(el.tag)
        d = el.get("srsDimension")
        if d and d.isdecimal():
            dim = int(d)
        if ln in ("Polygon", "PolygonPatch", "Triangle", "Rectangle"):
            item = self._polygon(el, dim, defs)
            if item is not None:
                out.append(item)
            return
        if ln == "OrientableSurface":
            reverse = el.get("orientation", "+") == "-"
            inner: list = []
            for base in (el):
                href = base.get(XLINK_HREF)
                if href:
                    inner.append(("R", href.lstrip("#"), False))
                else:
                    for g in (base):
                        self._surfaces(g, inner, dim, defs)
            if reverse:
                inner = [reversed_item(it, self.member) for it in inner]
            start = len(out)
            out.extend(inner)
            gid = el.get(self.id_attr)
            if gid:
                defs[gid] = out[start:]
            return
        if ln in ("Solid", "MultiSolid", "CompositeSolid"):
            for shell in self._solid_shells(el, dim, defs):
                out.extend(shell)
            return
        if ln in ("Curve", "LineString", "MultiCurve", "CompositeCurve", "Point", "MultiPoint", "OrientableCurve"):
            self.skipped_curves += 1
            return
        # aggregates: MultiSurface, CompositeSurface, Shell, Surface, TriangulatedSurface, Tin,
        # MultiGeometry, …
        start = len(out)
        for member in el:
            href = member.get(XLINK_HREF)
            if href:
                out.append(("R", href.lstrip("#"), False))
                continue
            if local_name(member.tag) in ("controlPoint", "stopLines", "breakLines", "maxLength"):
                continue
            for g in member:
                if g.tag in _POLYGON_TAGS and g.get("srsDimension") is None:
                    item = self._polygon(g, dim, defs)  # the common case, without recursion
                    if item is not None:
                        out.append(item)
                else:
                    self._surfaces(g, out, dim, defs)
        if ln == "Tin" and len(out) == start:
            self._tin_control_points(el, out, dim)
        gid = el.get(self.id_attr)
        if gid:
            defs[gid] = out[start:]

    def _tin_control_points(self, el, out: list, dim: int) -> None:
        """gml:Tin given only by control points: Delaunay triangulation in x/y (scipy/Qhull)."""
        cp = next((c for c in (el) if local_name(c.tag) == "controlPoint"), None)
        if cp is None:
            return
        arr = self._coords(cp, dim)
        if arr is None or len(arr) < 3:
            self.bad_rings += 1
            return
        try:
            from scipy.spatial import Delaunay

            tri = Delaunay(arr[:, :2]).simplices
        except Exception:
            self.bad_rings += 1
            return
        start = self._add_vertices(arr)
        for a, b, c in tri.tolist():
            self.counter += 1
            out.append(("P", self.counter, ((start + a, start + b, start + c),)))

    def _solid_shells(self, el, dim: int, defs: dict) -> list:
        """Shells (lists of items) of a gml:Solid, MultiSolid or CompositeSolid."""
        ln = local_name(el.tag)
        shells = []
        if ln == "Solid":
            for b in (el):
                if local_name(b.tag) not in ("exterior", "interior"):
                    continue
                items: list = []
                href = b.get(XLINK_HREF)
                if href:
                    items.append(("R", href.lstrip("#"), False))
                for g in (b):
                    self._surfaces(g, items, dim, defs)
                shells.append(items)
        else:
            for member in (el):
                href = member.get(XLINK_HREF)
                if href:
                    shells.append([("R", href.lstrip("#"), False)])
                    continue
                for g in (member):
                    shells.extend(self._solid_shells(g, dim, defs))
        gid = el.get(self.id_attr)
        if gid:
            defs[gid] = [it for s in shells for it in s]
        return shells

    def _geometry(self, el, dim: int, defs: dict):
        """A geometry element -> (type, shells, shells_per_solid) or None."""
        ln = local_name(el.tag)
        srs = el.get("srsName")
        if srs:
            self.srs_names[srs] = self.srs_names.get(srs, 0) + 1
        if ln == "Solid":
            return "Solid", self._solid_shells(el, dim, defs), None
        if ln in ("MultiSolid", "CompositeSolid"):
            per_solid, shells = [], []
            for member in (el):
                href = member.get(XLINK_HREF)
                if href:
                    shells.append([("R", href.lstrip("#"), False)])
                    per_solid.append(1)
                    continue
                for g in (member):
                    s = self._solid_shells(g, dim, defs)
                    shells.extend(s)
                    per_solid.append(len(s))
            return ln, shells, per_solid
        if ln in ("Curve", "LineString", "MultiCurve", "CompositeCurve", "Point", "MultiPoint", "OrientableCurve"):
            self.skipped_curves += 1
            return None
        items: list = []
        self._surfaces(el, items, dim, defs)
        if ln in ("CompositeSurface", "Shell"):
            gtype = "CompositeSurface"
        elif ln in ("TriangulatedSurface", "Tin"):
            gtype = "CompositeSurface"
        else:
            gtype = "MultiSurface"
        return gtype, [items], None

    # ------------------------------------------------------------------ implicit geometry
    def _implicit(self, el, dim: int):
        """An ImplicitGeometry element -> (type, shells, per_solid) in world coordinates or None."""
        matrix = np.eye(4)
        ref = None
        template = None
        for c in (el):
            cl = local_name(c.tag)
            if cl == "transformationMatrix":
                vals = parse_floats(element_text(c))
                if vals is not None and len(vals) == 16 and np.isfinite(vals).all():
                    matrix = vals.reshape(4, 4)
            elif cl in ("relativeGMLGeometry", "relativeGeometry"):
                href = c.get(XLINK_HREF)
                if href:
                    template = self.templates.get(href.lstrip("#"))
                else:
                    g = next(iter(c), None)
                    if g is not None:
                        template = self._make_template(g, dim)
            elif cl == "referencePoint":
                for p in c.iter("{*}pos", "{*}coordinates"):
                    vals = parse_floats((p.text or "").replace(",", " "))
                    if vals is not None and len(vals) >= 2 and np.isfinite(vals).all():
                        ref = np.r_[vals[:3], np.zeros(3 - len(vals[:3]))]
                    break
        if template is None or ref is None:
            if template is None:
                self.unresolved_refs += 1
                self.unresolved_example = self.unresolved_example or "implicit geometry template"
            return None
        verts, gtype, shells, per_solid = template
        placed = verts @ matrix[:3, :3].T + matrix[:3, 3] + ref
        offset = self._add_vertices(placed)
        out_shells = []
        for shell in shells:
            new = []
            for _tag, _key, rings in shell:
                self.counter += 1
                new.append(("P", self.counter, tuple(shift_ring(r, offset) for r in rings)))
            out_shells.append(new)
        return gtype, out_shells, per_solid

    def _make_template(self, g, dim: int):
        """Parse a template geometry into its own vertex list (local coordinates)."""
        saved, saved_pool = self.member, self.pool
        self.member, self.pool = Member(), VertexPool()
        defs: dict = {}
        try:
            parsed = self._geometry(g, dim, defs)
            tm, pool = self.member, self.pool
            self._materialise(tm)
        finally:
            self.member, self.pool = saved, saved_pool
        if parsed is None or not pool.n:
            return None
        gtype, shells, per_solid = parsed
        resolved = []
        for shell in shells:
            leaves: list = []
            for it in shell:
                leaves.extend(self._resolve(it, defs, None, 0))
            resolved.append([("P", k, r) for k, r in leaves])
        template = (pool.array(), gtype, resolved, per_solid)
        gid = g.get(self.id_attr)
        if gid:
            self.templates[gid] = template
        return template

    # ------------------------------------------------------------------ resolving references
    def _resolve(self, item, defs: dict, unresolved: list | None, depth: int) -> list:
        """Leaves (key, rings) of an item; references looked up in ``defs``, then in all earlier
        members. Unresolved ids are appended to ``unresolved``."""
        if item[0] == "P":
            return [(item[1], item[2])]
        _tag, target, reverse = item
        found = defs.get(target)
        if found is None:
            found = self.global_defs.get(target)
            if found is not None:
                leaves = [(k, tuple(r[::-1] for r in rings) if reverse else rings) for k, rings in found]
                return leaves
        if found is None or depth > _MAX_XLINK_DEPTH:
            if unresolved is not None:
                unresolved.append(target)
            return []
        out = []
        for sub in found:
            for k, rings in self._resolve(sub, defs, unresolved, depth + 1):
                out.append((k, tuple(r[::-1] for r in rings) if reverse else rings))
        return out


def parse_floats(text: str):
    """Numbers of a whitespace-separated list, or None if one is not a number."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.fromstring(text, sep=" ")
    except (ValueError, DeprecationWarning):
        return None


def shift_ring(ring, offset: int):
    if isinstance(ring, range):
        return range(ring.start + offset, ring.stop + offset, ring.step)
    return tuple(v + offset for v in ring)


def reversed_item(item, member: Member | None = None):
    """The item with its orientation flipped (GML OrientableSurface orientation="-")."""
    if item[0] == "P":
        rings = item[2]
        if rings and isinstance(rings[0], int):  # placeholders: ~ring = reversed
            new = [~r for r in rings]
            if member is not None:
                member.ring_lists.append((item[1], new))
        else:
            new = [r[::-1] for r in rings]
        return ("P", item[1], new)
    return ("R", item[1], not item[2])
