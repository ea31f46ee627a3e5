"""CityJSON 1.0 / 1.1 / 2.0 and CityJSONSeq (``.city.jsonl``) reader.

Spec: https://www.cityjson.org/specs/ (2.0.1), CityJSONSeq: https://www.cityjson.org/cityjsonseq/.

- JSON is parsed with orjson (≈3× faster than ``json``), vertices turned into one float64 array
  and de-quantised with the ``transform`` (x = i × scale + translate).
- Boundaries of every geometry are flattened into the model's CSR polygon table
  (:class:`model.citymodel.BoundaryBuilder`); semantics are mapped to our surface codes and the
  semantic surface objects (with their attributes) are kept.
- GeometryInstance (templates) are expanded into explicit polygons: v' = M · v + anchor.
- CityJSONSeq is streamed line by line: each CityJSONFeature has its own vertex list, which is
  appended to the model's vertex array with an index offset.
- Problems that still leave something to show (dangling vertex indices, bad nesting of one
  geometry, missing transform in a sequence) become warnings; problems that make the file unusable
  (not JSON, not CityJSON, unsupported version, bad vertices) raise :class:`InputError`.
"""
from __future__ import annotations

import os
from itertools import chain
from pathlib import Path

import numpy as np
import orjson

from stadtbild.model import codes
from stadtbild.model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry, drop_polygons
from stadtbild.model.crs import parse_crs
from stadtbild.model.errors import InputError, UnsupportedFormatError, input_error, os_error
from stadtbild.model.semantics import TERRAIN, surface_code

SUPPORTED_VERSIONS = ("1.0", "1.1", "2.0")
#: a whole-document JSON file above this size is refused (the DOM needs ~10× the file size);
#: CityJSONSeq files are streamed and have no such limit.
MAX_JSON_BYTES = int(os.environ.get("STADTBILD_MAX_JSON_BYTES", 1_500_000_000))
#: parsing a CityJSON document needs about this many times its file size in memory (orjson DOM +
#: numpy arrays; measured ≈6–9× on the demo and cjio files); a file that would not fit in the
#: memory available now is refused before it is read
JSON_MEMORY_FACTOR = 8
#: one CityJSONSeq line (one feature) above this size is skipped, never read into memory whole
MAX_SEQ_LINE_BYTES = int(os.environ.get("STADTBILD_MAX_SEQ_LINE_BYTES", 256_000_000))
#: projected coordinates of any place on Earth stay far below this (metres or degrees)
MAX_COORDINATE = 1e9


class _GeometryError(ValueError):
    pass


def _version_of(doc: dict, path) -> str:
    version = doc.get("version")
    if version is None:
        raise input_error(path, "cityjson_no_version")
    version = str(version)
    major_minor = ".".join(version.split(".")[:2])
    if major_minor not in SUPPORTED_VERSIONS:
        raise input_error(path, "cityjson_version", UnsupportedFormatError, version=version)
    return major_minor


