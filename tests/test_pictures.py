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


def pixel_rays(camera: dict, xy, size) -> tuple[np.ndarray, np.ndarray]:
    """Origin (3,) and unit directions (n, 3) (model CRS) of the rays through the centres of the
    pixels ``xy`` (n, 2) integer (column, row) — the inverse of :func:`project`."""
    p = np.asarray(camera["position"], float)
    f = np.asarray(camera["focal_point"], float)
    fwd = (f - p) / np.linalg.norm(f - p)
    right = np.cross(fwd, np.asarray(camera["view_up"], float))
    right /= np.linalg.norm(right)
    true_up = np.cross(right, fwd)
    t = np.tan(np.radians(camera["view_angle"]) / 2)
    w, h = size
    xy = np.asarray(xy, float) + 0.5
    nx, ny = 2 * xy[:, 0] / w - 1, 1 - 2 * xy[:, 1] / h
    d = fwd + (nx * t * w / h)[:, None] * right + (ny * t)[:, None] * true_up
    return p, d / np.linalg.norm(d, axis=1)[:, None]


def render(args, capsys, tmp_path, name="out.png"):
    from stadtbild.cli import main

    out = tmp_path / name
    code = main(["render", *map(str, args), "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    from PIL import Image

    return np.asarray(Image.open(out).convert("RGB")), json.loads(captured.out)


def render_error(args, capsys, tmp_path) -> str:
    from stadtbild.cli import main

    code = main(["render", *map(str, args), "-o", str(tmp_path / "x.png")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2, lines
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], lines  # one line, after any warnings
    return errors[0]


def write_model(tmp_path, boxes=SITE, epsg=25832):
    from stadtbild.exporters.cityjson import write_cityjson

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
    from stadtbild.viewer.drape import FLOOD_CMAP, ramp_colours

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

    from stadtbild.viewer.media import _font

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


# ---------------------------------------------------------------------------- orthophoto
#: coloured 8 m squares of the synthetic orthophoto: (name, x0, y0) local to X0, Y0 (EPSG:25832)
SQUARES = [("red", 20.0, 60.0), ("green", 70.0, 70.0), ("blue", 30.0, 20.0), ("yellow", 75.0, 15.0)]
SQUARE_RGB = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 220), "yellow": (230, 220, 30)}


def _ortho_pattern(xs, ys) -> np.ndarray:
    """(…, 3) uint8 colour of model-CRS (EPSG:25832) points: grey with the coloured squares."""
    out = np.full(np.shape(xs) + (3,), 128, np.uint8)
    for name, sx, sy in SQUARES:
        inside = (xs >= X0 + sx) & (xs < X0 + sx + 8) & (ys >= Y0 + sy) & (ys < Y0 + sy + 8)
        out[inside] = SQUARE_RGB[name]
    return out


def _colour_masks(img) -> dict:
    """Pixels of each square's colour (channel dominance; the lit image is darker than the file)."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return {"red": (r - np.maximum(g, b) > 90), "green": (g - np.maximum(r, b) > 90),
            "blue": (b - np.maximum(r, g) > 90), "yellow": ((np.minimum(r, g) - b) > 90)}


@pytest.mark.parametrize("epsg", [25832, 25833])
def test_orthophoto_pattern_lands_on_its_world_positions_in_a_top_view(tmp_path, capsys, epsg):
    """A synthetic orthophoto (0.1 m pixels, grey with four coloured 8 m squares): in the top view
    each square's pixels span exactly its projected corners — the edges within one pixel — also
    when the image is in UTM zone 33 and reprojected to the model's zone 32 (pyproj gives the
    pattern's pixel positions; the renderer warps through GDAL)."""
    from pyproj import Transformer

    px = 0.1
    if epsg == 25832:
        west, north = X0 - 10, Y0 + 110
    else:
        to33 = Transformer.from_crs(25832, 25833, always_xy=True)
        cx, cy = to33.transform([X0 - 10, X0 + 110, X0 - 10, X0 + 110], [Y0 - 10, Y0 - 10, Y0 + 110, Y0 + 110])
        west, north = np.floor(min(cx)), np.ceil(max(cy))
    n = 1200
    cols, rows = np.meshgrid(np.arange(n), np.arange(n))
    xs, ys = west + (cols + 0.5) * px, north - (rows + 0.5) * px
    if epsg != 25832:
        xs, ys = Transformer.from_crs(25833, 25832, always_xy=True).transform(xs, ys)
    rgb = np.moveaxis(_ortho_pattern(xs, ys), -1, 0)
    ortho = write_raster(tmp_path / f"dop_{epsg}.tif", rgb, west, north, px, epsg=epsg)
    size = (1000, 1000)
    img, res = render([write_model(tmp_path), "--ortho", ortho, "--view", "top", "--finish", "plain", "--plain",
                       "--size", "1000x1000"], capsys, tmp_path)
    save_frame(img, f"pictures-ortho-top-{epsg}")
    assert res["picture"]["ortho"]["pixel_m"] == pytest.approx(px, rel=0.05)
    masks = _colour_masks(img)
    for name, sx, sy in SQUARES:
        corners = project(res["camera"], [[X0 + sx, Y0 + sy, 70.0], [X0 + sx + 8, Y0 + sy + 8, 70.0]], size)
        ys_, xs_ = np.nonzero(masks[name])
        assert len(xs_) > 1000, name
        # pixel i covers [i, i+1): the mask spans [min, max + 1) against the projected edges
        got = np.array([xs_.min(), xs_.max() + 1, ys_.min(), ys_.max() + 1], float)
        want = np.array([min(corners[:, 0]), max(corners[:, 0]), min(corners[:, 1]), max(corners[:, 1])])
        assert np.abs(got - want).max() <= 1.0, (name, got, want)


def test_orthophoto_tiles_follow_the_view_distance():
    """The level-of-detail tiles of a 2 km × 2 km, 0.2 m orthophoto (a DOP20 of 100 Mpx, never
    read here): seen from above at 3 km a handful of coarse tiles covers it; seen low from one
    corner the tile under the camera reaches the image's own resolution and the far corner stays
    coarse; the tiles always cover the area exactly once and stay within the texel budget."""
    import vtk

    from stadtbild.viewer.ortho import TILE_PX, OrthoTiles

    class Mosaic:  # the part of ImageMosaic that select() uses
        bounds = (0.0, 0.0, 2000.0, 2000.0)
        pixel_m = 0.2

    tiles = OrthoTiles(Mosaic(), np.zeros(3), 0.0, max_texels=96 * TILE_PX * TILE_PX)
    assert tiles.max_level == 5  # 2000 m / 2^5 / 512 px = 0.12 m ≤ the 0.2 m of the image

    def select(position, focal, size=(1280, 720)):
        cam = vtk.vtkCamera()
        cam.SetPosition(*position)
        cam.SetFocalPoint(*focal)
        cam.SetViewUp(0, 0, 1) if position[2] < 2000 else cam.SetViewUp(0, 1, 0)
        cam.SetClippingRange(1.0, 20000.0)
        keys = tiles.select(cam, size)
        area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in map(tiles.tile_bounds, keys))
        assert area == pytest.approx(2000.0 * 2000.0)  # an exact cover (quadtree leaves)
        assert len(keys) * TILE_PX * TILE_PX <= tiles.max_texels
        return keys, cam

    far, _ = select((1000, 1000, 3000), (1000, 1000, 0))
    assert len(far) <= 4 and max(k[0] for k in far) <= 1
    near, cam = select((50, 50, 30), (600, 600, 0))
    def levels_at(x, y):
        return [k[0] for k in near if tiles.tile_bounds(k)[0] <= x <= tiles.tile_bounds(k)[2]
                and tiles.tile_bounds(k)[1] <= y <= tiles.tile_bounds(k)[3]]

    assert levels_at(50, 50) == [5]
    assert max(levels_at(1950, 1950)) <= 3


