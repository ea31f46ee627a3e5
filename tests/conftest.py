"""Shared fixtures: paths to the real data in ../shared/data and to the bundled demo."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


def _import_cjio_without_its_json_patch() -> None:
    """cjio (a reference reader in some tests) replaces the ``json`` module's float encoder when
    it is imported (``json.encoder.float``, ``c_make_encoder = None``), so every later
    ``json.dumps`` in the test process writes floats its way (1e-9 came out as 0.0 and a test's
    CityJSON transform collapsed all vertices). Import it once here and put ``json`` back, so the
    tests' order cannot change what they write."""
    import json.encoder

    saved = json.encoder.c_make_encoder
    try:
        import cjio.cityjson  # noqa: F401
    except ImportError:
        return
    finally:
        json.encoder.c_make_encoder = saved
        json.encoder.__dict__.pop("float", None)  # the builtin float again


_import_cjio_without_its_json_patch()

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("STADTBILD_DATA", ROOT.parent / "shared" / "data")).resolve()
DEMO = ROOT / "resources" / "demo" / "3-20-DELFSHAVEN.city.json"
ARTIFACTS = Path(os.environ.get("OUT", ROOT / "tests" / "artifacts"))
# tests never write logs or autosave journals into the user's ~/.local/state
os.environ.setdefault("STADTBILD_LOG_DIR", str(ARTIFACTS / "log"))
os.environ.setdefault("STADTBILD_AUTOSAVE_DIR", str(ARTIFACTS / "autosave"))
# windows that tests close with unsaved edits do not wait for an answer, and the journals they
# keep are not offered to the next window as a question over the view (tests of the questions
# themselves remove these and click the real dialogs)
os.environ.setdefault("STADTBILD_UNSAVED", "discard")
os.environ.setdefault("STADTBILD_RECOVER", "no")

# VTK off-screen without a display: use EGL instead of trying X first
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def _use_installed_grids() -> None:
    """As the program does when it starts a command (cli.main): PROJ finds the datum grids
    (RDNAPTRANS2018 built by ``make grids``, Debian's BeTA2007) from the first transformation on,
    so a test's own pyproj reference and the code under test use the same operation whatever ran
    before them in the worker."""
    from stadtbild.model.crs import use_installed_grids

    use_installed_grids()


_use_installed_grids()


@pytest.fixture
def proj_without_dutch_grids():
    """PROJ without the RDNAPTRANS2018 grids built by ``make grids`` (as on an installation where
    they are missing): its search path without :func:`stadtbild.model.datum_grids.grid_folder` for the test,
    restored afterwards."""
    from pyproj import datadir

    from stadtbild.model.datum_grids import grid_folder

    saved = datadir.get_data_dir()
    datadir.set_data_dir(os.pathsep.join(p for p in saved.split(os.pathsep) if Path(p) != grid_folder()))
    try:
        yield
    finally:
        datadir.set_data_dir(saved)


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
    from stadtbild.importers import load

    return load(DEMO)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ------------------------------------------------------------------ a desktop for the GUI tests
QT_FIXTURES = {"qapp", "qtbot"}


def _needs_desktop(item) -> bool:
    return item.get_closest_marker("gui") is not None or bool(QT_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_itemcollected(item):
    """For pytest-xdist (``make test`` runs two workers with ``--dist loadgroup``): all GUI tests
    form one group, run by one worker in file order, so one virtual desktop serves them and two
    tests' windows never share a screen, the focus or the autosave folder; every other test file
    is a group of its own, so a module-scoped fixture (the published site and its Chromium run,
    ~2 min) is built once, not once per worker."""
    if not item.config.pluginmanager.hasplugin("xdist"):
        return  # (marked as each item is collected: xdist's worker reads the marks in its collection hook)
    group = "desktop" if _needs_desktop(item) else item.nodeid.split("::", 1)[0]
    item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist 3.8 tells its ``loadgroup`` scheduler an item's group by appending ``@group``
    to the item's ``_nodeid``; pytest 9.2 derives ``nodeid`` from ``_id`` instead, so the suffix
    is lost and the groups are ignored (every test scheduled alone). Put the suffix where pytest
    9.2 reads the node id from; older pytest versions are left to xdist."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        return
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is not None and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{mark.args[0]}")


@pytest.fixture(scope="session", autouse=True)
def desktop(request):
    """When the session runs GUI tests (marker ``gui`` or a Qt fixture): a virtual desktop
    (tests/desktop.py: Xvfb with a 1600×1000, a 1280×720 and a 3840×2160 screen, openbox on each),
    started before any fixture can show a window, with DISPLAY pointing at it. Sessions without
    GUI tests start no X server. On a developer's real display (DISPLAY set) that desktop is used.
    ``STADTBILD_TEST_DESKTOP=0`` (set by tools/mutation.py) forbids starting one: a session that
    would need it fails instead."""
    if os.environ.get("DISPLAY") or not any(_needs_desktop(item) for item in request.session.items):
        yield None
        return
    if os.environ.get("STADTBILD_TEST_DESKTOP") == "0":
        raise RuntimeError("STADTBILD_TEST_DESKTOP=0 forbids starting an X server, but this session has GUI "
                           "tests (marker gui or a Qt fixture): deselect them with -m 'not gui'")
    from tests.desktop import VirtualDesktop

    d = VirtualDesktop().start()
    os.environ["DISPLAY"] = d.display
    # not stopped here: Qt keeps its X connection until the interpreter exits and ends the
    # process with "The X11 connection broke" when the server goes first. The kernel ends Xvfb
    # and the window managers right after pytest (PR_SET_PDEATHSIG, tests/desktop.py).
    yield d


@pytest.fixture(autouse=True)
def no_dialog_left_over(request):
    """A GUI test starts without a modal dialog that an earlier test left open (it would swallow
    this test's mouse and keyboard events): such a dialog is closed after the test that left it,
    with a warning naming it (error-dialog tests look at their dialog and leave it)."""
    yield
    if not _needs_desktop(request.node):
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    left = []
    while (modal := app.activeModalWidget()) is not None and len(left) < 10:
        left.append(f"{type(modal).__name__} {modal.windowTitle()!r}")
        modal.close()
        if hasattr(modal, "reject"):
            modal.reject()
        app.processEvents()
    if left:
        import warnings

        warnings.warn(f"{request.node.nodeid} left modal dialog(s) open, closed: {', '.join(left)}", stacklevel=1)


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

