"""No lost work: atomic project saves with one backup, autosave journals that survive SIGKILL and
are recovered by the next start, atomic exports."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stadtbild.model.autosave import Autosaver, pending_recoveries, read_journal
from stadtbild.model.errors import InputError
from stadtbild.model.project import Project
from stadtbild.model.scenario import Scenario
from tests.conftest import DEMO, ROOT


def _project(n_edits: int, name="Variante A") -> Project:
    p = Project()
    p.add_source(DEMO)
    p.set_scenario(Scenario.from_dict({"name": name, "edits": [{"op": "demolish", "ids": [f"x{i}"]}
                                                               for i in range(n_edits)]}))
    return p


# ---------------------------------------------------------------- project files
def test_save_keeps_one_backup_of_the_previous_version(tmp_path):
    path = tmp_path / "plan.stadtbild"
    _project(1).save(path)
    _project(2).save(path)
    _project(3).save(path)
    assert len(Project.open(path).scenario("Variante A").edits) == 3
    assert len(Project.open(path.with_name("plan.stadtbild.bak")).scenario("Variante A").edits) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.stadtbild", "plan.stadtbild.bak"]


def test_a_failing_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "plan.stadtbild"
    _project(1).save(path)
    before = path.read_bytes()
    import stadtbild.model.fileio as fileio

    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == path:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(fileio.os, "replace", failing_replace)
    with pytest.raises(OSError):
        _project(5).save(path)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temp files left behind"


_SAVE_LOOP = """
import sys
from stadtbild.model.project import Project
from stadtbild.model.scenario import Scenario
path = sys.argv[1]
p = Project(); p.add_source(sys.argv[2])
i = 0
while True:
    i += 1
    p.set_scenario(Scenario.from_dict({"name": "A", "edits": [{"op": "demolish", "ids": ["x%d" % k]} for k in range(i)]}))
    p.save(path)
    if i == 3:
        print("saving", flush=True)
"""


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4])
def test_sigkill_during_saves_never_leaves_a_broken_project(tmp_path, delay):
    path = tmp_path / "plan.stadtbild"
    proc = subprocess.Popen([sys.executable, "-c", _SAVE_LOOP, str(path), str(DEMO)], cwd=ROOT,
                            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == b"saving"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    n = len(Project.open(path).scenario("A").edits)
    n_bak = len(Project.open(path.with_name(path.name + ".bak")).scenario("A").edits)
    assert n >= 3 and n_bak in (n - 1, n)


# ---------------------------------------------------------------- autosave + crash recovery
_EDITING_SESSION = """
import sys, time
from stadtbild.model.autosave import Autosaver
a = Autosaver()
edits = []
for i in range(int(sys.argv[2])):
    edits.append({"op": "demolish", "ids": [sys.argv[3 + i]]})   # one edit of the planner
    a.save([sys.argv[1]], [{"name": "Variante A", "edits": list(edits)}], "Variante A")
    print(i + 1, flush=True)
time.sleep(600)   # still editing when the machine dies
"""


def test_sigkill_while_editing_then_restart_recovers_the_edits(tmp_path, demo_model):
    """A session makes edits (autosaved after each), is killed with SIGKILL, and a new process
    finds the journal, recovers the edits and applies them to the model."""
    env = {**os.environ, "STADTBILD_AUTOSAVE_DIR": str(tmp_path / "autosave"), "PYTHONPATH": str(ROOT)}
    ids = list(demo_model.objects)[:5]
    proc = subprocess.Popen([sys.executable, "-c", _EDITING_SESSION, str(DEMO), str(len(ids)), *ids], cwd=ROOT,
                            stdout=subprocess.PIPE, env=env)
    for k in range(1, len(ids) + 1):
        assert proc.stdout.readline().strip() == str(k).encode()
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL

    restart = """
import json
from stadtbild.importers import load
from stadtbild.model.autosave import pending_recoveries
from stadtbild.model.scenario import Scenario
recs = pending_recoveries()
r = recs[0]
model = load(r.sources[0])
scen = Scenario.from_dict([s for s in r.scenarios if s["name"] == r.active_scenario][0])
after = scen.apply(model)
r.discard()
print(json.dumps({"journals": len(recs), "edits": r.n_edits, "before": len(model.objects), "after": len(after.objects),
                  "gone": [i for i in model.objects if i not in after.objects], "left": len(pending_recoveries())}))
