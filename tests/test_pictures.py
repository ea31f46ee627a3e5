"""Council-grade pictures in ``render`` (issue 21): rasters, layers, orthophoto, sunlight with the
computed shadows on facades, anti-aliasing — checked on the pixels of real render output.

Every picture test renders through the CLI (``render … --json``), takes the camera the JSON
reports (model CRS) and projects the expected world positions itself with a plain pinhole camera
(:func:`project`, numpy — independent of VTK), then compares with what the pixels show.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from tests.helpers import box_model
from tests.screenshots import save_frame

X0, Y0 = 604000.0, 5792000.0  # Braunschweig, EPSG:25832
#: two houses at opposite corners frame a 100 m × 100 m site in the top view
SITE = [("nw", X0, Y0 + 92, X0 + 8, Y0 + 100, 70.0, 76.0), ("se", X0 + 92, Y0, X0 + 100, Y0 + 8, 70.0, 76.0)]


# ---------------------------------------------------------------------------- helpers
def project(camera: dict, points, size) -> np.ndarray:
    """(n, 2) image coordinates (x right, y down, pixel (i, j) covers [i, i+1) × [j, j+1)) of
    model-CRS ``points`` for the camera of a render's JSON (a pinhole camera with VTK's vertical
    view angle)."""
    p = np.asarray(camera["position"], float)
    f = np.asarray(camera["focal_point"], float)
    up = np.asarray(camera["view_up"], float)
    fwd = (f - p) / np.linalg.norm(f - p)
    right = np.cross(fwd, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, fwd)
    v = np.asarray(points, float).reshape(-1, 3) - p
    zc = v @ fwd
    t = np.tan(np.radians(camera["view_angle"]) / 2)
    w, h = size
    nx = (v @ right) / (zc * t * (w / h))
    ny = (v @ true_up) / (zc * t)
    return np.column_stack([(nx + 1) / 2 * w, (1 - ny) / 2 * h])


def render(args, capsys, tmp_path, name="out.png"):
    from cli import main

    out = tmp_path / name
    code = main(["render", *map(str, args), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    from PIL import Image

    return np.asarray(Image.open(out).convert("RGB")), json.loads(captured.out)


def render_error(args, capsys, tmp_path) -> str:
    from cli import main

    code = main(["render", *map(str, args), "-o", str(tmp_path / "x.png")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2, lines
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], lines  # one line, after any warnings
    return errors[0]


def write_model(tmp_path, boxes=SITE, epsg=25832):
    from exporters.cityjson import write_cityjson

    return write_cityjson(box_model(boxes, crs_epsg=epsg), tmp_path / "site.city.json")


def write_raster(path, values, west, north, cell, epsg=25832, nodata=-9999.0):
    import rasterio
    from rasterio.transform import from_origin

    v = np.asarray(values)
    with rasterio.open(path, "w", driver="GTiff", width=v.shape[-1], height=v.shape[-2], count=1 if v.ndim == 2 else
                       v.shape[0], dtype=v.dtype, crs=f"EPSG:{epsg}", transform=from_origin(west, north, cell, cell),
                       nodata=None if v.dtype == np.uint8 else nodata,
                       photometric="RGB" if v.ndim == 3 and v.shape[0] == 3 else None) as ds:
        ds.write(v if v.ndim == 3 else v[None])
    return path


# ---------------------------------------------------------------------------- flood depth
def test_flood_depth_colours_exactly_its_wet_cells(tmp_path, capsys):
    """A 2 m flood-depth GeoTIFF with a random pattern of wet, dry (below 5 cm) and no-data
    cells: in the top view every wet cell shows the colour bar's colour of its depth, every dry or
    no-data cell the plain ground."""
    from viewer.drape import FLOOD_CMAP, ramp_colours

    rng = np.random.default_rng(21)
    rows = cols = 30
    depth = np.where(rng.random((rows, cols)) < 0.45, rng.uniform(0.06, 1.2, (rows, cols)), 0.0)
    depth[rng.random((rows, cols)) < 0.08] = 0.02  # a film of water below 5 cm: dry
    nodata = rng.random((rows, cols)) < 0.05
    values = np.where(nodata, -9999.0, depth).astype(np.float32)
    west, north = X0 + 20, Y0 + 80
    flood = write_raster(tmp_path / "flood.tif", values, west, north, 2.0)
    size = (900, 900)
    img, res = render([write_model(tmp_path), "--flood", flood, "--view", "top", "--finish", "plain", "--plain",
                       "--size", "x".join(map(str, size))], capsys, tmp_path)
    save_frame(img, "pictures-flood-top")
    clim = res["picture"]["rasters"][0]["clim"]
    assert res["picture"]["rasters"][0]["title"] == "Wassertiefe [m]"
    assert clim[0] == 0.0 and clim[1] == pytest.approx(np.percentile(depth[(depth >= 0.05) & ~nodata], 99), rel=1e-3)
    lut = (ramp_colours(FLOOD_CMAP, 256)[:, :3] * 255).round()
    r, c = np.mgrid[0:rows, 0:cols]
    centres = np.column_stack([west + 2.0 * c.ravel() + 1.0, north - 2.0 * r.ravel() - 1.0, np.full(r.size, 70.0)])
    px = project(res["camera"], centres, size)
    cell_px = float(np.linalg.norm(project(res["camera"], centres[:1] + [2.0, 0, 0], size) - px[:1]))
    assert cell_px > 15  # a 2 m cell is > 15 pixels wide: its inner 5 × 5 pixels are well inside
    gx, gy = project(res["camera"], [[X0 + 50, Y0 + 5, 70.0]], size)[0].astype(int)  # plain ground
    ground = np.median(img[gy - 5:gy + 5, gx - 5:gx + 5].reshape(-1, 3), axis=0)
    wet_ok = dry_ok = 0
    wet = ((depth >= 0.05) & ~nodata).ravel()
    for k, (x, y) in enumerate(px):
        patch = img[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3].reshape(-1, 3).astype(float)
        if wet[k]:
            i = int(np.clip(round((depth.ravel()[k] - clim[0]) / (clim[1] - clim[0]) * 255), 0, 255))
            wet_ok += np.abs(patch - lut[i]).max() <= 3
        else:
            dry_ok += np.abs(patch - ground).max() <= 3
    assert wet_ok == wet.sum()
    assert dry_ok == (~wet).sum()


# ---------------------------------------------------------------------------- points of interest
def test_three_labelled_pois_show_markers_and_names_at_their_places(tmp_path, capsys):
    """Three POIs in a WGS84 GeoJSON (reprojected to the model CRS) labelled by their ``name``:
    a red marker at each projected position and, right of it, the text that matches its own name
    better than the other two names."""
    from PIL import Image, ImageDraw
    from pyproj import Transformer

    from viewer.media import _font

    to_wgs = Transformer.from_crs(25832, 4326, always_xy=True)
    pois = [("Rathaus", 30.0, 70.0), ("Schule", 65.0, 45.0), ("Kita", 40.0, 20.0)]
    feats = [{"type": "Feature", "properties": {"name": n, "kind": "POI"},
              "geometry": {"type": "Point", "coordinates": list(to_wgs.transform(X0 + x, Y0 + y))}}
             for n, x, y in pois]
    layer = tmp_path / "pois.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    size = (1000, 1000)
    args = [write_model(tmp_path), "--layer", layer, "--label", "name", "--view", "top", "--finish", "plain",
            "--plain", "--size", "1000x1000"]
    img, res = render(args, capsys, tmp_path)
    save_frame(img, "pictures-pois-top")
    assert res["picture"]["layers"] == [{"name": "pois", "features": 3, "label_by": "name", "colour_by": None}]
    heads = project(res["camera"], [[X0 + x, Y0 + y, 70.0 + 4.0] for _, x, y in pois], size)
    u = size[1] / 1080.0
    font = _font(22 * u, bold=True)

    def text_image(text, h, w, dx, dy):
        """The label as decorate() draws it, for an anchor at (dx, dy) of an (h, w) box."""
        im = Image.new("L", (w, h), 255)
        ImageDraw.Draw(im).text((dx + 12 * u, dy - 2 * u), text, font=font, fill=0, anchor="lm")
        return np.asarray(im, float) < 100

    for k, ((name, _x, _y), (hx, hy)) in enumerate(zip(pois, heads)):
        m = img[int(hy) - 3:int(hy) + 4, int(hx) - 3:int(hx) + 4].reshape(-1, 3).astype(int)
        red = (m[:, 0] - np.maximum(m[:, 1], m[:, 2]))
        assert np.median(red) > 60, (name, m.mean(axis=0))  # the red pin head is there
        h, w = 40, 160
        x0, y0 = int(hx), int(hy) - h // 2
        box = img[y0:y0 + h, x0:x0 + w].astype(float).mean(axis=2) < 100
        scores = {}
        for other, _ox, _oy in pois:
            ref = text_image(other, h, w, hx - x0, hy - y0)
            inter = (box & ref).sum()
            scores[other] = inter / max((box | ref).sum(), 1)  # Jaccard index of the dark glyph pixels
        assert max(scores, key=scores.get) == name, scores
        assert scores[name] > 0.5, scores


def test_layer_and_terrain_change_the_picture(tmp_path, capsys):
    """``render --layer`` and ``--terrain`` used to be ignored silently (byte-identical output):
    now the parcel is drawn where it is, and the terrain lifts the ground."""
    layer = tmp_path / "parcel.geojson"
    parcel = shapely.box(X0 + 30, Y0 + 30, X0 + 70, Y0 + 70)
    layer.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::25832"}}, "features": [{"type": "Feature", "properties": {"use": "WA"},
                                                                 "geometry": shapely.geometry.mapping(parcel)}]}))
    model = write_model(tmp_path)
    base = ["--view", "top", "--finish", "plain", "--plain", "--size", "600x600"]
    plain, res0 = render([model, *base], capsys, tmp_path, "a.png")
    with_layer, res1 = render([model, "--layer", layer, *base], capsys, tmp_path, "b.png")
    inside = project(res1["camera"], [[X0 + 50, Y0 + 50, 70.0]], (600, 600))[0].astype(int)
    outside = project(res1["camera"], [[X0 + 15, Y0 + 50, 70.0]], (600, 600))[0].astype(int)
    diff = np.abs(plain.astype(int) - with_layer.astype(int)).sum(axis=2)
    assert diff[inside[1], inside[0]] > 30 and diff[outside[1], outside[0]] == 0
    dem = write_raster(tmp_path / "dem.tif", np.full((60, 60), 80.0, np.float32), X0 - 10, Y0 + 110, 2.0)
    with_terrain, _ = render([model, "--terrain", dem, *base], capsys, tmp_path, "c.png")
    assert np.abs(with_terrain.astype(int) - plain.astype(int)).max() > 30


# ---------------------------------------------------------------------------- errors
def test_options_that_cannot_be_honoured_are_errors(tmp_path, capsys):
    model = write_model(tmp_path)
    layer = tmp_path / "p.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "A"}, "geometry": {"type": "Point", "coordinates": [10.5, 52.27]}}]}))
    assert "no layer has a field 'title'" in render_error([model, "--layer", layer, "--label", "title"], capsys, tmp_path)
    assert "--label needs a --layer" in render_error([model, "--label", "name"], capsys, tmp_path)
    far = write_raster(tmp_path / "far.tif", np.ones((10, 10), np.float32), X0 + 5000, Y0 + 5000, 2.0)
    assert "does not cover the model area" in render_error([model, "--flood", far], capsys, tmp_path)
    assert "--cmap colours a --raster" in render_error([model, "--cmap", "viridis"], capsys, tmp_path)
    assert "unknown colour ramp" in render_error([model, "--raster", far, "--cmap", "nope"], capsys, tmp_path)
    assert "unknown finish 'shiny'" in render_error([model, "--finish", "shiny"], capsys, tmp_path)
    assert "not drawn into --before-after" in render_error(
        [model, "--ortho", far, "--before-after", tmp_path / "s.json"], capsys, tmp_path)
    vrt = tmp_path / "remote.vrt"
    vrt.write_text('<VRTDataset rasterXSize="10" rasterYSize="10"><VRTRasterBand dataType="Byte" band="1">'
                   '<SimpleSource><SourceFilename>/vsicurl/https://example.org/dop.tif</SourceFilename>'
                   '</SimpleSource></VRTRasterBand></VRTDataset>')
    assert "not a local file" in render_error([model, "--ortho", vrt], capsys, tmp_path)
    nocrs = write_model(tmp_path, epsg=None)
    assert "no known CRS" in render_error([nocrs, "--time", "2026-03-21T15:00"], capsys, tmp_path)
