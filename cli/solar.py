"""``main.py solar FILE [--weather F.epw|.csv|.json|.dat] [--grid 1] [--scenario S] [--sky tregenza|reinhart]
-o roofs.csv|roofs.geojson|roofs.city.json [--json]``: roof solar potential per roof surface with
shading (see :mod:`analysis.solar`).

Outputs (chosen by the extension of ``-o``):

- ``.csv``: one row per roof surface (building, object, area, tilt, azimuth, heights, kWh/m²·a,
  unshaded kWh/m²·a, suitable area, kWp, kWh/a), UTF-8, comma-separated;
- ``.geojson``: the same rows as Features with the surface's 3D polygon in the model CRS (the CRS is
  named in a ``crs`` member, as QGIS expects for projected GeoJSON);
- ``.city.json``/``.json``: the model as CityJSON 2.0 with the figures as attributes of every roof
  surface (semantic surface attributes) and of every building (a solar cadastre).

With ``--scenario`` the scenario state is analysed and, in addition, the base model, so that the
JSON reports the yield the neighbours lose (``scenario`` key). With ``STADTBILD_SHARED_RAYS=1`` both
states are traced against the union of the two scenes (:class:`analysis.scenario_rays.TwoStateCaster`:
one BVH of the objects both share, a small one per state), with the same results as two separate
runs; it is off by default because on the demo it measured no faster.
"""
from __future__ import annotations

import math

from stadtbild.model.errors import InputError

from . import common

OUTPUT_KINDS = (".csv", ".geojson", ".city.json", ".json")


def add_parser(sub) -> None:
    p = sub.add_parser("solar", help="roof solar potential per roof surface (kWh/m²·a, kWp, kWh/a) with shading")
    common.add_model_arguments(p)
    p.add_argument("--weather", metavar="F",
                   help="weather file: EPW, TMY3 CSV, PVGIS TMY (csv/json/epw) or DWD TRY .dat "
                        "(default: a typical year for the site built from pvlib's clear-sky model)")
    p.add_argument("--grid", type=float, default=1.0, metavar="M", help="sample spacing on the roofs (default 1 m)")
    p.add_argument("--sky", default="tregenza", choices=["tregenza", "reinhart"],
                   help="sky patches: tregenza (145, default) or reinhart (577)")
    p.add_argument("--sun-mf", type=int, default=None, metavar="N",
                   help="sun-position patches (Reinhart factor; default: the sky's own patches)")
    p.add_argument("--albedo", type=float, default=0.2, help="ground reflectance (default 0.2)")
    p.add_argument("--min-area", type=float, default=10.0, metavar="M2",
                   help="smallest roof surface considered for PV (default 10 m²)")
    p.add_argument("--threshold", type=float, default=900.0, metavar="KWH",
                   help="irradiation a roof area needs to count as suitable (default 900 kWh/m²·a)")
    p.add_argument("--kwp-per-m2", type=float, default=0.2, help="module peak power per m² (default 0.2 kWp/m²)")
    p.add_argument("--performance-ratio", type=float, default=0.8, help="PV performance ratio (default 0.8)")
    p.add_argument("--facades", action="store_true", help="analyse wall surfaces as well")
    p.set_defaults(func=run)


def _options(args):
    from stadtbild.analysis.skypatches import sky_by_name
    from stadtbild.analysis.solar import SolarOptions

    for name in ("grid", "albedo", "min_area", "threshold", "kwp_per_m2", "performance_ratio"):
        v = getattr(args, name)
        if v is None or not math.isfinite(v):
            raise InputError(None, f"--{name.replace('_', '-')} must be a number")
    sky_mf = sky_by_name(args.sky).mf
    sun_mf = sky_mf if args.sun_mf is None else args.sun_mf
    if not (1 <= sun_mf <= 8):
        raise InputError(None, f"--sun-mf must be 1..8, got {sun_mf}")
    opt = SolarOptions(cell_m=args.grid, sky=args.sky, sun_mf=sun_mf, albedo=args.albedo,
                       min_area_m2=args.min_area, threshold_kwh_m2a=args.threshold,
                       kwp_per_m2=args.kwp_per_m2, performance_ratio=args.performance_ratio,
                       include_facades=args.facades)
    opt.validate()
    return opt


def _output_kind(out) -> str | None:
    if not out:
        return None
    low = str(out).lower()
    for ext in OUTPUT_KINDS:
        if low.endswith(ext):
            return ext
    raise InputError(out, "solar writes .csv, .geojson or .city.json; give an output name ending in one of them")