def test_world_file_png_without_crs_is_taken_in_the_model_crs(tmp_path, capsys):
    """A PNG with a world file (.pgw) and no CRS: drawn at the world file's place, with a warning
    that names the assumption."""
    from PIL import Image

    px = 0.1
    west, north = X0 - 10, Y0 + 110
    cols, rows = np.meshgrid(np.arange(1200), np.arange(1200))
    Image.fromarray(_ortho_pattern(west + (cols + 0.5) * px, north - (rows + 0.5) * px)).save(tmp_path / "dop.png")
    # world file: pixel size x, rotation, rotation, −pixel size y, centre of the upper-left pixel
    (tmp_path / "dop.pgw").write_text(f"{px}\n0\n0\n{-px}\n{west + px / 2}\n{north - px / 2}\n")
    from stadtbild.cli import main

    out = tmp_path / "o.png"
    assert main(["render", str(write_model(tmp_path)), "--ortho", str(tmp_path / "dop.png"), "--view", "top",
                 "--finish", "plain", "--plain", "--size", "600x600", "-o", str(out)]) == 0
    assert "image names no CRS; assumed to be the model's (EPSG:25832)" in capsys.readouterr().err
    img = np.asarray(Image.open(out).convert("RGB"))
    assert _colour_masks(img)["red"].sum() > 300


