"""``main.py publish FILE… [--scenario S …] [--results [STATE=]R …] [--views project.stadtbild]
-o site/ [--title T] [--attribution TEXT] [--licence TEXT] [--json]``: a public web scene.

Writes a static folder (see :mod:`exporters.publish.site`): 3D Tiles 1.1 of Bestand and of each
scenario (one tileset each), the ground, the result layers and the viewer page. It works from
any static web server (``python -m http.server -d site``) and requests nothing from another
origin. Attributes are always redacted as by ``export --public`` (``--public-config`` adds names).

``--results`` takes a Stadtbild results JSON or an analysis output that ``export --results``
reads (solar/shadow/sightline GeoJSON, metrics JSON) or a GeoTIFF raster (``sunhours -o x.tif``,
``shadow -o x.tif``); it belongs to the last ``--scenario`` (the variant being published), or to
Bestand when there is none; ``STATE=R.json`` names the state ("Bestand", a scenario's name or its
file name without ``.scenario.json``).

``--json`` prints {path, tilesets, features, bytes, layers} (DESIGN.md) plus ``states``,
``viewer`` (false when web/dist is not built), ``internal_values_removed``, ``frame`` (how the
model was placed on the globe: horizontal transformation, vertical datum) and ``warnings``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("publish", help="publish Bestand and variants as a public 3D web scene (3D Tiles + viewer)")
    common.add_model_arguments(p, scenario=False, output=False)
    p.add_argument("--scenario", dest="scenarios", metavar="S.json", action="append", default=[],
                   help="a variant to publish beside Bestand (repeatable)")
    p.add_argument("--results", metavar="[STATE=]R", action="append", default=[],
                   help="analysis results to show as layers: results JSON, GeoJSON or GeoTIFF (repeatable)")
    p.add_argument("--views", metavar="P.stadtbild", help="project file whose saved views become viewpoint buttons")
    p.add_argument("-o", "--output", metavar="SITE", help="output folder (new, empty, or an earlier published site)")
    p.add_argument("--title", help="page title (default: the first file's name)")
    p.add_argument("--attribution", help="data credit shown on the page (default: the source file names)")
    p.add_argument("--licence", "--license", dest="licence", default="",
                   help="licence of the published data, shown on the page (e.g. 'dl-de/by-2-0')")
    p.add_argument("--date-time", metavar="YYYY-MM-DDTHH:MM", help="local date and time the page opens with "
                   "(default: 21 March, 15:00)")
    p.add_argument("--tz", help="site time zone (default: from the model's location)")
    p.add_argument("--geoid-undulation", metavar="M", type=float,
                   help="geoid height above the ellipsoid at the site in metres, overriding the geoid model")
    p.add_argument("--public-config", metavar="J.json", help="settings file with more internal attribute names")
    p.set_defaults(func=run)


def _state_of(spec: str, states: list, scenario_paths: list) -> tuple[int, str]:
    """(state index, path) of a ``--results`` value."""
    if "=" in spec:
        name, path = spec.split("=", 1)
        want = name.strip().lower()
        for i, s in enumerate(states):
            stem = Path(scenario_paths[i - 1]).name.split(".")[0].lower() if i else "bestand"
            if want in (s.label.lower(), s.key, stem):
                return i, path
        if Path(spec).exists():
            return len(states) - 1, spec
        raise InputError(None, f"--results {spec}: no state {name!r} (states: "
                               f"{', '.join(s.label for s in states)})")
    return len(states) - 1, spec


def read_raster_result(path):
    """A GeoTIFF (one band) as an :class:`exporters.results.AnalysisResult` with one raster."""
    from stadtbild.exporters.results import AnalysisResult, Raster
    from stadtbild.importers.local_only import check_local_file

    path = check_local_file(path, "result raster")
    try:
        import rasterio

        with rasterio.open(path) as ds:
            values = ds.read(1).astype(float)
            t = ds.transform
            units = (ds.units or [""])[0] or ds.tags(1).get("units", "")
            nodata = ds.nodata
    except Exception as exc:
        raise InputError(path, f"cannot read the raster ({' '.join(str(exc).split())[:160]})") from None
    name = Path(path).name.split(".")[0]
    return AnalysisResult(name=name, title=name,
                          rasters={name: Raster(values, (t.a, t.b, t.c, t.d, t.e, t.f), nodata, units or "")})


def load_results(path, model) -> list:
    if str(path).lower().endswith((".tif", ".tiff")):
        if not Path(path).exists():
            raise InputError(path, "no such file")
        return [read_raster_result(path)]
    from stadtbild.exporters.results import Results

    return list(Results.load(path, model))


def site_time_zone(model, tz=None) -> str:
    if tz:
        from stadtbild.analysis.sun import zone

        zone(tz)  # raises InputError for an unknown name
        return tz
    from stadtbild.analysis.sun import timezone_at
    from stadtbild.model.crs import transformer_to_wgs84

    bb = model.bbox()
    lon, lat = transformer_to_wgs84(model.crs).transform((bb[0] + bb[3]) / 2, (bb[1] + bb[4]) / 2)
    return timezone_at(lat, lon)


def saved_views(path) -> list:
    from stadtbild.model.project import Project
    from stadtbild.viewer.camera import project_bookmarks

    return project_bookmarks(Project.open(path))


def run(args) -> int:
    from stadtbild.exporters.publish import public_states, publish_site
    from stadtbild.model.privacy import internal_patterns
    from stadtbild.model.scenario import Scenario

    if not args.output:
        raise InputError(None, "publish needs -o SITE (a folder for the web scene)")
    model = common.load_model(args)
    if not model.crs:
        raise InputError(args.files[0], "the model has no known CRS, so it cannot be placed on the globe "
                                        "(give one with --crs, e.g. --crs EPSG:25832)")
    inputs = list(model.sources) + list(args.files) + list(args.scenarios)
    out = Path(args.output)
    for src in inputs:
        s = Path(src).resolve()
        if s == out.resolve() or out.resolve() in s.parents:
            raise InputError(out, "the site folder would hold or replace an input file; choose another folder")
    patterns = internal_patterns(args.public_config)
    scenarios = [Scenario.load(p) for p in args.scenarios]
    states, removed = public_states(model, scenarios, patterns)
    for i, sc in enumerate(scenarios):
        for w in sc.last_report.warnings if sc.last_report else []:
            if not args.json:
                sys.stderr.write(f"warning: {args.scenarios[i]}: {w}\n")
    from stadtbild.exporters.publish.site import slug

    taken = {"ground"}
    for s in states:
        s.key = slug(s.label, taken)
    for spec in args.results:
        i, path = _state_of(spec, states, args.scenarios)
        states[i].analyses.extend(load_results(path, states[i].model))
    tz = site_time_zone(model, args.tz)
    if args.date_time:
        from stadtbild.analysis.sun import parse_local_time

        args.date_time = parse_local_time(args.date_time, tz).strftime("%Y-%m-%dT%H:%M")
    views = saved_views(args.views) if args.views else []
    progress = None if args.json else common.Progress(1, "publish")
    summary = publish_site(
        states, out, title=args.title or Path(args.files[0]).name.split(".")[0], lod=args.lod, views=views,
        time_zone=tz, date_time=args.date_time, attribution=args.attribution or "",
        licence=args.licence, public_patterns=patterns, geoid_undulation_m=args.geoid_undulation,
        sources=[Path(f).name for f in args.files], progress=progress)
    summary["internal_values_removed"] = removed
    if args.json:
        common.print_json(summary)
    else:
        for w in summary["warnings"]:
            sys.stderr.write(f"warning: {w}\n")
        print(f"wrote {out}/ ({len(summary['states'])} states, {summary['features']} features, "
              f"{len(summary['layers'])} layers, {summary['bytes'] / 1e6:.1f} MB)"
              + ("; open it with: python -m http.server -d " + str(out) if summary["viewer"] else ""))
    return 0
