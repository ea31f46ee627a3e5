"""Project files (``*.stadtbild``): sources, scenarios, views and settings of a planning project.

A project file is a JSON document (UTF-8), or a zip archive holding ``project.json`` (read
either way; written as plain JSON unless ``save(..., as_zip=True)``)::

    {"format": "stadtbild-project", "version": 1,
     "sources": [{"path": "../data/city.json", "absolute_path": "/…/city.json", "sha256": "…", "size": 123}],
     "scenarios": [{"name": "Variante A", "edits": [...]}, ...],   # docs/ARCHITECTURE.md scenario objects
     "active_scenario": "Variante A",
     "views": [{...camera...}, ...],      # opaque to this module (viewer/camera.py)
     "analysis": {...settings...},        # opaque too
     "layers": [{"path": "parcels.gpkg", "absolute_path": "/…", "style": {...}}, ...],  # 2D layers
     "plans": [{"path": "bplan.gml", "absolute_path": "/…", "show_envelopes": true, "show_ground": true,
                "hide_existing": false}],                                  # Bebauungsplan (XPlanGML)
     "history": {"Variante A": {"index": 2, "commands": [{"text": "Abriss …", "edits": [...]}, ...]}},
     "crs": "EPSG:25832"}

``scenarios`` hold the named variants' edits (the untouched source model, "Bestand", is never a
scenario); ``history`` the undo history of each variant (also the undone steps that can be
redone); ``layers`` the 2D layers shown over the model with their style; ``plans`` the
Bebauungsplan (XPlanGML) placed over the model, with what of it is shown.

Source paths are stored relative to the project file's folder when possible (so a project folder
can be moved with its data) and resolved back on load (falling back to the stored absolute path
when the project file was moved alone). Relative file names inside scenarios are relative to the
project file's folder too (a scenario added from elsewhere is rebased when saved). Saving is atomic (temp file + fsync + rename) and the
previous file is kept as ``<name>.bak``. Opening a project whose source file is missing or whose
SHA-256 differs from the stored one gives a warning (the edits may no longer fit the model).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


from .errors import InputError
from .fileio import atomic_write_bytes, copy_atomically, fsync_dir
from .edits import Loaders, loader
from .fileio import json_default
from .scenario import Scenario

PROJECT_FORMAT = "stadtbild-project"
#: a project file (or the project.json inside a zipped one) is small: edits, views, settings.
#: Anything larger is refused before it is read or decompressed (zip bombs).
MAX_PROJECT_BYTES = 64 * 1024 * 1024
#: largest accepted uncompressed/compressed ratio of a zipped project.json (JSON text compresses
#: ~5-20×; a bomb by ~1000×)
MAX_ZIP_RATIO = 200
PROJECT_VERSION = 1


def sha256_file(path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            b = fh.read(chunk)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


@dataclass
class Project:
    """A planning project: sources (with checksums), named scenarios, views, analysis settings."""

    sources: list = field(default_factory=list)  # [{"path": str (absolute), "sha256": str, "size": int}]
    scenarios: list = field(default_factory=list)  # [Scenario]
    views: list = field(default_factory=list)
    analysis: dict = field(default_factory=dict)
    active_scenario: str | None = None
    crs: str | None = None
    path: Path | None = None
    warnings: list = field(default_factory=list)
    layers: list = field(default_factory=list)  # [{"path": str (absolute), "style": {...}}]
    history: dict = field(default_factory=dict)  # {scenario name: {"index": n, "commands": [...]}}
    plans: list = field(default_factory=list)  # [{"path": str (absolute), "show_envelopes": bool, …}]

    # ---- building
    def add_source(self, path) -> dict:
        """Record a source file with its current checksum (absolute path kept in memory)."""
        p = Path(path).resolve()
        if not p.exists():
            raise InputError(p, "no such file")
        entry = {"path": str(p), "sha256": sha256_file(p) if p.is_file() else None,
                 "size": p.stat().st_size if p.is_file() else None}
        self.sources = [s for s in self.sources if Path(s["path"]) != p] + [entry]
        return entry

    def scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise InputError(self.path, f"no scenario named {name!r} (have: {', '.join(s.name for s in self.scenarios) or 'none'})")

    def set_scenario(self, scenario: Scenario) -> None:
        """Add or replace (by name) a scenario."""
        self.scenarios = [s for s in self.scenarios if s.name != scenario.name] + [scenario]

    # ---- serialisation
    def to_dict(self, relative_to: Path | None = None) -> dict:
        def rel(p):
            if relative_to is None:
                return p
            try:
                return os.path.relpath(p, relative_to)
            except ValueError:  # another drive on Windows
                return p

        return {
            "format": PROJECT_FORMAT, "version": PROJECT_VERSION,
            "sources": [{**s, "path": rel(s["path"]), "absolute_path": str(s["path"])} for s in self.sources],
            "scenarios": [_rebased(s, relative_to) for s in self.scenarios],
            "active_scenario": self.active_scenario,
            "views": self.views, "analysis": self.analysis, "crs": self.crs,
            "layers": [{**lyr, "path": rel(lyr["path"]), "absolute_path": str(lyr["path"])} for lyr in self.layers],
            "plans": [{**plan, "path": rel(plan["path"]), "absolute_path": str(plan["path"])} for plan in self.plans],
            "history": self.history,
        }

    @classmethod
    def from_dict(cls, data: dict, base_dir: Path, path=None) -> "Project":
        if not isinstance(data, dict) or data.get("format") != PROJECT_FORMAT:
            raise InputError(path, "not a Stadtbild project file (no \"format\": \"stadtbild-project\")")
        if int(data.get("version", 1)) > PROJECT_VERSION:
            raise InputError(path, f"project file version {data.get('version')} is newer than this program "
                                   f"(reads version {PROJECT_VERSION}); update Stadtbild")
        srcs = [_file_entry(s, base_dir, path, "each source must be {\"path\": …, \"sha256\": …}")
                for s in data.get("sources") or []]
        scen = [Scenario.from_dict(s, base_dir=base_dir, path=path) for s in data.get("scenarios") or []]
        names = [s.name for s in scen]
        if len(set(names)) != len(names):
            raise InputError(path, "two scenarios have the same name")
        views = data.get("views") or []
        analysis = data.get("analysis") or {}
        if not isinstance(views, list) or not isinstance(analysis, dict):
            raise InputError(path, "'views' must be a list and 'analysis' an object")
        layers = [_file_entry(lyr, base_dir, path, "each layer must be {\"path\": …, \"style\": {…}}")
                  for lyr in data.get("layers") or []]
        plans = [_file_entry(plan, base_dir, path, "each plan must be {\"path\": …}")
                 for plan in data.get("plans") or []]
        history = data.get("history") or {}
        if not isinstance(history, dict):
            raise InputError(path, "'history' must be an object")
        proj = cls(srcs, scen, views, analysis, data.get("active_scenario"), data.get("crs"),
                   Path(path) if path else None)
        proj.layers = layers
        proj.plans = plans
        proj.history = {str(k): v for k, v in history.items() if isinstance(v, dict)}
        return proj

    # ---- files
    @classmethod
    def open(cls, path) -> "Project":
        """Read a project (JSON or zip); ``warnings`` lists missing or changed source files."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_PROJECT_BYTES:
                raise InputError(path, f"not a project file: larger than {MAX_PROJECT_BYTES // 2**20} MB")
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except OSError as exc:
            raise InputError(path, f"cannot read project ({exc.strerror or exc})") from None
        if raw[:4] == b"PK\x03\x04":
            raw = _read_zipped_project(path, raw)
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, f"invalid project file ({str(exc).splitlines()[0]})") from None
        proj = cls.from_dict(data, path.resolve().parent, path)
        proj.warnings = proj.check_sources()
        return proj

    def check_sources(self) -> list[str]:
        """Warnings for sources that are missing or changed since the project was saved."""
        out = []
        for s in self.sources:
            p = Path(s["path"])
            if not p.exists():
                out.append(f"source file {p} is missing")
            elif s.get("sha256") and p.is_file() and sha256_file(p) != s["sha256"]:
                out.append(f"source file {p} has changed since the project was saved "
                           f"(checksum differs); check that the scenarios still fit")
        for lyr in self.layers:
            if not Path(lyr["path"]).exists():
                out.append(f"2D layer {lyr['path']} is missing")
        for plan in self.plans:
            if not Path(plan["path"]).exists():
                out.append(f"Bebauungsplan {plan['path']} is missing")
        return out

    def save(self, path=None, as_zip: bool = False) -> Path:
        """Write atomically; the previous file is kept as ``<path>.bak``."""
        path = Path(path or self.path)
        if path is None:
            raise InputError(None, "no project file name given")
        data = json.dumps(self.to_dict(relative_to=path.resolve().parent), ensure_ascii=False,
                          indent=2, default=json_default).encode("utf-8") + b"\n"
        if as_zip:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("project.json", data)
            data = buf.getvalue()
        if path.exists():  # the previous file becomes <name>.bak
            copy_atomically(path, path.with_name(path.name + ".bak"))
        atomic_write_bytes(path, data)
        fsync_dir(path.resolve().parent)
        self.path = path
        return path

    def load_model(self, loaders: Loaders | None = None):
        """The source files as one model, read by ``loaders.sources`` (default: the registered
        readers, ``importers.load_sources``)."""
        if not self.sources:
            raise InputError(self.path, "the project has no source files")
        return loader(loaders, "sources", self.path)([s["path"] for s in self.sources], crs=self.crs)


