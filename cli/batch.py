"""``main.py batch solar|sunhours|metrics|sunlight DIR|FILES… --out DIR [--scheduler tcp://host:8786]
[--workers N] [--tile-size M] [--halo M] [--format gpkg,cityjsonseq] [--json]``: a city-wide
analysis in partitions on Dask (see :mod:`analysis.batch`).

Several files (or a folder) are partitioned by file (each tile file is one partition) unless
``--tile-size`` is given; a single file is cut into a grid of ``--tile-size`` metres (default
500 m). Each partition carries a halo of neighbouring buildings (``--halo``, default 300 m) that
only shade. Results are written per tile to ``OUT/tiles/`` with a done marker; running the same
command again resumes a killed run (finished tiles are skipped). ``--json`` prints one object with
the merged figures (the ``solar``/``sunhours``/``metrics``/``sunlight`` keys where they apply, plus ``tiles``,
``computed``, ``skipped``, ``failed``, ``seconds``, ``out``).
"""
from __future__ import annotations

import math
from pathlib import Path

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("batch", help="city-wide solar / sun-hours / metrics / facade sunlight per tile on Dask "
                                     "(resumable)")
    p.add_argument("analysis", choices=["solar", "sunhours", "metrics", "sunlight"], help="analysis to run")
    p.add_argument("files", metavar="FILE", nargs="+", help="tile files or folders of tiles (CityJSON, CityJSONSeq, CityGML)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (tiles/, summary.json)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="a running Dask scheduler, e.g. tcp://host:8786 (default: a local cluster); "
                        "'inline' runs the tiles one after another without Dask")
    p.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")
    p.add_argument("--tile-size", type=float, metavar="M", help="grid tiles of M metres instead of one tile per file")
    p.add_argument("--halo", type=float, default=300.0, metavar="M", help="neighbours within M metres shade a tile (default 300)")
    p.add_argument("--format", default="gpkg", help="outputs per tile: gpkg, cityjsonseq or both comma-separated (default gpkg)")
    p.add_argument("--crs", help="override the model CRS, e.g. EPSG:25832")
    p.add_argument("--lod", help="LoD to use (default: the highest per object)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the merged figures")
    g = p.add_argument_group("solar")
    g.add_argument("--weather", metavar="F", help="weather file (EPW, TMY3, PVGIS, DWD TRY); default: a typical year for the site")
    g.add_argument("--grid", type=float, default=None, metavar="M",
                   help="solar: sample spacing on roofs (default 1 m); sunhours: ground cell size (default 2 m)")
    g.add_argument("--sky", default="tregenza", choices=["tregenza", "reinhart"], help="sky patches (default tregenza)")
    g.add_argument("--facades", action="store_true", help="analyse wall surfaces as well")
    g = p.add_argument_group("sunhours")
    g.add_argument("--date", help="day, e.g. 2026-03-21")
    g.add_argument("--from", dest="start", default="00:00", help="local start time (default 00:00)")
    g.add_argument("--to", dest="stop", default="24:00", help="local end time (default 24:00)")
    g.add_argument("--step", type=float, default=None,
                   help="minutes between sun positions, at most 10 (default 10; sunlight: 2)")
    g.add_argument("--tz", help="time zone (default: from the model's position)")
    g = p.add_argument_group("sunlight (DIN 5034-1 at facade check points)")
    g.add_argument("--equinox", metavar="DATE", help="equinox day (default: 21 March of this year)")
    g.add_argument("--winter", metavar="DATE", help="winter day (default: 17 January of this year)")
    g.add_argument("--spacing", type=float, default=2.0, metavar="M", help="check points every M metres (default 2)")
    g.add_argument("--storey-height", type=float, default=3.0, metavar="M", help="one row per storey of M metres (default 3)")
    p.set_defaults(func=run)