"""
    out = subprocess.run([sys.executable, "-c", restart], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["journals"] == 1 and res["edits"] == len(ids)
    assert set(ids) <= set(res["gone"]) and res["after"] < res["before"]
    assert res["left"] == 0


def test_journal_of_a_running_session_is_not_offered_for_recovery(tmp_path):
    a = Autosaver(tmp_path)
    a.save([DEMO], [{"name": "A", "edits": [{"op": "demolish", "ids": ["x"]}]}])
    assert pending_recoveries(tmp_path) == []  # this process is alive
    dead = tmp_path / "session-999999999-12345.autosave.json"
    dead.write_bytes(a.path.read_bytes())
    recs = pending_recoveries(tmp_path)
    assert [r.path for r in recs] == [dead] and recs[0].n_edits == 1
    a.discard()
    assert not a.path.exists()


def test_broken_journals_are_skipped(tmp_path):
    for name, data in {"session-999999990-1.autosave.json": b"{\"format\": \"stadtbild-autosave\", \"scen",
                       "session-999999991-1.autosave.json": b"\xff\xfe",
                       "session-999999992-1.autosave.json": b'{"format": "other"}',
                       "session-x-y.autosave.json": b"{}"}.items():
        (tmp_path / name).write_bytes(data)
    assert pending_recoveries(tmp_path) == []
    assert read_journal(tmp_path / "missing.autosave.json") is None


def test_autosave_skips_unchanged_state_and_survives_an_unwritable_folder(tmp_path):
    a = Autosaver(tmp_path / "j")
    state = ([DEMO], [{"name": "A", "edits": [{"op": "demolish", "ids": ["x"]}]}], "A")
    a.save(*state)
    a.save(*state)
    assert a.saves == 1
    ro = tmp_path / "ro"
    ro.write_text("a file, not a folder")
    b = Autosaver(ro / "sub")
    assert b.save(*state) is None  # no crash; the caller warns once
    assert b.save([DEMO], [{"name": "A", "edits": []}], "A") is None  # and nothing to journal


def test_work_left_unsaved_stays_marked_until_the_next_model_is_journalled(tmp_path):
    """Discard keeps the journal marked ``closed_unsaved``; a save that still comes for the left
    model (the periodic timer while the next model loads) must not clear the mark (found under
    load: tests/test_gui_workflow.py's open-discard test saw the mark gone)."""
    a = Autosaver(tmp_path)
    state = ([DEMO], [{"name": "A", "edits": [{"op": "demolish", "ids": ["x"]}]}], "A")
    kept = a.save(*state)
    a.close_unsaved()
    assert a.save(*state) is None  # the timer fires before the next model is in place
    assert read_journal(kept).closed_unsaved and read_journal(kept).n_edits == 1
    a.switch([str(tmp_path / "other.city.json")])
    new = a.save([str(tmp_path / "other.city.json")], [{"name": "B", "edits": [{"op": "demolish", "ids": ["y"]}]}])
    assert new is not None and new != kept and not read_journal(new).closed_unsaved
    assert read_journal(kept).closed_unsaved  # the left model's journal is untouched
    a.switch(*state[:1])  # the same model again: a new opening, journalled afresh
    again = a.save(*state)
    assert again not in (None, kept, new) and not read_journal(again).closed_unsaved


def test_edits_after_a_discard_that_kept_the_model_open_are_journalled(tmp_path):
    """Discard, then the next model was not opened after all (file dialog cancelled): the model
    stays and its further edits go to a new journal; the kept one stays marked."""
    a = Autosaver(tmp_path)
    edits = [{"op": "demolish", "ids": ["x"]}]
    kept = a.save([DEMO], [{"name": "A", "edits": edits}])
    a.close_unsaved()
    more = a.save([DEMO], [{"name": "A", "edits": [*edits, {"op": "demolish", "ids": ["y"]}]}])
    assert more not in (None, kept) and read_journal(more).n_edits == 2 and not read_journal(more).closed_unsaved
    assert read_journal(kept).closed_unsaved and read_journal(kept).n_edits == 1


def test_a_placed_bebauungsplan_alone_is_journalled_and_offered(tmp_path):
    """A plan placed over the untouched model is work too (app.bplan restores it from the journal)."""
    a = Autosaver(tmp_path)
    plan = {"path": "/data/bplan.gml", "show_envelopes": True, "show_ground": True, "hide_existing": False}
    path = a.save([DEMO], [{"name": "Bestand", "edits": []}], extra={"layers": [], "plans": [plan]})
    assert path is not None
    dead = tmp_path / "session-999999999-12345.autosave.json"
    dead.write_bytes(path.read_bytes())
    (rec,) = pending_recoveries(tmp_path)
    assert rec.has_changes and rec.extra["plans"] == [plan]
    assert a.save([DEMO], [{"name": "Bestand", "edits": []}], extra={"layers": [], "plans": []}) is None


def test_project_open_errors_are_input_errors(tmp_path):
    path = tmp_path / "bad.stadtbild"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(InputError):
        Project.open(path)


# ---------------------------------------------------------------- exports
@pytest.mark.parametrize("suffix", [".city.json", ".city.jsonl", ".gml", ".dxf", ".glb", ".obj", ".stl", ".ifc",
                                    ".csv", ".geojson", ".gpkg"])
def test_a_failing_export_leaves_the_previous_file_intact(tmp_path, monkeypatch, capsys, suffix):
    """Exports are atomic: when the final rename fails (disk full, crash at that instant), the
    file that was there before is untouched and no temporary file is left next to it."""
    from stadtbild import cli

    src = str(ROOT.parent / "shared" / "data" / "citygml" / "nrw" / "LoD2_32_330_5731_1_NW.gml")
    out = tmp_path / f"out{suffix}"
    out.write_bytes(b"previous version")
    before = {p.name for p in tmp_path.iterdir()}
    real_replace = os.replace

    def failing_replace(a, b):
        if Path(b).parent == tmp_path:
            raise OSError(28, "No space left on device")
        return real_replace(a, b)

    monkeypatch.setattr(os, "replace", failing_replace)
    monkeypatch.setattr(os, "rename", failing_replace)
    rc = cli.main(["export", src, "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and err == f"error: {out}: No space left on device\n"
    assert out.read_bytes() == b"previous version"
    assert {p.name for p in tmp_path.iterdir()} == before, "temporary files left behind"


def test_journals_are_private(tmp_path):
    a = Autosaver(tmp_path / "new" / "autosave")
    a.save([DEMO], [{"name": "A", "edits": [{"op": "demolish", "ids": ["x"]}]}])
    assert (a.path.stat().st_mode & 0o777) == 0o600
    assert ((tmp_path / "new" / "autosave").stat().st_mode & 0o777) == 0o700
