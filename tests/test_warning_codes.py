"""Warnings carry codes (model.codes) while staying the sentences people read."""
from __future__ import annotations

import json
import pickle

from stadtbild.importers import load
from stadtbild.model import codes
from stadtbild.model.codes import code_of
from tests.conftest import DEMO
from tests.helpers import box_model


def test_reader_warnings_have_codes_and_serialise_as_their_text():
    m = load(DEMO)
    m.triangulation()
    (w,) = [w for w in m.warnings if "degenerate" in w]
    assert code_of(w) == codes.DEGENERATE_POLYGONS == "W101"
    assert json.loads(json.dumps(m.warnings)) == [str(x) for x in m.warnings]  # the info JSON is unchanged
    assert code_of(pickle.loads(pickle.dumps(w))) == "W101"  # survives Dask / process pools


def test_edit_warnings_have_codes_and_reach_the_edited_model():
    from stadtbild.model.scenario import Scenario

    m = box_model([("a", 0, 0, 10, 10, 0, 5)])
    sc = Scenario("x", [{"op": "demolish", "ids": ["nope"]}])
    out = sc.apply(m)
    (w,) = [w for w in out.warnings if "not in the model" in w]
    assert code_of(w) == codes.IDS_NOT_IN_MODEL
    ctx_warnings = sc.last_report.warnings
    assert [code_of(x) for x in ctx_warnings] == [codes.IDS_NOT_IN_MODEL]