def options_from_args(args):
    from stadtbild.analysis.batch import BatchOptions

    formats = tuple(f.strip().lower() for f in str(args.format).split(",") if f.strip())
    params: dict = {}
    if args.analysis == "solar":
        params["cell_m"] = 1.0 if args.grid is None else float(args.grid)
        params["sky"] = args.sky
        params["include_facades"] = bool(args.facades)
    elif args.analysis == "sunhours":
        if not args.date:
            raise InputError(None, "batch sunhours needs --date YYYY-MM-DD")
        import datetime as dt

        try:
            dt.date.fromisoformat(args.date.strip())
        except ValueError:
            raise InputError(None, f"--date {args.date!r} must look like 2026-03-21") from None
        step = 10.0 if args.step is None else args.step
        if not (0 < step <= 10):
            raise InputError(None, f"--step must be between 0 and 10 minutes, got {step:g}")
        params.update(date=args.date.strip(), start=args.start, stop=args.stop, step_min=float(step),
                      cell_m=2.0 if args.grid is None else float(args.grid), tz=args.tz)
    elif args.analysis == "sunlight":
        import datetime as dt

        step = 2.0 if args.step is None else args.step
        if not (0 < step <= 10):
            raise InputError(None, f"--step must be between 0 and 10 minutes, got {step:g}")
        for name in ("equinox", "winter"):
            v = getattr(args, name)
            if v:
                try:
                    dt.date.fromisoformat(v.strip())
                except ValueError:
                    raise InputError(None, f"--{name} {v!r} must look like 2026-03-21") from None
        for name, v in (("spacing", args.spacing), ("storey-height", args.storey_height)):
            if not (math.isfinite(v) and 0.5 <= v <= 50):
                raise InputError(None, f"--{name} must be between 0.5 and 50 m, got {v:g}")
        from stadtbild.analysis.sunlight import default_dates

        eq, winter = default_dates()  # explicit dates: part of the run key, so a resumed run keeps them
        params.update(equinox=(args.equinox or eq.isoformat()).strip(), winter=(args.winter or winter.isoformat()).strip(),
                      step_min=float(step), spacing_m=float(args.spacing), storey_height_m=float(args.storey_height),
                      tz=args.tz)
    for name in ("grid", "halo", "tile_size"):
        v = getattr(args, name, None)
        if v is not None and not math.isfinite(v):
            raise InputError(None, f"--{name.replace('_', '-')} must be a number")
    return BatchOptions(analysis=args.analysis, out_dir=str(args.out), tile_size_m=args.tile_size, halo_m=args.halo,
                        lod=args.lod, crs=args.crs, formats=formats, workers=args.workers,
                        scheduler=args.scheduler, weather=args.weather, analysis_params=params)


def run(args) -> int:
    import os
    import sys

    from stadtbild.analysis.batch import run_batch

    opts = options_from_args(args)
    out = Path(args.out).resolve()
    for f in args.files:
        src = Path(f).resolve()
        if not src.exists():
            raise InputError(f, "no such file")
        if src == out or (src.is_file() and src.parent == out / "tiles"):
            raise InputError(args.out, "the output folder must not be an input folder")
    if args.weather and not Path(args.weather).exists():
        raise InputError(args.weather, "no such file")
    enabled = (not args.json) and sys.stderr.isatty() and not os.environ.get("CI")
    progress = common.Progress(1, f"batch {args.analysis}", enabled=enabled)
    result = run_batch(args.files, opts, progress=progress)
    doc = result.to_json()
    if args.json:
        common.print_json(doc)
    else:
        print(f"{doc['tiles']} tiles ({doc['computed']} computed, {doc['skipped']} already done, "
              f"{len(doc['failed'])} failed) in {doc['seconds']:.1f} s -> {doc['out']}")
        for k in ("buildings", "surfaces", "total_kwh_a", "mean_kwh_m2a", "mean_sun_hours_h", "volume_m3",
                  "check_points", "points_meeting_both"):
            if doc.get(k) is not None:
                print(f"  {k}: {doc[k]}")
    if result.failed:
        for t, msg in sorted(result.failed.items()):
            sys.stderr.write(f"error: tile {t}: {msg}\n")
        return 1
    return 0
