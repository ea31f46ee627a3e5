"""Media output for presentations: high-resolution stills with legend, north arrow, scale bar,
title and data credit; MP4 videos of camera tours and sun animations; before/after side by side.

Rendering is off-screen (EGL without a display, see :func:`viewer.render.prepare_offscreen`) at
the requested size in one piece (no tiling, so 2D decorations stay whole); a 7680×4320 RGBA frame
plus depth buffer is ~260 MB in Mesa/llvmpipe, checked against the free memory first
(:func:`check_memory`). Decorations are drawn onto the finished frame with Pillow, sized relative
to the image height (a 1080 p layout scaled up), so they are crisp at any resolution:

* north arrow: points to grid north (+y of the model CRS) as seen on the screen — the direction
  from the projected focal point to the projected point a few metres north of it;
* scale bar: a round length (1, 2 or 5 × 10^k m) at the focal point's distance (perspective:
  metres per pixel = 2·d·tan(θ/2)/height, exact at the view centre only, labelled so);
* legend: colour swatches of what is shown (surface types or object types present, before/after
  classes, shadow);
* title (upper left) and data credit (lower right, e.g. "Daten: Geobasis NRW, dl-de/zero-2.0").

Videos are H.264 in an MP4 container with yuv420p pixels (plays in PowerPoint, browsers, VLC),
written through ``imageio_ffmpeg.write_frames`` to a temporary file that replaces the target only
when complete. Every exporter takes ``progress(done, total)`` and ``cancelled()`` callbacks; on
cancel the temporary file is removed and :class:`ExportCancelled` is raised (unless the progress
callback raises its own exception first, as ``app.workers`` jobs do).
"""
from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from stadtbild.model.scene import Scene

from .screen import metres_per_pixel, nice_length, north_on_screen_deg

DEFAULT_FPS = 30
#: bytes per pixel the off-screen frame needs (RGBA colour + depth/stencil + read-back copies)
BYTES_PER_PIXEL = 16

