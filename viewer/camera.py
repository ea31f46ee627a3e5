"""Named camera views of a scene (iso, top, north, south, east, west).

A view is (position, focal point, view-up) in local scene coordinates (metres). "north" means the
camera looks *towards* north (standing south of the model), as in CAD "front" views of a site
plan whose front faces south.
"""
from __future__ import annotations

import numpy as np

VIEWS = ("iso", "top", "north", "south", "east", "west", "iso-ne", "iso-nw", "iso-se")

# direction from the focal point to the camera (x east, y north, z up)
_DIRECTIONS = {
    "iso": (-1.0, -1.0, 0.9),  # from the south-west, looking north-east
    "iso-se": (1.0, -1.0, 0.9),
    "iso-ne": (1.0, 1.0, 0.9),
    "iso-nw": (-1.0, 1.0, 0.9),
    "top": (0.0, 0.0, 1.0),
    "north": (0.0, -1.0, 0.35),
    "south": (0.0, 1.0, 0.35),
    "east": (-1.0, 0.0, 0.35),
    "west": (1.0, 0.0, 0.35),
}


def view_camera(bounds: np.ndarray, view: str = "iso", fov_deg: float = 30.0, aspect: float = 16 / 9):
    """Camera (position, focal_point, view_up) that frames ``bounds`` ((2,3) local lo/hi) from
    the named ``view``."""
    if view not in _DIRECTIONS:
        raise ValueError(f"unknown view {view!r} (choose from {', '.join(VIEWS)})")
    lo, hi = np.asarray(bounds, dtype=float)
    if not np.all(hi > lo):
        hi = np.maximum(hi, lo + 1.0)  # flat or empty bounds: frame at least a metre
    centre = (lo + hi) / 2
    direction = np.array(_DIRECTIONS[view], dtype=float)
    direction /= np.linalg.norm(direction)
    up_hint = np.array([0.0, 1.0, 0.0]) if view == "top" else np.array([0.0, 0.0, 1.0])
    # camera frame: looks along -direction; right and up span the image plane
    right = np.cross(-direction, up_hint)
    right /= np.linalg.norm(right)
    up = np.cross(right, -direction)
    corners = np.array(np.meshgrid(*zip(lo, hi), indexing="ij")).reshape(3, -1).T - centre
    x, y, z = corners @ right, corners @ up, corners @ direction
    # perspective fit: a corner at depth (distance − z) must lie inside the frustum
    # (the view angle is vertical, as in VTK), plus a 4 % margin
    tan_v = np.tan(np.radians(fov_deg) / 2)
    tan_h = tan_v * max(aspect, 1e-3)
    distance = float(np.max(np.maximum(z + np.abs(x) / tan_h, z + np.abs(y) / tan_v))) * 1.04
    position = centre + direction * distance
    return tuple(position), tuple(centre), tuple(up_hint)


def apply_view(plotter, bounds, view: str = "iso") -> None:
    w, h = plotter.window_size
    # a window not laid out yet reports a size of a pixel or so: frame for 16:9 instead of fitting
    # the bounds into a sliver (which put the camera hundreds of kilometres away)
    aspect = w / h if min(w, h) >= 16 else 16 / 9
    pos, focal, up = view_camera(bounds, view, fov_deg=plotter.camera.view_angle, aspect=aspect)
    plotter.camera_position = [pos, focal, up]
    plotter.reset_camera_clipping_range()


# ====================================================================== bookmarks, flights, tours
# A bookmark is a plain JSON dict (stored in a project's ``views`` list, see model/project.py):
#   {"type": "view", "name": "Marktplatz", "position": [x, y, z], "focal_point": [x, y, z],
#    "view_up": [0, 0, 1], "view_angle": 30.0, "frame": "model"}
# ``frame`` "model" means coordinates in the model CRS (metres; survives scenario edits that move
# the scene's local origin), "local" means the scene's local frame. A stop of a tour may instead
# name a preset (``{"view": "iso"}``), framed on the scene's bounds when the tour is resolved.
# A tour is {"type": "tour", "name": …, "views": [stop, …]} where every stop carries
# ``duration_s`` (seconds on screen: the flight to it — ``flight_s``, default
# min(2 s, duration/2), none for the first stop — followed by a hold).

import json as _json
import math as _math
from dataclasses import dataclass as _dataclass
from dataclasses import field as _field

DEFAULT_FLIGHT_S = 2.0
DEFAULT_DURATION_S = 4.0


