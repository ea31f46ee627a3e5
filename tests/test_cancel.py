"""Cancel points: a ``threading.Event`` (or any callable returning True) given to the RayCaster
stops shadow, sun-hours, solar and sightline work within one chunk of rays, with
:class:`model.errors.Cancelled`; without it the results are unchanged."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from stadtbild.analysis.raycast import RayCaster
from stadtbild.model.errors import Cancelled


@pytest.fixture(scope="module")
def scene(demo_model):
    return demo_model.scene()


def _rays(scene, n=200_000, seed=1):
    rng = np.random.default_rng(seed)
    lo, hi = scene.vertices.min(axis=0), scene.vertices.max(axis=0)
    o = rng.uniform(lo, hi, (n, 3))
    o[:, 2] = lo[2] + 1.0
    d = rng.normal(size=(n, 3))
    d[:, 2] = np.abs(d[:, 2])
    return o, d


def test_set_event_stops_queries_at_the_first_chunk(scene):
    ev = threading.Event()
    ev.set()
    rc = RayCaster(scene, cancel=ev, chunk_size=4096)
    o, d = _rays(scene)
    for call in (lambda: rc.occluded(o, d), lambda: rc.first_hit(o, d),
                 lambda: rc.visible_sum(o[:5000], d[:24])):
        with pytest.raises(Cancelled):
            call()


def test_cancel_during_a_long_query_stops_within_a_chunk(scene):
    """Cancel from another thread while 1.6 M rays run: the query ends long before it would."""
    o, d = _rays(scene, 200_000)
    o, d = np.tile(o, (8, 1)), np.tile(d, (8, 1))
    ref = RayCaster(scene, chunk_size=8192)
    t0 = time.perf_counter()
    ref.occluded(o, d)
    full = time.perf_counter() - t0
    ev = threading.Event()
    rc = RayCaster(scene, cancel=ev, chunk_size=8192)
    threading.Timer(full * 0.2, ev.set).start()
    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        rc.occluded(o, d)
    assert time.perf_counter() - t0 < 0.8 * full + 0.2


def test_callable_cancel_and_unchanged_results(scene):
    o, d = _rays(scene, 20_000)
    calls = []

    def never():
        calls.append(1)
        return False

    a = RayCaster(scene, chunk_size=2048).occluded(o, d)
    b = RayCaster(scene, chunk_size=2048, cancel=never).occluded(o, d)
    np.testing.assert_array_equal(a, b)
    assert len(calls) >= 20_000 // 2048  # checked per chunk


def test_shadow_sunhours_solar_sightline_honour_the_raycaster_cancel(scene, demo_model):
    from stadtbild.analysis import shadow, sightline, solar

    ev = threading.Event()
    ev.set()
    rc = RayCaster(scene, cancel=ev)
    with pytest.raises(Cancelled):
        shadow.shadow_at(scene, "2026-06-21T15:00", cell_m=2.0, raycaster=rc)
    with pytest.raises(Cancelled):
        shadow.sun_hours(scene, "2026-06-21", step_min=10, cell_m=8.0, raycaster=rc)
    with pytest.raises(Cancelled):
        solar.compute_solar(scene, raycaster=rc)
    lo, hi = scene.vertices.min(axis=0), scene.vertices.max(axis=0)
    with pytest.raises(Cancelled):
        sightline.sightline(scene, lo + [1, 1, 2], hi - [1, 1, 0], raycaster=rc)