#: German legend labels of the semantic surface types
SURFACE_LABELS = {
    "RoofSurface": "Dach", "WallSurface": "Wand", "GroundSurface": "Grundfläche",
    "ClosureSurface": "Abschlussfläche", "OuterCeilingSurface": "Außendecke", "OuterFloorSurface": "Außenboden",
    "Window": "Fenster", "Door": "Tür", "WaterSurface": "Wasser", "TrafficArea": "Verkehrsfläche",
    "AuxiliaryTrafficArea": "Nebenverkehrsfläche", "Terrain": "Gelände",
}
TYPE_LABELS = {
    "Building": "Gebäude", "BuildingPart": "Gebäudeteil", "Road": "Straße", "Railway": "Bahn",
    "WaterBody": "Gewässer", "PlantCover": "Vegetation", "LandUse": "Landnutzung", "Bridge": "Brücke",
    "TINRelief": "Gelände", "GenericCityObject": "Sonstiges", "SolitaryVegetationObject": "Baum",
    "CityFurniture": "Stadtmöblierung", "Tunnel": "Tunnel",
}
NEW_RGB = (230, 140, 30)
GHOST_RGB = (120, 150, 210)
SHADOW_RGBA = (35, 40, 80, 150)


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written."""


def _never() -> bool:
    return False


def check_memory(size, factor: int = BYTES_PER_PIXEL) -> int:
    """Bytes an off-screen frame of ``size`` needs; MemoryError when the machine has less than
    twice that available (psutil)."""
    need = int(size[0]) * int(size[1]) * factor
    try:
        import psutil

        avail = psutil.virtual_memory().available
    except Exception:  # noqa: BLE001 — no psutil: trust the caller
        return need
    if avail < 2 * need:
        raise MemoryError(f"a {size[0]}×{size[1]} image needs about {need / 2**20:.0f} MB, "
                          f"only {avail / 2**20:.0f} MB free")
    return need


# ---------------------------------------------------------------------------- legend helpers
def scene_legend(scene: Scene, colour_mode: str = "auto") -> list[tuple[str, tuple]]:
    """[(label, rgb 0..255)] of the colours :func:`viewer.scene_view.triangle_colours` uses for
    what is present in ``scene`` (semantic surfaces first, then object types without semantics)."""
    from stadtbild.model.semantics import SURFACE_CODE, SURFACE_TYPES

    from .scene_view import DEFAULT_COLOUR, SURFACE_COLOURS, TYPE_COLOURS

    out = []
    if scene.n_triangles == 0:
        return out
    codes = np.unique(scene.surface_type)
    unknown = SURFACE_CODE["Unknown"]
    if colour_mode != "type":
        for c in codes:
            if c != unknown or colour_mode == "surface":
                name = SURFACE_TYPES[int(c)]
                out.append((SURFACE_LABELS.get(name, name), SURFACE_COLOURS.get(name, DEFAULT_COLOUR)))
    if colour_mode != "surface":
        no_sem = scene.surface_type == unknown if colour_mode == "auto" else np.ones(scene.n_triangles, bool)
        types = sorted({scene.object_types[k] for k in np.unique(scene.object_index[no_sem])})
        seen = {lab for lab, _ in out}
        for t in types:
            lab = TYPE_LABELS.get(t, t)
            if lab not in seen:
                out.append((lab, TYPE_COLOURS.get(t, DEFAULT_COLOUR)))
                seen.add(lab)
    return out


# ---------------------------------------------------------------------------- decorations
def _font(px: int, bold: bool = False):
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans",
                                                             weight="bold" if bold else "normal"))
    return ImageFont.truetype(path, max(6, int(px)))


def camera_geometry(renderer) -> dict:
    """North direction on the screen (degrees counter-clockwise from screen-up, grid north) and
    metres per pixel at the focal point, from a rendered VTK renderer (:mod:`viewer.screen`)."""
    angle = north_on_screen_deg(renderer)
    return {"north_deg": 0.0 if angle is None else angle, "metres_per_px": metres_per_pixel(renderer),
            "size": tuple(renderer.GetSize())}


def decorate(image: np.ndarray, geometry: dict | None = None, title: str | None = None,
             subtitle: str | None = None, credit: str | None = None, legend=None, legend_title: str | None = None,
             north: bool = True, scale: bool = True, crs_name: str | None = None, colour_bars=None,
             labels=None) -> np.ndarray:
    """Draw title, subtitle, legend, north arrow, scale bar, colour bars, point labels and credit
    onto an (h, w, 3) uint8 frame; returns the new frame. Sizes follow the image height (1 unit =
    height / 1080). Legend rows with ``rgb`` None are text only. ``colour_bars``: [{"title",
    "cmap", "clim"}] (horizontal bars, lower right); ``labels``: [((x, y) image pixels, text)]
    drawn right of the point with a white halo."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(np.ascontiguousarray(image[:, :, :3]))
    draw = ImageDraw.Draw(img, "RGBA")
    w, h = img.size
    u = h / 1080.0
    pad = 24 * u
    box = (255, 255, 255, 215)
    ink = (20, 20, 20, 255)

    def panel(x0, y0, x1, y1):
        draw.rounded_rectangle([x0, y0, x1, y1], radius=8 * u, fill=box)

    if title:
        ft = _font(44 * u, bold=True)
        fs = _font(26 * u)
        tw = draw.textlength(title, font=ft)
        sw = draw.textlength(subtitle, font=fs) if subtitle else 0
        hh = 58 * u + (38 * u if subtitle else 0)
        panel(pad, pad, pad + max(tw, sw) + 40 * u, pad + hh)
        draw.text((pad + 20 * u, pad + 8 * u), title, font=ft, fill=ink)
        if subtitle:
            draw.text((pad + 20 * u, pad + 60 * u), subtitle, font=fs, fill=ink)
    elif subtitle:
        fs = _font(30 * u, bold=True)
        panel(pad, pad, pad + draw.textlength(subtitle, font=fs) + 40 * u, pad + 52 * u)
        draw.text((pad + 20 * u, pad + 8 * u), subtitle, font=fs, fill=ink)
    if north and geometry is not None:
        r = 42 * u
        cx, cy = w - pad - r - 34 * u, pad + r + 44 * u
        panel(cx - r - 34 * u, cy - r - 44 * u, cx + r + 34 * u, cy + r + 34 * u)
        a = math.radians(geometry["north_deg"])
        up = np.array([-math.sin(a), -math.cos(a)])  # image y grows downwards
        side = np.array([-up[1], up[0]])
        c = np.array([cx, cy])
        tip, tail = c + up * r, c - up * r
        left, right = c - side * r * 0.38, c + side * r * 0.38
        draw.polygon([tuple(tip), tuple(right), tuple(tail)], fill=(178, 34, 34, 255))
        draw.polygon([tuple(tip), tuple(tail), tuple(left)], fill=(90, 20, 20, 255))
        fn = _font(30 * u, bold=True)
        lab = c + up * (r + 20 * u)
        draw.text(tuple(lab), "N", font=fn, fill=ink, anchor="mm")
    if legend:
        fl = _font(24 * u)
        flt = _font(26 * u, bold=True)
        row = 38 * u
        width = max(draw.textlength(lab, font=fl) for lab, _ in legend) + 90 * u
        if legend_title:
            width = max(width, draw.textlength(legend_title, font=flt) + 40 * u)
        height = row * len(legend) + 24 * u + (row if legend_title else 0)
        x0 = w - pad - width
        y0 = pad + 180 * u
        panel(x0, y0, x0 + width, y0 + height)
        y = y0 + 12 * u
        if legend_title:
            draw.text((x0 + 20 * u, y), legend_title, font=flt, fill=ink)
            y += row
        for lab, rgb in legend:
            if rgb is None:
                draw.text((x0 + 20 * u, y + 2 * u), lab, font=fl, fill=ink)
                y += row
                continue
            rgba = tuple(int(c) for c in rgb) + ((255,) if len(rgb) == 3 else ())
            draw.rectangle([x0 + 20 * u, y + 4 * u, x0 + 56 * u, y + 30 * u], fill=rgba, outline=(60, 60, 60, 255),
                           width=max(1, int(u)))
            draw.text((x0 + 70 * u, y + 2 * u), lab, font=fl, fill=ink)
            y += row
    bottom = h - pad
    if scale and geometry is not None and geometry["metres_per_px"] > 0:
        mpp = geometry["metres_per_px"]
        metres = nice_length(260 * u * mpp)
        px = metres / mpp
        fsb = _font(24 * u, bold=True)
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        tw = draw.textlength(label, font=fsb)
        x0, y0 = pad, bottom - 70 * u
        panel(x0, y0, x0 + px + tw + 70 * u, bottom)
        bx, by = x0 + 20 * u, bottom - 26 * u
        half = px / 2
        draw.rectangle([bx, by - 10 * u, bx + half, by], fill=(20, 20, 20, 255))
        draw.rectangle([bx + half, by - 10 * u, bx + px, by], fill=(255, 255, 255, 255), outline=(20, 20, 20, 255),
                       width=max(1, int(2 * u)))
        draw.text((bx + px + 14 * u, by - 5 * u), label, font=fsb, fill=ink, anchor="lm")
        if 16 * u >= 9:  # too small to read on low-resolution frames: left out
            draw.text((bx, y0 + 8 * u), "Maßstab in Bildmitte", font=_font(16 * u), fill=(70, 70, 70, 255))
    lines = [t for t in (credit, crs_name) if t]
    credit_h = 30 * u * len(lines) + 12 * u if lines else 0.0
    if labels:
        fl = _font(22 * u, bold=True)
        for (px, py), text in labels:
            if 0 <= px < w and 0 <= py < h:
                draw.text((px + 12 * u, py - 2 * u), text, font=fl, fill=ink, anchor="lm",
                          stroke_width=max(1, int(3 * u)), stroke_fill=(255, 255, 255, 235))
    if colour_bars:
        _draw_colour_bars(draw, colour_bars, w, bottom - credit_h - (14 * u if lines else 0), u, pad, panel, ink)
    if lines:
        fc = _font(20 * u)
        widths = [draw.textlength(t, font=fc) for t in lines]
        x1 = w - pad
        height = 30 * u * len(lines) + 12 * u
        panel(x1 - max(widths) - 30 * u, bottom - height, x1, bottom)
        for k, t in enumerate(lines):
            draw.text((x1 - 15 * u, bottom - height + 8 * u + 30 * u * k), t, font=fc, fill=(50, 50, 50, 255),
                      anchor="ra")
    return np.asarray(img)


