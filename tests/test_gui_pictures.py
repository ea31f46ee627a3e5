"""The window's picture (issue 21) as a person sees it: an aerial image, a flood-depth raster and
labelled POIs added through the window's own functions, the finish chosen from the View menu,
the layer rows switching them — checked on the pixels of the X screen (tests/screenshots.py),
positions from the renderer's own projection of the model coordinates."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from tests.conftest import DEMO  # noqa: E402
from tests.helpers import open_window  # noqa: E402
from tests.screenshots import capture, project, save_screenshot  # noqa: E402

pytestmark = pytest.mark.gui

#: the demo's origin (EPSG:28992); test rasters are laid out in its local frame
ORIGIN = np.array([90409.0, 435440.0, 0.0])


def _write(tmp_path):
    """A flood raster (2 m cells, a band of wet cells), an orthophoto (10 m checkerboard of two
    colours, 0.5 m pixels) and three POIs (WGS84) around the demo district."""
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    x0, y0 = ORIGIN[:2]
    rows, cols = 150, 200
    r, c = np.mgrid[0:rows, 0:cols]
    depth = np.where(np.abs((c - r * 1.2) - 40) < 12, 0.05 + 0.02 * (c % 50), 0.0).astype(np.float32)
    flood = tmp_path / "flood.tif"
    with rasterio.open(flood, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="float32",
                       crs="EPSG:28992", transform=from_origin(x0 + 300, y0 + 400, 2.0, 2.0), nodata=-9999.0) as ds:
        ds.write(depth, 1)
    px = 0.5
    w, h = int(1250 / px), int(850 / px)
    yy, xx = np.mgrid[0:h, 0:w]
    chk = (((xx * px) // 10 + (yy * px) // 10) % 2).astype(bool)
    rgb = np.stack([np.where(chk, 230, 40), np.where(chk, 200, 120), np.where(chk, 60, 40)]).astype(np.uint8)
    ortho = tmp_path / "dop.tif"
    with rasterio.open(ortho, "w", driver="GTiff", width=w, height=h, count=3, dtype="uint8", crs="EPSG:28992",
                       transform=from_origin(x0 - 100, y0 + 750, px, px), photometric="RGB", tiled=True,
                       compress="deflate") as ds:
        ds.write(rgb)
    to_wgs = Transformer.from_crs(28992, 4326, always_xy=True)
    pois = [("Rathaus", 400.0, 300.0), ("Schule", 600.0, 200.0), ("Kita", 800.0, 450.0)]
    feats = [{"type": "Feature", "properties": {"name": n},
              "geometry": {"type": "Point", "coordinates": list(to_wgs.transform(x0 + x, y0 + y))}}
             for n, x, y in pois]
    layer = tmp_path / "pois.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return flood, depth, ortho, layer, pois


def test_window_shows_aerial_image_flood_depth_and_labelled_pois(qapp, qtbot, tmp_path):
    """File ▸ Add aerial image / flood depth raster and a POI layer on the demo: in the top view the
    flood's wet cells (where no building covers them) show the colour bar's colours, the dry ones
    the orthophoto's checkerboard; the POI pins are red at their places, with VTK labels; the
    layer rows switch the flood and the aerial image off and on."""
    from stadtbild.importers.rasters import read_overlay
    from stadtbild.app.i18n import format_number
    from stadtbild.viewer.drape import FLOOD_CMAP, ramp_colours

    flood, depth, ortho, layer, pois = _write(tmp_path)
    w = open_window(tmp_path, [DEMO])
    try:
        pc = w.picture_controls
        pc.add_ortho_files([ortho])
        qtbot.waitUntil(lambda: pc.ortho is not None and w.viewport.picture is not None, timeout=60000)
        pc.add_raster(flood, "flood")
        qtbot.waitUntil(lambda: len(pc.rasters) == 1, timeout=60000)
        from stadtbild.importers.layers import read_layers

        pc.add_layers(read_layers(layer, w.model.crs))  # POIs as part of the picture (pins, labels)
        qtbot.waitUntil(lambda: len(pc.layers) == 1, timeout=60000)
        vp = w.viewport
        # look straight down on the flood from 330 m: a 2 m cell is ~8 pixels wide
        centre = np.array([300.0 + 200.0, 400.0 - 150.0, 0.0]) + ORIGIN - w.scene.origin
        vp.plotter.camera_position = [tuple(centre + [0, 0, 330.0]), tuple(centre), (0, 1, 0)]
        vp.plotter.reset_camera_clipping_range()
        vp.render()
        qtbot.waitUntil(lambda: not vp._lod_timer.isActive(), timeout=10000)
        vp.render()
        pic = vp.picture
        assert pic.ortho is not None and pic.ortho.shown and pic.colour_bars[0]["title"] == "Wassertiefe [m]"
        assert [t for _, t in pic.labels] == [n for n, _, _ in pois]
        shot = capture(w)
        save_screenshot(w, "gui-pictures-flood-ortho-pois")
        view = shot.crop(vp)
        ratio = shot.ratio
        # flood cells not under a building: a vertical ray from 100 m above hits no roof
        from stadtbild.analysis.raycast import RayCaster

        sc = w.scene
        img = read_overlay(flood, 28992)
        rr, cc = np.mgrid[0:img.values.shape[0]:3, 0:img.values.shape[1]:3]
        cx = img.x0 + (cc.ravel() + 0.5) * img.dx - sc.origin[0]
        cy = img.y1 - (rr.ravel() + 0.5) * img.dy - sc.origin[1]
        ground_z = pic.ground.plane_z
        top = np.c_[cx, cy, np.full(len(cx), 200.0)]
        free = ~RayCaster(sc).occluded(top, np.array([0.0, 0.0, -1.0]), tmax=200.0 - ground_z - 0.5)
        pts = np.c_[cx, cy, np.full(len(cx), ground_z)]
        xy = project(vp, pts) * ratio
        lut = (ramp_colours(FLOOD_CMAP, 256)[:, :3] * 255).round()
        clim = pic.colour_bars[0]["clim"]
        wet_ok = dry_ok = n_wet = n_dry = 0
        for k in np.flatnonzero(free):
            x, y = int(xy[k, 0]), int(xy[k, 1])
            if not (2 <= x < view.shape[1] - 2 and 2 <= y < view.shape[0] - 2):
                continue
            px = view[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3).astype(float)
            d = img.values.ravel()[rr.ravel()[k] * img.values.shape[1] + cc.ravel()[k]]
            if d >= 0.05:
                i = int(np.clip(round((d - clim[0]) / (clim[1] - clim[0]) * 255), 0, 255))
                n_wet += 1
                wet_ok += np.abs(px - lut[i]).max() <= 8
            else:
                n_dry += 1
                flood_like = np.abs(px.mean(axis=0) - lut).max(axis=1).min() <= 8
                dry_ok += not flood_like
        assert n_wet >= 20 and n_dry >= 20
        assert wet_ok >= 0.95 * n_wet and dry_ok >= 0.95 * n_dry, (wet_ok, n_wet, dry_ok, n_dry)
        # the legend's colour bar, read from the screen: the drawn table's colours from the top (the
        # 99th-percentile depth) to the bottom (0 m), with the range written beside it
        legend = w.legend
        legend.show()
        legend.raise_()
        ramp = legend.rasters_widget.findChild(QLabel, "rasterRamp0")
        qtbot.waitUntil(lambda: ramp is not None and ramp.isVisible(), timeout=5000)
        assert [b["title"] for b in legend.raster_bars] == ["Wassertiefe [m]"]
        texts = [lab.text() for lab in legend.rasters_widget.findChildren(QLabel)]
        assert format_number(clim[1], 2) in texts and format_number(clim[0], 2) in texts
        qtbot.wait(200)  # the dock repaints
        shot = save_screenshot(w, "gui-pictures-legend-flood")
        bar = shot.crop(ramp).astype(int)
        column = bar[:, bar.shape[1] // 2]
        assert np.abs(column[2] - lut[-1]).max() <= 6 and np.abs(column[-3] - lut[0]).max() <= 6, (column[2], column[-3])
        # monotone: darker blue towards the top, as deeper water is drawn
        assert column[2].sum() < column[column.shape[0] // 2].sum() < column[-3].sum()
        # the POI pins in the whole district's top view: red heads at the projected places
        vp.set_view("top")
        qtbot.waitUntil(lambda: not vp._lod_timer.isActive(), timeout=10000)
        view = save_screenshot(w, "gui-pictures-pois-top").crop(vp)
        local = ORIGIN - sc.origin
        heads = project(vp, np.array([[x + local[0], y + local[1], ground_z + 4.0] for _, x, y in pois])) * ratio
        for (name, _x, _y), (hx, hy) in zip(pois, heads):
            # the lower left of the head: the label's box lies above-right of it
            m = view[int(hy):int(hy) + 4, int(hx) - 3:int(hx) + 1].reshape(-1, 3).astype(int)
            assert np.median(m[:, 0] - np.maximum(m[:, 1], m[:, 2])) > 50, name
        # the layer rows switch the flood off (the orthophoto shows there again) and on
        vp.plotter.camera_position = [tuple(centre + [0, 0, 330.0]), tuple(centre), (0, 1, 0)]
        vp.plotter.reset_camera_clipping_range()
        vp.render()
        qtbot.waitUntil(lambda: not vp._lod_timer.isActive(), timeout=10000)
        view = capture(w).crop(vp)
        row = w.layers.toggle_items["picture:raster-0"]
        row.setCheckState(0, Qt.CheckState.Unchecked)
        off = save_screenshot(w, "gui-pictures-flood-off").crop(vp)
        wet = [k for k in np.flatnonzero(free) if img.values.ravel()[rr.ravel()[k] * img.values.shape[1]
                                                                        + cc.ravel()[k]] >= 0.05
               and 0 <= int(xy[k, 1]) < off.shape[0] and 0 <= int(xy[k, 0]) < off.shape[1]]
        moved = sum(np.abs(off[int(xy[k, 1]), int(xy[k, 0])].astype(int) - view[int(xy[k, 1]), int(xy[k, 0])]).max()
                    > 30 for k in wet)
        assert len(wet) >= 20 and moved >= 0.9 * len(wet), (moved, len(wet))
        assert w.legend.raster_bars == [] and not w.legend.rasters_widget.isVisible()  # its bar goes too
        row.setCheckState(0, Qt.CheckState.Checked)
        assert [b["title"] for b in w.legend.raster_bars] == ["Wassertiefe [m]"]
        # the project remembers the picture's parts (paths, finish)
        data = pc.to_dict(tmp_path)
        assert data["ortho"][0]["path"] == "dop.tif" and data["rasters"][0]["kind"] == "flood"
        assert data["layers"][0]["label_by"] == "name"
    finally:
        w.close()


def test_view_menu_finish_sky_and_haze(qapp, qtbot, tmp_path):
    """View ▸ Picture quality ▸ Interactive: the sky gradient behind the district and the ground
    reaching the horizon (the iso view's upper rows turn from the plain background to haze)."""
    w = open_window(tmp_path, [DEMO])
    try:
        vp = w.viewport
        w.viewport.set_view("north")
        before = capture(w).crop(vp)
        w.actions_by_name["finish_interactive"].trigger()
        assert vp.picture is not None and vp.picture.applied["fog"] and vp.picture.applied["sky"]
        after = capture(w).crop(vp)
        save_screenshot(w, "gui-pictures-finish-interactive")
        h = before.shape[0]
        band = slice(int(h * 0.38), int(h * 0.45))  # just above the horizon of the front view
        assert np.abs(after[band].astype(int) - before[band].astype(int)).mean() > 5
        w.actions_by_name["finish_plain"].trigger()
        assert vp.picture is None  # nothing left to add: the plain view
    finally:
        w.close()
