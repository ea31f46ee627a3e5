"""Shared pieces of the CLI commands: model arguments, loading, JSON output, progress, parsing."""
from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from stadtbild.model.errors import InputError
from stadtbild.model.fileio import atomic_write_bytes, json_default  # noqa: F401 (the commands write with common.atomic_write_bytes)

#: the CRS the current command's model is in ({"analysis_crs": …, "reprojected_from": …}); set by
#: load_model, added to the command's JSON by print_json, cleared by cli.main per command
analysis_crs: dict = {}


# ---------------------------------------------------------------- arguments
def add_model_arguments(p, scenario: bool = True, output: bool = True, json_flag: bool = True,
                        many: bool = True) -> None:
    """FILE… plus the options every model command takes."""
    p.add_argument("files", metavar="FILE", nargs="+" if many else 1,
                   help="city model file(s): CityJSON, CityJSONSeq, CityGML, or a folder of tiles")
    p.add_argument("--crs", help="override the model CRS, e.g. EPSG:25832")
    p.add_argument("--lod", help="LoD to use (e.g. 2 or 2.2; default: the highest per object)")
    p.add_argument("--bbox", help="only objects inside xmin,ymin,xmax,ymax (model CRS)")
    if scenario:
        p.add_argument("--scenario", metavar="S.json", help="apply a scenario (*.scenario.json) first")
    if output:
        p.add_argument("-o", "--output", metavar="OUT", help="output file")
    if json_flag:
        p.add_argument("--json", action="store_true", help="print one JSON object with the headline figures")
    p.add_argument("--terrain", metavar="DEM", help="terrain model: GeoTIFF, ASCII grid or XYZ (e.g. DGM1), "
                   "reprojected to the model CRS; analyses then use it as ground")
    p.add_argument("--terrain-resolution", metavar="M", type=float,
                   help="terrain mesh spacing in metres (default: the DEM's own; coarser = faster)")
    p.add_argument("--terrain-tolerance", metavar="M", type=float,
                   help="largest vertical error of the adaptive terrain mesh in metres (default 0.1; "
                        "0 = regular grid mesh, 2 triangles per DEM cell)")
    p.add_argument("--layer", metavar="L.gpkg", action="append",
                   help="2D geo layer (GeoPackage, GeoJSON, Shapefile), repeatable; reprojected to the model CRS")


def load_model(args):
    """Load the files named in ``args.files`` (several = one model), apply --bbox and --scenario."""
    from stadtbild.importers import load, load_many

    files = [Path(f) for f in args.files]
    for f in files:
        if not f.exists():
            raise InputError(f, "no such file")
    model = load(files[0], crs=args.crs) if len(files) == 1 else load_many(files, crs=args.crs)
    bbox = getattr(args, "bbox", None)
    if bbox:
        model = subset_bbox(model, parse_floats(bbox, 4, "--bbox"))
    scenario = getattr(args, "scenario", None)
    if scenario:
        model = apply_scenario_file(model, scenario)
    if getattr(args, "terrain", None):  # model.terrain (Scene), model.terrain_grid
        from stadtbild.importers.terrain import attach_terrain

        tol = getattr(args, "terrain_tolerance", None)
        kw = {} if tol is None else {"mesh_tolerance_m": tol}
        attach_terrain(model, args.terrain, resolution_m=getattr(args, "terrain_resolution", None), **kw)
    if getattr(args, "layer", None):  # model.layers
        from stadtbild.importers.layers import attach_layers

        attach_layers(model, args.layer)
    for w in model.warnings:
        warn_model(args, files, w)
    note_analysis_crs(model)
    return model


def warn_model(args, files, text: str) -> None:
    """One ``warning: FILE: text`` line on stderr about the model read from ``files`` (stdout
    stays one JSON object with ``--json``, so nothing is written then)."""
    if not getattr(args, "json", False):
        sys.stderr.write(f"warning: {files[0] if len(files) == 1 else 'model'}: {text}\n")


def note_analysis_crs(model) -> None:
    """Remember the CRS the command analyses ``model`` in, for :func:`print_json`."""
    analysis_crs.clear()
    analysis_crs["analysis_crs"] = model.crs.name
    rep = model.reprojection
    if rep is not None:
        analysis_crs["reprojected_from"] = rep.source_name or rep.source.name
        analysis_crs["crs_note"] = rep.note


def apply_scenario_file(model, path):
    from stadtbild.importers import LOADERS
    from stadtbild.model.scenario import Scenario

    return Scenario.load(path).apply(model, loaders=LOADERS)


def subset_bbox(model, bbox):
    """Keep only objects whose geometry's centre lies in bbox (xmin, ymin, xmax, ymax)."""
    try:
        from stadtbild.model.spatial import subset_bbox as _subset
    except ImportError:
        _subset = None
    if _subset is not None:
        return _subset(model, bbox)
    raise InputError(None, "--bbox is not supported by this build")


def parse_floats(text: str, n: int | tuple, what: str) -> list[float]:
    try:
        vals = [float(v) for v in str(text).split(",")]
    except ValueError:
        raise InputError(None, f"{what} must be comma-separated numbers, got {text!r}") from None
    allowed = (n,) if isinstance(n, int) else n
    if len(vals) not in allowed or not all(math.isfinite(v) for v in vals):
        raise InputError(None, f"{what} needs {' or '.join(map(str, allowed))} numbers, got {text!r}")
    return vals


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(None, f"--size must look like 1920x1080, got {text!r}") from None
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise InputError(None, f"--size {text} out of range (16..16384 pixels per side)")
    return w, h


# ---------------------------------------------------------------- output
def print_json(obj) -> None:
    """One JSON object on stdout; a command that loaded a model also says which CRS it ran in
    (``analysis_crs``, and ``reprojected_from`` / ``crs_note`` for a geographic source)."""
    if isinstance(obj, dict):
        obj = {**obj, **{k: v for k, v in analysis_crs.items() if k not in obj}}
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=json_default) + "\n")
    sys.stdout.flush()


def check_output_not_source(out, sources) -> None:
    """Refuse to write over one of the user's source files."""
    if out is None:
        return
    o = Path(out).resolve()
    for s in sources:
        if Path(s).resolve() == o:
            raise InputError(out, "refusing to overwrite an input file; choose another output name")


class Progress:
    """A minimal progress bar on stderr, shown only on a terminal and not with --json or CI."""

    def __init__(self, total: int, label: str = "", enabled: bool | None = None):
        self.total = max(int(total), 1)
        self.label = label
        self.done = 0
        if enabled is None:
            enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = enabled

    def __call__(self, done: int, total: int | None = None) -> None:
        if total:
            self.total = max(int(total), 1)
        self.done = done
        if self.enabled:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {frac * 100:5.1f}%")
            sys.stderr.flush()
            if done >= self.total:
                sys.stderr.write("\n")
