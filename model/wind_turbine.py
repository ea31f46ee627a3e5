"""A parametric horizontal-axis wind turbine as closed shells (tower, nacelle, hub, three blades)
for townscape pictures of wind-park variants (the scenario op ``wind_turbine``,
:class:`model.edits.WindTurbine`). Metres, model CRS; shells are :class:`model.extrude.ExtrudedSolid`
with outward faces."""
from __future__ import annotations

import numpy as np

from .extrude import ExtrudedSolid


def _box_shell(center, axes, half) -> ExtrudedSolid:
    """A closed box around ``center`` with orthonormal right-handed ``axes`` (3 × 3 rows) and
    half extents ``half`` (3,), faces oriented outward."""
    c = np.asarray(center, float)
    a = np.asarray(axes, float) * np.asarray(half, float)[:, None]
    signs = np.array([[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1],
                      [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]], float)
    v = c + signs @ a
    faces = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
    return ExtrudedSolid(v, faces, [0] * 6)


def _frustum_shell(base, r0, r1, height, n=24) -> ExtrudedSolid:
    """A closed truncated cone (n-gon) standing on ``base`` (x, y, z), radii r0 (bottom), r1 (top)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.c_[np.cos(t), np.sin(t)]
    bottom = np.c_[base[0] + r0 * ring[:, 0], base[1] + r0 * ring[:, 1], np.full(n, base[2])]
    top = np.c_[base[0] + r1 * ring[:, 0], base[1] + r1 * ring[:, 1], np.full(n, base[2] + height)]
    v = np.concatenate([bottom, top])
    faces = [list(range(n))[::-1], list(range(n, 2 * n))]
    for i in range(n):
        j = (i + 1) % n
        faces.append([i, j, n + j, n + i])
    return ExtrudedSolid(v, faces, [0] * len(faces))


def _blade_shell(hub, radial, normal, r_root, r_tip, chord_root, chord_tip, thick) -> ExtrudedSolid:
    """A tapered box from ``r_root`` to ``r_tip`` along ``radial`` (unit) in the rotor plane;
    ``normal`` is the rotor axis (unit). Side faces are planar trapezoids (symmetric taper)."""
    radial = np.asarray(radial, float)
    normal = np.asarray(normal, float)
    side = np.cross(normal, radial)  # (radial, side, normal) is right-handed
    pts = []
    for r, ch, th in ((r_root, chord_root, thick), (r_tip, chord_tip, thick * chord_tip / chord_root)):
        c = hub + radial * r
        for s_side, s_norm in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            pts.append(c + side * s_side * ch / 2 + normal * s_norm * th / 2)
    v = np.asarray(pts)
    # root quad 0-3, tip quad 4-7; the root face points to -radial, the tip face to +radial
    faces = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
    shell = ExtrudedSolid(v, faces, [0] * 6)
    if shell.volume_m3() < 0:
        shell.polygons = [f[::-1] for f in faces]
    return shell


def wind_turbine_shells(base, hub_height_m: float, rotor_diameter_m: float, rotor_azimuth_deg: float = 270.0,
                        tower_base_diameter_m: float | None = None) -> list[ExtrudedSolid]:
    """Closed shells of a parametric horizontal-axis wind turbine standing at ``base`` (x, y, z):
    a tapered 24-gon tower up to the hub height (top diameter 55 % of the base diameter), a nacelle
    box (length 0.12 D, width/height 0.04 D), a hub box and three blades (root chord 0.05 D,
    tip chord 0.015 D) in the vertical rotor plane, 0°/120°/240° from straight up, facing
    ``rotor_azimuth_deg`` (compass: 0 = north, 90 = east). Proportions follow typical 3–6 MW
    onshore turbines; they are for townscape pictures, not structural data. Metres."""
    base = np.asarray(base, float)
    D = float(rotor_diameter_m)
    H = float(hub_height_m)
    d0 = float(tower_base_diameter_m or max(2.0, 0.05 * H))
    az = np.radians(rotor_azimuth_deg)
    facing = np.array([np.sin(az), np.cos(az), 0.0])  # compass azimuth -> x east, y north
    up = np.array([0.0, 0.0, 1.0])
    lateral = np.cross(up, facing)
    shells = [_frustum_shell(base, d0 / 2, 0.55 * d0 / 2, H - 0.02 * D)]
    nac_len, nac_w = 0.12 * D, 0.04 * D
    hub_top = base + up * H
    nacelle_center = hub_top - facing * (nac_len / 2 - 0.02 * D) + up * 0.0
    axes = np.array([facing, lateral, up])
    if np.linalg.det(axes) < 0:
        axes = np.array([facing, -lateral, up])
    shells.append(_box_shell(nacelle_center, axes, [nac_len / 2, nac_w / 2, nac_w / 2]))
    hub_center = hub_top + facing * (0.02 * D + 0.025 * D)
    shells.append(_box_shell(hub_center, axes, [0.025 * D, 0.025 * D, 0.025 * D]))
    for k in range(3):
        ang = np.radians(120.0 * k)
        radial = up * np.cos(ang) + lateral * np.sin(ang)
        shells.append(_blade_shell(hub_center, radial, facing, 0.025 * D, D / 2, 0.05 * D, 0.015 * D, 0.012 * D))
    return shells
