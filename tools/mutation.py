"""Mutation testing of the analysis modules with mutmut (PyPI), module by module, each against its
own fast test subset — see the issue "Trustworthy results" (kill rate ≥ 85 % per module).

    python tools/mutation.py metrics [--sample 60] [--seed 20] [--commit main] [--jobs 1]
    python tools/mutation.py metrics --sample 60 --commit HEAD --rerun $TMPDIR/stadtbild-mutation/metrics.json

For each module the committed tree of ``--commit`` is exported (``git archive``) into a scratch
folder (``$TMPDIR/stadtbild-mutation/<module>``), a ``setup.cfg`` tells mutmut which files to
mutate and which tests to run, and ``mutmut run`` is started under ``nice -n 10``. A module is
measured together with the code split out of it later (:data:`MODULES`: whole files, or the named
functions and classes of a file that several analyses share, such as ``analysis/samples.py``);
only the mutants of that code are counted. With ``--sample N`` a seeded random sample of N of those
mutants is run (an unbiased estimate of the kill rate, standard error ±√(p(1−p)/N) times the
finite-population factor); without it all of them run. The result — killed, survived, no covering
test, timeout, the kill rate and the survivors' names — is printed as JSON and saved beside the
scratch folder; ``mutmut show stadtbild.NAME`` in the scratch folder shows a survivor's diff. Timeouts count as
detected; mutants listed in :data:`EQUIVALENT` (with the reason) are left out of the rate. After tests
were added, ``--rerun`` with the earlier report runs only its undetected mutants again (allowed only
while the mutated files are unchanged, so the earlier verdicts still hold).

No X server is started: the runs select no GUI test (``-m "not gui"``), block the pytest-xvfb
plugin, drop ``DISPLAY`` and set ``STADTBILD_TEST_DESKTOP=0``, under which tests/conftest.py
refuses to start its virtual desktop. mutmut runs in its own process group, which is ended after
each run, so nothing it started (a test's helper process left behind by a killed mutant run)
outlives it; the number of such leftovers is reported (``leftover_processes``).

mutmut is not a project dependency: ``python3.11 -m venv V; echo $PWD/.venv/lib/python3.11/site-packages
> V/lib/python3.11/site-packages/zz_project.pth; V/bin/pip install 'mutmut>=3.8,<4'`` gives a venv
that imports the project's dependencies; ``MUTMUT`` names its executable.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    """What one module's measurement mutates and runs.

    ``code`` maps a file to mutate to ``None`` (all of it) or to the names of the top-level
    functions and classes of it that belong to this module (code split out of the module into a
    file that other modules share); ``tests`` are its test files and ``selection`` the pytest ``-k``
    expression picking the in-process tests (the CLI tests run a subprocess whose calls mutmut
    cannot trace, the demo and view tests are slow)."""

    code: dict
    tests: tuple
    selection: str


#: module -> what its measurement mutates and runs: the computing core of each result area. The
#: analyses were split after the issue named its six modules: "One sample module" (cf9da4b) moved
#: solar's and sunlight's sample generators into analysis/samples.py, "Split analysis/shadow.py"
#: (bf03c7a) the ground grids, surface samples and casters into ground_grid.py, samples.py and
#: casters.py, "Split analysis/sightline.py" (2fca641) blockers, viewshed, corridor and landmark
#: into their own modules, "One footprint rule" (dd62380) the footprint code of metrics into
#: model/footprint.py (what metrics calls is measured with metrics; footprint_polygons and
#: footprint_pairs, which only setbacks calls, with setbacks). Left out on purpose: the result
#: classes' presentation (figures, features, GeoJSON/CSV/raster writers, summaries), option
#: validation and file readers, which the CLI and exporter tests check; and viewshed, corridor and
#: landmark, analyses of their own with their own tests (sightline is the line trace and its
#: blockers). No test file moved; tests/test_terrain.py holds shadow's tests on terrain.
MODULES = {
    "solar": Target({"analysis/solar.py": ("_group_sum", "find_roof_surfaces", "subset_surfaces", "perez_brightening",
                                           "cumulative_sky", "compute_solar"),
                     "analysis/samples.py": ("SubdivisionSamples", "_subtriangle_centroids", "subdivision_samples")},
                    ("tests/test_solar.py",), "not cli and not view and not demo"),
    "sunlight": Target({"analysis/sunlight.py": None,
                        "analysis/samples.py": ("FacadePoints", "_facade_triangles", "building_objects",
                                                "facade_points", "covered_points")},
                       ("tests/test_sunlight.py",), "not demo_district and not cli"),
    "setbacks": Target({"analysis/setbacks.py": ("SetbackRule", "get_rule", "choose_rule", "ags_land",
                                                 "compute_setbacks", "_compute", "_roof_addition", "_not_sliver",
                                                 "compare_conflicts", "conflict_key", "_own_roof_height_in_front",
                                                 "polygon_centroids_xy", "_polygon_centroids_xy",
                                                 "_parcel_violations"),
                        "model/footprint.py": ("footprint_pairs", "footprint_polygons"),
                        "model/ranges.py": ("concatenated_ranges",)},
                       ("tests/test_setbacks.py", "tests/test_setbacks_rules.py"), "not cli and not view"),
    "shadow": Target({"analysis/shadow.py": ("shadow_at", "_shadow_at", "trapezoid_weights_h", "sun_hours",
                                             "sun_ground_grid", "_sun_hours", "compare", "surface_shadow"),
                      "analysis/ground_grid.py": ("building_bounds", "longest_shadow_m", "ground_grid",
                                                  "footprint_mask", "terrain_near_field", "terrain_free_caster"),
                      "analysis/casters.py": ("terrain_objects", "first_casters"),
                      "analysis/samples.py": ("sample_surfaces",)},
                     ("tests/test_shadow.py", "tests/test_terrain.py"), "not rendered and not cli"),
    "sightline": Target({"analysis/sightline.py": ("place_points", "object_top", "object_centre", "target_points",
                                                   "trace_lines", "clearance_profile", "sightline"),
                         "analysis/blockers.py": None},
                        ("tests/test_sightline.py", "tests/test_sightline_blockers.py"), "not cli"),
    "metrics": Target({"analysis/metrics.py": ("polygon_geometry_arrays", "_group_min", "_group_max",
                                               "_measured_height", "file_roof_type", "canonical_vertices",
                                               "closed_rows", "compute_metrics", "classify_roofs"),
                       "model/footprint.py": ("polygon_unit_normals", "effective_semantics", "object_rows",
                                              "projected_unions")},
                      ("tests/test_metrics.py",), "not cli"),
}
#: folders copied next to the mutated files so that the tests can import everything
COPY = ["stadtbild", "tests", "resources", "main.py", "pyproject.toml"]
#: the layer folders, which the repository keeps beside ``stadtbild/`` (stadtbild/__init__.py) and
#: the scratch tree moves into it: mutmut names a mutant after its file's path, and the trampoline
#: runs a mutant only where that name's module equals the function's ``__module__``
#: (``stadtbild.analysis.solar``). Mutant names in reports, :data:`EQUIVALENT` and ``--rerun`` are
#: written without the ``stadtbild.`` prefix.
LAYERS = ("model", "importers", "exporters", "analysis", "viewer", "cli", "app")
NAMESPACE = "stadtbild."


def short(name: str) -> str:
    """A mutant's name as reports write it: ``analysis.solar.x_compute_solar__mutmut_3``."""
    return name.removeprefix(NAMESPACE)
