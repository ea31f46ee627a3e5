"""``main.py convert IN… OUT.city.json [--crs EPSG:xxxx] [--public] [--json]``: convert CityGML 1.0/2.0/3.0,
CityJSON or CityJSONSeq file(s) (several = one model, e.g. tiles) to CityJSON 2.0, or to
CityJSONSeq when OUT ends in ``.city.jsonl``. ``--json`` prints {path, format, objects,
demolished, inserted} (the last two are 0: convert does not edit) plus ``crs`` and ``warnings``.
"""
from __future__ import annotations

import sys

from stadtbild.model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("convert", help="convert CityGML / CityJSON / CityJSONSeq to CityJSON 2.0 "
                                       "(or CityJSONSeq for OUT.city.jsonl)")
    p.add_argument("paths", metavar="IN… OUT", nargs="+",
                   help="input file(s) or folder(s) of tiles, then the output file (.city.json or .city.jsonl)")
    p.add_argument("--crs", help="override the input CRS, e.g. EPSG:25832")
    p.add_argument("--json", action="store_true", help="print one JSON object with path, format, objects")
    from .export import add_public_arguments

    add_public_arguments(p)  # --public, --public-config
    p.set_defaults(func=run)


def _output_format(out: str) -> str:
    name = out.lower()
    if name.endswith(".jsonl"):
        return "CityJSONSeq"
    if name.endswith(".json"):
        return "CityJSON"
    raise InputError(out, "the output must end in .city.json (CityJSON 2.0) or .city.jsonl (CityJSONSeq)")


def run(args) -> int:
    if len(args.paths) < 2:
        raise InputError(None, "convert needs input file(s) and an output name, e.g. "
                               "convert tile.gml tile.city.json")
    *inputs, out = args.paths
    fmt = _output_format(out)
    args.files = inputs
    model = common.load_model(args)
    common.check_output_not_source(out, list(model.sources) + list(inputs))
    from .export import make_public

    model, n_private = make_public(args, model)
    from stadtbild.exporters.cityjson import write_cityjson, write_cityjsonseq

    warnings = list(model.warnings)
    lod4 = [g for g in model.geometries if g.lod is not None and str(g.lod).split(".")[0] == "4"]
    if lod4:  # CityJSON knows LoD 0–3; CityGML 2.0 LoD4 (interiors) is LoD 3 in CityGML 3.0 too
        for g in lod4:
            g.lod = "3" + str(g.lod)[1:]
        warnings.append(f"{len(lod4)} CityGML LoD4 geometries written as LoD 3 (CityJSON has LoD 0–3)")
        if not args.json:
            sys.stderr.write(f"warning: {out}: {warnings[-1]}\n")
    if not model.crs:
        warnings.append("the model has no known CRS: the output has no referenceSystem")
        if not args.json:
            sys.stderr.write(f"warning: {out}: {warnings[-1]}\n")
    if fmt == "CityJSONSeq":
        write_cityjsonseq(model, out)
    else:
        write_cityjson(model, out)
    result = {"path": str(out), "format": fmt, "objects": len(model.objects), "demolished": 0, "inserted": 0,
              "crs": model.crs.name, "source_format": model.format, "warnings": warnings}
    if getattr(args, "public", False):
        result.update(public=True, internal_values_removed=n_private)
    if args.json:
        common.print_json(result)
    else:
        print(f"wrote {out}: {len(model.objects)} objects ({fmt} 2.0, CRS {model.crs.name or 'unknown'})")
    return 0
