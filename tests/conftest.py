"""Shared fixtures: paths to the real data in ../shared/data and to the bundled demo."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
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


# ------------------------------------------------------------------ a desktop for the GUI tests
WINDOW_MANAGER = ("openbox", "--sm-disable")  # Debian package openbox (Makefile APT_PKGS)


def _wm_running(env) -> bool:
    """True once an EWMH window manager has announced itself on the root window of the screen
    that ``env["DISPLAY"]`` names."""
    p = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True,
                       timeout=10)
    return p.returncode == 0 and "window id" in p.stdout


def _start_window_manager(env, attempts: int = 3):
    """Start the window manager on the screen ``env["DISPLAY"]`` names and wait until it runs
    (a loaded machine may need a second attempt); the process, or RuntimeError with its output."""
    errors = []
    for _ in range(attempts):
        proc = subprocess.Popen(WINDOW_MANAGER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if _wm_running(env):
                return proc
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        errors.append(proc.communicate()[1].decode(errors="replace").strip() or f"exit code {proc.returncode}")
    raise RuntimeError(f"{WINDOW_MANAGER[0]} did not start on {env['DISPLAY']}: {' | '.join(errors)}")


def x_screens() -> int:
    """Number of X screens of the display (pytest-xvfb starts three: pyproject.toml xvfb_args)."""
    p = subprocess.run(["xdpyinfo"], capture_output=True, text=True, timeout=10) if shutil.which("xdpyinfo") else None
    if p is None or p.returncode != 0:
        return 1
    return sum(1 for line in p.stdout.splitlines() if line.startswith("screen #"))


@pytest.fixture(scope="session")
def window_manager(xvfb):
    """A real (light) window manager on every X screen of pytest-xvfb's display, started once per
    session, so that activation, focus, stacking and full screen behave as on a planner's desktop.
    On a real display (no Xvfb started by pytest) the desktop's own window manager is used."""
    if xvfb is None:
        yield None
        return
    if shutil.which(WINDOW_MANAGER[0]) is None or shutil.which("xprop") is None:
        raise RuntimeError("the GUI tests need a window manager: apt-get install openbox x11-utils (make sysdeps)")
    display = os.environ["DISPLAY"].split(".")[0]
    procs = []
    try:
        for screen in range(x_screens()):
            env = dict(os.environ, DISPLAY=f"{display}.{screen}")
            procs.append(_start_window_manager(env))
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session", autouse=True)
def _desktop_for_gui_tests(request):
    """When the session runs GUI tests (marker ``gui``), the window manager starts first, before
    any module- or session-scoped fixture can show a window it would then not manage."""
    if any(item.get_closest_marker("gui") is not None for item in request.session.items):
        request.getfixturevalue("window_manager")


# ------------------------------------------------------------------ the shared data stays untouched
def _data_snapshot() -> dict:
    if not DATA.exists():
        return {}
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in DATA.rglob("*") if p.is_file()}


def pytest_sessionstart(session):
    session.config._stadtbild_data_snapshot = _data_snapshot()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any test (or the code under test) created, changed or deleted a file in
    ../shared/data: user source files and folders are never written."""
    before = getattr(session.config, "_stadtbild_data_snapshot", None)
    if before is None:
        return
    after = _data_snapshot()
    changed = sorted(set(before) ^ set(after) | {p for p in before if p in after and before[p] != after[p]})
    if changed:
        session.config.get_terminal_writer().line(
            f"ERROR: the test run wrote into the shared data folder: {', '.join(changed[:5])}", red=True)
        session.exitstatus = 1
