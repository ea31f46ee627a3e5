"""File ▸ Veröffentlichen… in the real window (pytest-qt under Xvfb): the dialog is filled with
keyboard events and confirmed with a mouse click; the job writes the site with Bestand and the
chosen variant, without the Dresden addresses of the source file."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit  # noqa: E402

from tests.conftest import data_file  # noqa: E402
from tests.helpers import open_window  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gui_publish")
    w = open_window(folder, [data_file("citygml/sachsen/LoD2_33_416_5656_2_SN_14_Buildings.gml")], size=None)
    yield w
    w.close()


def _fill_and_accept(folder: str, done: list):
    dlg = next((d for d in QApplication.topLevelWidgets() if d.objectName() == "publishDialog" and d.isVisible()), None)
    if dlg is None:
        QTimer.singleShot(50, lambda: _fill_and_accept(folder, done))
        return
    edit = dlg.folder
    edit.selectAll()
    QTest.keyClicks(edit, folder)
    title = dlg.findChildren(QLineEdit)[1]
    title.selectAll()
    QTest.keyClicks(title, "Dresden Plan 7")  # QTest types ASCII only
    ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    done.append(dlg)


def test_file_menu_publishes_bestand_and_the_active_variant(window, tmp_path):
    action = window.actions_by_name["publish"]
    assert action.text().replace("&", "") == "Veröffentlichen…"  # German UI by default
    victim = sorted(i for i, o in window.model.objects.items() if not o.parents)[0]
    window.variants.add_variant("Variante B", [{"op": "demolish", "ids": [victim]}])
    site = tmp_path / "site"
    done: list = []
    QTimer.singleShot(50, lambda: _fill_and_accept(str(site), done))
    action.trigger()
    assert done
    for _ in range(6000):
        if not window.jobs.busy() and (site / "scene.json").exists():
            break
        QTest.qWait(10)
    assert window.last_error in (None, ""), window.last_error
    scene = json.loads((site / "scene.json").read_text())
    assert scene["title"] == "Dresden Plan 7"
    assert [s["label"] for s in scene["states"]] == ["Bestand", "Variante B"]
    assert scene["states"][1]["demolished"] == [victim]
    assert scene["states"][0]["features"] == scene["states"][1]["features"] + 1
    blob = b"".join(f.read_bytes() for f in site.rglob("*") if f.is_file())
    assert "Ratsstraße".encode() not in blob and b"Dresden</" not in blob
    assert "veröffentlicht" in window.statusBar().currentMessage()
