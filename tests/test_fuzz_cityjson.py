"""Property tests: mutated real CityJSON files end in a model or a clean InputError, never in
another exception, a hang or a crash; a loaded model always yields a valid Scene."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadtbild.importers.cityjson import read_cityjson, read_cityjsonseq
from stadtbild.model.errors import InputError
from tests.conftest import data_file

SEEDS = ["cityjson/DH_01_subs.city.json", "cityjson/dummy.city.json", "cityjson/twobuildings_m.json",
         "cityjson/multi_lod.city.json", "cityjson/geomtemplate_2.city.json", "cityjson/cityjson_fake_complete.city.json"]
DOCS = {rel: json.loads(data_file(rel).read_text()) for rel in SEEDS}

@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_loads(tmp_path, seed):
    """The unmutated seeds (also re-serialised) are valid files and must load with objects and
    triangles: an importer that rejected everything would pass the "model or clean error"
    properties below."""
    for raw in (data_file(seed).read_bytes(), json.dumps(DOCS[seed]).encode()):
        model = _check_loads_or_clean_error(tmp_path, raw)
        assert model is not None, seed
        assert len(model.objects) == len(DOCS[seed]["CityObjects"]) > 0
        assert model.scene().n_triangles > 0 or seed.endswith("cityjson_fake_complete.city.json")


EVIL_VALUES = st.sampled_from([None, -1, 2**40, 2**70, -2**70, 1.5, float("nan"), float("inf"), "x", "", [], {}, [[]],
                               [[[]]], [1, 2], {"a": 1}, True, 0, "MultiSurface", "Solid", [[[0, 1]]]])


def _paths(node, prefix=()):
    """All (path, value) pairs of a JSON tree (bounded for speed)."""
    out = [(prefix, node)]
    if isinstance(node, dict):
        for k, v in list(node.items())[:12]:
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node[:6]):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _set(doc, path, value):
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value


def _check_loads_or_clean_error(tmp_path, raw: bytes, reader=read_cityjson, suffix=".city.json"):
    path = tmp_path / f"case{suffix}"
    path.write_bytes(raw)
    try:
        model = reader(path)
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.startswith(str(path))
        return None
    scene = model.scene()
    assert scene.triangles.shape[1] == 3
    if scene.n_triangles:
        assert scene.triangles.max() < len(scene.vertices)
        assert np.isfinite(scene.vertices).all()
    model.info()
    return model


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), data=st.data(), value=EVIL_VALUES)
def test_mutated_values(tmp_path, seed, data, value):
    doc = copy.deepcopy(DOCS[seed])
    paths = [p for p, _ in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    _set(doc, path, value)
    raw = json.dumps(doc, allow_nan=True).encode()
    _check_loads_or_clean_error(tmp_path, raw)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0.0, 1.0))
def test_truncated(tmp_path, seed, cut):
    raw = data_file(seed).read_bytes()
    _check_loads_or_clean_error(tmp_path, raw[: int(len(raw) * cut)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_shuffled_and_shifted_indices(tmp_path, seed, data):
    """Vertex indices shuffled or shifted out of range (negative, huge)."""
    doc = copy.deepcopy(DOCS[seed])
    shift = data.draw(st.sampled_from([-5, 1, 10**6, 2**33]))
    shifted = []

    def maybe_shift(i):
        if data.draw(st.booleans()):
            shifted.append(i)
            return i + shift
        return i

    for obj in doc["CityObjects"].values():
        for g in obj.get("geometry", []):
            if g.get("type") in ("MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"):
                g["boundaries"] = _map_ints(g["boundaries"], maybe_shift)
    model = _check_loads_or_clean_error(tmp_path, json.dumps(doc).encode())
    if model is not None and shifted and shift in (10**6, 2**33):
        assert any("do not exist" in w for w in model.warnings)


def _map_ints(node, fn):
    if isinstance(node, list):
        return [_map_ints(v, fn) for v in node]
    if isinstance(node, int) and not isinstance(node, bool):
        return fn(node)
    return node


def test_cyclic_parents_and_deep_nesting(tmp_path):
    doc = copy.deepcopy(DOCS["cityjson/DH_01_subs.city.json"])
    ids = list(doc["CityObjects"])
    for a, b in zip(ids, ids[1:] + ids[:1]):  # a cycle through all objects
        doc["CityObjects"][a]["children"] = [b]
        doc["CityObjects"][b]["parents"] = [a]
    model = _check_loads_or_clean_error(tmp_path, json.dumps(doc).encode())
    assert model is not None and len(model) == len(ids)
    deep = "[" * 5000 + "]" * 5000
    raw = ('{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},'
           '"CityObjects":{"a":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":'
           + deep + '}]}},"vertices":[]}').encode()
    _check_loads_or_clean_error(tmp_path, raw)


def test_non_utf8_and_binary(tmp_path):
    raw = data_file("cityjson/dummy.city.json").read_bytes()
    _check_loads_or_clean_error(tmp_path, raw.replace(b"Building", b"Buil\xff\xfeing", 1))
    _check_loads_or_clean_error(tmp_path, bytes(range(256)) * 10)


def test_nan_coordinates_are_rejected(tmp_path):
    doc = copy.deepcopy(DOCS["cityjson/twobuildings_m.json"])
    doc["vertices"][3] = [float("nan"), 1.0, 2.0]
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(doc, allow_nan=True))
    try:
        read_cityjson(path)
    except InputError as exc:
        assert "invalid JSON" in str(exc) or "not finite" in str(exc)
    else:
        raise AssertionError("NaN coordinates must not load silently")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 8000), junk=st.sampled_from([b"", b"{", b"not json\n", b'{"type":"CityJSONFeature"}\n']))
def test_cityjsonseq_mutations(tmp_path, cut, junk):
    raw = data_file("cityjsonseq/lod2_buildings_as_CityJSON_features.city.jsonl").read_bytes()
    lines = raw.split(b"\n")
    mutated = b"\n".join(lines[:3]) + b"\n" + junk + raw[len(b"\n".join(lines[:3])) + 1:][:cut]
    _check_loads_or_clean_error(tmp_path, mutated, reader=read_cityjsonseq, suffix=".city.jsonl")
