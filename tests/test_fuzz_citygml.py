"""Property tests: mutated real CityGML files end in a model or a clean InputError, never in
another exception, a hang or a crash; a loaded model always yields a valid Scene with finite
vertices. Seeds are real files from ../shared/data/citygml (v1, v2, v3, German LoD2, xlinks);
mutations are made on the XML tree with lxml (shuffled children, wrong values in posList and
srsDimension, NaN/inf, emptied geometries, cyclic and remote xlinks, deep nesting) and on the
bytes (truncation, non-UTF-8). Same approach as tests/test_fuzz_cityjson.py."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from stadtbild.importers import load
from stadtbild.model.errors import InputError
from tests.conftest import DATA, data_file

SEEDS = ["citygml/fzk_haus/fzk_haus_lod2_v2.gml", "citygml/ogc_pairs/v2/Building_and_garage_LOD2-EPSG25832.gml",
         "citygml/ogc_pairs/v3/Building_LOD2-EPSG25832.gml", "citygml/v1/DenHaag_1BwBP.gml",
         "citygml/v3/BuildingUnits_Storeys_xlink.gml", "citygml/nrw/LoD2_32_330_5731_1_NW.gml",
         "citygml/fzk_haus/fzk_haus_lod0_v2.gml"]
RAW = {rel: data_file(rel).read_bytes() for rel in SEEDS}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
XLINK = "{http://www.w3.org/1999/xlink}href"

EVIL_NUMBERS = st.sampled_from(["", "x y z", "1 2", "NaN NaN NaN 0 0 0 1 1 1", "inf 0 0 1 0 0 1 1 0 inf 0 0",
                                "-inf 1 2 3 4 5 6 7 8", "1e309 0 0 0 1 0 1 1 0 1e309 0 0", "0x10 1 2 3 4 5 6 7 8",
                                "1,2,3 4,5,6 7,8,9", "0 0 0 " * 20000, "1e300 1e300 1e300 -1e300 0 0 0 -1e300 0",
                                "١ ٢ ٣ 4 5 6 7 8 9", "0 0 0 0 0 0 0 0 0 0 0 0", "\u202e1 2 3 4 5 6 7 8 9"])
EVIL_DIMS = st.sampled_from(["0", "1", "-3", "2", "4", "99999999999999999999", "abc", "", "3.0", "²", "-0"])


def _tree(rel):
    return etree.fromstring(RAW[rel], _PARSER)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_loads(tmp_path, seed):
    """The unmutated seeds are valid CityGML and must load with their buildings and triangles (an
    importer that rejected everything would pass the "model or clean error" properties); the
    reference count is the number of bldg:Building elements, counted here with lxml."""
    model = check_loads_or_clean_error(tmp_path, RAW[seed])
    assert model is not None, seed
    buildings = len(_tree(seed).xpath("//*[local-name()='Building']"))
    assert buildings > 0
    assert sum(o.type == "Building" for o in model.objects.values()) == buildings
    assert model.scene().n_triangles > 0 or "lod0" in seed


def check_loads_or_clean_error(tmp_path, raw: bytes, name="case.gml"):
    """The contract of every importer: a model with a valid scene, or one InputError line."""
    path = tmp_path / name
    path.write_bytes(raw)
    try:
        model = load(path)
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.startswith(str(path)), msg
        return None
    assert np.isfinite(model.vertices).all()
    scene = model.scene()
    assert scene.triangles.ndim == 2 and scene.triangles.shape[1] == 3
    if scene.n_triangles:
        assert 0 <= scene.triangles.min() and scene.triangles.max() < len(scene.vertices)
        assert np.isfinite(scene.vertices).all()
    model.info()
    for obj in model.objects.values():
        assert obj.id not in obj.children and obj.id not in obj.parents
    return model


def _elements(root, rng: random.Random, local=None, limit=400):
    els = [e for e in root.iter(etree.Element) if local is None or etree.QName(e).localname in local]
    return els[:limit] if len(els) <= limit else rng.sample(els, limit)


# ---------------------------------------------------------------- tree mutations
def mut_shuffle(root, rng, _v):
    """Shuffle the children of some elements (members, surfaces, rings, posList order)."""
    for el in rng.sample(_elements(root, rng), k=min(8, len(_elements(root, rng)))):
        kids = list(el)
        rng.shuffle(kids)
        for k in kids:
            el.remove(k)
        el.extend(kids)


def mut_poslist(root, rng, value):
    """Wrong types / NaN / inf / huge counts in coordinate lists."""
    els = _elements(root, rng, {"posList", "pos", "coordinates", "lowerCorner", "upperCorner"})
    for el in rng.sample(els, k=min(len(els), rng.choice([1, 3, 50]))):
        el.text = value


def mut_srsdim(root, rng, value):
    els = _elements(root, rng, {"posList", "pos", "Envelope", "Polygon", "LinearRing", "MultiSurface", "Solid"})
    for el in rng.sample(els, k=min(len(els), rng.choice([1, 5, 100]))):
        el.set("srsDimension", value)


def mut_empty_geometries(root, rng, _v):
    """Remove the coordinates / rings / surface members of some geometries."""
    names = rng.choice([{"posList", "pos"}, {"exterior", "interior"}, {"surfaceMember"}, {"Polygon"},
                        {"LinearRing"}])
    els = _elements(root, rng, names)
    for el in rng.sample(els, k=min(len(els), rng.choice([1, 10, 10_000]))):
        el.getparent().remove(el)


def mut_xlinks(root, rng, value):
    """xlink:href cycles (to itself, to an ancestor, two members to each other), to missing ids,
    to remote URLs and to local files."""
    ids = [(e, v) for e in root.iter(etree.Element) for k, v in e.attrib.items() if k.endswith("}id")]
    holders = _elements(root, rng, {"surfaceMember", "exterior", "lod2Solid", "lod2MultiSurface", "lod1Solid",
                                    "baseSurface", "solidMember", "cityObjectMember", "groupMember"})
    if not holders:
        return
    for h in rng.sample(holders, k=min(len(holders), 6)):
        kind = rng.choice(["self", "ancestor", "swap", "missing", "remote", "file"])
        if kind in ("self", "ancestor") and ids:
            anc = [v for e, v in ids if h in set(e.iter())] if kind == "ancestor" else []
            target = rng.choice(anc) if anc else rng.choice(ids)[1]
        elif kind == "swap" and ids:
            target = rng.choice(ids)[1]
        elif kind == "remote":
            h.set(XLINK, "http://192.0.2.1/evil.gml#p1")
            continue
        elif kind == "file":
            h.set(XLINK, "file:///etc/passwd#root")
            continue
        else:
            target = "nowhere-" + str(rng.random())
        for k in list(h):
            h.remove(k)
        h.set(XLINK, "#" + target)
        # give the target an href back at the holder's own parent id: a cycle through two members
        if kind == "swap":
            pid = next((v for k, v in (h.getparent().attrib.items() if h.getparent() is not None else ())
                        if k.endswith("}id")), None)
            for e, v in ids:
                kids = [k for k in e if isinstance(k.tag, str)]  # not comments
                if v == target and pid and kids:
                    kids[0].set(XLINK, "#" + pid)


def mut_deep_nesting(root, rng, _v):
    """Wrap a geometry in thousands of nested aggregates (libxml2 limits depth without huge_tree)."""
    els = _elements(root, rng, {"MultiSurface", "CompositeSurface", "Polygon"})
    if not els:
        return
    el = rng.choice(els)
    depth = rng.choice([50, 300, 3000])
    parent = el.getparent()
    idx = parent.index(el)
    parent.remove(el)
    ns = etree.QName(el).namespace
    outer = cur = etree.Element(f"{{{ns}}}MultiSurface")
    for _ in range(depth):
        m = etree.SubElement(cur, f"{{{ns}}}surfaceMember")
        cur = etree.SubElement(m, f"{{{ns}}}MultiSurface")
    m = etree.SubElement(cur, f"{{{ns}}}surfaceMember")
    m.append(el)
    parent.insert(idx, outer)


def mut_attributes(root, rng, value):
    """Odd values in attributes (gml:id duplicates, orientation, names) and typed properties."""
    els = _elements(root, rng)
    for el in rng.sample(els, k=min(len(els), 20)):
        choice = rng.choice(["id", "orientation", "text", "measured"])
        if choice == "id":
            el.set("{http://www.opengis.net/gml}id", "dup")
        elif choice == "orientation":
            el.set("orientation", rng.choice(["-", "+", "x", ""]))
        elif choice == "text" and not len(el):
            el.text = value
        else:
            el.set("uom", value[:20])


MUTATIONS = {"shuffle": mut_shuffle, "poslist": mut_poslist, "srsdim": mut_srsdim, "empty": mut_empty_geometries,
             "xlinks": mut_xlinks, "deep": mut_deep_nesting, "attributes": mut_attributes}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), which=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3),
       rnd=st.integers(0, 2**32 - 1), number=EVIL_NUMBERS, dim=EVIL_DIMS)
def test_mutated_trees(tmp_path, seed, which, rnd, number, dim):
    rng = random.Random(rnd)
    root = _tree(seed)
    for name in which:
        MUTATIONS[name](root, rng, dim if name == "srsdim" else number)
    raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    check_loads_or_clean_error(tmp_path, raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0.0, 1.0))
def test_truncated(tmp_path, seed, cut):
    raw = RAW[seed]
    check_loads_or_clean_error(tmp_path, raw[: int(len(raw) * cut)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), pos=st.floats(0.0, 1.0),
       junk=st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\x00", b"\xed\xa0\x80", b"<", b"&", b"]]>", b"&#0;",
                             b"&#xD800;", b"<!--", b"\xef\xbb\xbf"]),
       encoding=st.sampled_from([None, "UTF-16", "ISO-8859-1", "EBCDIC", "nonsense"]))
def test_bad_bytes_and_encodings(tmp_path, seed, pos, junk, encoding):
    raw = RAW[seed]
    k = int(len(raw) * pos)
    raw = raw[:k] + junk + raw[k:]
    if encoding:
        raw = raw.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1) \
                 .replace(b"encoding='UTF-8'", f"encoding='{encoding}'".encode(), 1)
    check_loads_or_clean_error(tmp_path, raw)


def test_xlink_cycles_end(tmp_path):
    """Two polygons' aggregates referencing each other, a self-referencing surface and an
    object group that contains itself: load (cycle ignored) without recursion errors."""
    doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml"
  xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:grp="http://www.opengis.net/citygml/cityobjectgroup/2.0">
 <core:cityObjectMember><bldg:Building gml:id="b1"><bldg:lod2MultiSurface><gml:MultiSurface gml:id="A">
   <gml:surfaceMember xlink:href="#B"/><gml:surfaceMember xlink:href="#A"/>
   <gml:surfaceMember><gml:Polygon gml:id="p"><gml:exterior><gml:LinearRing><gml:posList>0 0 0 1 0 0 1 1 0 0 0 0</gml:posList>
   </gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod2MultiSurface></bldg:Building>
 </core:cityObjectMember>
 <core:cityObjectMember><bldg:Building gml:id="b2"><bldg:lod2MultiSurface><gml:MultiSurface gml:id="B">
   <gml:surfaceMember xlink:href="#A"/></gml:MultiSurface></bldg:lod2MultiSurface></bldg:Building></core:cityObjectMember>
 <core:cityObjectMember><grp:CityObjectGroup gml:id="g"><grp:groupMember xlink:href="#g"/>
   <grp:groupMember xlink:href="#b1"/></grp:CityObjectGroup></core:cityObjectMember>
</core:CityModel>"""
    model = check_loads_or_clean_error(tmp_path, doc.encode())
    assert model is not None and set(model.objects) == {"b1", "b2", "g"}
    assert model["g"].children == ["b1"]
    assert model.n_polygons >= 1


