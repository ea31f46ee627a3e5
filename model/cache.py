"""Derived data cached on the object it is derived from (as trimesh's ``caching.cache_decorator``).

A :class:`~model.citymodel.CityModel` or :class:`~model.scene.Scene` keeps what is computed from
it — triangulation, areas, normals, scenes, spatial index, per-polygon metrics arrays — in its
``_cache`` dict, cleared by ``invalidate()`` when its arrays change (an
``analysis.raycast.RayCaster`` keeps what it derives from its scene the same way). This module is
the one way in:

    @cached
    def triangle_areas(self): ...            # a method, or a function of one model

    @cached
    def scene(self, lod=None, object_ids=None): ...   # hashable arguments are part of the key

    put(model, CityModel.triangulation, tri)  # hand over a value computed elsewhere (model surgery)

Cached numpy arrays are made read-only (also inside tuples, dicts and dataclasses), so a caller
that changes one in place gets an error instead of silently changing every later answer. Values
are keyed by the function's qualified name (and arguments), so two modules cannot collide.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np


def freeze(value):
    """``value`` with its numpy arrays made read-only (arrays directly, in tuples/lists, dict
    values and dataclass fields, one level deep); returns ``value``."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for v in value:
            if isinstance(v, np.ndarray):
                v.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            if isinstance(v, np.ndarray):
                v.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            v = getattr(value, f.name, None)
            if isinstance(v, np.ndarray):
                v.flags.writeable = False
    return value


def _key(fn, args, kwargs):
    if not args and not kwargs:
        return fn.__qualname__
    return (fn.__qualname__, args, tuple(sorted(kwargs.items())))


def cached(fn):
    """Decorator: the result of ``fn(obj, *args)`` is computed once per object and argument
    values (which must be hashable) and kept in ``obj._cache``; arrays in it are frozen."""

    @functools.wraps(fn)
    def wrapper(obj, *args, **kwargs):
        key = _key(fn, args, kwargs)
        cache = obj._cache
        try:
            return cache[key]
        except KeyError:
            pass
        value = freeze(fn(obj, *args, **kwargs))
        cache[key] = value
        return value

    wrapper.cache_key = fn.__qualname__
    return wrapper


def put(obj, fn, value, *args, **kwargs) -> None:
    """Store ``value`` as what the :func:`cached` ``fn(obj, *args)`` would return (e.g. a
    triangulation carried over from the models an edit was assembled from)."""
    inner = getattr(fn, "__wrapped__", fn)
    obj._cache[_key(inner, args, kwargs)] = freeze(value)


def peek(obj, fn, *args, **kwargs):
    """The cached value of ``fn(obj, *args)``, or None when it was not computed yet."""
    inner = getattr(fn, "__wrapped__", fn)
    return obj._cache.get(_key(inner, args, kwargs))
