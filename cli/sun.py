"""``main.py sun --lat 52.27 --lon 10.53 --time 2026-06-21T15:00 [--tz Europe/Berlin]
[--elevation 75] --json`` – sun azimuth/elevation by NREL SPA (pvlib).

The site can also be a model file (``main.py sun FILE --time …``: its bbox centre via its CRS).
``--date D [--from 06:00 --to 20:00 --step 10]`` gives a table of positions over a day
(``-o sun.csv``). Times are local wall-clock time at the site (time zone from the site unless
``--tz``); outputs show local time and UTC.
"""
from __future__ import annotations

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("sun", help="sun azimuth/elevation for a site and local time (NREL SPA)")
    p.add_argument("files", metavar="FILE", nargs="?", help="a city model whose site to use (instead of --lat/--lon)")
    p.add_argument("--crs", help="override the model CRS, e.g. EPSG:25832")
    p.add_argument("--lat", type=float, help="latitude in degrees (WGS84, north positive)")
    p.add_argument("--lon", type=float, help="longitude in degrees (WGS84, east positive)")
    p.add_argument("--time", action="append", metavar="T",
                   help="local time, e.g. 2026-06-21T15:00 (repeatable); with an offset (+02:00, Z) as given")
    p.add_argument("--date", help="a day (2026-03-21): positions from --from to --to every --step minutes")
    p.add_argument("--from", dest="start", default="00:00", help="first local time with --date (default 00:00)")
    p.add_argument("--to", dest="stop", default="24:00", help="last local time with --date (default 24:00)")
    p.add_argument("--step", type=float, default=10.0, help="minutes between positions with --date (default 10)")
    p.add_argument("--tz", help="IANA time zone, e.g. Europe/Berlin (default: from the site)")
    p.add_argument("--elevation", type=float, default=None, help="site height above sea level in metres")
    p.add_argument("--pressure", type=float, default=None,
                   help="air pressure in hPa for refraction (default: standard atmosphere at the height)")
    p.add_argument("--temperature", type=float, default=12.0, help="air temperature in °C for refraction (default 12)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the positions as .csv or .json")
    p.add_argument("--json", action="store_true", help="print one JSON object with the headline figures")
    p.set_defaults(func=run)


def run(args) -> int:
    from stadtbild.analysis.sun import (
        Site,
        day_times,
        site_from_model,
        sun_positions,
        timezone_at,
        zone,
    )

    if args.tz:
        zone(args.tz)  # validate early
    if args.files:
        args.files = [args.files]
        model = common.load_model(args)
        site = site_from_model(model, tz=args.tz)
        if args.elevation is not None:
            site = Site(site.latitude_deg, site.longitude_deg, args.elevation, site.tz, site.grid_north_deg)
    else:
        if args.lat is None or args.lon is None:
            raise InputError(None, "sun needs --lat and --lon (or a model FILE)")
        if not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
            raise InputError(None, f"latitude/longitude out of range: {args.lat}, {args.lon}")
        site = Site(args.lat, args.lon, args.elevation or 0.0, args.tz or timezone_at(args.lat, args.lon))
    times = list(args.time or [])
    if args.date:
        times += day_times(args.date, site.tz, args.start, args.stop, args.step)
    if not times:
        raise InputError(None, "give --time (local time, e.g. 2026-06-21T15:00) or --date")
    pos = sun_positions(times, site, pressure_hpa=args.pressure, temperature_c=args.temperature)
    records = [pos.record(i) for i in range(len(pos))]
    if args.output:
        _write(args.output, records, site)
    if args.json:
        out = dict(records[0])
        out.update({"latitude_deg": site.latitude_deg, "longitude_deg": site.longitude_deg, "tz": site.tz})
        if len(records) > 1:
            out["positions"] = records
        common.print_json(out)
    else:
        for r in records:
            print(f"{r['time_local']}  (UTC {r['time_utc']})  azimuth {r['azimuth_deg']:8.3f}°  "
                  f"elevation {r['elevation_deg']:7.3f}°")
    return 0


def _write(path, records, site) -> None:
    import json

    low = str(path).lower()
    if low.endswith(".csv"):
        keys = ["time_local", "time_utc", "azimuth_deg", "elevation_deg", "zenith_deg"]
        lines = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in records]
        common.atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())
    elif low.endswith(".json"):
        doc = {"latitude_deg": site.latitude_deg, "longitude_deg": site.longitude_deg, "tz": site.tz,
               "positions": records}
        common.atomic_write_bytes(path, json.dumps(doc, indent=1).encode())
    else:
        raise InputError(path, "sun writes .csv or .json")
