"""The layering of docs/ARCHITECTURE.md holds: the import-linter contracts of pyproject.toml are
kept by the tree, and a deliberately wrong import (also one inside a function) breaks them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("model", "importers", "analysis", "exporters", "viewer", "app", "cli")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        exe = Path(shutil.which("lint-imports") or "lint-imports")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(exe), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_the_tree_keeps_the_layer_contracts():
    p = lint_imports(ROOT)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    assert "0 broken" in p.stdout


@pytest.mark.parametrize("module, wrong, contract, offender", [
    # model reaching up into analysis (inside a function: lazy imports count)
    ("model/ground.py", "    from analysis.shadow import shadow_at\n", "Layers point one way", "model.ground -> analysis.shadow"),
    # an exporter importing an analysis (exporters sit below analysis)
    ("exporters/vector.py", "    import analysis.metrics\n", "Layers point one way", "exporters.vector -> analysis.metrics"),
    # VTK below the viewer
    ("analysis/shadow.py", "    import pyvista\n", "never import Qt or VTK", "analysis.shadow -> pyvista"),
    # the window reaching into the command line (its log and version helpers live in model.logs)
    ("app/workers.py", "    from cli.common import print_json\n", "never imports the command line",
     "app.workers -> cli.common"),
    # VTK drawn in the window instead of through viewer
    ("app/legend.py", "    from vtkmodules.vtkRenderingCore import vtkActor2D\n", "draws through viewer",
     "app.legend -> vtkmodules"),
    # Qt in the viewer
    ("viewer/render.py", "    from PySide6 import QtCore\n", "never imports Qt", "viewer.render -> PySide6"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path, module, wrong, contract, offender):
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.qm", "icons"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0  # the copy itself is fine
    f = tmp_path / module
    f.write_text(f.read_text(encoding="utf-8") + "\n\ndef _deliberately_wrong():\n" + wrong, encoding="utf-8")
    p = lint_imports(tmp_path)
    assert p.returncode != 0, p.stdout[-3000:]
    broken = p.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken and offender in broken, p.stdout[-3000:]