# ---------------------------------------------------------------------------- sunlight
#: a street canyon near Braunschweig: a 30 m block south-west of a 15 m block, 15 m street between
CANYON = [("hoch", X0, Y0, X0 + 40, Y0 + 10, 70.0, 100.0), ("niedrig", X0 - 10, Y0 + 25, X0 + 80, Y0 + 35, 70.0, 85.0)]


def _shaded_facades_darker(model_path, capsys, tmp_path, name, view="iso", size=(1600, 900)):
    """Render ``model_path`` at 15:00 on 21 March 2026 from ``view`` and
    compare with ``shadow --surfaces`` samples (1 m) on sun-facing walls and roofs: returns (shaded
    samples darker than their surface's sunlit pixels, shaded samples compared, mean luminance
    shaded, mean luminance sunlit). Samples count where the analysis' verdict is the same 1.5 m
    around them on their surface (not on a shadow edge) and whose pixel and its 8 neighbours show
    their surface (a ray through each pixel centre hits it); a surface is one polygon and one
    plane (LoD2 roofs are not always planar)."""
    from stadtbild.analysis.raycast import RayCaster
    from stadtbild.analysis.shadow import shadow_at, surface_shadow
    from stadtbild.cli.common import load_model
    from stadtbild.cli import build_parser
    from stadtbild.model.semantics import ROOF, WALL

    when = "2026-03-21T15:00"
    img, res = render([model_path, "--time", when, "--view", view, "--finish", "plain", "--plain",
                       "--size", "x".join(map(str, size))], capsys, tmp_path)
    save_frame(img, name)
    lum = img.astype(float) @ np.array([0.299, 0.587, 0.114])
    scene = load_model(build_parser().parse_args(["render", str(model_path)])).scene()
    result = shadow_at(scene, when, surfaces=True, surface_cell_m=1.0)
    s, shaded_all = result.surfaces, result.surface_shadow
    d = result.sun.direction_grid()[0]
    assert res["picture"]["sun"]["azimuth_deg"] == pytest.approx(float(result.sun.azimuth_deg[0]), abs=1e-5)
    cam = np.asarray(res["camera"]["position"]) - scene.origin
    to_cam = cam - s.points
    sel = np.flatnonzero((s.normals @ d > 0.1) & (np.einsum("ij,ij->i", s.normals, to_cam) > 0)
                         & np.isin(s.surface_type, [WALL, ROOF]))
    rc = RayCaster(scene)
    xy = project(res["camera"], s.points[sel] + scene.origin, size).astype(int)
    inside = (xy[:, 0] >= 1) & (xy[:, 0] < size[0] - 1) & (xy[:, 1] >= 1) & (xy[:, 1] < size[1] - 1)
    sel, xy = sel[inside], xy[inside]
    own = scene.polygon_index[s.triangle[sel]]
    seen = np.ones(len(sel), bool)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            origin, dirs = pixel_rays(res["camera"], xy + [dx, dy], size)
            hit = rc.first_hit(np.broadcast_to(origin - scene.origin, dirs.shape), dirs)
            seen &= hit.hit & (scene.polygon_index[np.maximum(hit.triangle, 0)] == own)
    sel, xy = sel[seen], xy[seen]
    n = s.normals[sel]
    u = np.cross(n, [0.0, 0.0, 1.0])
    u[np.linalg.norm(u, axis=1) < 1e-6] = (1.0, 0.0, 0.0)
    u /= np.linalg.norm(u, axis=1)[:, None]
    v = np.cross(n, u)
    shaded = shaded_all[sel]
    stable = np.ones(len(sel), bool)
    for off in (u, -u, v, -v):
        stable &= surface_shadow(rc, s.points[sel] - 0.01 * n + 1.5 * off, n, d) == shaded
    value = lum[xy[:, 1], xy[:, 0]]
    plane = np.round(n * 50).astype(np.int64) @ np.array([1, 1000, 1000000])
    surface = scene.polygon_index[s.triangle[sel]].astype(np.int64) * 10**9 + plane
    darker = compared = 0
    for p in np.unique(surface[stable & shaded]):
        on = stable & (surface == p)
        sunlit = value[on & ~shaded]
        if len(sunlit) >= 2:
            darker += int((value[on & shaded] < np.median(sunlit) - 5).sum())
            compared += int((on & shaded).sum())
    means = (float(value[stable & shaded].mean()), float(value[stable & ~shaded].mean()))
    print(f"{name}: shaded samples darker than their surface's sunlit pixels {darker}/{compared}; mean "
          f"luminance shaded {means[0]:.1f}, sunlit {means[1]:.1f}")
    return darker, compared, means


