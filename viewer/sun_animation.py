"""Sun animation: the scene lit by the sun of a given local time and day, with the cast shadows
on the ground, stepped through a day (time of day) or through the year (day of year).

Shadows are *computed*, not rasterised: for every instant the sun direction comes from NREL SPA
(:mod:`analysis.sun`, site and time zone of the model, meridian convergence included) and every
ground cell of a fixed grid casts one ray towards the sun (:class:`analysis.raycast.RayCaster`, the
same core as ``main.py shadow``), and so does one sample per light-map texel of every roof and
facade (:mod:`viewer.sun_shading`, drawn by :class:`viewer.picture.Picture`): shadowed ground cells
darken the ground by a draped texture, shadowed texels the walls and roofs, exactly to what the
renderer's fill and sky lights give without the sun. The key light is the sun. VTK's shadow-map pass (``vtkShadowMapPass`` in a ``vtkSequencePass`` behind a
``vtkCameraPass``, the sun as a directional scene light) was tried under EGL/Mesa llvmpipe (VTK
9.7): the box's shadow fell on the right side, but the ground outside the light camera's frustum
turned black and the ground plane self-shadowed in a gradient even at a 4096² map
(tests/artifacts/presentation-shadowmap-pass-egl.png), so it is not used. The computed shadows are
exact at the grid resolution and agree with the shadow analysis by construction.

Times are local wall-clock times at the site (DST by zoneinfo, see :func:`analysis.sun.day_times`).
"""
from __future__ import annotations

import datetime as dt
import time

import numpy as np

from stadtbild.model.errors import InputError

from .media import DEFAULT_FPS, SHADOW_RGBA, SceneRenderer, decorate, even_size, scene_legend, write_video

#: the ground grid is grown around the buildings by the shadow length at this sun elevation (°)
MIN_ELEVATION_DEG = 12.0
#: …but by at most this much (m)
MAX_GROW_M = 400.0
#: at most this many ground cells (the cell size grows for large models)
MAX_GRID_CELLS = 600_000

_MONTHS_DE = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")


def day_steps(date, start: str = "06:00", stop: str = "20:00", step_min: float = 10.0, tz: str = "UTC") -> list:
    """Local instants from ``start`` to ``stop`` on ``date`` every ``step_min`` minutes."""
    from stadtbild.analysis.sun import day_times

    return day_times(date, tz, start, stop, step_min)


def year_steps(year: int, clock: str = "12:00", step_days: int = 7, tz: str = "UTC") -> list:
    """The same local wall-clock time on every ``step_days``-th day of ``year`` (from 1 January)."""
    from stadtbild.analysis.sun import parse_clock, zone

    t = parse_clock(clock)
    z = zone(tz)
    first = dt.date(int(year), 1, 1)
    n = (dt.date(int(year) + 1, 1, 1) - first).days
    return [dt.datetime.combine(first + dt.timedelta(days=d), t).replace(tzinfo=z) for d in range(0, n, max(1, step_days))]