def ease_in_out(s):
    """Cubic smoothstep 3s² − 2s³ on [0, 1]: zero velocity at both ends (ease-in/out)."""
    s = np.clip(np.asarray(s, dtype=float), 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def bookmark(name: str, position, focal_point, view_up=(0.0, 0.0, 1.0), view_angle: float = 30.0,
             origin=None) -> dict:
    """A named camera as a JSON-ready dict. Positions are given in the scene's local frame; with
    ``origin`` (the scene's origin in the model CRS) they are stored in model coordinates."""
    off = np.zeros(3) if origin is None else np.asarray(origin, float)
    return {"type": "view", "name": str(name),
            "position": [float(v) for v in np.asarray(position, float) + off],
            "focal_point": [float(v) for v in np.asarray(focal_point, float) + off],
            "view_up": [float(v) for v in view_up], "view_angle": float(view_angle),
            "frame": "local" if origin is None else "model"}


def bookmark_from_plotter(plotter, name: str, origin=None) -> dict:
    """The plotter's current camera as a bookmark (model coordinates when ``origin`` is given)."""
    cam = plotter.camera
    return bookmark(name, cam.position, cam.focal_point, cam.up, cam.view_angle, origin)


@_dataclass
class CameraState:
    """One camera in the scene's local frame (metres, degrees)."""

    position: np.ndarray
    focal_point: np.ndarray
    view_up: np.ndarray
    view_angle: float = 30.0

    def as_position(self) -> list:
        """PyVista's ``camera_position`` triple."""
        return [tuple(map(float, self.position)), tuple(map(float, self.focal_point)),
                tuple(map(float, self.view_up))]

    def apply(self, plotter) -> None:
        plotter.camera_position = self.as_position()
        plotter.camera.view_angle = float(self.view_angle)
        plotter.reset_camera_clipping_range()


def camera_state(plotter) -> CameraState:
    """The plotter's camera as a :class:`CameraState` (local frame)."""
    cam = plotter.camera
    return CameraState(np.array(cam.position, float), np.array(cam.focal_point, float), np.array(cam.up, float),
                       float(cam.view_angle))


def resolve_view(view, bounds=None, origin=None, aspect: float = 16 / 9) -> CameraState:
    """A bookmark dict, a stop naming a preset (``{"view": "iso"}``) or a preset name → camera in
    the local frame. ``bounds`` (2, 3) local frames presets; ``origin`` converts model
    coordinates. Raises ValueError for malformed views."""
    if isinstance(view, str):
        view = {"view": view}
    if not isinstance(view, dict):
        raise ValueError(f"a view must be an object, got {type(view).__name__}")
    angle = float(view.get("view_angle", 30.0))
    if not (1.0 <= angle <= 170.0):
        raise ValueError(f"view_angle {angle} out of range (1..170°)")
    if "position" not in view and "view" in view:
        if bounds is None:
            raise ValueError("a preset view needs the scene bounds")
        pos, foc, up = view_camera(bounds, str(view["view"]), fov_deg=angle, aspect=aspect)
        return CameraState(np.array(pos), np.array(foc), np.array(up, float), angle)
    try:
        pos = np.asarray(view["position"], dtype=float).reshape(3)
        foc = np.asarray(view["focal_point"], dtype=float).reshape(3)
        up = np.asarray(view.get("view_up", (0.0, 0.0, 1.0)), dtype=float).reshape(3)
    except (KeyError, TypeError, ValueError):
        raise ValueError("a view needs position and focal_point as [x, y, z] (or \"view\": preset name)") from None
    if not (np.isfinite(pos).all() and np.isfinite(foc).all() and np.isfinite(up).all()):
        raise ValueError("view coordinates must be finite numbers")
    if np.linalg.norm(pos - foc) < 1e-6:
        raise ValueError("view position and focal point coincide")
    if view.get("frame", "model") == "model" and origin is not None:
        pos, foc = pos - np.asarray(origin, float), foc - np.asarray(origin, float)
    return CameraState(pos, foc, up / (np.linalg.norm(up) or 1.0), angle)


def _spherical(cam: CameraState):
    """(distance, azimuth rad (atan2(dy, dx)), elevation rad) of the camera about its focal point."""
    d = cam.position - cam.focal_point
    dist = float(np.linalg.norm(d))
    el = _math.asin(max(-1.0, min(1.0, d[2] / dist)))
    if el > _math.radians(89.0) and np.hypot(cam.view_up[0], cam.view_up[1]) > 1e-6:
        # straight down: the azimuth is where the screen's "down" points (camera "behind" the view-up)
        return dist, _math.atan2(-cam.view_up[1], -cam.view_up[0]), el
    return dist, _math.atan2(d[1], d[0]), el


def flight(a: CameraState, b: CameraState, s) -> CameraState:
    """The camera a fraction ``s`` (0..1, eased with :func:`ease_in_out`) of the way from ``a`` to
    ``b``. The focal point moves on a straight line; the camera's offset from it is interpolated
    in spherical coordinates — distance geometrically (zooming feels even), azimuth along the
    shorter arc, elevation linearly — so the camera swings around the focal point at a distance
    between the two ends instead of cutting straight through the buildings between them. The
    view-up vector is interpolated and re-orthogonalised to the view direction."""
    e = float(ease_in_out(s))
    focal = a.focal_point + (b.focal_point - a.focal_point) * e
    da, aza, ela = _spherical(a)
    db, azb, elb = _spherical(b)
    daz = (azb - aza + _math.pi) % (2 * _math.pi) - _math.pi
    dist = da * (db / da) ** e
    az = aza + daz * e
    el = ela + (elb - ela) * e
    offset = dist * np.array([_math.cos(el) * _math.cos(az), _math.cos(el) * _math.sin(az), _math.sin(el)])
    position = focal + offset
    up = a.view_up * (1 - e) + b.view_up * e
    view_dir = -offset / (np.linalg.norm(offset) or 1.0)
    up = up - view_dir * float(up @ view_dir)
    if np.linalg.norm(up) < 1e-6:  # looking straight along the interpolated up: use the horizontal heading
        up = np.array([_math.cos(az + _math.pi), _math.sin(az + _math.pi), 0.0])
    up /= np.linalg.norm(up)
    return CameraState(position, focal, up, a.view_angle + (b.view_angle - a.view_angle) * e)


@_dataclass
class Tour:
    """Ordered stops; each a view dict with ``duration_s`` (and optional ``flight_s``)."""

    name: str = "Tour"
    views: list = _field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return float(sum(stop_duration(v) for v in self.views))

    def frame_count(self, fps: float) -> int:
        """Frames of a video of the tour: round(duration × fps)."""
        return int(round(self.duration_s * fps))

    def to_dict(self) -> dict:
        return {"type": "tour", "name": self.name, "views": [dict(v) for v in self.views]}

    @classmethod
    def from_dict(cls, data) -> Tour:
        """Validate a tour object; ValueError with a one-line reason."""
        if isinstance(data, list):
            data = {"views": data}
        if not isinstance(data, dict) or not isinstance(data.get("views"), list):
            raise ValueError("a tour is an object with a \"views\" list")
        if not data["views"]:
            raise ValueError("the tour has no views")
        for k, v in enumerate(data["views"]):
            if not isinstance(v, dict):
                raise ValueError(f"tour view {k + 1} is not an object")
            d = stop_duration(v)
            if not (_math.isfinite(d) and 0 < d <= 3600):
                raise ValueError(f"tour view {k + 1}: duration_s must be in (0, 3600] s, got {v.get('duration_s')}")
            fl = v.get("flight_s")
            if fl is not None and not (isinstance(fl, (int, float)) and 0 <= fl <= d):
                raise ValueError(f"tour view {k + 1}: flight_s must be between 0 and duration_s")
            if "position" not in v and "view" not in v:
                raise ValueError(f"tour view {k + 1} needs position/focal_point or a preset \"view\"")
        return cls(str(data.get("name") or "Tour"), [dict(v) for v in data["views"]])

    @classmethod
    def load(cls, path) -> Tour:
        from stadtbild.model.errors import InputError

        try:
            with open(path, encoding="utf-8") as fh:
                data = _json.load(fh)
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except (OSError, UnicodeDecodeError, _json.JSONDecodeError) as exc:
            raise InputError(path, f"not a readable tour file ({' '.join(str(exc).split())[:100]})") from None
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise InputError(path, str(exc)) from None

    def cameras(self, bounds=None, origin=None, aspect: float = 16 / 9) -> list:
        return [resolve_view(v, bounds, origin, aspect) for v in self.views]

    def camera_at(self, t_s: float, cameras: list) -> tuple:
        """(camera, stop index) at time ``t_s`` from the tour start."""
        t = max(0.0, float(t_s))
        start = 0.0
        for k, v in enumerate(self.views):
            d = stop_duration(v)
            if t < start + d or k == len(self.views) - 1:
                fl = 0.0 if k == 0 else stop_flight(v)
                if fl > 0 and t - start < fl:
                    return flight(cameras[k - 1], cameras[k], (t - start) / fl), k
                return cameras[k], k
            start += d
        return cameras[-1], len(cameras) - 1

    def frames(self, fps: float, cameras: list):
        """Yield the camera of every video frame (frame i at t = i / fps)."""
        for i in range(self.frame_count(fps)):
            yield self.camera_at(i / fps, cameras)[0]


def stop_duration(view: dict) -> float:
    try:
        return float(view.get("duration_s", DEFAULT_DURATION_S))
    except (TypeError, ValueError):
        return float("nan")


def stop_flight(view: dict) -> float:
    d = stop_duration(view)
    fl = view.get("flight_s")
    return float(fl) if fl is not None else min(DEFAULT_FLIGHT_S, d / 2)


def project_bookmarks(project) -> list[dict]:
    """The named views (bookmarks) of a :class:`model.project.Project`."""
    return [v for v in project.views if isinstance(v, dict) and v.get("type", "view") == "view" and "position" in v]


def project_tours(project) -> list[Tour]:
    return [Tour.from_dict(v) for v in project.views if isinstance(v, dict) and v.get("type") == "tour"]


def set_project_tour(project, tour: Tour) -> None:
    """Add or replace (by name) a tour in the project's views list."""
    project.views = [v for v in project.views
                     if not (isinstance(v, dict) and v.get("type") == "tour" and v.get("name") == tour.name)]
    project.views.append(tour.to_dict())


def set_project_bookmark(project, view: dict) -> None:
    """Add or replace (by name) a bookmark in the project's views list."""
    project.views = [v for v in project.views
                     if not (isinstance(v, dict) and v.get("type", "view") == "view" and v.get("name") == view["name"])]
    project.views.append(dict(view))