def test_every_invalid_file_loads_or_fails_cleanly(tmp_path):
    """All of ../shared/data/invalid (CityJSON, CityJSONSeq, CityGML): a model or one error line."""
    files = sorted((DATA / "invalid").iterdir())
    assert len(files) >= 20
    outcomes = {}
    for f in files:
        try:
            model = load(f)
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(str(f))
            outcomes[f.name] = "error"
            continue
        scene = model.scene()
        assert np.isfinite(scene.vertices).all()
        outcomes[f.name] = "model"
    # the syntactically broken ones must be refused
    for name in ("completely_empty.json", "invalid_json_cityjson.json", "truncated_with-errors.json",
                 "unclosedbracket.city.jsonl", "geojson_not_cityjson.json", "csol1b_no_citygml_namespace.gml",
                 "indoorgml_not_citygml_FZK-Haus_full.gml", "empty_primitive_1_version0.1.json"):
        assert outcomes[name] == "error", name


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), which=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=4),
       rnd=st.integers(0, 2**32 - 1), number=EVIL_NUMBERS, dim=EVIL_DIMS)
def test_mutated_trees_long(tmp_path, seed, which, rnd, number, dim):
    test_mutated_trees.hypothesis.inner_test(tmp_path, seed, which, rnd, number, dim)