def _vertex_array(raw, path, what="vertices") -> np.ndarray:
    if raw is None:
        return np.zeros((0, 3))
    if not isinstance(raw, list):
        raise InputError(path, f"'{what}' must be a list of [x, y, z] coordinates")
    if not raw:
        return np.zeros((0, 3))
    try:
        arr = np.array(raw, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        raise InputError(path, f"'{what}' must be a list of [x, y, z] numbers") from None
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise InputError(path, f"'{what}' must be a list of [x, y, z] numbers (got shape {arr.shape})")
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        raise InputError(path, f"{int(bad.sum())} vertex coordinate(s) are not finite numbers (out of range)")
    if len(arr) and np.abs(arr).max() >= 2.0**63:
        raise InputError(path, f"'{what}' hold values beyond the 64-bit integer range "
                               f"(e.g. {np.abs(arr).max():.3g})")
    return arr


def _apply_transform(verts: np.ndarray, transform, path) -> np.ndarray:
    if not transform:
        return verts
    try:
        scale = np.array(transform.get("scale", [1, 1, 1]), dtype=np.float64).reshape(3)
        translate = np.array(transform.get("translate", [0, 0, 0]), dtype=np.float64).reshape(3)
    except (ValueError, TypeError, OverflowError, AttributeError):
        raise InputError(path, "'transform' must have 3 numbers in 'scale' and 'translate'") from None
    if not (np.isfinite(scale).all() and np.isfinite(translate).all()):
        raise InputError(path, "'transform' scale/translate are not finite numbers")
    out = verts * scale + translate
    if not np.isfinite(out).all():
        raise InputError(path, "vertex coordinates overflow after applying 'transform'")
    if len(out) and np.abs(out).max() > MAX_COORDINATE:
        raise InputError(path, f"vertex coordinates of magnitude {np.abs(out).max():.3g} m are not "
                               f"plausible for a city model (|coordinate| > {MAX_COORDINATE:.0e})")
    return out


class _Reader:
    """Accumulates CityObjects from one or more CityJSON(-Feature) dicts into one CityModel."""

    def __init__(self, path, model: CityModel):
        self.path = path
        self.model = model
        self.builder = BoundaryBuilder()
        self.vertex_chunks: list[np.ndarray] = []
        self.n_vertices = 0
        self.templates: list | None = None
        self.template_vertices: np.ndarray | None = None
        self.skipped_geometries = 0
        self.source = str(path)

    # -------------------------------------------------------------- vertices
    def add_vertices(self, verts: np.ndarray) -> int:
        offset = self.n_vertices
        if len(verts):
            self.vertex_chunks.append(verts)
            self.n_vertices += len(verts)
        return offset

    # -------------------------------------------------------------- objects
    def add_objects(self, city_objects, vertex_offset: int, n_local_vertices: int) -> None:
        if not isinstance(city_objects, dict):
            raise InputError(self.path, "'CityObjects' must be an object mapping ids to city objects")
        model = self.model
        for oid, raw in city_objects.items():
            if not isinstance(raw, dict):
                model.warn(f"city object {oid!r} is not an object and was skipped", codes.SKIPPED)
                continue
            otype = raw.get("type")
            if not isinstance(otype, str):
                model.warn(f"city object {oid!r} has no type; read as GenericCityObject", codes.SKIPPED)
                otype = "GenericCityObject"
            attrs = raw.get("attributes")
            obj = CityObject(
                id=str(oid), type=otype, attributes=attrs if isinstance(attrs, dict) else {},
                parents=_id_list(raw.get("parents")),
                children=_id_list(raw.get("children")),
                source=self.source,
            )
            extra = {k: v for k, v in raw.items()
                     if k not in ("type", "attributes", "geometry", "parents", "children")}
            obj.extra = extra or None
            if obj.id in model.objects:
                model.warn(f"duplicate city object id {obj.id!r}; the later one was kept", codes.DUPLICATE_IDS)
            obj_index = len(model.objects) if obj.id not in model.objects else model.object_index(obj.id)
            model.objects[obj.id] = obj
            model.invalidate()  # the id lookup changes with every object
            geoms = raw.get("geometry") or []
            if not isinstance(geoms, list):
                geoms = []
                model.warn(f"city object {oid!r}: 'geometry' is not a list; ignored", codes.SKIPPED)
            for graw in geoms:
                try:
                    g = self._geometry(graw, obj_index, vertex_offset, n_local_vertices)
                except _GeometryError as exc:
                    self.skipped_geometries += 1
                    model.warn(f"city object {oid!r}: geometry skipped ({exc})", codes.SKIPPED)
                    continue
                if g is not None:
                    model.geometries.append(g)
                    obj.geometries.append(g)

    def _geometry(self, graw, obj_index: int, voff: int, nloc: int) -> Geometry | None:
        if not isinstance(graw, dict):
            raise _GeometryError("not an object")
        gtype = graw.get("type")
        lod = graw.get("lod")
        lod = None if lod is None else str(lod)
        if gtype == "GeometryInstance":
            return self._instance(graw, obj_index, voff, nloc)
        b = graw.get("boundaries")
        if b is None:
            raise _GeometryError(f"{gtype} without boundaries")
        g = Geometry(type=str(gtype), lod=lod, object_index=obj_index)
        extra = {k: graw[k] for k in ("material", "texture") if k in graw}
        g.extra = extra or None
        geom_index = len(self.model.geometries)
        sem = graw.get("semantics") if isinstance(graw.get("semantics"), dict) else None
        surfaces = sem.get("surfaces") if sem else None
        values = sem.get("values") if sem else None
        if not isinstance(surfaces, list):
            surfaces, values = None, None
        g.semantic_surfaces = surfaces
        codes = [surface_code(s.get("type") if isinstance(s, dict) else None) for s in surfaces] if surfaces else []
        builder = self.builder
        g.poly_start = builder.n_polygons
        try:
            if gtype == "MultiPoint":
                g.points = self._check_indices(np.asarray(b, dtype=np.int64).reshape(-1), voff, nloc)
            elif gtype == "MultiLineString":
                g.lines = [self._check_indices(np.asarray(line, dtype=np.int64).reshape(-1), voff, nloc) for line in b]
            elif gtype in ("MultiSurface", "CompositeSurface"):
                self._surfaces(b, values, codes, -1, geom_index, voff)
            elif gtype == "Solid":
                self._solid(b, values, codes, geom_index, voff)
            elif gtype in ("MultiSolid", "CompositeSolid"):
                if not isinstance(b, list):
                    raise _GeometryError("boundaries must be a list")
                shells_per_solid = []
                for k, solid in enumerate(b):
                    self._solid(solid, _nth(values, k), codes, geom_index, voff)
                    shells_per_solid.append(len(solid))
                g.extra = dict(g.extra or {}, shells_per_solid=shells_per_solid)
            else:
                raise _GeometryError(f"unknown geometry type {gtype!r}")
        except (TypeError, ValueError, OverflowError) as exc:
            # roll back polygons of this geometry
            self._rollback(g.poly_start)
            raise _GeometryError(f"{gtype} boundaries malformed: {exc}") from None
        g.poly_stop = builder.n_polygons
        return g

    def _rollback(self, n_poly: int) -> None:
        b = self.builder
        while b.n_polygons > n_poly:
            nr = b.poly_nrings.pop()
            for _ in range(nr):
                ln = b.ring_lengths.pop()
                del b.ring_vertices[len(b.ring_vertices) - ln:]
            b.poly_semantic.pop(); b.poly_surface.pop(); b.poly_shell.pop(); b.poly_geometry.pop()

    def _check_indices(self, idx: np.ndarray, voff: int, nloc: int) -> np.ndarray:
        return idx + voff

    def _surfaces(self, polygons, values, codes, shell: int, geom_index: int, voff: int) -> None:
        """Append polygons to the builder. Hot path: flattening runs in C (chain/map); nesting
        errors surface as TypeError/ValueError and skip just this geometry."""
        if not isinstance(polygons, list):
            raise ValueError("surfaces must be a list of polygons")
        b = self.builder
        rings = [r for p in polygons for r in p]
        if rings and not isinstance(rings[0], list):
            raise ValueError("a polygon must be a list of rings")
        # build locally first: a malformed ring raises before the builder is touched
        ring_lengths = list(map(len, rings))
        flat = chain.from_iterable(rings)
        ring_vertices = list(map(voff.__add__, flat) if voff else flat)
        poly_nrings = list(map(len, polygons))
        b.ring_lengths.extend(ring_lengths)
        b.ring_vertices.extend(ring_vertices)
        b.poly_nrings.extend(poly_nrings)
        n = len(polygons)
        ncodes = len(codes)
        if isinstance(values, list) and len(values) == n and ncodes:
            surf = [v if type(v) is int and 0 <= v < ncodes else -1 for v in values]
            b.poly_semantic.extend([codes[v] if v >= 0 else 0 for v in surf])
            b.poly_surface.extend(surf)
        else:
            b.poly_semantic.extend([0] * n)
            b.poly_surface.extend([-1] * n)
        b.poly_shell.extend([shell] * n)
        b.poly_geometry.extend([geom_index] * n)

    def _solid(self, shells, values, codes, geom_index: int, voff: int) -> None:
        if not isinstance(shells, list):
            raise ValueError("a solid must be a list of shells")
        for k, shell in enumerate(shells):
            sid = self.builder.new_shell()
            self._surfaces(shell, _nth(values, k), codes, sid, geom_index, voff)

    def _instance(self, graw, obj_index: int, voff: int, nloc: int) -> Geometry | None:
        if self.templates is None:
            raise _GeometryError("GeometryInstance but the file has no geometry-templates")
        try:
            t = self.templates[int(graw["template"])]
            anchor_local = int(graw["boundaries"][0])
            matrix = np.array(graw.get("transformationMatrix", np.eye(4).ravel()), dtype=np.float64).reshape(4, 4)
        except (KeyError, IndexError, TypeError, ValueError):
            raise _GeometryError("GeometryInstance with bad template, anchor or transformationMatrix") from None
        if not 0 <= anchor_local < nloc:
            raise _GeometryError(f"GeometryInstance anchor vertex {anchor_local} does not exist")
        anchor = self._vertex(anchor_local + voff)
        tv = self.template_vertices
        homo = np.c_[tv, np.ones(len(tv))]
        placed = (homo @ matrix.T)[:, :3] + anchor
        offset = self.add_vertices(placed)
        g = self._geometry(t, obj_index, offset, len(tv))
        if g is not None:
            g.extra = dict(g.extra or {}, template=int(graw["template"]),
                           transformationMatrix=matrix.ravel().tolist(), anchor=anchor.tolist())
        return g

    def _vertex(self, i: int) -> np.ndarray:
        start = 0
        for chunk in self.vertex_chunks:
            if i < start + len(chunk):
                return chunk[i - start]
            start += len(chunk)
        raise _GeometryError("anchor vertex out of range")

    # -------------------------------------------------------------- finish
    def finish(self) -> CityModel:
        model = self.model
        model.vertices = (np.concatenate(self.vertex_chunks) if self.vertex_chunks
                          else np.zeros((0, 3), dtype=np.float64))
        try:
            model.set_boundaries(self.builder)
        except (ValueError, TypeError, OverflowError):
            # some ring holds something other than integer indices: mark those entries invalid
            # (-1) so that their polygons are dropped below, and keep everything else
            rv = self.builder.ring_vertices
            self.builder.ring_vertices = [i if type(i) is int and -2**62 < i < 2**62 else -1 for i in rv]
            model.set_boundaries(self.builder)
        nv = len(model.vertices)
        rv = model.ring_vertices
        if len(rv):
            bad_vertex = (rv < 0) | (rv >= nv)
            if bad_vertex.any():
                worst = int(rv[bad_vertex].max()) if (rv[bad_vertex] >= nv).any() else int(rv[bad_vertex].min())
                ring_len = np.diff(model.ring_offsets)
                ring_of_vertex = np.repeat(np.arange(len(ring_len)), ring_len)
                poly_of_ring = np.repeat(np.arange(model.n_polygons), np.diff(model.polygon_offsets))
                bad_poly = np.zeros(model.n_polygons, dtype=bool)
                bad_poly[poly_of_ring[ring_of_vertex[bad_vertex]]] = True
                n = drop_polygons(model, bad_poly)
                model.warn(f"{n} polygon(s) reference vertices that do not exist (e.g. index {worst}, "
                           f"the file has {nv} vertices) and were dropped", codes.DANGLING_REFERENCES)
        for g in model.geometries:
            for attr in ("points",):
                arr = getattr(g, attr)
                if arr is not None and len(arr) and ((arr < 0) | (arr >= nv)).any():
                    setattr(g, attr, arr[(arr >= 0) & (arr < nv)])
                    model.warn("point geometry references vertices that do not exist; those points were dropped", codes.DANGLING_REFERENCES)
            if g.lines:
                g.lines = [line[(line >= 0) & (line < nv)] for line in g.lines]
        self._check_links()
        self._mark_relief()
        for obj in model.objects.values():
            lods = [g.lod for g in obj.geometries if g.n_polygons]
            dup = sorted({lod for lod in lods if lods.count(lod) > 1 and lod is not None})
            if dup:
                model.warn(f"city object {obj.id!r} has several geometries at LoD {', '.join(dup)} "
                           f"(overlapping solids); the one with most polygons is shown", codes.SKIPPED)
        empty = [o.id for o in model.objects.values() if not o.geometries and not o.children]
        if model.objects and len(empty) == len(model.objects):
            model.warn("no city object has geometry: nothing to display", codes.EMPTY)
        elif not model.objects:
            model.warn("the model contains no city objects", codes.EMPTY)
        model.invalidate()
        return model

    def _mark_relief(self) -> None:
        """TINRelief surfaces carry no semantics in CityJSON; give them the ``Terrain`` code, as
        the CityGML reader does, so both formats load into the same model."""
        model = self.model
        if not model.n_polygons:
            return
        relief_geoms = np.array([model.objects[oid].type in ("TINRelief", "ReliefFeature")
                                 for oid in model.objects], dtype=bool)
        if not relief_geoms.any():
            return
        geom_object = np.array([g.object_index for g in model.geometries], dtype=np.int64)
        poly_is_relief = relief_geoms[geom_object[model.polygon_geometry]]
        model.polygon_semantic[poly_is_relief & (model.polygon_semantic == 0)] = TERRAIN

    def _check_links(self) -> None:
        model = self.model
        dangling = 0
        for obj in model.objects.values():
            for name in ("parents", "children"):
                links = getattr(obj, name)
                ok = [x for x in links if x in model.objects and x != obj.id]
                dangling += len(links) - len(ok)
                setattr(obj, name, ok)
        if dangling:
            model.warn(f"{dangling} parent/child link(s) point to missing objects and were dropped", codes.DANGLING_LINKS)


def _id_list(value) -> list[str]:
    """parents/children as a list of id strings (anything else in the file is ignored)."""
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]