def _draw_colour_bars(draw, bars, w, bottom, u, pad, panel, ink) -> None:
    """Horizontal colour bars stacked upwards from ``bottom`` at the right edge: title, gradient,
    five tick values (e.g. "Wassertiefe [m]" 0.00 … 1.50)."""
    from .drape import ramp_colours

    bw, bh = 420 * u, 22 * u
    ft, fv = _font(24 * u, bold=True), _font(20 * u)
    y1 = bottom
    for bar in bars:
        height = 118 * u
        x0, y0 = w - pad - bw - 40 * u, y1 - height
        panel(x0, y0, w - pad, y1)
        draw.text((x0 + 20 * u, y0 + 10 * u), str(bar["title"]), font=ft, fill=ink)
        gx0, gy0 = x0 + 20 * u, y0 + 46 * u
        cols = (ramp_colours(bar["cmap"], 256) * 255).round().astype(int)
        n = max(int(bw), 2)
        for k in range(n):
            c = cols[int(k * 255 / (n - 1))]
            draw.line([(gx0 + k, gy0), (gx0 + k, gy0 + bh)], fill=(int(c[0]), int(c[1]), int(c[2]), 255))
        draw.rectangle([gx0, gy0, gx0 + bw, gy0 + bh], outline=(60, 60, 60, 255), width=max(1, int(u)))
        lo, hi = bar["clim"]
        for k in range(5):
            v = lo + (hi - lo) * k / 4
            x = gx0 + bw * k / 4
            draw.line([(x, gy0 + bh), (x, gy0 + bh + 6 * u)], fill=(60, 60, 60, 255), width=max(1, int(u)))
            draw.text((x, gy0 + bh + 8 * u), f"{v:.2f}", font=fv, fill=ink, anchor="ma")
        y1 = y0 - 12 * u


