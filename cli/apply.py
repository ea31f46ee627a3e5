"""``main.py apply FILE --scenario S.json -o out.city.json [--json]``: write the edited model.

The scenario's edits (docs/ARCHITECTURE.md "Scenario file") are applied to the model read from FILE and the
result is written as CityJSON 2.0 (``.city.jsonl`` / ``.jsonl``: CityJSONSeq). The source files are
never written. ``--project P.stadtbild --variant NAME`` takes the scenario (and, without FILE, the
source files) from a project file. ``--json`` prints {path, format, objects, demolished, inserted}
(counts) plus the id lists ``demolished_ids`` / ``inserted_ids`` and ``warnings``.
"""
from __future__ import annotations

import sys

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("apply", help="apply a scenario (demolish, insert, extrude …) and write the edited model as CityJSON")
    p.add_argument("files", metavar="FILE", nargs="*",
                   help="city model file(s): CityJSON, CityJSONSeq, CityGML, or a folder of tiles "
                        "(default: the sources of --project)")
    p.add_argument("--crs", help="override the model CRS, e.g. EPSG:25832")
    p.add_argument("--scenario", metavar="S.json", help="the scenario file (*.scenario.json)")
    p.add_argument("--project", metavar="P.stadtbild", help="take the scenario from a project file")
    p.add_argument("--variant", metavar="NAME", help="scenario name in --project (default: the active one)")
    p.add_argument("-o", "--output", metavar="OUT", help="output .city.json (or .city.jsonl for CityJSONSeq)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the headline figures")
    p.set_defaults(func=run)


def _scenario_and_files(args):
    from stadtbild.model.scenario import Scenario

    if args.scenario and args.project:
        raise InputError(None, "give either --scenario or --project, not both")
    if args.scenario:
        if not args.files:
            raise InputError(None, "apply needs a FILE to edit")
        return Scenario.load(args.scenario), list(args.files)
    if args.project:
        from stadtbild.model.project import Project

        proj = Project.open(args.project)
        for w in proj.warnings:
            if not args.json:
                sys.stderr.write(f"warning: {args.project}: {w}\n")
        name = args.variant or proj.active_scenario or (proj.scenarios[0].name if proj.scenarios else None)
        if name is None:
            raise InputError(args.project, "the project has no scenarios")
        files = list(args.files) or [s["path"] for s in proj.sources]
        if not files:
            raise InputError(args.project, "the project has no source files; give FILE")
        return proj.scenario(name), files
    raise InputError(None, "apply needs --scenario S.json (or --project P.stadtbild)")


def run(args) -> int:
    if not args.output:
        raise InputError(None, "apply needs -o OUT.city.json")
    out = str(args.output)
    seq = out.lower().endswith((".jsonl", ".cjseq"))
    if not (seq or out.lower().endswith(".json")):
        raise InputError(args.output, "apply writes CityJSON; give an output name ending in .city.json or .city.jsonl")
    scenario, files = _scenario_and_files(args)
    args.files = files
    args.scenario_file, args.scenario = args.scenario, None
    args.bbox = None
    model = common.load_model(args)
    common.check_output_not_source(args.output, list(model.sources) + list(files))
    from stadtbild.importers import LOADERS

    edited = scenario.apply(model, loaders=LOADERS)
    rep = scenario.last_report
    if not args.json:
        for w in rep.warnings:
            sys.stderr.write(f"warning: {args.scenario_file or args.project}: {w}\n")
    from stadtbild.exporters.cityjson import write_cityjson, write_cityjsonseq

    (write_cityjsonseq if seq else write_cityjson)(edited, args.output)
    result = {
        "path": str(args.output),
        "format": "CityJSONSeq" if seq else "CityJSON",
        "version": "2.0",
        "scenario": scenario.name,
        "objects": len(edited.objects),
        "demolished": len(rep.demolished),
        "inserted": len(rep.inserted),
        "demolished_ids": list(rep.demolished),
        "inserted_ids": list(rep.inserted),
        "warnings": list(rep.warnings),
    }
    if args.json:
        common.print_json(result)
    else:
        print(f"{scenario.name}: {len(rep.demolished)} demolished, {len(rep.inserted)} inserted, "
              f"{len(edited.objects)} objects -> {args.output}")
    return 0
