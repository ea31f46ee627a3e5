"""Readers for city models and inserted designs. ``load()`` picks the reader by content."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from stadtbild.model.citymodel import CityModel
from stadtbild.model.crs import parse_crs
from stadtbild.model.errors import InputError, UnsupportedFormatError, input_error, os_error

CITYGML_SUFFIXES = (".gml", ".xml", ".citygml")


def sniff_format(path) -> str:
    """'CityJSON', 'CityJSONSeq' or 'CityGML' from the file's first bytes (and name)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except IsADirectoryError:
        raise input_error(path, "is_folder") from None
    except OSError as exc:
        raise os_error(path, exc) from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise input_error(path, "empty_file")
    if text.startswith(b"<"):
        return "CityGML"
    if text.startswith(b"{") or text.startswith(b"["):
        name = path.name.lower()
        if name.endswith(".jsonl") or name.endswith(".cjseq"):
            return "CityJSONSeq"
        first_line = text.split(b"\n", 1)[0]
        if b"\n" in text and b'"CityJSON"' in first_line and first_line.rstrip().endswith(b"}"):
            # a one-line header followed by more lines is a sequence
            rest = text.split(b"\n", 1)[1].lstrip()
            if rest.startswith(b"{") and b"CityJSONFeature" in rest[:2000]:
                return "CityJSONSeq"
        return "CityJSON"
    raise input_error(path, "unknown_format", UnsupportedFormatError)


@contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector while a reader builds millions of small lists:
    they hold no cycles, and the collector's repeated full scans cost ~30 % of the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(path, crs: str | None = None, reproject: bool = True) -> CityModel:
    """Load one city model file (CityJSON, CityJSONSeq or CityGML). ``crs`` overrides the file's
    CRS (e.g. "EPSG:25832"). A model in a geographic CRS (degrees) is reprojected to a projected
    CRS in metres (``model.crs.reproject_geographic``, with a warning saying so) unless
    ``reproject`` is False. Raises :class:`InputError` with a one-line message on bad input."""
    with _gc_paused():
        model = _load(path, crs)
    if reproject:
        _reproject(model, path)
    return model


def _reproject(model, path) -> None:
    from stadtbild.model.crs import reproject_geographic

    try:
        reproject_geographic(model)
    except InputError as exc:
        raise InputError(path, exc.message if hasattr(exc, "message") else str(exc)) from None


def _load(path, crs: str | None = None) -> CityModel:
    path = Path(path)
    if path.is_dir():
        return load_many(sorted_model_files(path), crs=crs, reproject=False)
    fmt = sniff_format(path)
    if fmt == "CityGML":
        from .citygml import read_citygml
        from .xplanung import is_xplangml

        if is_xplangml(path):
            raise UnsupportedFormatError(path, "is an XPlanGML Bebauungsplan, not a city model: give it with --plan "
                                               "(bplan, render) or open it as a plan in the window")

        model = read_citygml(path)
    elif fmt == "CityJSONSeq":
        from .cityjson import read_cityjsonseq

        model = read_cityjsonseq(path)
    else:
        from .cityjson import read_cityjson

        model = read_cityjson(path)
    from .appearance import attach_textures

    attach_textures(model, path)
    if crs:
        override = parse_crs(crs)
        if not override:
            raise InputError(None, f"--crs {crs!r} is not a known EPSG code")
        model.crs = override
        model.warnings = [w for w in model.warnings if "CRS" not in w]
    return model


def sorted_model_files(folder) -> list[Path]:
    """City model files in a folder (tiles), sorted by name."""
    folder = Path(folder)
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and (
        p.name.lower().endswith((".json", ".jsonl") + CITYGML_SUFFIXES))]
    if not files:
        raise input_error(folder, "folder_without_models")
    return files


def load_many(paths, crs: str | None = None, reproject: bool = True) -> CityModel:
    """Load several files (e.g. tiles) as one model. All must share one CRS (or have none);
    geographic tiles are reprojected together after merging (one UTM zone for all)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError(None, "no input files")
    expanded: list[Path] = []
    for p in paths:
        expanded.extend(sorted_model_files(p) if p.is_dir() else [p])
    model = None
    for p in expanded:
        m = load(p, crs=crs, reproject=False)
        if model is None:
            model = m
            continue
        if m.crs.epsg and model.crs.epsg and m.crs.epsg != model.crs.epsg:
            raise input_error(p, "crs_differs", crs=m.crs.name, other=model.crs.name, first=str(expanded[0]))
        if not model.crs and m.crs:
            model.crs = m.crs
        model = model.merged(m)
    if len(expanded) > 1:
        model.format = model.format
    if reproject:
        _reproject(model, expanded[0])
    return model


def load_sources(paths, crs: str | None = None) -> CityModel:
    """A project's source files as one model: :func:`load` for one, :func:`load_many` for several."""
    paths = list(paths)
    return load(paths[0], crs=crs) if len(paths) == 1 else load_many(paths, crs=crs)


def _loaders():
    from stadtbild.model.edits import Loaders

    from .designs import load_design, read_footprints

    return Loaders(sources=load_sources, design=load_design, footprints=read_footprints)


#: the readers edits and projects use (:class:`model.edits.Loaders`); also the default once imported
LOADERS = _loaders()


def _register() -> None:
    from stadtbild.model.edits import set_default_loaders

    set_default_loaders(LOADERS)


_register()