# ---------------------------------------------------------------------------- frames
class SceneRenderer:
    """One off-screen plotter showing a scene (plus ghosts / highlights), reused for many
    frames. ``render(camera)`` returns the (h, w, 3) uint8 frame without decorations."""

    def __init__(self, scene: Scene, size=(1920, 1080), colour_mode: str = "auto", ghost: Scene | None = None,
                 highlight_ids=None, anti_alias: bool = True, overlays=None, picture=None):
        """``picture``: a :class:`viewer.picture.PictureSpec` (orthophoto, rasters, layers, terrain,
        sun and shadows, finish); its finish then decides the anti-aliasing."""
        from .render import make_plotter

        if scene.n_triangles == 0:
            raise ValueError("nothing to render: the model has no surface geometry")
        self.scene = scene
        self.size = (int(size[0]), int(size[1]))
        self.ss = 1
        if picture is not None:
            from .finish import supersampling

            self.ss = supersampling(picture.finish, self.size)
        check_memory((self.size[0] * self.ss, self.size[1] * self.ss))
        self.plotter = make_plotter((self.size[0] * self.ss, self.size[1] * self.ss))
        self.actor = add_scene_highlighted(self.plotter, scene, highlight_ids, colour_mode)
        self.actor_mesh = getattr(self.actor, "_stadtbild_mesh", None)
        if ghost is not None and ghost.n_triangles:
            add_ghost(self.plotter, ghost, scene.origin)
        for name, mesh, kwargs in overlays or ():  # e.g. the Bebauungsplan (viewer.bplan_view.plan_meshes)
            self.plotter.add_mesh(mesh, name=name, **kwargs)
        self.picture = None
        if picture is not None:
            from .picture import Picture

            models = [(self.actor, self.actor_mesh, None)] if self.actor is not None else []
            self.picture = Picture(self.plotter, scene, picture, models=models, size=self.size,
                                   supersample=self.ss)
        elif anti_alias and max(self.size) <= 4096:
            self.plotter.enable_anti_aliasing("ssaa")  # FXAA is not supported with EGL/OSMesa builds
        self.last_render_s = None

    def set_camera(self, camera) -> None:
        camera.apply(self.plotter)

    def project(self, points_local) -> np.ndarray:
        """(n, 2) image pixel coordinates (x right, y down) of local points in the current view."""
        ren = self.plotter.renderer
        out = np.empty((len(points_local), 2))
        h = self.size[1] * self.ss
        for k, p in enumerate(np.asarray(points_local, dtype=float)):
            ren.SetWorldPoint(p[0], p[1], p[2], 1.0)
            ren.WorldToDisplay()
            x, y, _ = ren.GetDisplayPoint()
            out[k] = (x / self.ss, (h - y) / self.ss)
        return out

    def labels(self) -> list:
        """The picture's point/area labels as [((x, y) pixels, text)] for :func:`decorate`."""
        if self.picture is None or not self.picture.labels:
            return []
        xy = self.project([p for p, _ in self.picture.labels])
        return [(tuple(xy[k]), t) for k, (_, t) in enumerate(self.picture.labels)]

    def render(self, camera=None) -> np.ndarray:
        if camera is not None:
            self.set_camera(camera)
        if self.picture is not None:
            self.picture.update_view((self.size[0] * self.ss, self.size[1] * self.ss))
            self.plotter.reset_camera_clipping_range()
        t0 = time.perf_counter()
        self.plotter.render()
        img = self.plotter.screenshot(None, return_img=True)
        img = np.ascontiguousarray(img[:, :, :3])
        if self.ss > 1:  # box filter: each pixel the mean of ss × ss samples
            h, w = self.size[1], self.size[0]
            img = img[:h * self.ss, :w * self.ss].reshape(h, self.ss, w, self.ss, 3).mean(axis=(1, 3))
            img = np.round(img).astype(np.uint8)
        self.last_render_s = time.perf_counter() - t0
        return img

    def geometry(self) -> dict:
        g = camera_geometry(self.plotter.renderer)
        g["metres_per_px"] *= self.ss  # the frame is reduced by the supersampling factor
        g["size"] = self.size
        return g

    def close(self) -> None:
        self.plotter.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def add_scene_highlighted(plotter, scene: Scene, highlight_ids=None, colour_mode: str = "auto"):
    """:func:`viewer.scene_view.add_scene` with the objects ``highlight_ids`` (new buildings of a
    variant) coloured :data:`NEW_RGB`."""
    from .scene_view import ground_plane, scene_to_polydata

    mesh = scene_to_polydata(scene, colour_mode)
    if highlight_ids and mesh.n_cells:
        wanted = set(highlight_ids)
        sel = np.array([oid in wanted for oid in scene.object_ids] or [False])
        rgb = np.array(mesh.cell_data["rgb"])
        rgb[sel[scene.object_index]] = NEW_RGB
        mesh.cell_data["rgb"] = rgb
    actor = None
    if mesh.n_cells:
        actor = plotter.add_mesh(mesh, scalars="rgb", rgb=True, name="model", show_edges=False, lighting=True,
                                 smooth_shading=False, ambient=0.25, diffuse=0.75, specular=0.05)
        actor._stadtbild_mesh = mesh  # the PolyData drawn (viewer.picture re-meshes it for the light map)
        plotter.add_mesh(ground_plane(scene), color=(0.93, 0.93, 0.9), name="model-ground", pickable=False,
                         ambient=0.4, diffuse=0.6)
    return actor