def _nth(values, k):
    if isinstance(values, list) and k < len(values):
        return values[k]
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise os_error(path, exc) from None
    if size == 0:
        raise input_error(path, "empty_file")
    if size > MAX_JSON_BYTES:
        raise input_error(path, "json_too_large", size_gb=round(size / 1e9, 1), limit_gb=round(MAX_JSON_BYTES / 1e9, 1))
    available = _available_memory()
    if available is not None and size * JSON_MEMORY_FACTOR > available:
        raise input_error(path, "json_needs_memory", size_mb=round(size / 1e6), need_gb=round(size * JSON_MEMORY_FACTOR / 1e9, 1),
                          free_gb=round(available / 1e9, 1))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise os_error(path, exc) from None


def _available_memory() -> int | None:
    """Bytes of memory available to this process now (psutil), None when unknown."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 — no psutil or no /proc: do not refuse
        return None


def _bounded_lines(fh, limit: int):
    """(line number, bytes or None) for each line of a binary file; a line longer than ``limit``
    bytes is consumed in chunks and given as None (never held in memory whole)."""
    lineno = 1
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the overlong line
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, line


def _json_error(path, exc: Exception, line: int | None = None, data: bytes | None = None) -> InputError:
    """The input error for a JSON syntax error: "the file ends early" when the parser ran out of
    data (a cut-off file: only white space follows the error position), else the line and column
    (of the document, or ``line`` of a JSON Lines file) and the parser's own words."""
    msg = str(exc).split("\n")[0]
    pos = getattr(exc, "pos", None)
    if data is not None and isinstance(pos, int) and (not data[pos:].strip() or "unexpected end" in msg.lower()
                                                       or "eof" in msg.lower()):
        return input_error(path, "truncated", size_mb=round(len(data) / 1e6, 2))
    detail = msg.split(": line ")[0]
    if line:
        return input_error(path, "invalid_json_line", line=line, detail=detail)
    return input_error(path, "invalid_json", line=getattr(exc, "lineno", "?"), column=getattr(exc, "colno", "?"),
                       detail=detail)


