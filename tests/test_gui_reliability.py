"""The window never loses work and never overwrites silently: autosave + recovery after SIGKILL
(two real window processes under the test's X server), export asks before replacing a file and
offers the public export, the error dialog copies the log (pytest-qt under Xvfb)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from tests.helpers import open_window  # noqa: E402
from tests.conftest import DEMO, ROOT, data_file  # noqa: E402

pytestmark = pytest.mark.gui

SESSION = r'''
import json, os, sys
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from stadtbild.app.main_window import MainWindow

mode, ini, demo = sys.argv[1], sys.argv[2], sys.argv[3]
app = QApplication([])
w = MainWindow(QSettings(ini, QSettings.Format.IniFormat))
w.show()

def wait(cond, ms=60000):
    for _ in range(ms // 20):
        if cond():
            return True
        QTest.qWait(20)
    return False

if mode == "edit":
    w.open_paths([demo])
    assert wait(lambda: w.scene is not None), w.last_error
    ids = sorted(i for i, o in w.model.objects.items() if not o.parents)[:3]
    for oid in ids:                     # the planner demolishes three buildings, one by one
        w.set_selection([oid])
        w.demolish_selected()
        QTest.qWait(50)
    w.variants.add_variant("Variante B", [{"op": "demolish", "ids": [ids[0]]}])
    QTest.qWait(50)
    w.demolish_selected()
    path = w.autosave.saver.path
    assert wait(lambda: path.exists() and w.autosave.saver.saves >= 1, 10000)
    QTest.qWait(1500)                   # the journal follows 1 s after the last edit
    print(json.dumps({"ids": ids, "journal": str(path)}), flush=True)
    while True:                         # still working when the machine dies
        QTest.qWait(100)
else:
    rec = w.autosave.offer_recovery()   # STADTBILD_RECOVER=yes answers the dialog
    assert rec is not None
    assert wait(lambda: w.autosave._recovery is None and w.model is not None and len(w.variants.variants) > 1)
    QTest.qWait(200)
    print(json.dumps({"variants": [[v.name, v.edits] for v in w.variants.variants],
                      "active": w.variants.active().name, "objects": len(w.model.objects),
                      "base_objects": len(w.base_model.objects), "files": w.files,
                      "left": [str(p) for p in w.autosave.saver.folder.glob("*.autosave.json")
                               if p != w.autosave.saver.path]}), flush=True)
    w.close()
'''


def _session(mode, tmp_path, env):
    return subprocess.Popen([sys.executable, "-c", SESSION, mode, str(tmp_path / f"{mode}.ini"), str(DEMO)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_window_killed_while_editing_recovers_the_edits(tmp_path):
    assert os.environ.get("DISPLAY"), "GUI tests run on the virtual desktop of tests/conftest.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STADTBILD_AUTOSAVE_DIR": str(tmp_path / "autosave"),
           "STADTBILD_RECOVER": "yes", "STADTBILD_LOG_DIR": str(tmp_path / "log")}
    proc = _session("edit", tmp_path, env)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(proc.stderr.read()[-3000:])
    edited = json.loads(line)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL
    assert os.path.exists(edited["journal"])

    proc = _session("recover", tmp_path, env)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    res = json.loads(out.strip().splitlines()[-1])
    variants = dict((name, edits) for name, edits in res["variants"])
    assert variants[res["variants"][0][0]] == []  # Bestand, the untouched source, holds no edit
    demolished = [i for e in variants["Variante A"] for i in e.get("ids", [])]
    assert sorted(demolished) == sorted(edited["ids"])  # the three demolitions went into a new variant
    assert "Variante B" in variants and res["active"] == "Variante B"
    assert res["files"] == [str(DEMO)]
    assert res["objects"] < res["base_objects"]  # the recovered edits are applied to the view
    assert not os.path.exists(edited["journal"]) and res["left"] == []


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gui-reliability")
    old_log_dir = os.environ.get("STADTBILD_LOG_DIR")
    os.environ["STADTBILD_LOG_DIR"] = str(folder / "log")
    w = open_window(folder, [data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")], size=None)
    yield w
    w.close()
    if old_log_dir is None:
        os.environ.pop("STADTBILD_LOG_DIR", None)
    else:
        os.environ["STADTBILD_LOG_DIR"] = old_log_dir


def _wait_jobs(w):
    for _ in range(3000):
        if not w.jobs.busy():
            return
        QTest.qWait(10)


def test_export_asks_before_replacing_and_strips_internal_attributes(window, tmp_path, monkeypatch):
    from stadtbild.app.export_dialog import start_export

    out = tmp_path / "plan.city.json"
    out.write_text("keep me")
    asked = []

    def answer(choice):
        def question(parent, title, text, buttons=None, default=None):
            asked.append(text)
            return choice
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert start_export(window, out, public=True) is None
    assert out.read_text() == "keep me" and len(asked) == 1 and str(out) in asked[0]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    job = start_export(window, out, public=True)
    assert job is not None
    _wait_jobs(window)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["CityObjects"]) == len(window.model.objects)
    assert "Ratsstraße" not in out.read_text(encoding="utf-8")  # the Dresden addresses stay inside

    fresh = tmp_path / "fresh.city.json"
    asked.clear()
    start_export(window, fresh, public=False)
    _wait_jobs(window)
    assert asked == [] and "Ratsstraße" in fresh.read_text(encoding="utf-8")


def test_export_refuses_the_source_file(window):
    from stadtbild.app.export_dialog import start_export

    src = window.files[0]
    before = os.path.getsize(src)
    assert start_export(window, src) is None
    assert window.last_error.startswith(f"{src}: ") and os.path.getsize(src) == before
    window._error_box.close()
    assert not window._error_box.isVisible()


def test_error_dialog_copies_message_and_log(window):
    from stadtbild.model.logs import log_exception

    try:
        raise RuntimeError("a bug for the log")
    except RuntimeError as exc:
        log_exception(exc, files=["/data/city.gml"])
    window.show_error("something failed")
    box = window._error_box
    buttons = {b.text().replace("&", ""): b for b in box.buttons()}
    copy = [b for t, b in buttons.items() if "log" in t.lower()]
    assert copy, list(buttons)
    copy[0].click()
    text = QApplication.clipboard().text()
    assert "something failed" in text and "a bug for the log" in text and "/data/city.gml" in text