def add_ghost(plotter, ghost: Scene, origin, name: str = "ghost", opacity: float = 0.28):
    """Demolished buildings (``ghost``, a scene of the objects removed) drawn translucent blue-grey
    in the frame of a scene with local ``origin``."""
    from .scene_view import scene_to_polydata

    mesh = scene_to_polydata(ghost)
    mesh.points = mesh.points + (np.asarray(ghost.origin) - np.asarray(origin))
    return plotter.add_mesh(mesh, color=np.array(GHOST_RGB) / 255, opacity=opacity, name=name, pickable=False,
                            lighting=True, ambient=0.4, diffuse=0.6)


def _save_png(image: np.ndarray, out_path) -> str:
    from PIL import Image

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp.png")
    Image.fromarray(image).save(tmp, "PNG", compress_level=4)
    os.replace(tmp, out_path)
    return str(out_path)


def screenshot(scene: Scene, out_path, size=(7680, 4320), camera=None, view: str = "iso", title=None,
               credit=None, subtitle=None, colour_mode: str = "auto", legend=None, ghost: Scene | None = None,
               highlight_ids=None, progress=None, overlays=None, bounds=None, extra_legend=None, picture=None,
               decorations: bool = True) -> dict:
    """A decorated still of ``scene`` (PNG, written atomically). ``camera``: a
    :class:`viewer.camera.CameraState` (or bookmark dict in model coordinates), else the preset
    ``view`` framed on ``bounds`` ((2, 3) local, default the scene's). ``overlays``: extra
    [(name, PolyData, add_mesh kwargs)] in the scene's frame, ``extra_legend`` their legend rows.
    ``picture``: a :class:`viewer.picture.PictureSpec` (orthophoto, rasters, layers, sun …) whose
    legend rows, colour bars, labels and sun caption join the decorations (``decorations=False``:
    labels only). Returns {"path", "size", "render_s", "total_s", "camera" (model CRS),
    "picture" (what the picture shows)}."""
    from .camera import CameraState, resolve_view

    t0 = time.perf_counter()
    progress = progress or (lambda *_a: None)
    progress(0, 3)
    cam = camera if isinstance(camera, CameraState) else resolve_view(
        camera if camera is not None else view, scene.bounds if bounds is None else bounds, scene.origin,
        aspect=size[0] / size[1])
    with SceneRenderer(scene, size, colour_mode, ghost=ghost, highlight_ids=highlight_ids, overlays=overlays,
                       picture=picture) as r:
        progress(1, 3)
        frame = r.render(cam)
        geo = r.geometry()
        render_s = r.last_render_s
        labels = r.labels()
        pic = r.picture
        camera_out = camera_record(r.plotter, scene.origin)
    progress(2, 3)
    if legend is None:
        legend = scene_legend(scene, colour_mode)
        if highlight_ids:
            legend.append(("Neu geplant", NEW_RGB))
        if ghost is not None and ghost.n_triangles:
            legend.append(("Abriss (transparent)", GHOST_RGB))
    legend = list(legend) + list(extra_legend or []) + (list(pic.legend) if pic is not None else [])
    crs = scene.crs.name if scene.crs is not None and getattr(scene.crs, "name", None) else None
    if subtitle is None and pic is not None:
        subtitle = pic.caption()
    if decorations:
        frame = decorate(frame, geo, title=title, subtitle=subtitle, credit=credit, legend=legend,
                         legend_title="Legende", crs_name=crs, colour_bars=pic.colour_bars if pic is not None else None,
                         labels=labels)
    elif labels:
        frame = decorate(frame, None, north=False, scale=False, labels=labels)
    _save_png(frame, out_path)
    progress(3, 3)
    out = {"path": str(out_path), "size": [int(frame.shape[1]), int(frame.shape[0])], "render_s": render_s,
           "total_s": time.perf_counter() - t0, "camera": camera_out}
    if pic is not None:
        out["picture"] = pic.summary()
    return out