def test_facades_the_shadow_analysis_marks_shaded_are_darker_in_a_street_canyon(tmp_path, capsys):
    """At 15:00 on 21 March the 30 m block shades part of the 15 m block's south facade across the
    street, seen from the south-east: every pixel the analysis marks shaded is darker than the
    facade's sunlit pixels."""
    darker, compared, (dark, light) = _shaded_facades_darker(write_model(tmp_path, CANYON), capsys, tmp_path,
                                                             "pictures-sun-1500-canyon", view="iso-se")
    assert compared >= 300
    assert darker == compared
    assert dark < light - 30


def test_facades_the_shadow_analysis_marks_shaded_are_darker_in_the_demo(tmp_path, capsys, demo_path):
    """The same on the demo district (Delfshaven) seen from the south-west (the sun's side), its
    real roofs and walls shading each other."""
    darker, compared, (dark, light) = _shaded_facades_darker(demo_path, capsys, tmp_path, "pictures-sun-1500-demo")
    assert compared >= 40
    assert darker >= 0.97 * compared
    assert dark < light - 30


# ---------------------------------------------------------------------------- anti-aliasing
def edge_staircase_px(img) -> tuple[float, int]:
    """RMS deviation (pixels) of a roof's upper edge from a straight line, and the number of
    columns measured. Per image column the edge's sub-pixel row is the summed "not roof"
    coverage across the transition (coverage from the red-minus-green contrast between ground
    and roof), so an ideally anti-aliased edge lies on its line and an aliased one jumps in whole
    pixels (RMS ≈ 1/√12 ≈ 0.29 px for an edge at a shallow angle)."""
    red = img[..., 0].astype(float) - img[..., 1].astype(float)
    roof = red > 60
    ys, xs = np.nonzero(roof)
    top = xs[np.argmin(ys)]  # the upper corner of the turned square
    left = xs[np.argmin(xs)]  # its left corner: the shallow upper-left edge runs between them
    lo, hi = sorted((left, top))
    span = hi - lo
    g0 = np.median(red[:10])  # ground
    r0 = np.median(red[roof])
    cols, rows = [], []
    for x in range(int(lo + 0.2 * span), int(hi - 0.2 * span)):
        first = int(np.argmax(roof[:, x]))
        a, b = first - 6, first + 6
        c = np.clip((red[a:b, x] - g0) / (r0 - g0), 0.0, 1.0)
        cols.append(x)
        rows.append(a + float((1.0 - c).sum()))
    cols, rows = np.array(cols, float), np.array(rows)
    fit = np.polyval(np.polyfit(cols, rows, 1), cols)
    return float(np.sqrt(np.mean((rows - fit) ** 2))), len(cols)