def _setup_model(model: CityModel, header: dict, path) -> None:
    meta = header.get("metadata") if isinstance(header.get("metadata"), dict) else {}
    model.metadata = dict(meta)
    ref = header.get("referenceSystem") or meta.get("referenceSystem") or meta.get("crs")
    model.crs = parse_crs(ref)
    if ref is None:
        model.warn("no CRS in the file (referenceSystem missing); coordinates are used as they are", codes.CRS)
    elif not model.crs:
        model.warn(f"CRS {ref!r} is not a known EPSG code", codes.CRS)
    model.appearance = header.get("appearance") if isinstance(header.get("appearance"), dict) else None
    model.extensions = header.get("extensions") if isinstance(header.get("extensions"), dict) else None
    model.transform = header.get("transform") if isinstance(header.get("transform"), dict) else None
    model.sources = [str(path)]


def _setup_templates(reader: _Reader, doc: dict, path) -> None:
    gt = doc.get("geometry-templates")
    if isinstance(gt, dict):
        reader.templates = gt.get("templates") if isinstance(gt.get("templates"), list) else []
        reader.template_vertices = _vertex_array(gt.get("vertices-templates"), path, "vertices-templates")


def read_cityjson(path) -> CityModel:
    """Read a CityJSON 1.0/1.1/2.0 file into a :class:`CityModel`."""
    path = Path(path)
    data = _read_bytes(path)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _json_error(path, exc, data=data) from None
    del data
    if not isinstance(doc, dict):
        raise input_error(path, "not_cityjson_object")
    dtype = doc.get("type")
    if dtype is None:
        raise input_error(path, "not_cityjson_no_type")
    if dtype != "CityJSON":
        raise input_error(path, "not_cityjson_type", UnsupportedFormatError, type=repr(dtype))
    model = CityModel()
    model.format = "CityJSON"
    model.version = _version_of(doc, path)
    _setup_model(model, doc, path)
    verts = _vertex_array(doc.get("vertices"), path)
    verts = _apply_transform(verts, doc.get("transform"), path)
    if not doc.get("transform") and len(verts) and np.abs(verts).max() > MAX_COORDINATE:
        raise InputError(path, f"vertex coordinates of magnitude {np.abs(verts).max():.3g} are not "
                               f"plausible for a city model")
    model.file_vertex_count = len(verts)
    reader = _Reader(path, model)
    _setup_templates(reader, doc, path)
    reader.add_vertices(verts)
    cos = doc.get("CityObjects")
    if cos is None:
        raise input_error(path, "cityjson_no_cityobjects")
    reader.add_objects(cos, 0, len(verts))
    return reader.finish()