def _file_entry(entry, base_dir: Path, path, what: str) -> dict:
    """A file entry of a project (source, layer, plan) with its ``path`` made absolute: relative to the
    project folder, or the stored ``absolute_path`` when the project file was moved alone."""
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise InputError(path, what)
    p = Path(entry["path"])
    p = (base_dir / p).resolve() if not p.is_absolute() else p
    if not p.exists() and entry.get("absolute_path") and Path(entry["absolute_path"]).exists():
        p = Path(entry["absolute_path"])  # project file moved without its data
    return {k: v for k, v in {**entry, "path": str(p)}.items() if k != "absolute_path"}


def _read_zipped_project(path: Path, raw: bytes) -> bytes:
    """``project.json`` from a zipped project, read in memory: no member is ever extracted to disk
    (so names like ``../../x`` cannot write anywhere); its size is bounded by
    :data:`MAX_PROJECT_BYTES` and :data:`MAX_ZIP_RATIO` before and while it is decompressed."""
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            info = zf.getinfo("project.json")
            if info.file_size > MAX_PROJECT_BYTES or (
                    info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)):
                raise InputError(path, f"project archive refused: project.json unpacks to {info.file_size:,} bytes "
                                       f"from {info.compress_size:,} (limit {MAX_PROJECT_BYTES // 2**20} MB, "
                                       f"ratio {MAX_ZIP_RATIO})")
            with zf.open(info) as fh:  # the header's size may lie: never read past the limit
                data = fh.read(MAX_PROJECT_BYTES + 1)
    except KeyError:
        raise InputError(path, "broken project archive (no project.json inside)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error,
            OSError, ValueError) as exc:
        raise InputError(path, f"broken project archive ({' '.join(str(exc).split())[:120]})") from None
    if len(data) > MAX_PROJECT_BYTES:
        raise InputError(path, f"project archive refused: project.json is larger than {MAX_PROJECT_BYTES // 2**20} MB")
    return data


def _rebased(scenario: Scenario, project_dir: Path | None) -> dict:
    """The scenario's dict with relative ``file`` names of its edits made relative to the project
    folder (they were relative to the scenario's own folder)."""
    d = scenario.to_dict()
    base = scenario.base_dir
    if project_dir is None or base is None or Path(base).resolve() == Path(project_dir).resolve():
        return d
    for e in d["edits"]:
        f = e.get("file")
        if isinstance(f, str) and f and not Path(f).is_absolute():
            try:
                e["file"] = os.path.relpath(Path(base) / f, project_dir)
            except ValueError:
                e["file"] = str(Path(base) / f)
    return d