# ---------------------------------------------------------------- regressions found by the fuzzer
def _one_building(polys: str, extra_ns: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml"
  xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:xlink="http://www.w3.org/1999/xlink"{extra_ns}>
 <core:cityObjectMember><bldg:Building gml:id="b1"><bldg:lod2MultiSurface><gml:MultiSurface>{polys}
 </gml:MultiSurface></bldg:lod2MultiSurface></bldg:Building></core:cityObjectMember></core:CityModel>""".encode()


def _poly(text: str, dim: str | None = None) -> str:
    d = f' srsDimension="{dim}"' if dim is not None else ""
    return (f"<gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList{d}>{text}</gml:posList>"
            f"</gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>")


GOOD = "0 0 0 4 0 0 4 3 0 0 0 0"


def test_empty_ring_text_in_a_batch_is_skipped(tmp_path):
    """Fuzz find: a ring with no coordinates next to good rings indexed past the parsed array
    (IndexError in the batched ring parser)."""
    for polys in (_poly(""), _poly("") + _poly(GOOD), _poly(GOOD) + _poly("") + _poly("1 2")):
        model = check_loads_or_clean_error(tmp_path, _one_building(polys))
        assert model is not None
        assert model.n_polygons == polys.count(GOOD)
        assert any("bad coordinate list" in w for w in model.warnings)


@pytest.mark.parametrize("dim", ["²", "³", "٣"])
def test_unicode_digit_srs_dimension(tmp_path, dim):
    """Fuzz find: srsDimension="²" passed str.isdigit() and crashed int(); now it is read as a
    decimal number when Python's int() reads it (Arabic-Indic ٣ = 3) and as bad otherwise."""
    model = check_loads_or_clean_error(tmp_path, _one_building(_poly(GOOD, dim) + _poly(GOOD)))
    assert model is not None
    assert model.n_polygons == (2 if dim == "٣" else 1)


def test_implausible_coordinates_are_skipped(tmp_path):
    """Coordinates beyond 1e9 m (no place on Earth) overflowed areas and normals to inf/NaN; the
    ring is now skipped like a bad coordinate list, as the CityJSON reader refuses them."""
    huge = "1e300 0 0 0 1e300 0 0 0 1e300 1e300 0 0"
    model = check_loads_or_clean_error(tmp_path, _one_building(_poly(huge) + _poly(GOOD)))
    assert model.n_polygons == 1
    assert np.abs(model.vertices).max() <= 4
    assert np.isfinite(model.polygon_areas()).all()


def test_a_part_with_its_parents_duplicate_id_is_not_its_own_parent(tmp_path):
    """Fuzz find (test_mutated_trees_long): a BuildingPart carrying its Building's gml:id replaced
    the Building (duplicate id, later kept) and listed itself as its parent."""
    ring = ("<gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>0 0 0 4 0 0 4 3 0 0 0 0"
            "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>")
    doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml"
  xmlns:bldg="http://www.opengis.net/citygml/building/2.0">
 <core:cityObjectMember><bldg:Building gml:id="b1"><bldg:consistsOfBuildingPart><bldg:BuildingPart gml:id="b1">
  <bldg:lod2MultiSurface><gml:MultiSurface>{ring}</gml:MultiSurface></bldg:lod2MultiSurface>
 </bldg:BuildingPart></bldg:consistsOfBuildingPart></bldg:Building></core:cityObjectMember></core:CityModel>""".encode()
    model = check_loads_or_clean_error(tmp_path, doc)
    assert model is not None and list(model.objects) == ["b1"]
    assert model.objects["b1"].parents == [] and model.objects["b1"].children == []
    assert any("duplicate city object id 'b1'" in w for w in model.warnings)
