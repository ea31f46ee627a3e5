"""``main.py bplan FILE --plan PLAN.gml [--scenario S] [-o report.{geojson,gpkg,pdf,csv}] [--json]``:
check a variant against an XPlanGML Bebauungsplan (see :mod:`analysis.bplan` for the checks).

The plan is reprojected to the model CRS; every building standing in the plan area is checked,
the scenario's inserted buildings first. ``--json`` prints one object with ``plans``,
``baufenster``, ``buildings_checked``, ``violations`` [{id, kind, amount, …}] and ``crs`` (plus
the per-building and per-zone tables, assumptions and warnings).
"""
from __future__ import annotations

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("bplan", help="check a variant against an XPlanGML Bebauungsplan (Baufenster, heights, "
                                     "storeys, GRZ/GFZ)")
    common.add_model_arguments(p)
    p.add_argument("--plan", metavar="PLAN.gml", required=True,
                   help="XPlanGML Bebauungsplan (4.x, 5.x, 6.0), reprojected to the model CRS")
    p.add_argument("--tolerance", type=float, default=0.01, metavar="M",
                   help="deviations up to this many metres are not reported (default 0.01)")
    p.add_argument("--storey-height", type=float, default=None, metavar="M",
                   help="gross storey height for the storey and floor-area estimate (default 3.0)")
    p.add_argument("--bezugshoehe", type=float, default=None, metavar="M",
                   help="reference height (m NHN) for heights relative to the Bezugshöhe (default: the plan's)")
    p.add_argument("--street-height", type=float, default=None, metavar="M",
                   help="street / pavement height (m NHN) for heights relative to the street")
    p.add_argument("--title", help="title of the PDF report")
    p.set_defaults(func=run)


def load_variant(args):
    """(base model, variant model, inserted ids, changed ids, scenario name) from FILE… and
    --scenario, with --terrain / --layer / --bbox applied as every command does."""
    scenario = getattr(args, "scenario", None)
    args.scenario = None
    try:
        model = common.load_model(args)
    finally:
        args.scenario = scenario
    if not scenario:
        return model, model, [], [], None
    from stadtbild.importers import LOADERS
    from stadtbild.model.scenario import Scenario

    sc = Scenario.load(scenario)
    variant = sc.apply(model, loaders=LOADERS)
    rep = sc.last_report
    changed = [i for i in (rep.changed if rep else []) if i in variant.objects]
    return model, variant, list(rep.inserted if rep else []), changed, sc.name


def read_plan(path, model):
    """The plan in the model's CRS (its own CRS when the model has none)."""
    from pathlib import Path

    from stadtbild.importers.xplanung import read_xplanung

    if not Path(path).exists():
        raise InputError(path, "no such file")
    return read_xplanung(path, crs=model.crs if model.crs else None)


def run(args) -> int:
    import shapely

    from stadtbild.analysis.bplan import check_compliance
    from stadtbild.analysis.metrics import STOREY_HEIGHT_M

    out = args.output
    if out:
        from stadtbild.exporters.bplan import FORMATS

        if not str(out).lower().endswith(FORMATS):
            raise InputError(out, f"bplan writes {', '.join(FORMATS)}; give an output name ending in one of them")
    if not (0 <= args.tolerance < 10):
        raise InputError(None, f"--tolerance must be between 0 and 10 m, got {args.tolerance:g}")
    storey = STOREY_HEIGHT_M if args.storey_height is None else args.storey_height
    if not (1.5 <= storey <= 10):
        raise InputError(None, f"--storey-height must be between 1.5 and 10 m, got {storey:g}")
    base, model, inserted, changed, sc_name = load_variant(args)
    common.check_output_not_source(out, list(model.sources) + [args.plan])
    plan = read_plan(args.plan, model)
    if not model.crs:
        plan.warn("the city model has no CRS: the plan's coordinates are used as they are")
    result = check_compliance(model, plan, inserted=inserted, changed=changed, lod=args.lod,
                              tolerance_m=args.tolerance, storey_height_m=storey, bezugshoehe_m=args.bezugshoehe,
                              street_height_m=args.street_height)
    bb = model.bbox()
    if bb is not None and not plan.geltungsbereich().intersects(shapely.box(bb[0], bb[1], bb[3], bb[4])):
        result.warnings.insert(0, f"the plan area does not overlap the city model (plan {plan.crs.name}, model "
                                  f"{model.crs.name}): no building was checked")
    summary = result.summary()
    summary["scenario"] = sc_name
    if out:
        from stadtbild.exporters.bplan import write

        summary["output"] = write(result, out, title=args.title, scenario_name=sc_name)
        summary["path"] = str(out)
    if args.json:
        common.print_json(summary)
        return 0
    for w in result.warnings:
        print(f"warning: {w}")
    print(f"Bebauungsplan {summary['plan'] or args.plan} (XPlanGML {plan.version}), {summary['baufenster']} Baufenster, "
          f"CRS {summary['crs'] or 'unknown'}")
    print(f"{summary['buildings_checked']} buildings checked, {summary['compliant_buildings']} compliant, "
          f"{len(summary['violations'])} violations" + (f" -> {out}" if out else ""))
    for v in summary["violations"][:40]:
        print(f"  {v['id']:<40} {v['kind']:<9} {v['amount']:>9.3f} {v['unit']:<8} {v.get('detail', '')}")
    if len(summary["violations"]) > 40:
        print(f"  … {len(summary['violations']) - 40} more (use --json or -o)")
    for z in summary["zones"]:
        if not z["compliant"]:
            print(f"  zone {z['id']}: GRZ {z['grz']:.3f}, GFZ {z['gfz']:.3f}")
    return 0
