"""``main.py sunhours FILE --date 2026-03-21 [--from 08:00 --to 18:00 --step 10] [--grid 1]
[--scenario S] [--surfaces] [--compare] -o out.{geojson,png,csv,tif} --json`` – hours of direct sun.

``--json`` prints ``mean_sun_hours_h, min_sun_hours_h, max_sun_hours_h, sample_count, steps``
(docs/ARCHITECTURE.md) plus the local/UTC start and end. ``--days N`` adds N consecutive days (a period).
Outputs: ``.tif`` GeoTIFF of hours (model CRS), ``.geojson`` polygons per full hour band,
``.csv`` one row per sample, ``.png`` a rendered picture with a legend in hours.
"""
from __future__ import annotations

from stadtbild.model.errors import InputError

from . import common
from .shadow import add_analysis_arguments


def add_parser(sub) -> None:
    p = sub.add_parser("sunhours", help="hours of direct sun per ground (and facade) sample over a day")
    common.add_model_arguments(p)
    p.add_argument("--date", required=True, help="day, e.g. 2026-03-21 (21 March / 21 June / 21 December)")
    p.add_argument("--days", type=int, default=1, help="number of consecutive days from --date (default 1)")
    p.add_argument("--from", dest="start", default="00:00", help="local start time (default 00:00: sunrise counts)")
    p.add_argument("--to", dest="stop", default="24:00", help="local end time (default 24:00)")
    p.add_argument("--step", type=float, default=10.0, help="minutes between sun positions, at most 10 (default 10)")
    add_analysis_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import datetime as dt

    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import before_after, sun_hours
    from stadtbild.analysis.sun import day_times, zone
    from stadtbild.model.ground import ground_of

    from .shadow import (
        analysis_site,
        check_view,
        parse_extent,
        parse_polygon,
        prepare,
        write_output,
    )

    if args.tz:
        zone(args.tz)
    check_view(args)
    if not (0 < args.step <= 10):
        raise InputError(None, f"--step must be between 0 and 10 minutes, got {args.step:g}")
    if not (1 <= args.days <= 366):
        raise InputError(None, f"--days must be 1..366, got {args.days}")
    model, scene, before = prepare(args)
    site = analysis_site(args, scene)
    try:
        first = dt.date.fromisoformat(args.date.strip())
    except ValueError:
        raise InputError(None, f"--date {args.date!r} must look like 2026-03-21") from None
    day_times(first, site.tz, args.start, args.stop, args.step)  # validate
    kw = dict(start=args.start, stop=args.stop, step_min=args.step, cell_m=args.grid, extent=parse_extent(args),
              polygon=parse_polygon(args, model),
              surfaces=args.surfaces, surface_cell_m=args.surface_grid, site=site,
              ground=ground_of(model, args.lod))
    progress = None if args.json else common.Progress(1, "sun-hours")
    total = diff = None
    rc = None if before is not None else RayCaster(scene, backend=args.backend)
    for k in range(args.days):
        date = (first + dt.timedelta(days=k)).isoformat()
        if before is not None:
            d = before_after(before, scene, "sunhours", date=date, **kw)
            if diff is None:
                diff = d
            else:
                diff.ground = diff.ground + d.ground
                _accumulate(diff.before, d.before)
                _accumulate(diff.after, d.after)
            res = diff.after
        else:
            res = sun_hours(scene, date=date, raycaster=rc, progress=progress, **kw)
            if total is None:
                total = res
            else:
                _accumulate(total, res)
            res = total
        if args.days > 1 and k == 0 and before is None and kw.get("polygon") is None:
            kw["extent"] = res.grid.extent_world  # same grid every day
    result = diff.after if diff is not None else total
    figures = result.figures()
    figures["days"] = args.days
    if args.days > 1:
        figures["steps"] = int(figures["steps"])
    if diff is not None:
        figures["difference"] = diff.figures()
    if args.output:
        label = args.date if args.days == 1 else f"{args.date} +{args.days - 1} d"
        write_output(args.output, result, model, diff=diff, title=f"Sonnenstunden {label}", view=args.view)
        figures["path"] = str(args.output)
    if args.json:
        common.print_json(figures)
    else:
        print(f"{args.date}: mean {figures['mean_sun_hours_h']:.2f} h, min {figures['min_sun_hours_h']:.2f} h, "
              f"max {figures['max_sun_hours_h']:.2f} h of direct sun ({figures['sample_count']} samples, "
              f"{figures['steps']} steps)")
    return 0


def _accumulate(total, res) -> None:
    """Add one more day's SunHoursResult into ``total`` (same grid)."""
    import numpy as np

    total.hours = total.hours + res.hours
    if total.surface_hours is not None:
        total.surface_hours = total.surface_hours + res.surface_hours
    total.weights_h = np.concatenate([total.weights_h, res.weights_h])
    s, r = total.sun, res.sun
    s.azimuth_deg = np.concatenate([s.azimuth_deg, r.azimuth_deg])
    s.elevation_deg = np.concatenate([s.elevation_deg, r.elevation_deg])
    s.zenith_deg = np.concatenate([s.zenith_deg, r.zenith_deg])
    s.time_local = s.time_local + r.time_local
    s.time_utc = s.time_utc + r.time_utc