def test_anti_aliasing_reduces_the_edge_staircase(tmp_path, capsys):
    """A square roof turned by 20° seen from above: its edge's deviation from a straight line
    (sub-pixel edge rows per column) with the stills' supersampling is at most half of that
    without anti-aliasing."""
    from stadtbild.exporters.cityjson import write_cityjson
    from tests.helpers import box_polygons, model_from_solids

    v, faces = box_polygons(-20, -20, 20, 20, 0.0, 12.0)
    a = np.radians(20.0)
    rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    v = v @ rot.T + [X0, Y0, 70.0]
    path = write_cityjson(model_from_solids([("turned", v, faces)]), tmp_path / "turned.city.json")
    measures = {}
    for finish in ("plain", "plain,ssaa"):
        img, res = render([path, "--view", "top", "--finish", finish, "--plain", "--size", "640x480"], capsys,
                          tmp_path, f"{finish}.png")
        save_frame(img, f"pictures-aa-{finish.replace(',', '-')}")
        measures[finish] = edge_staircase_px(img)
        assert res["picture"]["finish"]["anti_alias"] == ("none" if finish == "plain" else "ssaa 2×2")
    print("edge staircase RMS (px, columns):", measures)
    (aliased, n1), (smooth, n2) = measures["plain"], measures["plain,ssaa"]
    assert n1 > 150 and n2 > 150
    assert aliased > 0.1  # whole-pixel steps
    assert smooth < 0.5 * aliased


# ---------------------------------------------------------------------------- model textures
OGC_APPEARANCE = "Examples/Appearance/Appearance-EPSG25832.gml"


def _ogc_example():
    from pathlib import Path

    from tests.conftest import DATA

    path = DATA.parent / "schemas" / "citygml-2.0" / OGC_APPEARANCE
    if not path.exists():
        raise FileNotFoundError(f"shared schema examples missing: {path}")
    return path


#: the two gables of the OGC example: (x of the wall, its ring (y, z) with the texture coordinates
#: the file gives them: ParameterizedTexture front_back_summer.png, left half front, right half back)
GABLES = {
    "fFront": (458885.0, [(5438350, 112), (5438355, 112), (5438355, 115), (5438352.5, 117), (5438350, 115)],
               [(0.0, 0.0), (0.5, 0.0), (0.5, 0.6), (0.25, 1.0), (0.0, 0.6)]),
    "fBack": (458875.0, [(5438355, 112), (5438350, 112), (5438350, 115), (5438352.5, 117), (5438355, 115)],
              [(0.5, 0.0), (1.0, 0.0), (1.0, 0.6), (0.75, 1.0), (0.5, 0.6)]),
}


def _gable_samples(name, image):
    """World points on a gable wall (a grid over its rectangle part, 0.5 m inside the edges) and
    the texel colours the file's texture coordinates put there (only texels whose 9 × 9
    neighbourhood is one colour, so a pixel or two of projection error cannot change them)."""
    x, ring, uv = GABLES[name]
    ring, uv = np.array(ring, float), np.array(uv, float)
    # affine (y, z) -> (u, v) from three of the ring's vertices (the wall is planar)
    a = np.c_[ring[:3], np.ones(3)]
    coef = np.linalg.solve(a, uv[:3])
    ys, zs = np.meshgrid(np.linspace(ring[:, 0].min() + 0.5, ring[:, 0].max() - 0.5, 25), np.linspace(112.5, 114.5, 12))
    yz = np.c_[ys.ravel(), zs.ravel()]
    tuv = np.c_[yz, np.ones(len(yz))] @ coef
    h, w = image.shape[:2]
    col, row = (tuv[:, 0] * w).astype(int), ((1 - tuv[:, 1]) * h).astype(int)
    win = np.stack([image[np.clip(row + dy, 0, h - 1), np.clip(col + dx, 0, w - 1)]
                    for dy in range(-4, 5) for dx in range(-4, 5)], axis=1).astype(int)
    uniform = (np.abs(win - win[:, :1]).max(axis=(1, 2)) == 0)
    pts = np.c_[np.full(len(yz), x), yz][uniform]
    return pts, image[row[uniform], col[uniform]].astype(float)