def camera_record(plotter, origin) -> dict:
    """The plotter's camera in the model CRS (a bookmark: position, focal point, view-up, view
    angle), so a user or a test can reproduce or check the projection of the picture."""
    from .camera import bookmark_from_plotter

    cam = bookmark_from_plotter(plotter, "render", origin=origin)
    cam["parallel_projection"] = bool(plotter.camera.parallel_projection)
    cam["parallel_scale"] = float(plotter.camera.parallel_scale)
    return cam


# ---------------------------------------------------------------------------- video
def even_size(size) -> tuple[int, int]:
    """yuv420p (chroma at half resolution) needs even dimensions."""
    w, h = int(size[0]), int(size[1])
    return max(16, w - w % 2), max(16, h - h % 2)


def write_video(frames, n_frames: int, out_path, size, fps: float = DEFAULT_FPS, progress=None,
                cancelled=None) -> dict:
    """Encode an iterable of (h, w, 3) uint8 frames to an H.264/yuv420p MP4 (atomically).
    Returns {"path", "frames", "fps", "seconds", "encode_s"}."""
    import imageio_ffmpeg

    progress = progress or (lambda *_a: None)
    cancelled = cancelled or _never
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp.mp4")
    w, h = int(size[0]), int(size[1])
    writer = imageio_ffmpeg.write_frames(str(tmp), (w, h), fps=float(fps), codec="libx264", pix_fmt_in="rgb24",
                                         pix_fmt_out="yuv420p", quality=8, macro_block_size=2,
                                         output_params=["-movflags", "+faststart"])
    writer.send(None)
    done = 0
    ok = False
    t0 = time.perf_counter()
    try:
        for frame in frames:
            if cancelled():
                raise ExportCancelled()
            if frame.shape[0] != h or frame.shape[1] != w:
                raise ValueError(f"frame size {frame.shape[1]}×{frame.shape[0]} differs from {w}×{h}")
            writer.send(np.ascontiguousarray(frame[:, :, :3]))
            done += 1
            progress(done, n_frames)
        writer.close()
        ok = True
    finally:
        if not ok:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 — already failing
                pass
            try:
                os.unlink(tmp)
            except OSError:
                pass
    os.replace(tmp, out_path)
    return {"path": str(out_path), "frames": done, "fps": float(fps), "seconds": done / float(fps),
            "encode_s": time.perf_counter() - t0}