#: mutmut's verdicts that count as detected (a mutant that hangs or crashes the interpreter is
#: noticed by any test run; they are reported separately in ``counts``)
DETECTED = ("killed", "timeout", "segfault")

#: survivors that no test can kill because they do not change what the code computes: mutant name ->
#: (the mutated line as ``mutmut show`` prints it after "+", why it is equivalent). An entry applies
#: only while that line is still the mutant's diff (mutant numbers shift when a function changes), so
#: a stale entry is reported, never silently applied.
#: why switching the terrain near field off changes no result (several mutants do that)
_NEAR_FIELD_OFF = ("without the terrain-free near-field caster every ray is traced through the full scene from "
                   "the sample, the ground normals still deciding the slope's own shadow: the TERRAIN_NEAR_M = 0 "
                   "path that tests/test_terrain.py::test_terrain_near_field_gives_the_same_shadows_and_sun_hours "
                   "shows to give the same shadows, casters and hours in every cell (the near field is a speed "
                   "device)")

EQUIVALENT: dict[str, tuple[str, str]] = {
    "analysis.solar.x_compute_solar__mutmut_255": (
        "shared = B > 1 and cs.sun_bins.sky.mf == cs.sky.mf",
        "differs only with exactly one sun bin; then the unshared path traces the same direction (the bins "
        "of a sun in the sky's own patches point at the patch centres) and skips only rays of zero beam"),
    "analysis.solar.x_compute_solar__mutmut_694": (
        "if roots else (np.zeros(1, dtype=str), np.zeros(0, np.int64))",
        "only for a scene without objects, which has no surfaces: building_ids is then filtered by the "
        "empty used_b and the dummy id never appears"),
    "analysis.solar.x_compute_solar__mutmut_160": (
        "cos_tilt = np.clip(normals[:, 2], -1.0, 2.0)",
        "the z component of a unit normal never exceeds 1, so the upper clip bound is never reached"),
    "analysis.solar.x_compute_solar__mutmut_102": (
        "surf = subset_surfaces(surf, np.asarray(enabled, dtype=None)[surf.object_index])",
        "RayCaster.enabled_objects is already a bool array"),
    "analysis.solar.x_compute_solar__mutmut_368": (
        'hor_wh = hor_total * np.einsum("IJ,IJ->I", vs[:, cs.horizon_patch], g_hor[s_idx])',
        "einsum subscripts are labels: upper-case letters name the same contraction"),
    "analysis.solar.x_compute_solar__mutmut_400": (
        "wm = sparse.csr_matrix((samples.weight_m2[start:stop], (inv, np.arange(len(inv)))), shape=None)",
        "the inferred shape is (max(inv) + 1, len(inv)) = (len(u), len(inv)): inv is np.unique's inverse "
        "and every column index occurs"),
    "analysis.solar.x_perez_brightening__mutmut_15": (
        "z = np.asarray(zenith_deg, dtype=None)",
        "the zenith is only compared and passed to np.radians, which give the same for integer input"),
    "analysis.solar.x_compute_solar__mutmut_714": (
        "remap = np.full(len(building_ids), -1, dtype=None)",
        "a float64 remap gives the same values; surface_building is cast to int64 before it is returned"),
    "analysis.solar.x_compute_solar__mutmut_726": (
        "surface_building = remap[obj_building[surf.object_index]] if S else np.zeros(0, None)",
        "an empty float64 array, cast to int64 before it is returned"),
    "analysis.solar.x__group_sum__mutmut_10": (
        "return np.bincount(keys, weights=values, minlength=None)",
        "the keys are np.unique's inverse over all n groups, so every group occurs and bincount's "
        "length is n without minlength"),
    "analysis.solar.x_find_roof_surfaces__mutmut_103": (
        "n_poly = max(len(scene.polygon_object), int(scene.polygon_index.max()) + 2 if m else 0)",
        "n_poly only has to exceed every polygon index so that the keys of loose triangles (n_poly + i) "
        "collide with none; one more still does, and polygon = -1 for them either way"),
    "analysis.solar.x_find_roof_surfaces__mutmut_149": (
        "normal = np.divide(nsum, nlen[:, None], out=np.zeros_like(nsum), where=nlen[:, None] >= 0)",
        "only zero-length normal sums (degenerate polygons) change, to NaN instead of 0; such groups are "
        "excluded by valid = … & (nlen > 0) and NaN fails every roof/facade comparison as 0 does"),
    "analysis.solar.x_perez_brightening__mutmut_36": (
        "ok = (z < 91.0) & (dhi > 0) & np.isfinite(np.asarray(airmass, dtype=np.float64))",
        "pvlib's relative airmass is NaN for a zenith above 90°, so the isfinite term already excludes "
        "90° < z < 91°; only a zenith of exactly 90.000° differs, where the sun is not up (no beam, "
        "no horizon band) either way"),
    "analysis.samples.x_subdivision_samples__mutmut_35": (
        "k = np.clip(np.rint(np.sqrt(areas) / float(cell_m)), 1, max_subdivisions).astype(None)",
        "k holds whole numbers either way; it is only compared (k == kk) and passed through int(kk)"),
    "analysis.samples.x_subdivision_samples__mutmut_76": (
        "+ c[:, None, 1, :] * bary[None, :, 0:1] + c[:, None, 2, :] * bary[None, :, 1:3])",
        "bary has two columns, so the slice 1:3 is the slice 1:2"),
    "analysis.samples.x_facade_points__mutmut_105": (
        "w = np.divide(w, w_len[:, None], where=ok_poly[:, None])",
        "the rows left unset (uninitialised instead of 0) are those of polygons without a horizontal "
        "normal (ok_poly False); they get no rows and no columns (n_rows = n_cols = 0), so no point "
        "ever uses them"),
    "analysis.samples.x_facade_points__mutmut_106": (
        "w = np.divide(w, w_len[:, None], out=np.zeros_like(w), )",
        "only the rows of polygons without a horizontal normal (w_len = 0, ok_poly False) change, to NaN "
        "instead of 0; those polygons get no rows and no columns (n_rows = n_cols = 0 by np.where on "
        "ok_poly), so no candidate point reads them; numpy's invalid-value warning is the only trace"),
    "analysis.samples.x_facade_points__mutmut_389": (
        "t = np.divide(e1[:, 0] * q[:, 1] - e1[:, 1] * q[:, 0], det, out=np.full(len(det), -1.0), )",
        "only pairs with a degenerate (u, z) triangle (|det| ≤ 1e-12, ok_det False) change, to ±inf/NaN "
        "instead of -1; inside = ok_det & … drops exactly those pairs whatever t holds, so the same "
        "triangles contain the same points; numpy's divide warning is the only trace"),
    "analysis.sunlight.xǁSunlightResultǁper_building__mutmut_63": (
        "lost = (np.bincount(inv, weights=self.lost_compliance(), )",
        "inv is np.unique's inverse over the building names, so every name occurs and bincount's length "
        "is len(names) without minlength"),
    "analysis.sunlight.x_facade_sunlight__mutmut_84": (
        "if len(points) or len(dirs):",
        "differs only when exactly one of the check points and the sun directions is empty (no sun above "
        "the minimum elevation that day, or no points); RayCaster.visible_sum then returns zeros of "
        "len(points) before it traces or reports progress, which is what the else branch gives"),
    "analysis.samples.x_facade_points__mutmut_101": (
        "w = np.divide(w, w_len[:, None], out=None, where=ok_poly[:, None])",
        "as x_facade_points__mutmut_105: the rows left unset are those of polygons without a horizontal "
        "normal (ok_poly False), which get no rows and no columns, so no point ever uses them"),
    "analysis.samples.x_facade_points__mutmut_505": (
        "key = np.c_[out.object_index, np.round(out.points / 0.01).astype(None)]",
        "np.round already gives whole numbers; as float64 instead of int64 they (and the object indices) "
        "are the same values, exact below 2**53, so np.unique finds the same duplicate rows"),
    "analysis.samples.x__facade_triangles__mutmut_17": (
        "keep &= ~np.isin(scene.surface_type, np.array([GROUND, ROOF, CLOSURE], dtype=None))",
        "np.isin compares values: the three small semantic codes are the same numbers as int64 as in the "
        "surface_type dtype (int16)"),
    "analysis.samples.x_covered_points__mutmut_34": (
        'facing = ahead.hit & (np.einsum("IJ,IJ->I", scene.face_normals[np.where(ahead.hit, ahead.triangle, 0)],',
        "einsum subscripts are labels: upper-case letters name the same contraction"),
    "analysis.samples.x_facade_points__mutmut_312": (
        "t_count = np.bincount(poly_of_tri, )",
        "poly_of_tri is np.unique's inverse over poly_ids, so every polygon occurs and bincount's length "
        "is len(poly_ids) without minlength"),
    "analysis.samples.x__facade_triangles__mutmut_19": (
        "keep &= ~np.isin(scene.surface_type, np.array([GROUND, ROOF, CLOSURE], ))",
        "np.isin compares values: the three small semantic codes are the same numbers as int64 as in the "
        "surface_type dtype (int16)"),
    "analysis.samples.x_facade_points__mutmut_450": (
        'rhs = np.einsum("ij,ij->i", nrm, corners[tri_local, 0]) - cu[cand] * np.einsum("IJ,IJ->I", nrm, uu) \\',
        "einsum subscripts are labels: upper-case letters name the same contraction"),
    "analysis.samples.x_covered_points__mutmut_78": (
        "back = h.hit & (sign * scene.face_normals[np.where(h.hit, h.triangle, 0), 2] >= 0)",
        "differs only for a hit on a triangle with n_z exactly 0, i.e. a vertical ray lying in a vertical "
        "triangle's plane; the ray cores report no hit for a ray parallel to the triangle (numpy: "
        "det = 0, which is n_z times twice the area, is rejected; Embree likewise), so h.hit is False there"),
    "analysis.setbacks.x__compute__mutmut_8": (
        "ids, fps, pair_poly, pair_row = footprint_polygons(model, lod, )",
        "footprint_polygons' default types are (\"Building\",), the argument the mutant drops"),
    "model.footprint.x_footprint_pairs__mutmut_20": (
        "has_ground = np.bincount(pair_row, weights=is_ground.astype(None), minlength=n_rows) > 0",
        "astype(None) is astype(float64), the same as astype(float)"),
    "model.footprint.x_object_rows__mutmut_62": (
        "pair_row = np.repeat(np.asarray(rows, dtype=None), counts)",
        "rows is a list of Python ints (int64 without a dtype); an empty list gives an empty float array "
        "only when there are no rows, and every caller returns before using pair_row then (n == 0)"),
    "model.footprint.x_object_rows__mutmut_82": (
        "+ np.arange(int(counts.sum()), )) if len(counts) else np.zeros(0, np.int64)",
        "np.arange of a Python int is int64 on the 64-bit platforms the project runs on"),
    "model.footprint.x_projected_unions__mutmut_61": (
        'order = np.argsort(pslot, kind="STABLE")',
        "numpy reads the sort kind case-insensitively: the same stable sort"),
    "analysis.metrics.x_compute_metrics__mutmut_132": (
        "footprint = np.bincount(pair_row, weights=np.where(is_ground, horiz, 0.0), minlength=n).astype(None)",
        "astype(None) is astype(float64), the same as astype(float)"),
    "analysis.metrics.x_classify_roofs__mutmut_19": (
        "normal = np.where(face_unit[:, 2:4] < 0, -face_unit, face_unit)  # roofs face up",
        "face_unit has three columns, so the slice 2:4 is the slice 2:3"),
    "model.footprint.x_projected_unions__mutmut_10": (
        "out = np.array([shapely.Polygon() for _ in range(len(rows))], )",
        "numpy makes an object array of shapely geometries without being told"),
    "model.footprint.x_polygon_unit_normals__mutmut_54": (
        "bad = ~ok | (np.linalg.norm(tri.normals, axis=1) > 0) if len(tri.normals) else ~ok",
        "takes the triangulator's Newell normal for every polygon, not only the untriangulated ones; "
        "Newell's normal is the normalised vector area of the ring, the vector the polygon's triangles "
        "sum to (for a non-planar ring both are the same least-squares plane normal up to the "
        "triangulation of the bend)"),
    "analysis.metrics.x_classify_roofs__mutmut_143": (
        "remap = np.arange(int(group_id.max()) + 2)",
        "one entry more than there are groups; remap is only indexed with existing group ids"),
    "analysis.setbacks.x__compute__mutmut_127": (
        "np.zeros(0, ), np.zeros(0, dtype=object), fps, ids,",
        "the empty kind array of a model without walls: comparisons with \"outer\" and masks give the "
        "same empty results for a float64 as for an object array"),
    "analysis.setbacks.x__compute__mutmut_130": (
        "np.zeros(0, dtype=object), np.zeros(0, dtype=None), fps, ids,",
        "the empty area array of a model without walls: no element, so nothing reads its type"),
    "analysis.setbacks.x__compute__mutmut_792": (
        "unions = np.array([shapely.union_all(areas[aj[cut[k]:ends[k]]]) for k in multi], dtype=None)",
        "numpy makes an object array of shapely geometries without being told"),
    "analysis.setbacks.x__compute__mutmut_741": (
        "ai, aj = atree.query(areas[outer], )",
        "without the predicate the tree returns every pair whose bounding boxes meet; the exact "
        "intersection of each is computed anyway and a pair that does not intersect has area 0, "
        "neither a conflict nor a sliver (> 0.01 m²), and adds nothing to the union it joins"),
    "analysis.setbacks.x__parcel_violations__mutmut_91": (
        "qi, qj = ptree.query(outside_bad, )",
        "the same for the neighbouring parcels: a parcel whose bounding box meets the area outside "
        "its own parcel but which does not meet it has a share of 0, below the 0.01 m² a neighbour needs"),
    "analysis.setbacks.x__parcel_violations__mutmut_89": (
        'qi, qj = ptree.query(outside_bad, predicate=None)',
        "predicate=None is the query without a predicate (mutant 91): bounding-box pairs whose exact "
        "shares are computed anyway"),
    "analysis.setbacks.x__parcel_violations__mutmut_3": (
        "parcels = np.asarray([shapely.make_valid(p) for p in parcels], dtype=None)",
        "numpy makes an object array of shapely geometries without being told"),
    "analysis.setbacks.x__own_roof_height_in_front__mutmut_85": (
        "nz = np.where(np.abs(n[:, 2]) < 1e-9, None, n[:, 2])",
        "None only for a roof face within 1e-9 of vertical, whose plan (a line, or a sliver 1e-9 wide) "
        "never holds the probe point 0.3 m in front of a wall; for all others the object array "
        "gives the same floats"),
    "analysis.setbacks.x__parcel_violations__mutmut_96": (
        "share = shapely.area(shapely.intersection(outside_bad[qi], local[qj])) if (len(qi)) or True else np.zeros(0)",
        "with no pairs shapely returns the same empty float array that np.zeros(0) is"),
    "analysis.setbacks.x__compute__mutmut_465": (
        "match = ((cos_az >= math.cos(math.radians(30.0)))",
        "differs only for a roof face whose azimuth is 30° off the wall's normal to the last bit of "
        "the cosine; 30° is the module's tolerance for 'looks the same way', not a statutory limit"),
    "analysis.setbacks.x__parcel_violations__mutmut_112": (
        "if a >= OVERLAP_TOLERANCE_M2 and a > best.get(i, (None, 0.0))[1]:",
        "differs only for a share equal to the float 0.01 (m², the noise floor) to the last bit, and "
        "then only in which neighbouring parcel is named, never in whether there is a conflict"),
    "analysis.setbacks.x_compute_setbacks__mutmut_2": (
        'def compute_setbacks(model: CityModel, rule="AUTO", parcels=None, lod: str | None = None,',
        "a string rule is compared lower-cased (rule.lower() == \"auto\"), so \"AUTO\" is the same default"),
    "analysis.setbacks.x__compute__mutmut_393": (
        "r_tilt = np.degrees(np.arccos(np.clip(ru[:, 2], None, 1.0)))",
        "ru was turned to face up the line before (ru[:, 2] < 0 flipped), so the lower clip bound 0 is "
        "never reached (-0.0 gives the same 90°)"),
    "analysis.setbacks.x__compute__mutmut_400": (
        "r_tilt = np.degrees(np.arccos(np.clip(ru[:, 2], 0.0, 2.0)))",
        "the z component of a unit normal divided by its own np.linalg.norm never exceeds 1 (rounding "
        "is monotone), so the upper clip bound is never reached"),
    "analysis.setbacks.x_polygon_centroids_xy__mutmut_24": (
        "m = c[:, :, :3].mean(axis=1)",
        "only the columns 0 and 1 (x, y) of m are read"),
    "analysis.setbacks.x_polygon_centroids_xy__mutmut_6": (
        "a = 1.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1)",
        "scales every triangle weight alike; the weighted mean (Σ a·m / Σ a) does not change"),
    "analysis.metrics.x_compute_metrics__mutmut_153": (
        "has_ground = np.bincount(pair_row, weights=is_ground.astype(None), minlength=n) > 0",
        "astype(None) is astype(float64), the same as astype(float)"),
    "analysis.samples.x_sample_surfaces__mutmut_88": (
        "fold = r1 + r2 >= 1.0",
        "differs only where r1 + r2 is exactly 1 (the R2 lattice gives r1 + r2 = frac(1 + (k+1)·g) with the "
        "irrational plastic number g, never an integer); such a point lies on the triangle's edge either way"),
    "analysis.shadow.x_surface_shadow__mutmut_2": (
        "d = np.asarray(direction, dtype=np.float64).reshape(None)",
        "numpy's reshape(None) keeps the shape, and the direction is passed as a (3,) vector"),
    "analysis.casters.x_first_casters__mutmut_23": (
        "sl = slice(None, start + block)",
        "every block recomputes the samples before it as well and writes the same values again; only "
        "slower"),
    "analysis.shadow.x_surface_shadow__mutmut_18": (
        "n = np.asarray(normals, dtype=np.float64).reshape(-2, 3)",
        "numpy (2.x) treats any negative size in reshape as the one unknown dimension, like -1"),
    "analysis.shadow.x_surface_shadow__mutmut_55": (
        "out[sel] = rc.occluded(offset_points(pts[sel], n[sel], ), d)",
        "offset_points' default lift is 0.01 m, the value of SURFACE_LIFT_M the call passes"),
    "analysis.ground_grid.x_ground_grid__mutmut_73": (
        "s = np.asarray(shadow_vector_xy, )",
        "s is only used in new arrays (s · factor, np.minimum/maximum with floats), never in place, so "
        "integer input gives the same float64 extents"),
    "analysis.sightline.x_clearance_profile__mutmut_8": (
        "p0 = np.asarray(p0, )",
        "p0 only enters arithmetic with float arrays (p1 − p0 after p1 became float64, p0 + s·u), never an "
        "in-place operation, so integer input gives the same float64 results"),
    "analysis.sightline.x_trace_lines__mutmut_13": (
        "t = np.atleast_2d(np.asarray(targets, ))",
        "targets only enter t − o with the float64 origins (no in-place operation): integer input gives "
        "the same float64 vectors"),
    "analysis.blockers.x__near_pairs__mutmut_40": (
        "reach = radius[None] / plan",
        "plan ≤ 1 for unit directions, so radius / plan ≥ radius · plan: the broad phase only keeps more "
        "candidate boxes, which the exact slab test (_segment_box_pairs) then rejects"),
    "analysis.blockers.x_segment_blockers__mutmut_60": (
        "per = max(1, (1 >> 22) // max(len(ix.tile_lo), 1))  # lines per tile test (≤ 4 M pairs)",
        "only the batch size changes (one line per batch instead of up to 4 M pairs); each line is "
        "traced the same way"),
    "analysis.blockers.x_segment_blockers__mutmut_58": (
        "per = max(2, (1 << 22) // max(len(ix.tile_lo), 1))  # lines per tile test (≤ 4 M pairs)",
        "only the batch size changes, and only with more than 2 M object tiles (two lines per batch "
        "instead of one); each line is traced the same way"),
    "analysis.blockers.x__pairs_entry__mutmut_6": (
        "return np.zeros((0, 4))",
        "unreachable: segment_blockers calls _pairs_entry only inside `for b in range(0, len(li), "
        "_PAIR_CHUNK)`, never with an empty chunk of pairs"),
    "analysis.blockers.x__inside_entry__mutmut_204": (
        "ok = hi >= lo",
        "an interval with hi == lo adds a +1 and a −1 event at the same s: the stretches between events "
        "at one s have length 0 and are skipped (nxt_s − ev_s > 1e-7), and after them the count is "
        "as before, so no stretch of positive length changes its parity"),
    "analysis.blockers.x__object_index__mutmut_204": (
        "non_vertical = np.abs(nz) >= _NON_VERTICAL_NZ",
        "differs only for a face whose unit normal has |n_z| exactly 1e-6 (tilted 5.7e-5° from "
        "vertical); a vertical ray meets such a face only within its 1e-6-wide plan projection, and "
        "the method's tolerance treats faces that steep either way (the threshold is the tolerance)"),
    "analysis.blockers.x__plan_overlap__mutmut_24": (
        "flat = None",
        "on an axis where the direction is 0, 1/d = ±inf already makes (lo − pad − o)·inv and "
        "(hi + pad − o)·inv −inf/+inf inside the box and equal signs outside, as the flat branch does; "
        "they differ only when o lies exactly on lo − pad or hi + pad (0·inf = NaN), 1 µm outside a "
        "cluster box, which float coordinates of real lines do not hit"),
    "analysis.blockers.x__inside_entry__mutmut_251": (
        "inside = (count % 2 == 1) & same & (nxt_s - ev_s >= 1e-7)",
        "differs only for an odd-parity stretch exactly 1e-7 m long, the tolerance itself"),
    "analysis.blockers.x__object_index__mutmut_25": (
        "np.minimum.at(lo, obj, c.min(axis=2))",
        "each corner's smallest coordinate is at most its x, y and z, so the object boxes only grow: "
        "the box test is a broad phase, and a face crossing or an inside stretch is found on the "
        "object's own triangles, which lie in the true box (outside it no face lies above the line)"),
    "analysis.blockers.x__object_index__mutmut_49": (
        "tile = np.floor((0.5 * (lo[:, :2] + hi[:, :2]) - lo[present, :2].min(axis=0, )) / _TILE_M)",
        "initial=0.0 matters only with no object present (unreachable: segment_blockers returns for a "
        "scene without triangles) and otherwise only shifts the tile grid; tiles merely group objects "
        "for the coarse test, each tile box computed from its own objects' boxes"),
    "analysis.blockers.x__segment_box_pairs__mutmut_45": (
        "inside = (oo >= lo[ki] - pad) | (oo <= hi[ki] + pad)",
        "keeps (line, object) pairs whose line runs parallel to an axis outside the box on it: only "
        "the coarse box test widens; the exact face and inside tests of _pairs_entry find nothing on "
        "such a line, which never comes near the object's triangles"),
    "analysis.blockers.x__segment_box_pairs__mutmut_41": (
        "flat = None                                    # parallel to the slab: inside or never",
        "for a zero direction component 1/d = ±inf already gives t0, t1 = ∓inf/±inf inside the "
        "slab and equal infinities outside it, as the flat branch does; only with the line exactly on "
        "the padded boundary (1 mm outside the box) is 0·inf = NaN, which drops the pair, and such a "
        "line meets none of the object's triangles"),
    "analysis.blockers.x__segment_box_pairs__mutmut_51": (
        "t_near = np.where(None, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1))",
        "for a zero direction component 1/d = ±inf already gives t0, t1 = ∓inf/±inf inside the "
        "slab and equal infinities outside it, as the flat branch does; only with the line exactly on "
        "the padded boundary (1 mm outside the box) is 0·inf = NaN, which drops the pair, and such a "
        "line meets none of the object's triangles"),
    "analysis.sightline.x_clearance_profile__mutmut_68": (
        "top = float(scene.bounds[1, 2]) + 10.0 if scene.n_triangles else 11.0",
        "the probes of a scene without triangles hit nothing from any start height above the line"),
    "analysis.sightline.x_clearance_profile__mutmut_94": (
        "h = rc.first_hit(start, np.array([0.0, 0.0, -2.0]))",
        "the ray core normalises directions (analysis.raycast._Rays): the same downward rays, and "
        "only the hit points are used"),
    "analysis.blockers.x__inside_entry__mutmut_111": (
        "along = (np.abs(beta) < 1e-12 * size) & (np.abs(alpha) <= 1e-9 * size)",
        "differs only when |beta| is exactly 1e-12·size, the tolerance itself; a segment exactly "
        "parallel to the edge has beta = 0 and is 'along' either way"),
    "analysis.blockers.x__object_index__mutmut_24": (
        "np.minimum.at(lo, obj, c.min(axis=None))",
        "the smallest coordinate of the whole scene is at most every object's x, y and z minimum, so "
        "the object boxes only grow: a broad phase, the exact face and inside tests decide"),
    "analysis.blockers.x__pairs_entry__mutmut_147": (
        "u, v, s = (np.where(ok, x, -2.0) for x in (u, v, s))",
        "the filler for a zero determinant only has to fail u >= -eps; -2 does as -1 does"),
    "analysis.blockers.x__near_pairs__mutmut_59": (
        "near = (along >= -reach) & (along <= (tmax[:, None] * plan) * plan + reach)",
        "drops the plan-distance condition of the coarse tile test, which then keeps more (line, tile) "
        "pairs; the exact slab test per object and the face and inside tests decide, so only slower"),
    "analysis.sightline.x_clearance_profile__mutmut_77": (
        "top = max(top, float(pts[:, 2].max()) + 11.0)",
        "the start height of the downward probes only has to lie above the scene and the line; 11 m "
        "above them serves as well as 10 m"),
    "analysis.blockers.x__object_index__mutmut_183": (
        "cl_hi = np.maximum.reduceat(tri_hi[order], cl_start, axis=0) if len(order) else np.zeros(None)",
        "the else branch needs a scene without triangles, for which segment_blockers returns before "
        "it builds the index"),
    "analysis.blockers.x__object_index__mutmut_127": (
        "cell = np.floor((c[:, :, :2].mean(axis=1) + tri_lo.min(axis=0)) / _CLUSTER_CELL_M).astype(np.int64)",
        "the cells only group each object's triangles into clusters for the broad phase; every cluster's "
        "plan box is computed from its own triangles (cl_lo/cl_hi), so a grid shifted by another offset "
        "is as valid a partition, and every triangle whose box a segment meets is still tested exactly"),
    "analysis.blockers.x__object_index__mutmut_102": (
        "tile_lo = np.minimum.reduceat(lo[tile_objects], tile_start, axis=0) if len(tk) else np.zeros((0, 4))",
        "only for a scene without objects; the tile boxes are read in their plan columns 0–1 only "
        "(_near_pairs), so an empty (0, 4) array behaves as (0, 3)"),
    "analysis.blockers.x__plan_overlap__mutmut_5": (
        'with np.errstate(divide="ignore", ):',
        "errstate only silences numpy's RuntimeWarning for 0·inf on axis-parallel segments; the values "
        "computed (NaN, then replaced by the flat-axis branch) are the same"),
    "analysis.blockers.x__pairs_entry__mutmut_136": (
        's = np.einsum("IJ,IJ->I", e2, qv) * inv',
        "einsum subscripts are labels: upper-case letters name the same contraction"),
    "analysis.ground_grid.x_terrain_near_field__mutmut_51": (
        "return NearField(caster=near, near_m=TERRAIN_NEAR_M if (near is not None) and False else 0.0, normals=normals,",
        _NEAR_FIELD_OFF),
    "analysis.ground_grid.x_terrain_near_field__mutmut_27": (
        "if TERRAIN_NEAR_M >= 0 and rc.near_field:",
        "differs only with TERRAIN_NEAR_M = 0: the terrain-free caster is then built but near_m = 0, so "
        "first_casters traces nothing in it (tmax 0) and the rest of every ray from 0 m in the full scene, "
        "and visible_sum ignores a near field of 0 m; the same rays as without it"),
    "analysis.shadow.x__sun_hours__mutmut_53": ("near_field=None)", _NEAR_FIELD_OFF),
    "analysis.shadow.x__sun_hours__mutmut_59": (")", _NEAR_FIELD_OFF),
    "analysis.shadow.x__sun_hours__mutmut_60": (
        "near_field=(near.caster, near.near_m) if (near.caster is not None) and False else None)", _NEAR_FIELD_OFF),
    "analysis.shadow.x__sun_hours__mutmut_61": (
        "near_field=(near.caster, near.near_m) if (near.caster is not None) or True else None)",
        "passes (None, 0.0) instead of None when there is no near-field caster, which visible_sum treats "
        "as no near field (it needs a caster and near_m > 0)"),
    "analysis.shadow.x__sun_hours__mutmut_62": (
        "near_field=(near.caster, near.near_m) if near.caster is None else None)",
        "with a caster no near field is used (" + _NEAR_FIELD_OFF + "); without one (None, 0.0) is passed, "
        "which visible_sum treats as no near field"),
    "analysis.shadow.x__sun_hours__mutmut_27": (
        "up = sun.elevation_deg >= 0",
        "differs only at an instant whose apparent elevation (pvlib SPA, float64) is exactly 0.0°; "
        "refraction-corrected elevations of clock times never hit it, and such a sun would be a "
        "horizontal ray along the ground"),
    "analysis.samples.x_sample_surfaces__mutmut_27": (
        "keep &= np.asarray(objects, dtype=None)[scene.object_index]",
        "objects is a bool mask (documented, and RayCaster.enabled_objects where the analyses pass "
        "it), which asarray without a dtype keeps as bool"),
    "analysis.casters.x_first_casters__mutmut_14": (
        "obj = np.full(len(points), -2, dtype=np.int32)",
        "the fill is never read: every block assigns obj[sl] for all its rays (the ray core's -1 where "
        "nothing is hit)"),
    "analysis.ground_grid.x_ground_grid__mutmut_16": (
        "origin = np.asarray(scene.origin, dtype=None)",
        "Scene.__post_init__ already stores the origin as float64"),
    "analysis.samples.x_sample_surfaces__mutmut_72": (
        "r1 = (1.5 + (k + 1) / g) % 1.0",
        "adds a whole 1 before taking the fraction: the same R2 lattice coordinate (to rounding)"),
    "analysis.shadow.x__sun_hours__mutmut_75": (
        "hours_ground = rc.visible_sum(pts, dirs[up], weights[up], progress=progress) if n_ground else np.zeros(1)",
        "without ground samples grid.active selects no cell, and a length-1 array assigned to an empty "
        "selection broadcasts to nothing"),
    "analysis.shadow.x_surface_shadow__mutmut_4": (
        "d = np.asarray(direction, dtype=None).reshape(3)",
        "the direction is only multiplied with the float64 normals and handed to the ray core, which "
        "converts it: a float vector stays float64 and an integer one gives the same products"),
    "analysis.shadow.x_surface_shadow__mutmut_41": (
        "for start in range(0, len(facing), ):",
        "blocks then start at every point and overlap: each point is traced again by the later blocks "
        "and written with the same value; only (much) slower"),
    "analysis.ground_grid.x_terrain_free_caster__mutmut_3": (
        "return RayCaster(scene.select(scene.surface_type != TERRAIN), threads=None)",
        "the thread count only splits the rays into chunks run in parallel (RayCaster._run_chunks); "
        "every ray is traced the same way, with the default thread count as with the caller's"),
}