def run(args) -> int:
    from stadtbild.analysis.solar import compute_solar, model_site, scenario_difference
    from stadtbild.analysis.weather import read_weather

    kind = _output_kind(args.output)
    opt = _options(args)
    weather = read_weather(args.weather) if args.weather else None
    scenario_path = getattr(args, "scenario", None)
    args.scenario = None
    base_model = common.load_model(args)
    model = common.apply_scenario_file(base_model, scenario_path) if scenario_path else base_model
    if scenario_path and not args.json:
        import sys

        for w in model.warnings:
            if w not in base_model.warnings:
                sys.stderr.write(f"warning: {scenario_path}: {w}\n")
    common.check_output_not_source(args.output, model.sources)
    scene = model.scene(lod=args.lod)
    if scene.n_triangles == 0:
        raise InputError(args.files[0], "nothing to analyse: the model has no surface geometry")
    progress = common.Progress(1, "solar", enabled=None if not args.json else False)
    shared = base_rc = None
    if scenario_path:
        from stadtbild.analysis.scenario_rays import before_after_scene, shared_rays_enabled

        if shared_rays_enabled():  # opt-in: STADTBILD_SHARED_RAYS=1 (same results, see the module)
            shared = before_after_scene(base_model.scene(lod=args.lod), scene)
    if shared is not None:
        from stadtbild.analysis.scenario_rays import TwoStateCaster

        base_rc = TwoStateCaster(shared)  # common objects in one BVH, each state's own in a small one
        base_rc.use("after")
        scene = shared.scene  # its first part is the after scene 1:1 (same surface numbering)
        result = compute_solar(scene, weather, opt, model=model, progress=progress, raycaster=base_rc,
                               site=model_site(shared.scene_after))  # the site of the scene alone
    else:
        result = compute_solar(scene, weather, opt, model=model, progress=progress)
    if len(result.surfaces) == 0:
        raise InputError(args.files[0], "no roof surfaces found (no RoofSurface semantics and no "
                                        "building faces tilted less than 75°)")
    summary = result.summary()
    summary["crs"] = model.crs.name
    if scenario_path:
        if shared is not None:
            base_rc.use("before")
            base = compute_solar(shared.scene, result.weather, opt, model=base_model, raycaster=base_rc,
                                 site=model_site(shared.scene_before))
        else:
            base = compute_solar(base_model.scene(lod=args.lod), result.weather, opt, model=base_model)
        diff = scenario_difference(base, result)
        summary["scenario"] = {
            "path": str(scenario_path),
            "base_total_kwh_a": round(float(base.yield_kwh_a.sum()), 1),
            "neighbour_loss_kwh_a": round(diff["neighbour_loss_kwh_a"], 1),
            "neighbour_change_kwh_a": round(diff["neighbour_change_kwh_a"], 1),
            "affected": [{"id": b, "change_kwh_a": round(diff["buildings"][b]["change_kwh_a"], 1)}
                         for b in diff["affected"]],
            "changed_count": diff["changed_count"],
            "inserted": diff["inserted"],
            "removed": diff["removed"],
        }
    if kind:
        from stadtbild.exporters.analysis_files import write_solar

        write_solar(args.output, result, model, scene, kind)
        summary["path"] = str(args.output)
    if args.json:
        common.print_json(summary)
        return 0
    _print_text(summary, result)
    return 0


def _print_text(summary, result) -> None:
    print(f"{summary['surfaces']} roof surfaces on {summary['buildings']} buildings, "
          f"{summary['roof_area_m2']:.0f} m² roof, {summary['suitable_area_m2']:.0f} m² suitable")
    print(f"weather: {summary['weather']} (GHI {summary['annual_ghi_kwh_m2']:.0f} kWh/m²·a)")
    print(f"mean irradiation {summary['mean_kwh_m2a']:.0f} kWh/m²·a; PV {summary['total_kwp']:.1f} kWp, "
          f"{summary['total_kwh_a'] / 1000:.1f} MWh/a")
    for n in summary["notes"]:
        print(f"note: {n}")
    sc = summary.get("scenario")
    if sc:
        print(f"scenario: neighbours lose {sc['neighbour_loss_kwh_a'] / 1000:.2f} MWh/a "
              f"({len(sc['affected'])} buildings affected)")
    if summary.get("path"):
        print(f"-> {summary['path']}")