def tour_frames(renderer: SceneRenderer, tour, cameras, fps: float, title=None, credit=None, legend=None,
                timings: list | None = None):
    """Decorated frames of a tour (a generator; ``timings`` collects render seconds per frame)."""
    crs = renderer.scene.crs.name if renderer.scene.crs is not None and getattr(renderer.scene.crs, "name", None) else None
    for i in range(tour.frame_count(fps)):
        cam, k = tour.camera_at(i / fps, cameras)
        frame = renderer.render(cam)
        if timings is not None:
            timings.append(renderer.last_render_s)
        name = tour.views[k].get("name") or tour.views[k].get("view") or f"Ansicht {k + 1}"
        pic = renderer.picture
        yield decorate(frame, renderer.geometry(), title=title, subtitle=str(name), credit=credit, legend=legend,
                       crs_name=crs, colour_bars=pic.colour_bars if pic is not None else None,
                       labels=renderer.labels())


def render_tour(scene: Scene, tour, out_path, size=(1280, 720), fps: float = DEFAULT_FPS, title=None, credit=None,
                colour_mode: str = "auto", progress=None, cancelled=None, ghost=None, highlight_ids=None,
                anti_alias: bool = False, picture=None) -> dict:
    """MP4 of a :class:`viewer.camera.Tour` over ``scene``: round(duration × fps) frames, frame i
    at t = i / fps. Returns write_video's dict plus per-frame render times (s). Frames are not
    supersampled by default (SSAA doubles the render time on software OpenGL); ``picture``: a
    :class:`viewer.picture.PictureSpec` (its finish decides)."""
    size = even_size(size)
    cameras = tour.cameras(scene.bounds, scene.origin, aspect=size[0] / size[1])
    timings: list = []
    with SceneRenderer(scene, size, colour_mode, ghost=ghost, highlight_ids=highlight_ids, anti_alias=anti_alias,
                       picture=picture) as r:
        legend = scene_legend(scene, colour_mode) + (list(r.picture.legend) if r.picture is not None else [])
        frames = tour_frames(r, tour, cameras, fps, title=title, credit=credit, legend=legend, timings=timings)
        out = write_video(frames, tour.frame_count(fps), out_path, size, fps, progress, cancelled)
    out["render_s_mean"] = float(np.mean(timings)) if timings else None
    out["render_s_max"] = float(np.max(timings)) if timings else None
    return out


def view_still(scene: Scene, view, size=(1280, 720), colour_mode: str = "auto", title=None, credit=None,
               subtitle=None, anti_alias: bool = False) -> np.ndarray:
    """The decorated frame of one view as a tour video would show it when holding there."""
    from .camera import resolve_view

    size = even_size(size)
    cam = resolve_view(view, scene.bounds, scene.origin, aspect=size[0] / size[1])
    with SceneRenderer(scene, size, colour_mode, anti_alias=anti_alias) as r:
        frame = r.render(cam)
        crs = scene.crs.name if scene.crs is not None and getattr(scene.crs, "name", None) else None
        return decorate(frame, r.geometry(), title=title, subtitle=subtitle, credit=credit,
                        legend=scene_legend(scene, colour_mode), crs_name=crs)


# ---------------------------------------------------------------------------- before / after
def aligned(scene: Scene, origin) -> Scene:
    """``scene`` with its vertices moved into the local frame of ``origin`` (:meth:`Scene.shifted_to`)."""
    return scene.shifted_to(origin)