@pytest.mark.parametrize("face,view", [("fBack", "iso"), ("fFront", "iso-se")])
def test_ogc_textured_building_shows_its_texture_on_the_right_face(tmp_path, capsys, face, view):
    """The OGC CityGML 2.0 appearance example (textures next to it): the gable facing the camera
    shows the texel colours its texture coordinates put there (the lit pixel = one brightness
    factor × the texel, within a few grey levels), and clearly not those of the other gable's half
    of the same image."""
    from PIL import Image

    path = _ogc_example()
    image = np.asarray(Image.open(path.parent / "front_back_summer.png").convert("RGB"))
    size = (1200, 800)
    img, res = render([path, "--view", view, "--finish", "plain", "--plain", "--size", "1200x800"], capsys, tmp_path)
    save_frame(img, f"pictures-ogc-texture-{face}")
    tex = res["picture"]["textures"]
    assert tex["theme"] == "Summer" and tex["missing_images"] == 0 and tex["images_drawn"] == 3
    other = "fFront" if face == "fBack" else "fBack"

    def misfit(name):
        pts, texel = _gable_samples(name, image)
        if name != face:  # the other gable's texels, placed on this face
            pts, _ = _gable_samples(face, image)
            pts, texel = pts[:len(texel)], texel[:len(pts)]
        xy = project(res["camera"], pts, size).astype(int)
        got = img[xy[:, 1], xy[:, 0]].astype(float)
        k = float((got * texel).sum() / (texel * texel).sum())  # one brightness factor for the wall
        return np.median(np.abs(got - k * texel).max(axis=1)), k, len(pts)

    err, k, n = misfit(face)
    wrong, _k2, _n2 = misfit(other)
    print(f"{face}: {n} samples, brightness {k:.2f}, median error {err:.1f} (other gable's texels: {wrong:.1f})")
    assert n >= 100
    assert 0.3 < k < 1.3
    assert err <= 6
    assert wrong > 4 * max(err, 2)


