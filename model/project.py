"""Project files (``*.stadtbild``) and side-by-side comparison of variants.

A project file is a JSON document (UTF-8), or a zip archive holding ``project.json`` (read
either way; written as plain JSON unless ``save(..., as_zip=True)``)::

    {"format": "stadtbild-project", "version": 1,
     "sources": [{"path": "../data/city.json", "absolute_path": "/…/city.json", "sha256": "…", "size": 123}],
     "scenarios": [{"name": "Variante A", "edits": [...]}, ...],   # DESIGN.md scenario objects
     "active_scenario": "Variante A",
     "views": [{...camera...}, ...],      # opaque to this module (viewer/camera.py)
     "analysis": {...settings...},        # opaque too
     "crs": "EPSG:25832"}

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
import math
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .fileio import atomic_write_bytes
from .scenario import Scenario
from .fileio import json_default

PROJECT_FORMAT = "stadtbild-project"
#: a project file (or the project.json inside a zipped one) is small: edits, views, settings.
#: Anything larger is refused before it is read or decompressed (zip bombs).
MAX_PROJECT_BYTES = 64 * 1024 * 1024
#: largest accepted uncompressed/compressed ratio of a zipped project.json (JSON text compresses
#: ~5-20×; a bomb by ~1000×)
MAX_ZIP_RATIO = 200
PROJECT_VERSION = 1
#: storey height assumed for the gross floor area estimate (m)
STOREY_HEIGHT_M = 3.0


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
        }

    @classmethod
    def from_dict(cls, data: dict, base_dir: Path, path=None) -> "Project":
        if not isinstance(data, dict) or data.get("format") != PROJECT_FORMAT:
            raise InputError(path, "not a Stadtbild project file (no \"format\": \"stadtbild-project\")")
        if int(data.get("version", 1)) > PROJECT_VERSION:
            raise InputError(path, f"project file version {data.get('version')} is newer than this program "
                                   f"(reads version {PROJECT_VERSION}); update Stadtbild")
        srcs = []
        for s in data.get("sources") or []:
            if not isinstance(s, dict) or not isinstance(s.get("path"), str):
                raise InputError(path, "each source must be {\"path\": …, \"sha256\": …}")
            p = Path(s["path"])
            p = (base_dir / p).resolve() if not p.is_absolute() else p
            if not p.exists() and s.get("absolute_path") and Path(s["absolute_path"]).exists():
                p = Path(s["absolute_path"])  # project file moved without its data
            srcs.append({k: v for k, v in {**s, "path": str(p)}.items() if k != "absolute_path"})
        scen = [Scenario.from_dict(s, base_dir=base_dir, path=path) for s in data.get("scenarios") or []]
        names = [s.name for s in scen]
        if len(set(names)) != len(names):
            raise InputError(path, "two scenarios have the same name")
        views = data.get("views") or []
        analysis = data.get("analysis") or {}
        if not isinstance(views, list) or not isinstance(analysis, dict):
            raise InputError(path, "'views' must be a list and 'analysis' an object")
        return cls(srcs, scen, views, analysis, data.get("active_scenario"), data.get("crs"),
                   Path(path) if path else None)

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
        if path.exists():
            _backup(path)
        atomic_write_bytes(path, data)
        _fsync_dir(path.resolve().parent)
        self.path = path
        return path

    def load_model(self):
        """Load the source files as one model (``importers.load_many``)."""
        from importers import load, load_many

        if not self.sources:
            raise InputError(self.path, "the project has no source files")
        paths = [s["path"] for s in self.sources]
        return load(paths[0], crs=self.crs) if len(paths) == 1 else load_many(paths, crs=self.crs)


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


def _backup(path: Path) -> None:
    """Keep the current file as ``<name>.bak``, atomically (a crash leaves the old backup or
    the new one, never half a file)."""
    bak = path.with_name(path.name + ".bak")
    tmp = path.with_name(f".{path.name}.bak.tmp")
    try:
        shutil.copy2(path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, bak)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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


# ====================================================================== variants
def _building_rows(model, storey_height_m: float = STOREY_HEIGHT_M):
    """Per top-level building: footprint (m²), volume (m³), ground/eave/ridge heights (m) and the
    storey estimate from ``analysis.metrics.compute_metrics`` (one definition for the whole
    program)."""
    from analysis.metrics import compute_metrics

    met = compute_metrics(model, storey_height_m=storey_height_m)
    top = np.array([p is None for p in met.parent_ids], dtype=bool)
    return met, top


def variant_figures(model, name: str, storey_height_m: float = STOREY_HEIGHT_M) -> dict:
    """Figures of one model state (see :func:`compare_variants`)."""
    met, top = _building_rows(model, storey_height_m)

    def col(k):
        return np.asarray(met[k], dtype=np.float64)[top] if len(met) else np.zeros(0)

    fp, vol = col("footprint_area_m2"), col("volume_m3")
    eave, ridge = col("eave_height_m"), col("ridge_height_m")
    storeys = np.nan_to_num(col("storeys"))
    gfa = np.nansum(np.nan_to_num(fp) * storeys)

    def stat(a, fn):
        a = a[np.isfinite(a)]
        return round(float(fn(a)), 3) if len(a) else None

    return {
        "name": name,
        "objects": len(model.objects),
        "buildings": int(top.sum()),
        "footprint_area_m2": round(float(np.nansum(fp)), 2),
        "gross_floor_area_m2": round(float(gfa), 1),
        "volume_m3": round(float(np.nansum(vol)), 1),
        "max_height_m": stat(ridge, np.max),
        "mean_eave_height_m": stat(eave, np.mean),
        "max_eave_height_m": stat(eave, np.max),
        "mean_ridge_height_m": stat(ridge, np.mean),
        "max_ridge_height_m": stat(ridge, np.max),
        "storey_height_m": storey_height_m,
    }


def compare_variants(model, scenarios, storey_height_m: float = STOREY_HEIGHT_M) -> list[dict]:
    """Side-by-side figures of the source model ("Bestand", first row) and each scenario applied
    to it: objects, buildings (top-level Building rows), footprint area (m²), gross floor area
    estimate (m²) = Σ footprint × storeys with storeys = max(1, round(eave height / 3 m)) — the
    storey height ``storey_height_m`` = 3 m is an assumption, say so when showing it —, volume (m³,
    signed volume of the closed solids, divergence theorem; roof prism for open shells), max
    height (m above ground), mean/max eave and ridge heights (m above ground); each scenario row
    also has ``delta`` (scenario − Bestand for the numeric figures), ``demolished`` and
    ``inserted`` counts. Heights, areas and volumes follow ``analysis.metrics``."""
    rows = [variant_figures(model, "Bestand", storey_height_m)]
    rows[0].update(demolished=0, inserted=0)
    for sc in scenarios:
        out = sc.apply(model)
        r = variant_figures(out, sc.name, storey_height_m)
        rep = sc.last_report
        r["demolished"] = len(rep.demolished) if rep else None
        r["inserted"] = len(rep.inserted) if rep else None
        r["delta"] = {k: (round(r[k] - rows[0][k], 3) if isinstance(r[k], (int, float)) and isinstance(rows[0][k], (int, float))
                          and not isinstance(r[k], bool) and math.isfinite(r[k] - rows[0][k]) else None)
                      for k in ("objects", "buildings", "footprint_area_m2", "gross_floor_area_m2", "volume_m3",
                                "max_height_m", "mean_eave_height_m", "max_eave_height_m",
                                "mean_ridge_height_m", "max_ridge_height_m")}
        rows.append(r)
    return rows