def changed_ids(model_before, model_after) -> tuple[list[str], list[str]]:
    """(removed, new): the ids of ``model_before`` that ``model_after`` no longer has (demolished)
    and the ids ``model_after`` adds (planned), each in file order."""
    removed = [i for i in model_before.objects if i not in model_after.objects]
    new = [i for i in model_after.objects if i not in model_before.objects]
    return removed, new


def variant_ghost(model_before, model_after, origin=None) -> tuple[Scene | None, list[str]]:
    """(ghost, new ids) of a variant ``model_after`` of ``model_before``: the ghost is the scene of
    the objects it demolishes (None when it demolishes nothing), in the local frame of ``origin``
    when given (else its own, as :func:`add_ghost` takes it); new ids as :func:`changed_ids`."""
    removed, new = changed_ids(model_before, model_after)
    ghost = model_before.scene(object_ids=removed) if removed else None
    if ghost is not None and origin is not None:
        ghost = aligned(ghost, origin)
    return ghost, new


def before_after_parts(model_before, model_after):
    """(scene_before, scene_after, ghost scene of removed objects or None, ids of new objects)
    of two model states, the scenes in the before scene's local frame."""
    before = model_before.scene()
    after = aligned(model_after.scene(), before.origin)
    ghost, new = variant_ghost(model_before, model_after)
    return before, after, ghost, new


def render_before_after(model_before, model_after, out_path, size=(3840, 1080), view: str = "iso",
                        titles=("Bestand", "Planung"), title=None, credit=None) -> dict:
    """Side-by-side still: left the existing state, right the variant with demolished buildings
    as translucent ghosts and new buildings highlighted; both viewports share one camera
    (two renderers of one render window)."""
    from .camera import resolve_view
    from .render import add_default_lights, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    check_memory(size)
    before, after, ghost, new = before_after_parts(model_before, model_after)
    if before.n_triangles == 0:
        raise ValueError("nothing to render: the model has no surface geometry")
    t0 = time.perf_counter()
    p = pv.Plotter(off_screen=True, window_size=list(size), shape=(1, 2), lighting="none", border=False)
    try:
        half = (size[0] // 2, size[1])
        for col, (sc, gh, hi) in enumerate(((before, None, None), (after, ghost, new))):
            p.subplot(0, col)
            p.set_background((0.78, 0.86, 0.95), top=(0.35, 0.55, 0.85))
            if col == 0:
                add_default_lights(p)  # pyvista adds a light to every renderer of the window
            if sc.n_triangles:
                add_scene_highlighted(p, sc, hi)
            if gh is not None and gh.n_triangles:
                add_ghost(p, gh, before.origin)
        cam = resolve_view(view, before.bounds, before.origin, aspect=half[0] / half[1])
        p.subplot(0, 0)
        cam.apply(p)
        p.link_views()
        p.render()
        img = np.ascontiguousarray(p.screenshot(None, return_img=True)[:, :, :3])
        p.subplot(0, 0)
        geo = camera_geometry(p.renderer)
    finally:
        p.close()
    w = img.shape[1] // 2
    legend_l = scene_legend(before)
    legend_r = scene_legend(before) + ([("Neu geplant", NEW_RGB)] if new else []) + (
        [("Abriss (transparent)", GHOST_RGB)] if ghost is not None else [])
    left = decorate(img[:, :w], geo, title=title, subtitle=titles[0], legend=legend_l, legend_title="Legende",
                    scale=True)
    crs = before.crs.name if before.crs is not None and getattr(before.crs, "name", None) else None
    right = decorate(img[:, w:], geo, subtitle=titles[1], legend=legend_r, legend_title="Legende", credit=credit,
                     crs_name=crs, scale=False)
    out = np.concatenate([left, right], axis=1)
    out[:, w - max(1, size[1] // 540): w + max(1, size[1] // 540)] = 255  # a white divider
    _save_png(out, out_path)
    return {"path": str(out_path), "size": [int(out.shape[1]), int(out.shape[0])],
            "removed": len(changed_ids(model_before, model_after)[0]), "new": len(new),
            "total_s": time.perf_counter() - t0}