def owned(name: str, code: dict) -> bool:
    """True when the mutant ``name`` (``analysis.samples.x_facade_points__mutmut_3``, a method
    ``analysis.samples.xǁFacadePointsǁsubset__mutmut_1``) lies in code that ``code`` assigns to the
    module."""
    for path, names in code.items():
        prefix = path[:-3].replace("/", ".") + "."
        if not name.startswith(prefix):
            continue
        if names is None:
            return True
        rest = name[len(prefix):]
        top = rest[2:].split("__mutmut_")[0] if rest.startswith("x_") else rest[2:].split("ǁ")[0]
        return top in names
    return False


#: decorators that make mutmut skip a function (it mutates no decorated function) and that can be
#: applied by assignment after it instead, with the same behaviour
UNWRAP = ("cached", "property")


def undecorate(source: str) -> str:
    """``source`` with each ``@cached`` / ``@property`` function written as the plain function
    followed by ``name = cached(name)`` (``property(name)``): the same module, but mutmut, which
    leaves decorated functions alone, mutates these too (the per-model caches of derived data, the
    results' computed attributes)."""
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.FunctionDef) and len(node.decorator_list) == 1
                and isinstance(node.decorator_list[0], ast.Name) and node.decorator_list[0].id in UNWRAP):
            deco = node.decorator_list[0]
            indent = lines[node.lineno - 1][:node.col_offset]
            edits.append((deco.lineno, node.end_lineno, f"{indent}{node.name} = {deco.id}({node.name})\n"))
    for deco_line, end_line, assign in sorted(edits, reverse=True):
        lines.insert(end_line, assign)
        del lines[deco_line - 1]
    return "".join(lines)