def test_cityjson_texture_lands_on_its_wall_with_missing_images_counted(tmp_path, capsys):
    """A CityJSON 2.0 box whose south wall carries a 4-colour PNG (texture coordinates (0,0) at the
    lower west corner, (1,1) at the upper east corner) and whose roof names a JPG that is not
    there: seen from the south each quarter of the wall shows its colour, the roof keeps the roof
    colour, and the one missing image is counted."""
    from PIL import Image

    quad = np.zeros((64, 64, 3), np.uint8)
    quad[:32, :32], quad[:32, 32:] = (220, 30, 30), (30, 200, 40)  # top: red | green
    quad[32:, :32], quad[32:, 32:] = (30, 40, 220), (230, 220, 30)  # bottom: blue | yellow
    Image.fromarray(quad).save(tmp_path / "quad.png")
    v = [[0, 0, 0], [10000, 0, 0], [10000, 10000, 0], [0, 10000, 0],
         [0, 0, 10000], [10000, 0, 10000], [10000, 10000, 10000], [0, 10000, 10000]]
    shell = [[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]
    tex_values = [[[None]], [[1, 0, 1, 2, 3]], [[0, 0, 1, 2, 3]], [[None]], [[None]], [[None]]]
    doc = {"type": "CityJSON", "version": "2.0",
           "transform": {"scale": [0.001, 0.001, 0.001], "translate": [X0, Y0, 70.0]},
           "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
           "CityObjects": {"box": {"type": "Building", "geometry": [{
               "type": "Solid", "lod": "2", "boundaries": [shell],
               "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
                             "values": [[0, 1, 2, 2, 2, 2]]},
               "texture": {"photo": {"values": [tex_values]}}}]}},
           "appearance": {"textures": [{"type": "PNG", "image": "quad.png", "wrapMode": "none"},
                                       {"type": "JPG", "image": "textures/roof.jpg"}],
                          "vertices-texture": [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]},
           "vertices": v}
    path = tmp_path / "box.city.json"
    path.write_text(json.dumps(doc))
    size = (800, 600)
    from stadtbild.cli import main

    out = tmp_path / "from_south.png"  # the "north" view looks north, from the south
    assert main(["render", str(path), "--view", "north", "--finish", "plain", "--plain", "--size", "800x600",
                 "-o", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    res = json.loads(captured.out)
    note = "1 of 2 texture images are missing next to the model (e.g. textures/roof.jpg)"
    assert note not in captured.err  # --json
    assert main(["render", str(path), "--view", "north", "--plain", "--size", "160x120",
                 "-o", str(tmp_path / "small.png")]) == 0
    assert note in capsys.readouterr().err  # drawn textures: the render says which are missing
    assert main(["info", str(path)]) == 0
    assert note not in capsys.readouterr().err  # an analysis does not need the images: no warning
    tex = res["picture"]["textures"]
    assert (tex["images"], tex["missing_images"], tex["images_drawn"], tex["textured_polygons"]) == (2, 1, 1, 2)
    img = np.asarray(Image.open(out).convert("RGB"))
    save_frame(img, "pictures-cityjson-texture-south")
    masks = _colour_masks(img)
    for name, (dx, dz) in {"blue": (2.5, 2.5), "yellow": (7.5, 2.5), "red": (2.5, 7.5), "green": (7.5, 7.5)}.items():
        x, y = project(res["camera"], [[X0 + dx, Y0, 70.0 + dz]], size)[0].astype(int)
        assert masks[name][y - 3:y + 4, x - 3:x + 4].all(), name
    info_code = main(["info", str(path), "--json"])
    info = json.loads(capsys.readouterr().out)
    assert info_code == 0 and info["textures"]["missing_images"] == 1 and info["textures"]["themes"] == ["photo"]


def test_textured_ground_in_the_computed_shadow_is_darker(tmp_path, capsys):
    """The OGC example at 15:00 on 21 March seen from the north-east: the grass of its
    georeferenced ground texture is darker in the ground cells the shadow analysis marks shaded
    than in the sunlit ones (the computed shadow over a texture, not instead of it)."""
    from stadtbild.analysis.shadow import shadow_at
    from stadtbild.importers import load

    path = _ogc_example()
    size = (1200, 800)
    img, res = render([path, "--time", "2026-03-21T15:00", "--view", "iso-ne", "--finish", "plain", "--plain",
                       "--size", "1200x800"], capsys, tmp_path)
    save_frame(img, "pictures-ogc-texture-sun")
    scene = load(path).scene()
    result = shadow_at(scene, "2026-03-21T15:00", cell_m=0.5)
    g = result.grid
    x, y = g.centres_local()
    active = g.active & np.isfinite(g.z)
    pts = np.c_[x[active], y[active], g.z[active]] + scene.origin
    xy = project(res["camera"], pts, size).astype(int)
    ok = (xy[:, 0] >= 0) & (xy[:, 0] < size[0]) & (xy[:, 1] >= 0) & (xy[:, 1] < size[1])
    px = img[xy[ok, 1], xy[ok, 0]].astype(int)
    grass = (px[:, 1] > px[:, 0] + 40) & (px[:, 1] > px[:, 2] + 40)
    shaded = result.shadow[active][ok]
    lum = px @ np.array([0.299, 0.587, 0.114])
    dark, light = np.median(lum[grass & shaded]), np.median(lum[grass & ~shaded])
    print(f"grass luminance shaded {dark:.1f} ({(grass & shaded).sum()} cells), sunlit {light:.1f}")
    assert (grass & shaded).sum() >= 50 and (grass & ~shaded).sum() >= 200
    assert dark < 0.8 * light