def when_from_day_of_year(year: int, day_of_year: int, minutes: int, tz: str) -> dt.datetime:
    """Local datetime of day ``day_of_year`` (1..366) of ``year`` at ``minutes`` after midnight."""
    from stadtbild.analysis.sun import zone

    d = dt.date(int(year), 1, 1) + dt.timedelta(days=int(day_of_year) - 1)
    m = int(minutes)
    return dt.datetime(d.year, d.month, d.day, min(m // 60, 23), m % 60).replace(tzinfo=zone(tz))


def caption(sun, i: int = 0) -> str:
    """"21. Juni 2026, 14:30 Uhr (MESZ) · Sonne: Azimut 215°, Höhe 58°"."""
    t = sun.time_local[i]
    az, el = float(sun.azimuth_deg[i]), float(sun.elevation_deg[i])
    sun_txt = f"Sonne: Azimut {az:.0f}°, Höhe {el:.0f}°" if el > 0 else "Sonne unter dem Horizont"
    return f"{t.day}. {_MONTHS_DE[t.month - 1]} {t.year}, {t:%H:%M} Uhr ({t.tzname()}) · {sun_txt}"


class SunShadows:
    """Computed ground shadows of ``scene`` on one fixed grid for any number of sun directions.

    The grid covers the buildings grown by the shadow length at :data:`MIN_ELEVATION_DEG`
    (at most :data:`MAX_GROW_M`); its cell size is ``cell_m`` or coarser so that it has at most
    :data:`MAX_GRID_CELLS` cells. Ground-cover objects (roads, land use, water) neither cast shadow
    nor count as footprints, as in :func:`analysis.shadow.shadow_at`."""

    def __init__(self, scene, cell_m: float = 1.0, site=None, tz: str | None = None):
        from stadtbild.analysis.casters import ShadowCasters
        from stadtbild.model.ground import ground_for
        from stadtbild.analysis.shadow import sun_ground_grid
        from stadtbild.analysis.sun import site_of

        self.scene = scene
        self.site = site_of(scene, site, tz)
        self.rc = ShadowCasters(scene).rc
        self.grid = sun_ground_grid(scene, cell_m, ground_for(scene), self.rc, elevation_deg=MIN_ELEVATION_DEG,
                                    max_grow_m=MAX_GROW_M, max_cells=MAX_GRID_CELLS)
        self.points = self.grid.sample_points()
        self.last_shadow_s = None

    def positions(self, times):
        from stadtbild.analysis.sun import sun_positions

        return sun_positions(list(times), self.site)

    def shadow(self, direction) -> np.ndarray:
        """(ny, nx) bool: active ground cells whose ray towards the sun (unit vector, grid frame)
        hits an object; everything active when the sun is below the horizon."""
        t0 = time.perf_counter()
        out = np.zeros(self.grid.shape, dtype=bool)
        active = self.grid.active
        d = np.asarray(direction, float)
        if d[2] <= 0:
            out[active] = True
        else:
            out[active] = self.rc.occluded(self.points, d)
        self.last_shadow_s = time.perf_counter() - t0
        return out


def shadow_mesh(grid, shadow: np.ndarray):
    """PolyData of one quad per shadowed ground cell (:func:`viewer.overlays.ground_cells_mesh`).
    Only the shadowed cells: a translucent layer of every grid cell cost ~190 ms more per frame on
    software OpenGL (600k cells of the demo)."""
    from .overlays import ground_cells_mesh

    return ground_cells_mesh(grid, shadow)


def shadow_style() -> dict:
    """add_mesh keywords of the shadow layer: :data:`viewer.media.SHADOW_RGBA` as colour + opacity."""
    return {"color": np.array(SHADOW_RGBA[:3]) / 255.0, "opacity": SHADOW_RGBA[3] / 255.0, "lighting": False,
            "pickable": False}


class SunAnimator:
    """A scene renderer with the sun and its computed shadows on ground, roofs and facades
    (:class:`viewer.picture.Picture`, ``set_time`` per frame): ``frame(sun, i)`` → decorated
    (h, w, 3) frame. ``picture``: a :class:`viewer.picture.PictureSpec` with more to show
    (orthophoto, layers, rasters, finish); default: plain ground, no finish passes."""

    def __init__(self, scene, size=(1280, 720), view="iso", cell_m: float = 1.0, site=None, tz=None,
                 title=None, credit=None, colour_mode: str = "auto", camera=None, anti_alias: bool = False,
                 picture=None):
        import dataclasses

        from .camera import CameraState, resolve_view
        from .finish import Finish
        from .picture import PictureSpec

        if picture is None:
            picture = PictureSpec(finish=Finish(anti_alias="ssaa" if anti_alias else "none", occlusion="none",
                                                sky=False, fog=False))
        spec = dataclasses.replace(picture, when=None, shadow_cell_m=cell_m, tz=tz or picture.tz)
        self.renderer = SceneRenderer(scene, size, colour_mode, picture=spec)
        self.picture = self.renderer.picture
        self.shadows = self.picture.prepare_sun(site=site, tz=tz)
        wanted = camera if camera is not None else view
        cam = wanted if isinstance(wanted, CameraState) else resolve_view(wanted, scene.bounds, scene.origin,
                                                                          aspect=size[0] / size[1])
        cam.apply(self.renderer.plotter)
        self.title, self.credit = title, credit
        self.scene_legend = scene_legend(scene, colour_mode)
        self.crs = scene.crs.name if scene.crs is not None and getattr(scene.crs, "name", None) else None
        self.timings: list[tuple[float, float]] = []  # (shadow s, render s) per frame

    @property
    def legend(self) -> list:
        return self.scene_legend + list(self.picture.legend)

    def frame(self, sun, i: int = 0, decorated: bool = True) -> np.ndarray:
        self.picture.set_time(sun.time_local[i])
        img = self.renderer.render()
        self.timings.append((self.shadows.last_s, self.renderer.last_render_s))
        self.last_shadow = self.picture.last_ground_shadow
        if not decorated:
            return img
        return decorate(img, self.renderer.geometry(), title=self.title, subtitle=caption(sun, i), credit=self.credit,
                        legend=self.legend, crs_name=self.crs, colour_bars=self.picture.colour_bars,
                        labels=self.renderer.labels())

    def close(self) -> None:
        self.renderer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def render_sun_animation(scene, out_path, times=None, date=None, start: str = "06:00", stop: str = "20:00",
                         step_min: float = 10.0, fps: float = DEFAULT_FPS, size=(1280, 720), view="iso",
                         cell_m: float = 1.0, title=None, credit=None, tz=None, progress=None, cancelled=None,
                         picture=None) -> dict:
    """MP4 of the sun moving over ``date`` from ``start`` to ``stop`` (local time) every
    ``step_min`` minutes, one frame per instant (or over explicit ``times``). ``view``: a preset
    name, a bookmark dict or a :class:`viewer.camera.CameraState`. Returns
    write_video's dict plus mean shadow and render seconds per frame."""
    size = even_size(size)
    with SunAnimator(scene, size, view=view, cell_m=cell_m, tz=tz, title=title, credit=credit, picture=picture) as anim:
        if times is None:
            if date is None:
                raise InputError(None, "a sun animation needs --date (or a list of times)")
            times = day_steps(date, start, stop, step_min, anim.shadows.site.tz)
        sun = anim.shadows.positions(times)
        frames = (anim.frame(sun, i) for i in range(len(sun)))
        out = write_video(frames, len(sun), out_path, size, fps, progress, cancelled)
        t = np.array(anim.timings) if anim.timings else np.zeros((0, 2))
    out["shadow_s_mean"] = float(t[:, 0].mean()) if len(t) else None
    out["render_s_mean"] = float(t[:, 1].mean()) if len(t) else None
    out["first_time_local"] = sun.time_local[0].isoformat()
    out["last_time_local"] = sun.time_local[-1].isoformat()
    return out
