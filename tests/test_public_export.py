"""Public export strips internal attributes (owners, addresses …) from every output format, with
a configurable list; without --public they are kept (so the check can fail)."""
from __future__ import annotations

import json

import pytest

from stadtbild import cli
from stadtbild.importers import load
from stadtbild.model.privacy import DEFAULT_INTERNAL, internal_patterns, public_copy
from stadtbild.model.errors import InputError
from tests.conftest import data_file

SACHSEN = data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")  # xAL addresses (Dresden)
DUMMY = data_file("cityjson/dummy.city.json")  # "owner": "Elvis Presley"


def _export(tmp_path, src, name, *extra):
    out = tmp_path / name
    rc = cli.main(["export", str(src), "-o", str(out), "--json", *extra])
    assert rc == 0
    return out


@pytest.mark.parametrize("name", ["out.city.json", "out.gml", "out.csv", "out.geojson"])
def test_addresses_are_left_out_of_a_public_export(tmp_path, capsys, name):
    plain = _export(tmp_path, SACHSEN, "plain-" + name).read_text(encoding="utf-8")
    assert "Ratsstraße" in plain  # the data does hold a street name
    capsys.readouterr()
    public = _export(tmp_path, SACHSEN, name, "--public").read_text(encoding="utf-8")
    summary = json.loads(capsys.readouterr().out)
    assert "Ratsstraße" not in public and "Dresden" not in public
    assert summary["public"] is True and summary["internal_values_removed"] > 0


def test_owner_removed_and_other_attributes_kept(tmp_path, capsys):
    out = _export(tmp_path, DUMMY, "d.city.json", "--public")
    doc = json.loads(out.read_text())
    attrs = doc["CityObjects"]["102636712"]["attributes"]
    assert "owner" not in attrs and "Elvis" not in out.read_text()
    assert attrs["measuredHeight"] == pytest.approx(22.3) and attrs["roofType"] == "gable"


def test_settings_file_adds_names(tmp_path, capsys):
    cfg = tmp_path / "public_export.json"
    cfg.write_text(json.dumps({"internal_attributes": ["roofType", "yearOf*"]}))
    out = _export(tmp_path, DUMMY, "d.city.json", "--public", "--public-config", str(cfg))
    attrs = json.loads(out.read_text())["CityObjects"]["102636712"]["attributes"]
    assert set(attrs) == {"measuredHeight"}
    cfg.write_text(json.dumps({"internal_attributes": ["roofType"], "replace_defaults": True}))
    assert internal_patterns(cfg) == ["roofType"]
    cfg.write_text("{broken")
    capsys.readouterr()
    assert cli.main(["export", str(DUMMY), "-o", str(tmp_path / "x.city.json"), "--public", "--public-config", str(cfg)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {cfg}:")


def test_default_settings_file_from_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "p.json"
    cfg.write_text(json.dumps({"internal_attributes": ["measuredHeight"]}))
    monkeypatch.setenv("STADTBILD_PUBLIC_EXPORT", str(cfg))
    assert "measuredHeight" in internal_patterns() and set(DEFAULT_INTERNAL) <= set(internal_patterns())


def test_public_copy_leaves_the_source_model_unchanged():
    model = load(SACHSEN)
    before = {oid: dict(o.attributes) for oid, o in model.objects.items()}
    pub, removed = public_copy(model)
    assert {oid: dict(o.attributes) for oid, o in model.objects.items()} == before
    assert any(k.startswith("address.") for k in removed)
    assert not any(k.lower().startswith("address") for o in pub.objects.values() for k in o.attributes)
    assert not any(o.extra and "address" in o.extra for o in pub.objects.values())
    assert pub.n_polygons == model.n_polygons and list(pub.objects) == list(model.objects)
    assert pub.scene().n_triangles == model.scene().n_triangles


def test_missing_named_settings_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        internal_patterns(tmp_path / "nope.json")


def test_convert_public(tmp_path, capsys):
    out = tmp_path / "c.city.json"
    assert cli.main(["convert", str(SACHSEN), str(out), "--public", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    text = out.read_text(encoding="utf-8")
    assert "Ratsstraße" not in text and summary["internal_values_removed"] > 0
    assert summary["objects"] == len(json.loads(text)["CityObjects"])
    assert cli.main(["convert", str(SACHSEN), str(tmp_path / "full.city.json")]) == 0
    assert "Ratsstraße" in (tmp_path / "full.city.json").read_text(encoding="utf-8")


def _removed_keys(plain, public, path=()):
    """Reference count: keys present in ``plain`` whose parent exists in ``public`` but which are
    missing there (a removed dict counts once), over the whole JSON tree."""
    n = 0
    if isinstance(plain, dict) and isinstance(public, dict):
        for k, v in plain.items():
            n += _removed_keys(v, public[k], path + (k,)) if k in public else 1
    elif isinstance(plain, list) and isinstance(public, list) and len(plain) == len(public):
        n += sum(_removed_keys(a, b, path) for a, b in zip(plain, public))
    return n


@pytest.mark.parametrize("scenario", [False, True])
def test_reported_count_equals_the_values_missing_from_the_output(tmp_path, capsys, scenario):
    """``internal_values_removed`` is what a user finds missing when comparing the public output with
    the plain one (78 on the Dresden tile), with and without a scenario (the model used to be counted
    twice without one: 156)."""
    extra = []
    if scenario:
        s = tmp_path / "s.scenario.json"
        first = next(iter(json.loads(_export(tmp_path, SACHSEN, "ids.city.json").read_text())["CityObjects"]))
        s.write_text(json.dumps({"name": "A", "edits": [{"op": "demolish", "ids": [first]}]}))
        extra = ["--scenario", str(s)]
    plain = json.loads(_export(tmp_path, SACHSEN, "plain.city.json", *extra).read_text())
    capsys.readouterr()
    public = json.loads(_export(tmp_path, SACHSEN, "public.city.json", "--public", *extra).read_text())
    summary = json.loads(capsys.readouterr().out)
    expected = _removed_keys(plain, public)
    assert expected > 10
    assert summary["internal_values_removed"] == expected
    if not scenario:
        assert expected == 78
