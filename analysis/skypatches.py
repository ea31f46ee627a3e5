"""Sky-patch discretisations of the hemisphere (Tregenza 145, Reinhart 577/2305 …) and the binning
of sun positions into patches, for the cumulative-sky irradiation method of ``analysis.solar``.

Geometry (Tregenza 1987, "Subdivision of the sky hemisphere for luminance measurements",
Lighting Res. Technol. 19(1); Reinhart & Walkenhorst 2001 / Radiance ``reinhart.cal``):
the sky is cut into ``7·mf`` rows of equal altitude height ``h = 90° / (7·mf + 0.5)`` plus a polar
cap of height ``h/2``. Row ``r`` of the Tregenza sky (``mf = 1``, ``h = 12°``) has
``[30, 30, 24, 24, 18, 12, 6][r]`` patches; Reinhart's subdivision with multiplication factor
``mf`` splits every Tregenza row into ``mf`` rows of ``mf ×`` as many patches, and keeps one cap:
``mf = 1`` → 145, ``mf = 2`` → 577, ``mf = 4`` → 2305 patches.

Conventions used throughout Stadtbild: azimuth in degrees, 0° = north, clockwise (90° = east);
altitude (elevation) in degrees above the horizontal; direction vectors in the scene frame
``x = east, y = north, z = up`` (unit length). The first patch of every row is centred on north
(as in Radiance's ``tregenza.cal``/``reinhart.cal`` up to the sense of rotation).

Besides the centre direction and solid angle of every patch we keep its *vector integral*
``D_p = ∫_patch d dΩ`` (analytic, see :func:`sky_patches`): the irradiance a plane with unit
normal ``n`` receives from a patch of uniform radiance ``L`` is ``L · n·D_p`` exactly when the
whole patch lies in front of the plane, so a horizontal plane under a uniform sky gets exactly
``π L`` (no discretisation error), and tilted planes are only approximate on the few patches
their own horizon cuts through.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: patches per row of the Tregenza sky, from the horizon up (the cap is extra)
TREGENZA_ROW_COUNTS = (30, 30, 24, 24, 18, 12, 6)


@dataclass(frozen=True)
class SkyPatches:
    """A sky discretisation. Arrays have one entry per patch, rows from the horizon up, the
    zenith cap last.

    mf                  Reinhart multiplication factor (1 = Tregenza)
    row                 (n,) int row number of each patch (cap = n_rows)
    altitude_deg        (n,) centre altitude (°); cap: 90
    azimuth_deg         (n,) centre azimuth (°, 0 = N, clockwise); cap: 0
    alt_min_deg/alt_max_deg, az_min_deg/az_max_deg   patch bounds (°; az bounds may be < 0)
    directions          (n, 3) unit vectors to the centres (x = E, y = N, z = up)
    solid_angle_sr      (n,) solid angles (sr), summing to 2π
    vector_integral     (n, 3) ∫ d dΩ over the patch (sr); z-components sum to π
    row_counts          patches per row (without the cap)
    row_height_deg      altitude height of one row (°)
    """

    mf: int
    row: np.ndarray
    altitude_deg: np.ndarray
    azimuth_deg: np.ndarray
    alt_min_deg: np.ndarray
    alt_max_deg: np.ndarray
    az_min_deg: np.ndarray
    az_max_deg: np.ndarray
    directions: np.ndarray
    solid_angle_sr: np.ndarray
    vector_integral: np.ndarray
    row_counts: tuple
    row_height_deg: float

    @property
    def n(self) -> int:
        return len(self.altitude_deg)

    @property
    def name(self) -> str:
        return "tregenza" if self.mf == 1 else f"reinhart{self.mf}"

    @property
    def row_offsets(self) -> np.ndarray:
        """(n_rows + 2,) index of the first patch of every row, the cap, and the end."""
        return np.concatenate([[0], np.cumsum(list(self.row_counts) + [1])])

    def locate(self, altitude_deg, azimuth_deg) -> np.ndarray:
        """Index of the patch containing each direction (vectorised); -1 below the horizon."""
        alt = np.asarray(altitude_deg, dtype=np.float64)
        az = np.mod(np.asarray(azimuth_deg, dtype=np.float64), 360.0)
        n_rows = len(self.row_counts)
        row = np.floor(alt / self.row_height_deg).astype(np.int64)
        row = np.clip(row, 0, n_rows)  # altitudes in the cap's band map to row n_rows (the cap)
        counts = np.asarray(list(self.row_counts) + [1], dtype=np.int64)
        offsets = self.row_offsets
        n_in_row = counts[row]
        width = 360.0 / n_in_row
        k = np.floor((az + 0.5 * width) / width).astype(np.int64) % n_in_row
        idx = offsets[row] + k
        return np.where(alt < 0.0, -1, idx)


def sky_patches(mf: int = 1) -> SkyPatches:
    """The Tregenza (``mf = 1``) or Reinhart (``mf ≥ 2``) sky; see module docstring."""
    mf = int(mf)
    if mf < 1 or mf > 8:
        raise ValueError(f"sky subdivision mf must be 1..8, got {mf}")
    h = 90.0 / (7 * mf + 0.5)
    counts = []
    for c in TREGENZA_ROW_COUNTS:
        counts.extend([c * mf] * mf)
    rows, alt0, alt1, az0, az1 = [], [], [], [], []
    for r, c in enumerate(counts):
        width = 360.0 / c
        centres = np.arange(c) * width
        rows.append(np.full(c, r))
        alt0.append(np.full(c, r * h))
        alt1.append(np.full(c, (r + 1) * h))
        az0.append(centres - width / 2)
        az1.append(centres + width / 2)
    n_rows = len(counts)
    rows.append([n_rows])
    alt0.append([n_rows * h])
    alt1.append([90.0])
    az0.append([-180.0])
    az1.append([180.0])
    row = np.concatenate(rows).astype(np.int64)
    a0, a1 = np.radians(np.concatenate(alt0)), np.radians(np.concatenate(alt1))
    p0, p1 = np.radians(np.concatenate(az0)), np.radians(np.concatenate(az1))
    alt_c = np.where(row == n_rows, np.pi / 2, 0.5 * (a0 + a1))
    az_c = np.where(row == n_rows, 0.0, 0.5 * (p0 + p1))
    dirs = np.column_stack([np.cos(alt_c) * np.sin(az_c), np.cos(alt_c) * np.cos(az_c), np.sin(alt_c)])
    dphi = p1 - p0
    omega = dphi * (np.sin(a1) - np.sin(a0))
    # ∫∫ (cos a sin φ, cos a cos φ, sin a) cos a da dφ over [a0, a1] × [φ0, φ1]
    i_cos2 = (a1 / 2 + np.sin(2 * a1) / 4) - (a0 / 2 + np.sin(2 * a0) / 4)
    vec = np.column_stack([
        i_cos2 * (np.cos(p0) - np.cos(p1)),
        i_cos2 * (np.sin(p1) - np.sin(p0)),
        0.5 * (np.sin(a1) ** 2 - np.sin(a0) ** 2) * dphi,
    ])
    return SkyPatches(
        mf=mf, row=row,
        altitude_deg=np.degrees(alt_c), azimuth_deg=np.mod(np.degrees(az_c), 360.0),
        alt_min_deg=np.degrees(a0), alt_max_deg=np.degrees(a1),
        az_min_deg=np.degrees(p0), az_max_deg=np.degrees(p1),
        directions=dirs, solid_angle_sr=omega, vector_integral=vec,
        row_counts=tuple(counts), row_height_deg=h,
    )


def sky_by_name(name: str) -> SkyPatches:
    """``"tregenza"`` (145 patches) or ``"reinhart"`` (577 patches, mf = 2); ``"reinhartN"`` for
    other multiplication factors."""
    key = str(name).strip().lower()
    if key in ("tregenza", "145", "mf1"):
        return sky_patches(1)
    if key in ("reinhart", "577", "mf2"):
        return sky_patches(2)
    if key.startswith("reinhart") and key[8:].isdigit():
        return sky_patches(int(key[8:]))
    raise ValueError(f"unknown sky {name!r} (tregenza or reinhart)")


def direction_vectors(altitude_deg, azimuth_deg) -> np.ndarray:
    """(n, 3) unit vectors (x = E, y = N, z = up) of directions given by altitude and azimuth
    (0° = N, clockwise)."""
    a = np.radians(np.asarray(altitude_deg, dtype=np.float64))
    p = np.radians(np.asarray(azimuth_deg, dtype=np.float64))
    return np.stack([np.cos(a) * np.sin(p), np.cos(a) * np.cos(p), np.sin(a)], axis=-1)


@dataclass(frozen=True)
class SunBins:
    """Hourly sun positions grouped into sky patches (the sun's share of a cumulative sky).

    hour_bin     (H,) int bin of every time step (-1 = sun below the horizon)
    directions   (B, 3) unit vector per bin: the normalised weighted mean of the sun directions
                 that fell into it (weights = direct normal irradiance + circumsolar), used as
                 the ray direction for visibility
    patch        (B,) index of the sky patch of each bin in ``sky``
    sky          the SkyPatches used for binning
    """

    hour_bin: np.ndarray
    directions: np.ndarray
    patch: np.ndarray
    sky: SkyPatches

    @property
    def n(self) -> int:
        return len(self.patch)


def bin_sun_positions(altitude_deg, azimuth_deg, weight=None, mf: int = 2) -> SunBins:
    """Group sun positions into the patches of a Reinhart sky with factor ``mf`` (the
    "cumulative sky" of Robinson & Stone 2004 and Radiance ``gendaymtx``, where the sun is put
    into patches instead of being traced hour by hour). Only patches the sun visits become bins;
    ``weight`` (e.g. W/m² of direct normal irradiance) sets the representative direction of a
    bin and excludes steps with weight ≤ 0 (no direct light → no bin, ``hour_bin = -1``)."""
    sky = sky_patches(mf)
    alt = np.asarray(altitude_deg, dtype=np.float64)
    w = np.ones_like(alt) if weight is None else np.asarray(weight, dtype=np.float64)
    idx = sky.locate(alt, azimuth_deg)
    idx = np.where((alt > 0) & (w > 0) & np.isfinite(w), idx, -1)
    used = np.unique(idx[idx >= 0])
    lookup = np.full(sky.n, -1, dtype=np.int64)
    lookup[used] = np.arange(len(used))
    hour_bin = np.where(idx >= 0, lookup[np.maximum(idx, 0)], -1)
    d = direction_vectors(alt, azimuth_deg)
    ok = hour_bin >= 0
    acc = np.zeros((len(used), 3))
    np.add.at(acc, hour_bin[ok], d[ok] * w[ok, None])
    norm = np.linalg.norm(acc, axis=1)
    acc = np.where(norm[:, None] > 0, acc / np.where(norm > 0, norm, 1)[:, None], sky.directions[used])
    return SunBins(hour_bin=hour_bin.astype(np.int64), directions=acc, patch=used, sky=sky)
