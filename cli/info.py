"""``main.py info FILE… [--json]``: format, version, CRS, counts, LoDs, bbox, vertices, triangles."""
from __future__ import annotations

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="describe a city model (format, CRS, counts, bbox …)")
    common.add_model_arguments(p, output=False)
    p.set_defaults(func=run)


def run(args) -> int:
    model = common.load_model(args)
    info = model.info()
    if args.json:
        common.print_json(info)
        return 0
    print(f"format:     {info['format']} {info['version'] or ''}")
    print(f"files:      {', '.join(info['files'])}")
    print(f"CRS:        {info['crs'] or 'unknown'}" + (f" + {info['vertical_crs']}" if info.get("vertical_crs") else ""))
    print(f"objects:    {info['objects']}")
    for t, n in info["object_counts"].items():
        print(f"  {t:<28}{n:>8}")
    print(f"LoDs:       {', '.join(info['lods']) or '-'}")
    if info["bbox"]:
        b = info["bbox"]
        print(f"bbox:       x {b[0]:.3f} … {b[3]:.3f}, y {b[1]:.3f} … {b[4]:.3f}, z {b[2]:.3f} … {b[5]:.3f}")
    else:
        print("bbox:       - (no geometry)")
    print(f"vertices:   {info['vertices']}")
    print(f"triangles:  {info['triangles']}")
    if info["semantic_surfaces"]:
        print("surfaces:   " + ", ".join(f"{k} {v}" for k, v in info["semantic_surfaces"].items()))
    return 0