def read_cityjsonseq(path) -> CityModel:
    """Read a CityJSONSeq (JSON Lines: a CityJSON header, then one CityJSONFeature per line),
    streamed line by line. Bad feature lines are skipped with a warning naming the line."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise os_error(path, exc) from None
    with fh:
        first = fh.readline(MAX_SEQ_LINE_BYTES + 1)
        if len(first) > MAX_SEQ_LINE_BYTES:
            raise InputError(path, f"line 1 is longer than {MAX_SEQ_LINE_BYTES / 1e6:.0f} MB: not a CityJSONSeq header")
        if not first.strip():
            raise input_error(path, "empty_file")
        try:
            header = orjson.loads(first)
        except orjson.JSONDecodeError as exc:
            err = _json_error(path, exc, 1)
            if first.strip() in (b"{", b"["):
                err = input_error(path, "cityjsonseq_pretty")
            raise err from None
        if not isinstance(header, dict) or header.get("type") != "CityJSON":
            raise input_error(path, "cityjsonseq_header")
        model = CityModel()
        model.format = "CityJSONSeq"
        model.version = _version_of(header, path)
        _setup_model(model, header, path)
        transform = header.get("transform")
        if not transform:
            model.warn("CityJSONSeq header has no 'transform'; feature vertices are read as coordinates", codes.SKIPPED)
        reader = _Reader(path, model)
        _setup_templates(reader, header, path)
        header_verts = _vertex_array(header.get("vertices"), path)
        if len(header_verts):
            reader.add_vertices(_apply_transform(header_verts, transform, path))
        bad_lines: list[int] = []
        features = 0
        long_lines = 0
        for lineno, line in _bounded_lines(fh, MAX_SEQ_LINE_BYTES):
            if line is None:
                long_lines += 1
                bad_lines.append(lineno)
                continue
            if not line.strip():
                continue
            try:
                feat = orjson.loads(line)
                if not isinstance(feat, dict) or feat.get("type") != "CityJSONFeature":
                    raise ValueError("not a CityJSONFeature")
                verts = _apply_transform(_vertex_array(feat.get("vertices"), path), transform, path)
                fid = feat.get("id")
                cos = feat.get("CityObjects")
                if not isinstance(cos, dict) or not cos:
                    raise ValueError("no CityObjects")
                if fid is not None and str(fid) not in cos:
                    model.warn(f"line {lineno}: feature id {fid!r} matches none of its CityObjects", codes.SKIPPED)
            except (orjson.JSONDecodeError, ValueError, InputError):
                bad_lines.append(lineno)
                continue
            offset = reader.add_vertices(verts)
            reader.add_objects(cos, offset, len(verts))
            features += 1
        if bad_lines:
            shown = ", ".join(map(str, bad_lines[:5])) + (" …" if len(bad_lines) > 5 else "")
            model.warn(f"{len(bad_lines)} line(s) are not valid CityJSONFeatures and were skipped (line {shown})"
                       + (f"; {long_lines} of them longer than {MAX_SEQ_LINE_BYTES / 1e6:.0f} MB" if long_lines else ""), codes.SKIPPED)
        model.file_vertex_count = reader.n_vertices
        model.metadata["features"] = features
        return reader.finish()
