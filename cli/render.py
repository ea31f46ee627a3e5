"""``main.py render FILE -o out.png [--size 1920x1080] [--view iso|top|north|…]``."""
from __future__ import annotations

from model.errors import InputError

from . import common


def add_parser(sub) -> None:
    p = sub.add_parser("render", help="render the model to a PNG off-screen")
    common.add_model_arguments(p)
    p.add_argument("--size", default="1920x1080", help="image size WxH in pixels (default 1920x1080)")
    p.add_argument("--view", default="iso", help="iso, iso-ne, iso-nw, iso-se, top, north, south, east, west")
    p.add_argument("--colour", "--color", dest="colour", default="auto", choices=["auto", "surface", "type"],
                   help="colour by semantic surface, by object type, or auto")
    p.add_argument("--title", help="title text drawn on the image")
    p.set_defaults(func=run)


def run(args) -> int:
    from viewer.camera import VIEWS

    if not args.output:
        raise InputError(None, "render needs -o OUT.png")
    if not str(args.output).lower().endswith(".png"):
        raise InputError(args.output, "render writes PNG images; give an output name ending in .png")
    if args.view not in VIEWS:
        raise InputError(None, f"unknown --view {args.view!r} (choose from {', '.join(VIEWS)})")
    size = common.parse_size(args.size)
    model = common.load_model(args)
    common.check_output_not_source(args.output, model.sources)
    scene = model.scene(lod=args.lod)
    if scene.n_triangles == 0:
        raise InputError(args.files[0], "nothing to render: the model has no surface geometry")
    from viewer.render import render_scene

    render_scene(scene, args.output, size=size, view=args.view, colour_mode=args.colour, title=args.title)
    if args.json:
        common.print_json({"path": str(args.output), "size": list(size), "view": args.view,
                           "triangles": scene.n_triangles, "objects": len(scene.object_ids)})
    return 0
