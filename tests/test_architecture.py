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


def package_layout(tmp: Path) -> Path:
    """A copy of the code in the installed layout (``stadtbild/model`` …) with pyproject.toml beside
    it: import-linter finds a package's modules by walking its folder, and in the repository the
    layer folders sit beside ``stadtbild/``, reached through its ``__path__`` (stadtbild/__init__.py)."""
    pkg = tmp / "stadtbild"
    shutil.copytree(ROOT / "stadtbild", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for name in PACKAGES:
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__", "*.qm", "icons"))
    shutil.copy(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    return tmp


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        exe = Path(shutil.which("lint-imports") or "lint-imports")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(exe), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_the_tree_keeps_the_layer_contracts(tmp_path):
    p = lint_imports(package_layout(tmp_path))
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    assert "0 broken" in p.stdout


@pytest.mark.parametrize("module, wrong, contract, offender", [
    # model reaching up into analysis (inside a function: lazy imports count)
    ("model/ground.py", "    from stadtbild.analysis.shadow import shadow_at\n", "Layers point one way",
     "stadtbild.model.ground -> stadtbild.analysis.shadow"),
    # an exporter importing an analysis (exporters sit below analysis)
    ("exporters/vector.py", "    import stadtbild.analysis.metrics\n", "Layers point one way",
     "stadtbild.exporters.vector -> stadtbild.analysis.metrics"),
    # VTK below the viewer
    ("analysis/shadow.py", "    import pyvista\n", "never import Qt or VTK", "stadtbild.analysis.shadow -> pyvista"),
    # the window reaching into the command line (its log and version helpers live in model.logs)
    ("app/workers.py", "    from stadtbild.cli.common import print_json\n", "never imports the command line",
     "stadtbild.app.workers -> stadtbild.cli.common"),
    # VTK drawn in the window instead of through viewer
    ("app/legend.py", "    from vtkmodules.vtkRenderingCore import vtkActor2D\n", "draws through viewer",
     "stadtbild.app.legend -> vtkmodules"),
    # Qt in the viewer
    ("viewer/render.py", "    from PySide6 import QtCore\n", "never imports Qt", "stadtbild.viewer.render -> PySide6"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path, module, wrong, contract, offender):
    package_layout(tmp_path)
    assert lint_imports(tmp_path).returncode == 0  # the copy itself is fine
    f = tmp_path / "stadtbild" / module
    f.write_text(f.read_text(encoding="utf-8") + "\n\ndef _deliberately_wrong():\n" + wrong, encoding="utf-8")
    p = lint_imports(tmp_path)
    assert p.returncode != 0, p.stdout[-3000:]
    broken = p.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken and offender in broken, p.stdout[-3000:]
