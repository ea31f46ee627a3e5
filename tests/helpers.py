"""Small geometry builders for analytic tests (boxes, gable houses) as CityModels/Scenes."""
from __future__ import annotations

import numpy as np

from stadtbild.model.citymodel import BoundaryBuilder, CityModel, CityObject, Geometry
from stadtbild.model.crs import CRSInfo
from stadtbild.model.semantics import GROUND, ROOF, WALL


def box_polygons(x0, y0, x1, y1, z0, z1):
    """Vertices (8,3) and outward-oriented faces of an axis-aligned box, with semantics."""
    v = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                  [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], dtype=float)
    faces = [([0, 3, 2, 1], GROUND), ([4, 5, 6, 7], ROOF), ([0, 1, 5, 4], WALL),
             ([1, 2, 6, 5], WALL), ([2, 3, 7, 6], WALL), ([3, 0, 4, 7], WALL)]
    return v, faces


def prism_polygons(ring_xy, z0, z1):
    """Vertices and outward faces (with semantics) of a vertical prism over a counter-clockwise
    footprint ring ``ring_xy`` [(x, y), …] (not closed) from ``z0`` to a flat roof at ``z1``."""
    n = len(ring_xy)
    v = np.array([[x, y, z0] for x, y in ring_xy] + [[x, y, z1] for x, y in ring_xy], dtype=float)
    faces = [(list(range(n))[::-1], GROUND), (list(range(n, 2 * n)), ROOF)]
    faces += [([i, (i + 1) % n, n + (i + 1) % n, n + i], WALL) for i in range(n)]
    return v, faces


def model_from_solids(solids, crs_epsg: int | None = 25832) -> CityModel:
    """solids: list of (id, vertices (n,3), faces [(ring index list, semantic code)]) or
    (id, vertices, faces, lod) -> CityModel with one Solid (default LoD2) per entry; an id given
    again adds another geometry (another LoD) to that building."""
    model = CityModel()
    model.version = "2.0"
    model.crs = CRSInfo(crs_epsg)
    b = BoundaryBuilder()
    verts = []
    n = 0
    for oid, v, faces, *lod in solids:
        k = list(model.objects).index(oid) if oid in model.objects else len(model.objects)
        g = Geometry(type="Solid", lod=lod[0] if lod else "2", object_index=k, poly_start=b.n_polygons)
        shell = b.new_shell()
        gi = len(model.geometries)
        for ring, code in faces:
            b.add_polygon([[i + n for i in ring]], code, -1, shell, gi)
        g.poly_stop = b.n_polygons
        model.geometries.append(g)
        model.objects.setdefault(oid, CityObject(id=oid, type="Building")).geometries.append(g)
        verts.append(np.asarray(v, float))
        n += len(v)
    model.vertices = np.concatenate(verts) if verts else np.zeros((0, 3))
    model.file_vertex_count = n
    model.set_boundaries(b)
    return model


def box_model(boxes, crs_epsg: int | None = 25832) -> CityModel:
    """boxes: list of (id, x0, y0, x1, y1, z0, z1)."""
    return model_from_solids([(oid, *box_polygons(*coords)) for oid, *coords in boxes], crs_epsg)


def open_window(settings_dir, paths, size=(1400, 900), **window_kwargs):
    """The real main window with its own settings file, shown, with ``paths`` opened through
    File ▸ Open (worker thread); returns once the first scene is there (up to 30 s)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    from stadtbild.app.main_window import MainWindow

    settings = QSettings(str(settings_dir / "stadtbild.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings, **window_kwargs)
    if size:
        w.resize(*size)
    w.show()
    QTest.qWaitForWindowExposed(w)
    w.open_paths(list(paths))
    for _ in range(3000):
        if w.scene is not None:
            break
        QTest.qWait(10)
    assert w.scene is not None, w.last_error
    return w


def wait_idle(qtbot, w, timeout=120000):
    """Until the window has no job running and no model loading (polling, no fixed wait)."""
    qtbot.waitUntil(lambda: not w.jobs.busy() and w._load_job is None, timeout=timeout)


def roof_point(scene, object_id):
    """Local centroid of the largest roof triangle of ``object_id`` (unoccluded in a top view)."""
    import numpy as np

    from stadtbild.model.semantics import SURFACE_CODE

    k = scene.object_number(object_id)
    sel = np.flatnonzero((scene.object_index == k) & (scene.surface_type == SURFACE_CODE["RoofSurface"]))
    best = sel[np.argmax(scene.triangle_areas[sel])]
    return scene.corners[best].mean(axis=0)


def click_building(qtbot, w, object_id):
    """Top view zoomed to the building and a real left click on its largest roof triangle; waits
    until it is the selection."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    vp = w.viewport
    vp.set_view("top")
    vp.zoom_to([object_id])
    QTest.mouseClick(vp.plotter.interactor, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     vp.world_to_widget(roof_point(w.scene, object_id)))
    qtbot.waitUntil(lambda: w.selected == [object_id], timeout=15000)

