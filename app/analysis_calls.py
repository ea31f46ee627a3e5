"""Calls into the ``analysis`` package for the analysis pages: each ``*_job`` returns a function
``run(progress, cancelled)`` for a worker thread; each ``present_*`` shows the result in the
window (GUI thread) and returns a one-line summary. Kept apart from the widgets so the adapters
follow the analysis modules' APIs as they land."""
from __future__ import annotations

import numpy as np

from model.errors import InputError

from .i18n import format_number, tr
from .legend import colormap_rgb


def has_sunhours() -> bool:
    try:
        import analysis.shadow as sh
    except ImportError:
        return False
    return hasattr(sh, "sun_hours") or hasattr(sh, "sunhours") or hasattr(sh, "compute_sun_hours")


def _missing(name):
    raise InputError(None, tr("the analysis module {m} is not in this build").format(m=name))


def shadow_job(ctx, grid_m: float):
    _missing("analysis.shadow")


def present_shadow(window, result) -> str:
    return ""


def sunhours_job(ctx, grid_m: float, step_min: int):
    _missing("analysis.shadow")


def present_sunhours(window, result) -> str:
    return ""


def sightline_job(ctx, points, eye_m: float):
    _missing("analysis.sightline")


def present_sightline(window, result, points) -> str:
    return ""


def solar_job(ctx):
    _missing("analysis.solar")


def present_solar(window, result) -> str:
    return ""


def setbacks_job(ctx, rule):
    _missing("analysis.setbacks")


def present_setbacks(window, result) -> str:
    return ""