def _env() -> dict:
    """The environment of the mutmut runs: the shared data, and no display of any kind."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY")}
    data = Path(env.get("STADTBILD_DATA", ROOT.parent / "shared" / "data")).resolve()
    env.update(STADTBILD_DATA=str(data), STADTBILD_SCHEMAS=str(data.parent / "schemas"), PYTHONHASHSEED="0",
               STADTBILD_TEST_DESKTOP="0", QT_QPA_PLATFORM="offscreen",
               VTK_DEFAULT_OPENGL_WINDOW="vtkEGLRenderWindow")
    return env


def _group_members(pgid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,pgid="], capture_output=True, text=True).stdout
    return [int(p) for p, g in (line.split() for line in out.splitlines()) if int(g) == pgid]


def _mutmut(args, cwd, env, check=True, leftovers: list | None = None):
    """Run mutmut in a process group of its own; afterwards end whatever of that group is still
    alive (counted into ``leftovers``)."""
    exe = os.environ.get("MUTMUT", "mutmut")
    proc = subprocess.Popen(["nice", "-n", "10", exe, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate()
    finally:
        left = _group_members(proc.pid)
        if left:
            os.killpg(proc.pid, signal.SIGTERM)
            time.sleep(2)
            if _group_members(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
        if leftovers is not None:
            leftovers += left
    if check and proc.returncode not in (0, 1):
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        raise SystemExit(f"mutmut {' '.join(args[:1])} failed ({proc.returncode})")
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _results(cwd, env) -> dict[str, str]:
    """{mutant name: status} from ``mutmut results --all true``."""
    out = _mutmut(["results", "--all", "true"], cwd, env).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+):\s*(.+?)\s*$", line)
        if m and "__mutmut_" in m.group(1):
            res[m.group(1)] = m.group(2)
    return res


def setup_cfg(target: Target) -> str:
    def lines(key, values):
        return [f"{key}=", *(f"    {v}" for v in values)]

    pytest_args = [*target.tests, "-k", target.selection, "-m", "not gui and not slow", "-p", "no:xvfb",
                   "-p", "no:cacheprovider", "-p", "no:warnings"]
    sources = [NAMESPACE.replace(".", "/") + path for path in target.code]
    return "\n".join(["[mutmut]", *lines("source_paths", sources), *lines("also_copy", COPY),
                      *lines("pytest_add_cli_args_test_selection", pytest_args)]) + "\n"


def _diff_added(name: str, cwd, env) -> list[str]:
    out = _mutmut(["show", name], cwd, env, check=False).stdout
    return [line[1:].strip() for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]


def _previous(report_path: str | None, module: str, sha: str, files) -> dict[str, str]:
    """The verdicts of an earlier report of ``module`` that still hold at ``sha``: only when none of
    the mutated files changed in between (then the mutants are the same and a test that killed one
    still kills it; tests were only added)."""
    if not report_path:
        return {}
    old = json.loads(Path(report_path).read_text())
    if old["module"] != module:
        raise SystemExit(f"{report_path} measured {old['module']}, not {module}")
    same = subprocess.run(["git", "diff", "--quiet", old["commit"], sha, "--", *files], cwd=ROOT).returncode == 0
    if not same:
        raise SystemExit(f"the mutated files changed since {old['commit'][:7]}: measure afresh")
    return old["verdicts"]


def run(module: str, sample: int | None, seed: int, commit: str, jobs: int, rerun: str | None = None) -> dict:
    """Measure ``module``; with ``rerun`` (an earlier report's JSON) only its undetected mutants run
    again and its detected ones keep their verdict."""
    target = MODULES[module]
    base = Path(os.environ.get("STADTBILD_MUTATION_DIR", Path(tempfile.gettempdir()) / "stadtbild-mutation"))
    tree = base / module
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    sha = subprocess.run(["git", "rev-parse", commit], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    previous = _previous(rerun, module, sha, list(target.code))
    archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    pkg = tree / NAMESPACE.rstrip(".")
    for layer in LAYERS:
        (tree / layer).rename(pkg / layer)
    # the code finds resources/ beside its layer folders (model.resources: setbacks' GeoNames
    # places, the app's demo district), as in the repository and in a wheel
    (pkg / "resources").symlink_to(Path("..") / "resources", target_is_directory=True)
    missing = [f for f in target.code if not (pkg / f).exists()]
    if missing:
        raise SystemExit(f"{module}: {', '.join(missing)} not in {sha[:7]} (update MODULES after a split)")
    for f in target.code:
        (pkg / f).write_text(undecorate((pkg / f).read_text()))
    (tree / "setup.cfg").write_text(setup_cfg(target))
    env = _env()
    leftovers: list[int] = []
    started = time.monotonic()
    # generate the mutants and the test map (a name that matches no mutant runs none)
    _mutmut(["run", "--max-children", str(jobs), "no-such-mutant"], tree, env, check=False, leftovers=leftovers)
    names = sorted(n for n in _results(tree, env) if owned(short(n), target.code))
    if not names:
        raise SystemExit(f"mutmut generated no mutants for {module} (see {tree})")
    chosen = names if not sample or sample >= len(names) else sorted(random.Random(seed).sample(names, sample))
    to_run = [n for n in chosen if previous.get(short(n)) not in DETECTED]
    for start in range(0, len(to_run), 200):  # keep the command line short
        out = _mutmut(["run", "--max-children", str(jobs), *to_run[start:start + 200]], tree, env, check=False,
                      leftovers=leftovers)
    status = _results(tree, env)
    if to_run and all(status.get(n, "not checked") == "not checked" for n in to_run):
        # mutmut runs no mutant when the tests fail on the unmutated tree: say why, not "0 % killed"
        sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
        raise SystemExit(f"mutmut checked none of the {len(to_run)} mutants of {module}: the tests fail "
                         f"on the unmutated scratch tree {tree} (output above)")
    picked = {short(n): previous[short(n)] if n not in to_run else status.get(n, "not checked") for n in chosen}
    stale = {}
    for n, verdict in picked.items():
        if verdict in DETECTED or n not in EQUIVALENT:
            continue
        line, _reason = EQUIVALENT[n]
        if line in _diff_added(NAMESPACE + n, tree, env):
            picked[n] = "equivalent"
        else:
            stale[n] = line
    counts: dict[str, int] = {}
    for s in picked.values():
        counts[s] = counts.get(s, 0) + 1
    killed = sum(counts.get(k, 0) for k in DETECTED)
    checked = sum(v for k, v in counts.items() if k not in ("not checked", "skipped", "equivalent"))
    rate = killed / checked if checked else 0.0
    fpc = ((len(names) - checked) / (len(names) - 1)) ** 0.5 if checked and len(names) > 1 else 0.0
    report = {"module": module, "files": {f: (list(v) if v else "all") for f, v in target.code.items()},
              "tests": list(target.tests), "selection": target.selection, "commit": sha,
              "mutants_total": len(names), "mutants_run": checked, "sample": bool(sample and sample < len(names)),
              "seed": seed, "counts": counts, "detected": killed, "kill_rate": round(rate, 4),
              "kill_rate_stderr": round(fpc * (rate * (1 - rate) / checked) ** 0.5, 4) if checked else None,
              "rerun_of": rerun, "rerun": len(to_run),
              "minutes": round((time.monotonic() - started) / 60, 1), "leftover_processes": len(leftovers),
              "survivors": {n: s for n, s in sorted(picked.items()) if s not in (*DETECTED, "not checked", "equivalent")},
              "equivalent": {n: EQUIVALENT[n][1] for n, s in picked.items() if s == "equivalent"},
              "stale_equivalents": stale, "verdicts": picked, "folder": str(tree)}
    (base / f"{module}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("modules", nargs="+", choices=sorted(MODULES))
    p.add_argument("--sample", type=int, default=None, help="run a seeded random sample of N mutants")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--commit", default="main", help="the commit to measure (default: main)")
    p.add_argument("--rerun", default=None, help="an earlier report (JSON) of the same module: run only its "
                   "undetected mutants again (same --sample and --seed)")
    p.add_argument("--jobs", type=int, default=1, help="parallel mutant runs (default 1: the machine is shared)")
    args = p.parse_args(argv)
    for module in args.modules:
        report = run(module, args.sample, args.seed, args.commit, args.jobs, args.rerun)
        print(json.dumps({k: v for k, v in report.items() if k not in ("survivors", "verdicts")}
                         | {"survivors": len(report["survivors"])},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
