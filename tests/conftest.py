"""Shared fixtures: paths to the real data in ../shared/data and to the bundled demo."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("STADTBILD_DATA", ROOT.parent / "shared" / "data")).resolve()
DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
ARTIFACTS = Path(os.environ.get("OUT", ROOT / "tests" / "artifacts"))
# tests never write logs or autosave journals into the user's ~/.local/state
os.environ.setdefault("STADTBILD_LOG_DIR", str(ARTIFACTS / "log"))
os.environ.setdefault("STADTBILD_AUTOSAVE_DIR", str(ARTIFACTS / "autosave"))

# VTK off-screen without a display: use EGL instead of trying X first
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def data_file(rel: str) -> Path:
    path = DATA / rel
    if not path.exists():
        raise FileNotFoundError(f"shared test data missing: {path} (see ../shared/data/MANIFEST.md)")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.exists():
        raise FileNotFoundError(f"shared test data folder missing: {DATA}")
    return DATA


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return DEMO


@pytest.fixture(scope="session")
def demo_model():
    from importers import load

    return load(DEMO)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
